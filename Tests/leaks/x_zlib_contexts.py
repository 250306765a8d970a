# A websocket server negotiates permessage-deflate and keeps each
# connection's compression context -- a zlib compressobj and decompressobj
# with context takeover, about 300 kB of zlib state in C -- in a registry
# keyed by connection id. Closing a connection never removes its entry. The
# Python objects are tiny (a few hundred bytes per connection); the memory is
# in the zlib streams they own.
#
# From the reports:
#   https://github.com/python-websockets/websockets/issues/896
#     ("compression causes indefinite memory growth": tracemalloc shows
#     permessage_deflate.py growing after close())
#   https://github.com/Kludex/uvicorn/issues/1862
#     ("DeflatePerMessage VS memory consumption": self.encoder =
#     zlib.compressobj grows to 250+ MB for ~5000 sockets)
#
# applies: 3.6+ (the truth must see C allocations: tracemalloc traces zlib's
# PyMem_RawMalloc; 2.7's reachability truth, by sys.getsizeof, cannot)
# usage: python x_zlib_contexts.py OUTDIR
import zlib

import leakkit

out = leakkit.start()

CONNECTIONS_PER_ROUND = 18


class PerMessageDeflate(object):
    def __init__(self, conn_id, max_window_bits=15):
        self.conn_id = conn_id
        self.encoder = zlib.compressobj(6, zlib.DEFLATED, -max_window_bits)
        self.decoder = zlib.decompressobj(-max_window_bits)
        self.frames_in = self.frames_out = 0

    def encode(self, data):
        self.frames_out += 1
        return self.encoder.compress(data) + self.encoder.flush(zlib.Z_SYNC_FLUSH)[:-4]

    def decode(self, data):
        self.frames_in += 1
        return self.decoder.decompress(data + b'\x00\x00\xff\xff')


extensions = {}  # connection id -> PerMessageDeflate, never removed on close


def connection(n):
    ext = extensions['conn-%05d' % n] = PerMessageDeflate(n)
    for i in range(20):
        msg = ('{"type": "quote", "conn": %d, "seq": %d, "bid": %d.%02d}' % (n, i, 100 + i, n % 100)).encode('ascii')
        assert ext.decode(ext.encode(msg)) == msg
    # the client closes; the server forgets to drop the extension


def serve(first, count):
    for n in range(first, first + count):
        connection(n)


for rnd in (1, 2, 3):
    serve((rnd - 1) * CONNECTIONS_PER_ROUND, CONNECTIONS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'extensions (the registry of closed connections\' deflate contexts)',
    holder_objects=lambda: [extensions],
    clear=extensions.clear,
    leak_types=['__main__.PerMessageDeflate', 'zlib.Compress', 'zlib.Decompress'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
