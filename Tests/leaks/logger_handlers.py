# A request handler shows the log lines of its own request in a debug panel:
# it adds a StreamHandler writing to a fresh StringIO to the 'app' logger, and
# never removes it. The logger keeps every handler ever added, and every later
# request's lines go to all of them, so each StringIO keeps growing too.
#
# From the reports:
#   https://github.com/PaddleHQ/paddle-python-sdk/issues/144
#     ("Memory leak: Client.null_logger() adds a new NullHandler on every
#     instantiation": handlers accumulate on a shared logger)
#   https://github.com/malariagen/malariagen-data-python/pull/949
#     ("prevent logging handler accumulation": getLogger returns a singleton,
#     addHandler is unconditional)
#
# Python 3 writes to io.StringIO (its text lives in C, outside sys.getsizeof);
# Python 2.7 code of that era used StringIO.StringIO (a list of str chunks).
#
# applies: 2.7, 3.6+
# usage: python logger_handlers.py OUTDIR
import logging
import sys

import leakkit

if sys.version_info[0] == 2:
    from StringIO import StringIO
else:
    from io import StringIO

out = leakkit.start()

REQUESTS_PER_ROUND = 150
log = logging.getLogger('app')
log.setLevel(logging.INFO)
log.propagate = False


def handle_request(n):
    capture = StringIO()
    handler = logging.StreamHandler(capture)
    handler.setFormatter(logging.Formatter('%(levelname)s %(name)s: %(message)s'))
    log.addHandler(handler)  # the bug: no removeHandler() when the request ends
    log.info('GET /orders/%d from 10.0.%d.%d', n, n // 256 % 256, n % 256)
    log.info('order %d: %d lines, total %d.%02d EUR', n, n % 9 + 1, n % 900, n % 100)
    debug_panel = capture.getvalue()
    return len(debug_panel)


def serve(first, count):
    for n in range(first, first + count):
        handle_request(n)


def clear():
    del log.handlers[:]


for rnd in (1, 2, 3):
    serve((rnd - 1) * REQUESTS_PER_ROUND, REQUESTS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, "logging.getLogger('app').handlers",
    holder_objects=lambda: [log.handlers],
    clear=clear, dropped=lambda: list(log.handlers), container=lambda: log.handlers,
    leak_types=['logging.StreamHandler', StringIO.__module__ + '.StringIO', 'dict', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
