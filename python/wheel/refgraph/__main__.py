"""``python -m refgraph ARGS`` and the ``refgraph`` console command: replace
this Python process with the analyzer binary (exec), so its exit status,
signals and output are the binary's own."""
import os
import signal
import sys

from refgraph import binary


def main():
    exe = binary()
    # Python ignores SIGPIPE and SIGXFSZ at start-up, and an ignored signal
    # stays ignored across exec: give the binary the defaults a shell gives
    # it (`refgraph top DUMP | head` ends quietly, as the binary run directly).
    for name in ('SIGPIPE', 'SIGXFSZ'):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:
        os.execv(exe, [exe] + sys.argv[1:])
    except OSError as e:
        sys.stderr.write('refgraph: cannot run the analyzer %s: %s\n' % (exe, e.strerror or e))
        return 2


if __name__ == '__main__':
    sys.exit(main())
