"""From a live process to the first answer, as the heap grows (issue 24
item 4): objgraph's `find_backref_chain` in the process against refgraph's
dump (`refgraph_export.dump`) plus `refgraph path` on it.

    PYTHONPATH=python python Benchmarks/peers/objgraph_crossover.py OBJECTS [OBJECTS ...]

For each size, a fresh process builds the real-shaped heap of
Benchmarks/exporter/bench_exporter.py (`--heap real`: imported modules, a
service model of nested dicts, many classes) plus a chain of small dicts
from a module global, whose members DEPTHS hops down are the targets. Then
it times, in the process:
  1. objgraph.find_backref_chain(target, inspect.ismodule) for each target:
     a breadth-first search whose every step calls gc.get_referrers, which
     scans all gc-tracked objects: about (objects visited) x (heap size);
  2. refgraph_export.dump(file), once: about (heap size);
and the parent times `refgraph path FILE 'id == ADDRESS' --cache off`.
Prints one JSON line per size and a Markdown table. Both sides grow with
the heap, so the crossover is a search size, not a heap size: the depth
(objects visited) from which dump + path beats find_backref_chain. Needs objgraph
importable; REFGRAPH names the analyzer (default .build/release/refgraph).
"""
from __future__ import print_function

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REFGRAPH = os.environ.get('REFGRAPH', os.path.join(ROOT, '.build', 'release', 'refgraph'))


DEPTHS = (6, 30, 100, 300, 1000)


def child(n, path):
    import gc
    import inspect
    import objgraph
    sys.path.insert(0, os.path.join(ROOT, 'Benchmarks', 'exporter'))
    import bench_exporter
    import refgraph_export
    global HEAP, CHAIN
    HEAP = bench_exporter.build_real_heap(n)
    # A chain of small dicts from a module global: the target at depth d
    # is d hops from the module, and find_backref_chain's search visits
    # about d objects, each one a gc.get_referrers scan of the whole heap.
    CHAIN = node = {'depth': 1}
    for depth in range(2, max(DEPTHS) + 1):
        node['next'] = node = {'depth': depth}
    node = None
    gc.collect()
    objects = len(gc.get_objects())
    chains = {}
    for depth in DEPTHS:
        target = CHAIN
        for _ in range(depth - 1):  # found by walking, so nothing else holds it
            target = target['next']
        t = time.perf_counter()
        chain = objgraph.find_backref_chain(target, inspect.ismodule, max_depth=depth + 10)
        chains[depth] = {'s': time.perf_counter() - t, 'length': len(chain), 'target': id(target)}
    target = chain = None  # the dump must see the chain as the only holder
    res = refgraph_export.dump(path)
    print(json.dumps({'objects_requested': n, 'gc_objects': objects, 'dump_objects': res.objects,
                      'dump_s': res.seconds, 'chains': chains}))


def parent(sizes):
    import re
    rows = []
    d = tempfile.mkdtemp(prefix='refgraph-crossover-')
    try:
        for n in sizes:
            path = os.path.join(d, 'dump.jsonl')
            out = subprocess.check_output([sys.executable, __file__, '--child', str(n), path])
            r = json.loads(out.decode().strip().splitlines()[-1])
            for depth, c in sorted(r['chains'].items(), key=lambda kv: int(kv[0])):
                t = time.perf_counter()
                text = subprocess.check_output([REFGRAPH, 'path', path, 'id == %d' % c['target'], '--cache', 'off'])
                c['path_s'] = time.perf_counter() - t
                m = re.search(r'(\d+) hops? from a root', text.decode('utf-8', 'replace'))
                c['path_hops'] = int(m.group(1)) if m else None
            r['loadavg'] = os.getloadavg()
            os.unlink(path)
            print(json.dumps(r))
            sys.stdout.flush()
            rows.append(r)
    finally:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)
    print('| gc-tracked objects | objects dumped | target depth | find_backref_chain (in process) | dump + path | ratio (objgraph / refgraph) |')
    print('|---:|---:|---:|---:|---:|---:|')
    for r in rows:
        for depth, c in sorted(r['chains'].items(), key=lambda kv: int(kv[0])):
            total = r['dump_s'] + c['path_s']
            print('| %d | %d | %s | %.2f s | %.2f s (%.2f + %.2f) | %.2fx |' % (
                r['gc_objects'], r['dump_objects'], depth, c['s'], total, r['dump_s'], c['path_s'], c['s'] / total))


if __name__ == '__main__':
    if sys.argv[1] == '--child':
        child(int(sys.argv[2]), sys.argv[3])
    else:
        parent([int(x) for x in sys.argv[1:]])
