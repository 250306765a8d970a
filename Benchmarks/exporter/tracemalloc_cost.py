"""What tracemalloc costs a dump (issue 19): the same heap dumped with
tracemalloc off, at depth 1 and at depth 25, each in a fresh process, in
process and through fork.

    python Benchmarks/exporter/tracemalloc_cost.py [OBJECTS_K] [REPEATS] [HEAP]

Prints one line per depth and mode: the best of REPEATS dump times (the
configurations run in turn, REPEATS rounds), the
ratio to the same mode without tracemalloc, and the dump's bytes per object
(what the allocation sites add). HEAP:
  items   (default) OBJECTS_K thousand instances with a dict, a str and a
          list each (about 7 objects per instance, allocated at three sites),
          plus the interpreter's own;
  service a heap like a web service's: 60 stdlib modules imported (http,
          email, json, asyncio, logging, sqlite3, xml ...), then OBJECTS_K
          thousand parsed JSON records and e-mail headers kept in caches,
          allocated at many sites through library code.
Run it with each Python (pyenv). The fork figure is the parent's wait for
the child's result (dump(fork=True)), the child doing the same work."""
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import sys, time
depth, n, path, heap, fork = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[5], sys.argv[6] == 'fork'
if depth:
    import tracemalloc
    tracemalloc.start(depth)
sys.path.insert(0, sys.argv[4])
import refgraph_export

class Item(object):
    def __init__(self, i):
        self.i = i
        self.name = 'item%d' % i
        self.tags = [i, str(i)]

def build_items():
    return [Item(i) for i in range(n)]

SERVICE_MODULES = (
    'argparse asyncio base64 bisect calendar collections concurrent.futures configparser contextlib copy csv '
    'dataclasses datetime decimal difflib email.message email.parser email.policy enum fnmatch fractions '
    'functools gettext glob gzip hashlib heapq hmac html.parser http.client http.cookies http.server inspect '
    'io ipaddress json logging logging.handlers mimetypes numbers operator pathlib pickle pprint queue random '
    're selectors shlex shutil socket sqlite3 ssl statistics string struct tempfile textwrap threading '
    'typing unittest urllib.parse urllib.request uuid warnings xml.dom.minidom xml.etree.ElementTree zipfile'
).split()

def build_service():
    import importlib
    mods = []
    for m in SERVICE_MODULES:
        try:
            mods.append(importlib.import_module(m))
        except ImportError:
            pass
    import json, email.parser, logging
    log = logging.getLogger('svc')
    parser = email.parser.HeaderParser()
    cache = {}
    for i in range(n):
        doc = json.loads('{"id": %d, "user": {"name": "u%d", "roles": ["a", "b"]}, "score": %d.5}' % (i, i, i))
        if i % 10 == 0:
            doc['headers'] = parser.parsestr('From: a%d@example.com\nSubject: s%d\n\n' % (i, i))
        cache['k%d' % i] = doc
    return mods, log, cache

data = build_items() if heap == 'items' else build_service()
t = time.time()
r = refgraph_export.dump(path, fork=fork)
print('%f %d %d' % (time.time() - t, r.objects, r.file_bytes))
'''


def main():
    n = int(sys.argv[1]) * 1000 if len(sys.argv) > 1 else 30000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    heap = sys.argv[3] if len(sys.argv) > 3 else 'items'
    here = os.path.dirname(os.path.abspath(__file__))
    pkg = os.path.join(here, '..', '..', 'python')
    tmp = tempfile.mkdtemp(dir='/dev/shm' if os.path.isdir('/dev/shm') else None)
    path = os.path.join(tmp, 'd.jsonl')
    print('Python %s, heap %s, %d thousand' % (sys.version.split()[0], heap, n // 1000))
    modes = ('in-process', 'fork') if hasattr(os, 'fork') else ('in-process',)
    # Every configuration once per round, rounds repeated: a drift of the
    # machine's speed falls on all of them, not on the ones measured last.
    best, objects, size = {}, {}, {}
    for _ in range(repeats):
        for mode in modes:
            for depth in (0, 1, 25):
                out = subprocess.check_output([sys.executable, '-c', CHILD, str(depth), str(n), path, pkg, heap,
                                               'fork' if mode == 'fork' else 'plain'])
                secs, objs, nbytes = out.split()
                key = (mode, depth)
                best[key] = min(best.get(key, float('inf')), float(secs))
                objects[key], size[key] = int(objs), int(nbytes)
    for mode in modes:
        base, base_bytes = best[(mode, 0)], size[(mode, 0)]
        for depth in (0, 1, 25):
            key = (mode, depth)
            print('  %-10s depth %-2d  %7.2f s  %5.2fx  %6.1f B/object (+%.1f)  (%d objects)'
                  % (mode, depth, best[key], best[key] / base, float(size[key]) / objects[key],
                     float(size[key] - base_bytes) / objects[key], objects[key]))
    os.remove(path)
    os.rmdir(tmp)


if __name__ == '__main__':
    main()
