"""``python -m refgraph ARGS`` and the ``refgraph`` console command: replace
this Python process with the analyzer binary (exec), so its exit status,
signals and output are the binary's own."""
import os
import sys

from refgraph import binary


def main():
    exe = binary()
    try:
        os.execv(exe, [exe] + sys.argv[1:])
    except OSError as e:
        sys.stderr.write('refgraph: cannot run the analyzer %s: %s\n' % (exe, e.strerror or e))
        return 2


if __name__ == '__main__':
    sys.exit(main())
