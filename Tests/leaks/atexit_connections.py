# A client library makes sure its connections are closed at interpreter exit
# with atexit.register(self.close). The program opens one connection per job
# and closes it itself, but the registration stays: the exit registry holds
# the bound method, the bound method its Connection, and every Connection --
# its receive buffer, its options -- lives until the process ends.
#
# From the reports:
#   https://github.com/ARM-software/devlib/issues/676
#     ("atexit handler leaks connection instances": atexit.register(self.close);
#     fixed in https://github.com/ARM-software/devlib/pull/679 with a WeakMethod)
#   https://github.com/tenable/nessrest/issues/81
#     ("atexit hook prevents garbage collection from working")
#
# The holder: Python 2.7's atexit._exithandlers list; on 3.6-3.9 the atexit
# module, whose C state holds the callbacks; on 3.10+ the interpreter state,
# which no Python object stands for: the registered bound methods themselves
# are then what holds the Connections.
#
# applies: 2.7, 3.6+
# usage: python atexit_connections.py OUTDIR
import atexit
import gc
import sys
import types

import leakkit

out = leakkit.start()

JOBS_PER_ROUND = 300


class Connection(object):
    def __init__(self, host, port, user):
        self.host, self.port = host, port
        self.options = {'timeout': 30, 'keepalive': True, 'user': user, 'compression': 'zlib',
                        'ciphers': ('aes128-ctr', 'aes256-ctr')}
        self.recv_buffer = bytearray(16 * 1024)
        self.sent = []
        self.closed = False
        atexit.register(self.close)

    def send(self, data):
        self.sent.append(data)

    def close(self):
        self.closed = True


def run_job(n):
    conn = Connection('10.0.%d.%d' % (n // 250 % 250, n % 250 + 1), 22, 'job%05d' % n)
    conn.send(('run nightly-report --part %d\n' % n).encode('ascii'))
    conn.close()


def run_jobs(first, count):
    for n in range(first, first + count):
        run_job(n)


def registered():
    """The bound methods registered by Connection.__init__."""
    return [o for o in gc.get_objects()
            if isinstance(o, types.MethodType) and isinstance(o.__self__, Connection)]


def is_conn_close(entry):
    return isinstance(entry[0], types.MethodType) and isinstance(entry[0].__self__, Connection)


def clear():
    if sys.version_info[0] == 2:
        atexit._exithandlers[:] = [e for e in atexit._exithandlers if not is_conn_close(e)]
    else:
        for m in registered():
            atexit.unregister(m)


for rnd in (1, 2, 3):
    run_jobs((rnd - 1) * JOBS_PER_ROUND, JOBS_PER_ROUND)
    leakkit.dump(out, rnd)

if sys.version_info[0] == 2:
    holder, holder_objects = 'atexit._exithandlers', lambda: [atexit._exithandlers]
elif sys.version_info < (3, 10):
    holder, holder_objects = 'the atexit registry (module atexit)', lambda: [sys.modules['atexit']]
else:
    holder, holder_objects = 'the atexit registry (interpreter state): its bound methods', registered
t = leakkit.finish(
    out, holder, holder_objects=holder_objects, clear=clear,
    dropped=lambda: [e for e in atexit._exithandlers if is_conn_close(e)],
    container=lambda: atexit._exithandlers,
    leak_types=['method', '__main__.Connection', 'dict', 'bytearray'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
