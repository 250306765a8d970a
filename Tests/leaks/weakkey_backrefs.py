# A middleware attaches metadata to each request in a
# weakref.WeakKeyDictionary, so that the metadata would go away with the
# request. But the metadata keeps a reference to its request (for log
# messages): the value keeps its own key alive, and no entry ever dies.
#
# From the report:
#   https://github.com/python/cpython/issues/88846
#     (bpo-44680, "Reference cycles from a WeakKeyDictionary value to its key
#     aren't collected")
#
# applies: 2.7, 3.6+
# usage: python weakkey_backrefs.py OUTDIR
import weakref

import leakkit

out = leakkit.start()

REQUESTS_PER_ROUND = 500


class Request(object):
    def __init__(self, n):
        self.method = 'PUT'
        self.path = '/files/%06d' % n
        self.headers = {'Host': 'files.example', 'Content-Type': 'application/octet-stream',
                        'Content-Length': '8192', 'X-Request-Id': '%032x' % n}
        self.body = (('%06d:' % n) * 1366)[:8192].encode('ascii')


class RequestMeta(object):
    def __init__(self, request, n):
        self.request = request  # the bug: a strong reference back to the key
        self.started = n * 0.001
        self.tags = ['upload', 'tenant-%d' % (n % 40)]


request_meta = weakref.WeakKeyDictionary()


def handle(n):
    request = Request(n)
    request_meta[request] = RequestMeta(request, n)
    return len(request.body)


def serve(first, count):
    for n in range(first, first + count):
        handle(n)


for rnd in (1, 2, 3):
    serve((rnd - 1) * REQUESTS_PER_ROUND, REQUESTS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'request_meta (the WeakKeyDictionary)',
    holder_objects=lambda: [request_meta],
    clear=request_meta.clear,
    dropped=lambda: list(request_meta.data.keys()) + list(request_meta.data.values()),
    container=lambda: request_meta.data,
    leak_types=['__main__.Request', '__main__.RequestMeta', 'weakref', 'dict', 'bytes', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
