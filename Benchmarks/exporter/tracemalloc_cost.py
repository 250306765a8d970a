"""What tracemalloc costs a dump (issue 19): the same heap dumped with
tracemalloc off, at depth 1 and at depth 25, each in a fresh process.

    python Benchmarks/exporter/tracemalloc_cost.py [OBJECTS_K] [REPEATS]

Prints one line per depth: the best of REPEATS dump times and the ratio to
the dump without tracemalloc. The heap: OBJECTS_K thousand instances with a
dict, a str and a list each (about 7 objects per instance, allocated at
three sites), plus the interpreter's own. Run it with each Python (pyenv)."""
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import sys, time, tracemalloc
depth, n, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
if depth:
    tracemalloc.start(depth)
sys.path.insert(0, sys.argv[4])
import refgraph_export

class Item(object):
    def __init__(self, i):
        self.i = i
        self.name = 'item%d' % i
        self.tags = [i, str(i)]

def build():
    return [Item(i) for i in range(n)]
data = build()
t = time.time()
r = refgraph_export.dump(path)
print('%f %d' % (time.time() - t, r.objects))
'''


def main():
    n = int(sys.argv[1]) * 1000 if len(sys.argv) > 1 else 30000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    here = os.path.dirname(os.path.abspath(__file__))
    pkg = os.path.join(here, '..', '..', 'python')
    tmp = tempfile.mkdtemp(dir='/dev/shm' if os.path.isdir('/dev/shm') else None)
    path = os.path.join(tmp, 'd.jsonl')
    base = None
    print('Python %s, %d instances' % (sys.version.split()[0], n))
    for depth in (0, 1, 25):
        best, objects = None, 0
        for _ in range(repeats):
            out = subprocess.check_output([sys.executable, '-c', CHILD, str(depth), str(n), path, pkg])
            secs, objects = out.split()
            best = min(best or float('inf'), float(secs))
        if depth == 0:
            base = best
        print('  depth %-2d  %7.2f s  %5.2fx  (%s objects)' % (depth, best, best / base, int(objects)))
    os.remove(path)
    os.rmdir(tmp)


if __name__ == '__main__':
    main()
