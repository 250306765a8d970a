"""In-process dumps: format, labels, refcounts, roots."""
import gc
import sys
import threading
import unittest
import weakref

from helpers import PY2, PYV, Dump, TempDirTest

import refgraph_export


class Thing(object):
    def __init__(self):
        self.payload = ['payload']
        self.tag = 'thing'

    def method(self):
        return self


class Slotted(object):
    __slots__ = ('first', 'second')


def make_closure():
    captured = ['captured']

    def inner():
        return captured
    return inner


HOLDER = {'plain': ['held-only-by-HOLDER']}


class DumpTest(TempDirTest):
    def dump(self, **kw):
        p = self.path('d.jsonl')
        res = refgraph_export.dump(p, **kw)
        d = self.check_dump(p)
        self.assertEqual(res.objects, d.trailer['objects'])
        self.assertEqual(res.references, d.trailer['references'])
        self.assertTrue(res.seconds >= 0)
        return d

    def test_header_trailer(self):
        d = self.dump()
        h = d.header
        for key in ('python', 'implementation', 'pid', 'time', 'gc', 'tracemalloc', 'values', 'argv0'):
            self.assertIn(key, h)
        self.assertEqual(h['implementation'], 'cpython')
        self.assertEqual(set(h['gc']), {'enabled', 'thresholds', 'counts', 'garbage'})
        self.assertIn('rss', h)
        self.assertIn('peak_rss', h)
        self.assertTrue(d.trailer['seconds'] >= 0)
        # every referenced address has a record (no placeholders in a quiet process)
        missing = set()
        for o in d.objects.values():
            for r in o.get('refs', []):
                if r not in d.objects:
                    missing.add(r)
        self.assertLessEqual(len(missing), 5, 'too many dangling refs: %d' % len(missing))

    def test_object_keys(self):
        d = self.dump()
        for o in d.objects.values():
            self.assertIsInstance(o['address'], int)
            self.assertTrue(o['type'])
            self.assertIsInstance(o['size'], int)
            self.assertGreaterEqual(o['size'], 0)
            self.assertIn('refs', o)
            self.assertIn('refcount', o)

    def test_plain_refcount_no_root(self):
        d = self.dump()
        lst = d[id(HOLDER['plain'])]
        self.assertEqual(lst['refcount'], 1)
        self.assertNotIn('root', lst)
        self.assertEqual(lst['len'], 1)
        self.assertEqual(d.edge(id(HOLDER), "['plain']"), id(HOLDER['plain']))
        self.assertIn(('<key>', id(list(HOLDER.keys())[0])), d.edges(id(HOLDER)))

    def test_untracked_strings_through_list(self):
        strings = ['untracked-%d' % i for i in range(5)]
        self.assertFalse(gc.is_tracked(strings[0]))
        d = self.dump(values=True)
        lst = d[id(strings)]
        self.assertEqual(lst['labels'], ['[0]', '[1]', '[2]', '[3]', '[4]'])
        self.assertEqual(lst['refs'], [id(s) for s in strings])
        for s in strings:
            o = d[id(s)]
            self.assertEqual(o['type'], 'str' if not PY2 else 'str')
            self.assertEqual(o['value'], s)
            self.assertEqual(o['len'], len(s))
            self.assertEqual(o['refcount'], 1)

    def test_values_cut_and_off(self):
        long_s = 'x' * 500 + 'END'
        keep = [long_s, b'bytes-value', 12345678901234, 2.5, True]
        d = self.dump(values=True)
        self.assertEqual(d[id(long_s)]['value'], 'x' * 100)
        self.assertEqual(d[id(long_s)]['len'], 503)
        self.assertEqual(d[id(keep[2])]['value'], 12345678901234)
        self.assertEqual(d[id(keep[3])]['value'], 2.5)
        d2 = self.dump()
        self.assertNotIn('value', d2[id(long_s)])
        self.assertEqual(d2[id(keep[2])]['value'], 12345678901234)  # ints always
        self.assertEqual(d2[id(keep[3])]['value'], 2.5)
        del keep

    def test_function_labels(self):
        f = make_closure()
        d = self.dump()
        fo = d[id(f)]
        self.assertEqual(fo['type'], 'function')
        self.assertTrue(fo['name'].endswith('make_closure.<locals>.inner') or fo['name'].endswith('inner'))
        self.assertEqual(d.edge(id(f), '__globals__'), id(globals()))
        self.assertEqual(d.edge(id(f), '__code__'), id(f.__code__))
        clo = d.edge(id(f), '__closure__')
        self.assertEqual(clo, id(f.__closure__))
        cell = f.__closure__[0]
        self.assertEqual(d.edge(id(f.__closure__), '[0]'), id(cell))
        self.assertEqual(d.edge(id(cell), 'cell_contents'), id(f()))
        # code constants and names are walked even where gc does not report them
        code = d[id(f.__code__)]
        self.assertIn('co_name', code['labels'])
        self.assertEqual(d.edge(id(f.__code__), 'co_name'), id(f.__code__.co_name))

    def test_method_and_instance_labels(self):
        t = Thing()
        m = t.method
        d = self.dump()
        self.assertEqual(d.edge(id(m), '__self__'), id(t))
        self.assertEqual(d.edge(id(m), '__func__'), id(Thing.__dict__['method']))
        self.assertEqual(d[id(m)]['name'], __name__ + '.Thing.method' if not PY2 else __name__ + '.method')
        to = d[id(t)]
        self.assertEqual(to['type'], __name__ + '.Thing')
        self.assertEqual(d.edge(id(t), '__class__'), id(Thing))
        if PYV < (3, 11):
            self.assertEqual(d.edge(id(t), '__dict__'), id(t.__dict__))
            self.assertEqual(d.edge(id(t.__dict__), "['payload']"), id(t.payload))
        else:
            self.assertIn(id(t.payload), to['refs'])
        cls = d[id(Thing)]
        self.assertEqual(cls['name'], __name__ + '.Thing')
        self.assertEqual(cls['module'], __name__)
        self.assertIsNotNone(d.edge(id(Thing), '__mro__'))
        self.assertIsNotNone(d.edge(id(Thing), '__dict__'))
        self.assertEqual(d.edge(id(Thing), '__bases__'), id(Thing.__bases__))
        del m

    def test_materialized_dict_label(self):
        t = Thing()
        dd = t.__dict__  # materialise it on 3.11+
        d = self.dump()
        self.assertEqual(d.edge(id(t), '__dict__'), id(dd))
        self.assertEqual(d.edge(id(dd), "['tag']"), id(t.tag))

    def test_slots(self):
        s = Slotted()
        s.first = ['first-slot']
        d = self.dump()
        self.assertEqual(d.edge(id(s), '.first'), id(s.first))

    def test_module_roots(self):
        d = self.dump()
        sm = d[id(sys.modules)]
        self.assertEqual(sm['root'], 'sys.modules')
        b = sys.modules['__builtin__' if PY2 else 'builtins']
        self.assertEqual(d[id(b)]['root'], 'builtins')
        mod = sys.modules[__name__]
        self.assertEqual(d.edge(id(sys.modules), "['%s']" % __name__), id(mod))
        self.assertEqual(d.edge(id(mod), '__dict__'), id(mod.__dict__))
        self.assertEqual(d[id(mod)]['name'], __name__)
        self.assertEqual(d[id(gc.garbage)]['root'], 'gc.garbage')

    def test_thread_local_through_frame_root(self):
        ev = threading.Event()
        ready = threading.Event()
        box = {}

        def worker():
            marker_local = ['thread-local-marker']
            box['id'] = id(marker_local)
            ready.set()
            ev.wait(30)

        th = threading.Thread(target=worker)
        th.start()
        try:
            ready.wait(10)
            d = self.dump()
        finally:
            ev.set()
            th.join()
        target = box['id']
        self.assertIn(target, d)
        frames = [a for a, lab in d.referrers(target) if d[a]['type'] == 'frame']
        self.assertTrue(frames, d.referrers(target))
        f = d[frames[0]]
        self.assertEqual(f['root'], 'frame')
        self.assertIn('.marker_local', [lab for a, lab in d.referrers(target) if a == frames[0]])
        code = d.edge(frames[0], 'f_code')
        self.assertEqual(d[code]['name'].split('.')[-1], 'worker')

    def test_exporter_frames_excluded(self):
        d = self.dump()
        names = set()
        for o in d.by_type('frame'):
            c = d.edge(o['address'], 'f_code')
            if c in d:
                names.add(d[c].get('name', '').split('.')[-1])
        for n in ('walk', 'process', '_dump'):
            self.assertNotIn(n, names)
        # the test method calling dump() is a live frame, and a root
        self.assertIn('dump', names)  # DumpTest.dump helper (the caller)

    def test_own_bookkeeping_excluded(self):
        # the temporary file's name sits in _leftovers' set while the dump
        # runs; a diff of two dumps of one process showed it as a new object
        marker = self.path('d.jsonl') + '.tmp-'  # NAME.tmp-PID[-RANDOM] start so
        d = self.dump(values=True)
        tmp_names = [o['value'] for o in d.by_type('str')
                     if (o.get('value') or '').startswith(marker) and len(o['value']) > len(marker)]
        self.assertEqual(tmp_names, [])

    def test_weakrefs(self):
        class Target(object):
            pass
        t = Target()
        r = weakref.ref(t)
        dead = Target()
        rd = weakref.ref(dead)
        pd = weakref.proxy(dead)
        del dead
        d = self.dump()
        self.assertEqual(d.edge(id(r), '<weakref>'), id(t))
        self.assertEqual(d[id(rd)]['refs'], [] if d[id(rd)].get('labels') is None else d[id(rd)]['refs'])
        self.assertIn(id(pd), d)
        # a weak edge does not count as a reference: t is held once (local t)
        self.assertNotIn('<weakref>', d[id(rd)].get('labels') or [])
        del r, rd, pd

    def test_dict_key_labels(self):
        # values=True: every key as it is (values=False: test_redaction)
        dd = {1: ['one'], 'a' * 100: ['long'], (1, 2): ['tuple'], "quo'te": ['q']}
        d = self.dump(values=True)
        labels = dict((r, l) for l, r in d.edges(id(dd)))
        self.assertEqual(labels[id(dd[1])], '[1]')
        self.assertEqual(labels[id(dd[(1, 2)])], '[<tuple>]')
        lab = labels[id(dd['a' * 100])]
        self.assertLessEqual(len(lab), 60)
        self.assertTrue(lab.startswith("['aaaa"))
        self.assertEqual(labels[id(dd["quo'te"])], '[%r]' % "quo'te")
        self.assertEqual(sum(1 for l, r in d.edges(id(dd)) if l == '<key>'), 4)

    def test_gc_state_restored(self):
        old = gc.get_threshold()
        was = gc.isenabled()
        try:
            gc.disable()
            gc.set_threshold(123, 4, 5)
            self.dump()
            self.assertFalse(gc.isenabled())
            self.assertEqual(gc.get_threshold(), (123, 4, 5))
            gc.enable()
            self.dump()
            self.assertTrue(gc.isenabled())
        finally:
            gc.set_threshold(*old)
            if was:
                gc.enable()
            else:
                gc.disable()

    def test_immortal(self):
        # 3.12+ immortal objects, and on every version the singletons the
        # interpreter caches for its whole life (tests/test_singletons.py)
        d = self.dump()
        none = d[id(None)]
        self.assertTrue(none.get('immortal'))
        self.assertEqual(none.get('root'), 'immortal')
        self.assertNotIn('unexplained', none)

    def test_gz(self):
        p = self.path('d.jsonl.gz')
        res = refgraph_export.dump(p)
        with open(p, 'rb') as f:
            self.assertEqual(f.read(2), b'\x1f\x8b')
        d = self.check_dump(p)
        self.assertEqual(res.objects, d.trailer['objects'])

    def test_no_tmp_left(self):
        import os
        self.dump()
        self.assertEqual(sorted(os.listdir(self.dir)), ['d.jsonl'])


if __name__ == '__main__':
    unittest.main()
