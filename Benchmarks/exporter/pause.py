"""The pause a service sees while a SIGUSR2 dump runs (issue 19): the main
thread's longest stall, fork mode (install()'s default) against in-process.

    python Benchmarks/exporter/pause.py [OBJECTS_K] [REPEATS]

Each run is a fresh process holding OBJECTS_K thousand objects (default 150)
in instances, dicts, lists and strings. Its main thread ticks every
millisecond and records the longest gap between ticks; a SIGUSR2 from
another process starts the dump; the run ends once the dump is on disk.
Prints the best and worst of REPEATS longest stalls per mode, and the
stall of a run without any dump (the tick loop's own jitter)."""
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import os, sys, time, json
sys.path.insert(0, sys.argv[1])
import refgraph_export
n, mode, outdir = int(sys.argv[2]), sys.argv[3], sys.argv[4]

class Item(object):
    def __init__(self, i):
        self.i = i
        self.name = 'item%d' % i
        self.tags = [i]
data = [Item(i) for i in range(n // 5)]  # about 5 objects per item
opts = {} if mode == 'fork' else {'fork': False}
inst = refgraph_export.install(directory=outdir, verbose=False, **opts)
sys.stdout.write('ready\n'); sys.stdout.flush()
sys.stdin.readline()  # the parent sends SIGUSR2 right after writing this line
worst, last, t_end = 0.0, time.time(), None
while True:
    time.sleep(0.001)
    now = time.time()
    worst = max(worst, now - last)
    last = now
    if mode != 'none' and not inst.pending and inst.paths:
        break
    if mode == 'none' and t_end is None:
        t_end = now + 2.0
    if t_end is not None and now > t_end:
        break
objects = 0
for p in inst.paths:
    with open(p, 'rb') as f:
        objects = json.loads(f.read().splitlines()[-1].decode())['objects']
print(json.dumps({'stall': worst, 'objects': objects, 'errors': [str(e) for e in inst.errors]}))
'''


def run(n, mode, pkg):
    import json
    import signal
    import time
    d = tempfile.mkdtemp()
    p = subprocess.Popen([sys.executable, '-c', CHILD, pkg, str(n), mode, d],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert p.stdout.readline().strip() == b'ready'
    p.stdin.write(b'go\n')
    p.stdin.flush()
    time.sleep(0.3)  # the child is ticking
    if mode != 'none':
        os.kill(p.pid, signal.SIGUSR2)
    out = p.communicate()[0]
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    os.rmdir(d)
    return json.loads(out.decode().strip().splitlines()[-1])


def main():
    n = int(sys.argv[1]) * 1000 if len(sys.argv) > 1 else 150000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    pkg = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'python')
    print('Python %s, %d thousand objects requested' % (sys.version.split()[0], n // 1000))
    for mode in ('none', 'fork', 'in-process'):
        stalls = []
        for _ in range(repeats):
            r = run(n, mode, pkg)
            assert not r['errors'], r
            stalls.append(r['stall'])
        print('  %-10s longest main-thread stall: best %6.1f ms, worst %6.1f ms  (dump: %d objects)'
              % (mode, min(stalls) * 1000, max(stalls) * 1000, r['objects']))


if __name__ == '__main__':
    main()
