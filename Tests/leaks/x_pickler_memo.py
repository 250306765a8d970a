# An event shipper streams records to a collector over one long-lived socket
# with one pickle.Pickler, created at connect time and reused for every
# record. Nothing calls Pickler.clear_memo(): the pickler's memo keeps a
# reference to every object it ever pickled (so it can write a back-reference
# if the same object comes again), and every record -- its 4 kB payload, its
# tags, its host string -- stays alive as long as the connection.
#
# From the reports:
#   https://github.com/python/cpython/issues/125756
#     ("clear_memo ... is needed when reusing Pickler objects"; the memo keeps
#     objects that were pickled, even ones never written to the output)
#   https://github.com/python/cpython/pull/125762
#     ("Document Pickler.clear_memo": "When reusing picklers, this method
#     should be called after every call to dump")
#
# On Python 3.6-3.10 the C pickler's memo (a C hash table) is not visited by
# gc: the records it keeps are held only from C. On 3.11+ it is visited; on
# 2.7 cPickle keeps it in a dict.
#
# applies: 2.7, 3.6+
# usage: python x_pickler_memo.py OUTDIR
import sys

try:
    import cPickle as pickle
    PROTOCOL = 2
except ImportError:
    import pickle
    PROTOCOL = pickle.HIGHEST_PROTOCOL

import leakkit

out = leakkit.start()

RECORDS_PER_ROUND = 1100


class SocketSink(object):
    """Stands for the socket's makefile('wb'): counts what was sent."""
    def __init__(self):
        self.sent = 0
        self.frames = 0

    def write(self, data):
        self.sent += len(data)
        self.frames += 1


class Shipper(object):
    def __init__(self, host):
        self.host = host
        self.sink = SocketSink()
        self.pickler = pickle.Pickler(self.sink, PROTOCOL)

    def ship(self, record):
        self.pickler.dump(record)  # the memo is never cleared


def make_record(n):
    payload = ('%08d|' % n).encode('ascii') * 455  # about 4 kB of serialized trace data
    return {'seq': n, 'host': 'web-%02d.internal' % (n % 40), 'level': 'INFO',
            'tags': ['service:checkout', 'shard:%d' % (n % 16), 'req:%08x' % (n * 2654435761 % 2 ** 32)],
            'payload': payload}


shipper = Shipper('collector.internal:5170')


def run(first, count):
    for n in range(first, first + count):
        shipper.ship(make_record(n))


for rnd in (1, 2, 3):
    run((rnd - 1) * RECORDS_PER_ROUND, RECORDS_PER_ROUND)
    leakkit.dump(out, rnd)


def memo_refs():
    # 2.7 cPickle: memo is a dict id(obj) -> (index, obj); the clear drops keys and values
    m = shipper.pickler.memo
    return list(m.keys()) + list(m.values())


t = leakkit.finish(
    out, 'shipper.pickler (the reused Pickler and its memo)',
    holder_objects=lambda: [shipper.pickler],
    clear=shipper.pickler.clear_memo,
    dropped=memo_refs, container=lambda: shipper.pickler.memo,
    leak_types=['dict', 'bytes', 'list', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
