"""Story 003: reference cycles whose objects define __del__. Python 2 never
frees them (they land in gc.garbage); Python 3.4+ (PEP 442) runs __del__ and
frees them. Two dumps: before and after a collection.

    python del_cycle.py PAIRS OUTDIR
"""
import gc
import os
import sys


class Leaky(object):
    def __init__(self, name):
        self.name = name
        self.other = None
        self.payload = 'x' * 1000

    def __del__(self):
        pass


def make_cycles(n):
    for i in range(n):
        a, b = Leaky('a%d' % i), Leaky('b%d' % i)
        a.other, b.other = b, a


def main():
    pairs, outdir = int(sys.argv[1]), sys.argv[2]
    import refgraph_export
    gc.disable()  # as a service between collections
    make_cycles(pairs)
    refgraph_export.dump(os.path.join(outdir, 'before-gc.jsonl'))
    found = gc.collect()
    refgraph_export.dump(os.path.join(outdir, 'after-gc.jsonl'))
    print("Python %d.%d: gc.collect() found %d unreachable objects; gc.garbage holds %d"
          % (sys.version_info[0], sys.version_info[1], found, len(gc.garbage)))


if __name__ == "__main__":
    main()
