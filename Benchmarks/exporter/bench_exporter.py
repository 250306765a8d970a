#!/usr/bin/env python
"""Benchmark of refgraph_export on a synthetic ~1M-object heap, or on a
real-shaped one (--heap real: modules, a service model, many classes).

    PYTHONPATH=python python Benchmarks/exporter/bench_exporter.py [--objects 1000000] [--heap real] [--profile]

Reports:
  * plain in-process dump: objects, seconds, objects/s;
  * extra memory per object: peak-RSS delta of the dump (VmHWM, reset through
    /proc/self/clear_refs when the kernel allows it) and, in a second run, the
    tracemalloc peak of the dump (Python allocations made by the exporter);
  * fork mode: the pause of the caller (the fork) vs the plain dump time.
Works on Python 2.7 and 3.6+. Output files go to a temporary directory.
"""
from __future__ import print_function

import argparse
import gc
import os
import platform
import shutil
import sys
import tempfile
import time

import refgraph_export


class Entry(object):
    def __init__(self, i):
        self.key = 'entry-%d' % i
        self.value = [float(i), float(i) / 3.0]
        self.tags = ('t', i)
        self.parent = None


class CacheEntry(dict):
    pass


def build_heap(target):
    """Roughly `target` objects: instances, linked dicts, strings, lists."""
    base = len(gc.get_objects())
    per = 7  # objects per Entry: instance, str, list, 2 floats, tuple, (dict on <3.11)
    n = max(1, (target - base) // 20)
    heap = {}
    entries = [Entry(i) for i in range(n * 8 // per)]
    for i in range(1, len(entries)):
        entries[i].parent = entries[i - 1]
    heap['entries'] = entries
    # story 002: a doubly linked list of dicts hanging from a root dict
    root = {'prev': None, 'next': None, 'id': -1}
    cur = root
    for i in range(n * 3 // 2):
        node = {'prev': cur, 'next': None, 'id': i * 1000}
        cur['next'] = node
        cur = node
    heap['chain'] = root
    # story 004: dict-subclass cache entries in a deque
    import collections
    heap['cache'] = collections.deque((CacheEntry(result='r%d' % i, expire=float(i)) for i in range(n)),
                                      maxlen=n)
    # plain strings and small lists
    heap['strings'] = ['s-%d-%s' % (i, 'x' * (i % 7)) for i in range(n * 4)]
    heap['lists'] = [[i, str(i)] for i in range(n)]
    return heap


# Standard-library modules a real service imports (any missing one is skipped).
REAL_MODULES = (
    'abc argparse ast asyncio base64 bisect calendar cgi codecs collections colorsys concurrent.futures '
    'configparser contextlib copy csv ctypes dataclasses datetime decimal difflib email email.mime.multipart '
    'email.mime.text email.parser enum fnmatch fractions ftplib functools getopt gettext glob gzip hashlib '
    'heapq hmac html html.parser http.client http.cookies http.server imaplib inspect io ipaddress json '
    'logging logging.handlers lzma mailbox mimetypes multiprocessing numbers operator optparse pathlib '
    'pickle pkgutil platform plistlib poplib pprint pydoc queue random re sched secrets selectors shelve '
    'shlex shutil smtplib socket socketserver sqlite3 ssl statistics string struct subprocess tarfile '
    'tempfile textwrap threading timeit tokenize traceback typing unittest unittest.mock urllib.parse '
    'urllib.request uuid warnings wave weakref xml.dom.minidom xml.etree.ElementTree xml.sax zipfile zlib'
).split()


def build_real_heap(target):
    """Roughly `target` objects shaped like a real service's heap, from the
    standard library only (so every Python can build it): many imported
    modules (functions, classes, code objects), a botocore-like model (big
    nested dicts of shared key strings, parsed from JSON), many classes with
    a few instances each (type variety: plan misses), __slots__ objects,
    namedtuples, sets and bound methods."""
    import importlib
    import json
    import collections
    heap = {'modules': []}
    for name in REAL_MODULES:
        try:
            heap['modules'].append(importlib.import_module(name))
        except Exception:
            pass
    base = len(gc.get_objects())
    left = max(1, target - base)
    # A service model: shapes with members, docs and enums (~40% of the objects).
    shapes = {}
    for i in range(left // 60):
        shapes['Shape%d' % i] = {
            'type': 'structure' if i % 3 else 'list',
            'members': dict(('Member%d' % k, {'shape': 'Shape%d' % ((i * 7 + k) % (left // 60 + 1)),
                                              'documentation': '<p>The member %d of shape %d.</p>' % (k, i)})
                            for k in range(i % 6 + 1)),
            'required': ['Member0'],
            'enum': ['VALUE_%d' % k for k in range(i % 4)],
        }
    heap['model'] = json.loads(json.dumps({'shapes': shapes, 'metadata': {'protocol': 'json'}}))
    # Type variety: many classes, a few instances each.
    classes = []
    for i in range(max(50, left // 400)):
        attrs = {'kind': i, 'describe': lambda self: self.__class__.__name__}
        if i % 5 == 0:
            attrs['__slots__'] = ('a', 'b', 'c')
        classes.append(type('Generated%d' % i, (object,), attrs))
    insts = []
    for i in range(left // 12):
        c = classes[i % len(classes)]
        o = c()
        o.a, o.b, o.c = i, 'v%d' % i, (i, None)
        insts.append(o)
    heap['instances'] = insts
    Point = collections.namedtuple('Point', 'x y z')
    heap['points'] = [Point(i, float(i), str(i)) for i in range(left // 20)]
    heap['sets'] = [frozenset(('k%d' % (i % 97), i)) for i in range(left // 30)]
    heap['bound'] = [o.describe for o in insts[:left // 40]]
    return heap


def reset_peak():
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except Exception:
        return False


def status(key):
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(key + ':'):
                    return int(line.split()[1]) * 1024
    except Exception:
        pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--objects', type=int, default=1000000)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--no-tracemalloc', action='store_true')
    ap.add_argument('--gz', action='store_true', help='also time a .gz dump')
    ap.add_argument('--heap', choices=('synthetic', 'real'), default='synthetic',
                    help='the synthetic heap (default) or a real-shaped one built from the standard library')
    ap.add_argument('--profile', action='store_true', help='one dump under cProfile; prints the top functions')
    ap.add_argument('--plain-only', action='store_true',
                    help='only the plain dumps (no tracemalloc or fork runs): the speed figure')
    args = ap.parse_args()
    if args.plain_only:
        args.no_tracemalloc = True

    d = tempfile.mkdtemp(prefix='refgraph-bench-')
    try:
        t = time.time()
        heap = (build_real_heap if args.heap == 'real' else build_heap)(args.objects)
        gc.collect()
        print('python %s, %d cpus, %s heap built in %.1fs: %d gc-tracked objects'
              % (platform.python_version(), __import__('multiprocessing').cpu_count(), args.heap,
                 time.time() - t, len(gc.get_objects())))
        path = os.path.join(d, 'plain.jsonl')
        if args.profile:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            prof.enable()
            res = refgraph_export.dump(path)
            prof.disable()
            print('profiled dump: %d objects in %.2fs (under cProfile)' % (res.objects, res.seconds))
            pstats.Stats(prof).sort_stats('tottime').print_stats(25)
            return

        best = None
        for i in range(args.repeat):
            can_reset = reset_peak()
            rss0 = status('VmRSS')
            hwm0 = status('VmHWM')
            res = refgraph_export.dump(path)
            hwm1 = status('VmHWM')
            extra = (hwm1 - (rss0 if can_reset else hwm0)) if hwm1 is not None and rss0 is not None else None
            print('plain dump: %d objects, %d references, %.2fs, %.0f objects/s, file %.1f MB, '
                  'peak RSS +%s (%s B/object)%s'
                  % (res.objects, res.references, res.seconds, res.objects / res.seconds,
                     res.file_bytes / 1e6, '%.1f MB' % (extra / 1e6) if extra is not None else '?',
                     '%.1f' % (float(extra) / res.objects) if extra is not None else '?',
                     '' if can_reset else ' (VmHWM not resettable: upper bound unknown)'))
            if best is None or res.seconds < best.seconds:
                best = res
            os.unlink(path)

        if args.gz:
            res = refgraph_export.dump(path + '.gz')
            print('gz dump: %.2fs, file %.1f MB' % (res.seconds, res.file_bytes / 1e6))
            os.unlink(path + '.gz')

        tm = None
        if not args.no_tracemalloc:
            try:
                import tracemalloc
            except ImportError:
                tracemalloc = None
            if tracemalloc is not None:
                tracemalloc.start(1)
                tracemalloc.reset_peak() if hasattr(tracemalloc, 'reset_peak') else None
                cur0 = tracemalloc.get_traced_memory()[0]
                res = refgraph_export.dump(path, alloc=False)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                tm = float(peak - cur0) / res.objects
                print('tracemalloc: exporter peak %.1f MB over %d objects = %.1f B/object'
                      % ((peak - cur0) / 1e6, res.objects, tm))
                os.unlink(path)

        pauses = []
        for i in range(0 if args.plain_only else args.repeat):
            res = refgraph_export.dump(path, fork=True)
            pauses.append(res.pause)
            print('fork dump: pause %.4fs (%.2f%% of the best plain dump %.2fs), child wrote %d objects '
                  'in %.2fs' % (res.pause, 100.0 * res.pause / best.seconds, best.seconds, res.objects,
                                res.seconds))
            os.unlink(path)
        print('SUMMARY python=%s heap=%s objects=%d seconds=%.2f objects_per_s=%.0f fork_pause=%s '
              'fork_pause_pct=%s tracemalloc_B_per_obj=%s'
              % (platform.python_version(), args.heap, best.objects, best.seconds, best.objects / best.seconds,
                 '%.4f' % min(pauses) if pauses else 'n/a',
                 '%.2f' % (100.0 * min(pauses) / best.seconds) if pauses else 'n/a',
                 '%.1f' % tm if tm is not None else 'n/a'))
        del heap
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == '__main__':
    main()
