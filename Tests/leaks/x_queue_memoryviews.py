# A telemetry agent reads 256 kB blocks from its capture device into
# bytearrays and hands memoryview slices of them to a sender thread through
# a queue.Queue. The sender thread died on its first connection error (its
# exception went to stderr), and the reader keeps putting: every block stays
# in the queue's deque, each a memoryview over a managed buffer over a
# 256 kB bytearray. Few objects, huge buffers.
#
# From the reports:
#   https://github.com/reddit/baseplate.py/issues/302
#     ("Work queue in queue_consumer.py is unbounded": the consumer falls
#     behind and the queue fills until the application runs out of memory)
#   https://github.com/python-beaver/python-beaver/issues/186
#     ("Memory leaks in beaver": the queue consumer stops working and the
#     queue keeps growing)
#
# applies: 2.7, 3.6+
# usage: python x_queue_memoryviews.py OUTDIR
try:
    import queue
except ImportError:  # Python 2.7
    import Queue as queue

import leakkit

out = leakkit.start()

BLOCKS_PER_ROUND = 20
BLOCK = 256 * 1024

outbox = queue.Queue()  # the sender thread that drained it is gone


def read_block(n):
    buf = bytearray(BLOCK)
    stamp = ('block %06d ' % n).encode('ascii')
    buf[:len(stamp)] = stamp
    used = BLOCK - (n % 7) * 1024  # the device filled most of it
    return memoryview(buf)[:used]


def capture(first, count):
    for n in range(first, first + count):
        outbox.put(read_block(n))


for rnd in (1, 2, 3):
    capture((rnd - 1) * BLOCKS_PER_ROUND, BLOCKS_PER_ROUND)
    leakkit.dump(out, rnd)


def clear():
    with outbox.mutex:
        outbox.queue.clear()


t = leakkit.finish(
    out, 'outbox.queue (the undrained Queue\'s deque of memoryviews)',
    holder_objects=lambda: [outbox.queue],
    clear=clear, dropped=lambda: list(outbox.queue), container=lambda: outbox.queue,
    leak_types=['memoryview', 'managedbuffer', 'bytearray'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
