# A worker framework installs a SIGUSR1 "reopen your log files" handler every
# time it starts a worker, and chains to the handler that was there before.
# Nothing restores the previous handler when a worker stops, so the current
# handler holds its Worker and the previous handler, which holds its Worker
# and the one before: 1,200 restarts later every Worker is still alive
# (and a SIGUSR1 would recurse 1,200 deep).
#
# From the reports:
#   https://github.com/radixark/miles/pull/1472
#     (review: signal handlers chained by capturing prev in a closure, never
#     restored: the chain keeps growing and holds old supervisor instances)
#   https://github.com/DataDog/dd-trace-py/pull/5190
#     ("update signal handler to avoid wrapping multiple times")
#
# applies: 2.7, 3.6+
# usage: python signal_chain.py OUTDIR
import signal

import leakkit

out = leakkit.start()

RESTARTS_PER_ROUND = 400


class Worker(object):
    def __init__(self, n):
        self.name = 'worker-%04d' % n
        self.settings = dict(('option_%02d' % i, 'value-%d-%d' % (n, i)) for i in range(24))
        self.log_buffer = bytearray(4096)
        self.stats = {'requests': 0, 'errors': 0, 'reopened': 0}

    def reopen_logs(self):
        self.stats['reopened'] += 1

    def run(self):
        for i in range(20):
            self.stats['requests'] += 1
            self.log_buffer[i * 8:i * 8 + 8] = ('req %04d' % i).encode('ascii')


def install_reopen_handler(worker):
    previous = signal.getsignal(signal.SIGUSR1)

    def on_usr1(signum, frame):
        worker.reopen_logs()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGUSR1, on_usr1)


def restart_workers(first, count):
    for n in range(first, first + count):
        worker = Worker(n)
        install_reopen_handler(worker)
        worker.run()


def clear():
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)


for rnd in (1, 2, 3):
    restart_workers((rnd - 1) * RESTARTS_PER_ROUND, RESTARTS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'the SIGUSR1 handler (signal.getsignal(SIGUSR1), held by the signal module in C)',
    holder_objects=lambda: [signal.getsignal(signal.SIGUSR1)],
    clear=clear, dropped=lambda: [signal.getsignal(signal.SIGUSR1)],
    leak_types=['function', 'cell', 'tuple', '__main__.Worker', 'dict', 'bytearray', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
