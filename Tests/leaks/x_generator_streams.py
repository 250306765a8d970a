# A streaming endpoint returns a generator that yields a CSV export in chunks;
# the server registers each stream in _active_streams so that it can be
# resumed when the client asks for the next chunk, and removes it only when
# the generator is exhausted. Clients that read the first chunk and go away
# leave their generator suspended at its first yield, forever: its frame keeps
# the query's rows and its 8 kB write buffer.
#
# From the reports:
#   https://github.com/quantmind/pulsar/issues/47
#     ("Memory leaks in generators": suspended response generators kept by
#     the mailbox)
#   https://github.com/python/cpython/issues/118272
#     ("Generator .close does not release resources": a suspended generator's
#     frame keeps its locals, a big set, alive)
#
# applies: 2.7, 3.6+
# usage: python x_generator_streams.py OUTDIR
import leakkit

out = leakkit.start()

STREAMS_PER_ROUND = 500
_active_streams = {}


def fetch_rows(query_id):
    return [(query_id * 1000 + i, 'customer-%05d' % ((query_id + i) % 10000), '%d.%02d' % (i * 3, i % 100))
            for i in range(40)]


def csv_stream(query_id):
    rows = fetch_rows(query_id)
    buffer = bytearray(8192)
    header = ('id,customer,amount  # export %d\n' % query_id).encode('ascii')
    buffer[:len(header)] = header
    yield bytes(buffer[:len(header)])
    for row in rows:
        yield ('%d,%s,%s\n' % row).encode('ascii')


def open_stream(stream_id, query_id):
    gen = csv_stream(query_id)
    _active_streams[stream_id] = gen
    return next(gen)  # the first chunk; the client never asks for the next


def serve(first, count):
    for n in range(first, first + count):
        open_stream('stream-%06d' % n, n)


for rnd in (1, 2, 3):
    serve((rnd - 1) * STREAMS_PER_ROUND, STREAMS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, '_active_streams (suspended export generators)',
    holder_objects=lambda: [_active_streams],
    clear=_active_streams.clear,
    dropped=lambda: list(_active_streams.keys()) + list(_active_streams.values()),
    container=lambda: _active_streams,
    leak_types=['generator', 'frame', 'list', 'tuple', 'bytearray', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
