"""refgraph_export.leak_check (issue 22), pure-Python side: which code is
called leaky, which clean, what the report names, and the options. The
pytest plugin and the analyzer's report are checked end to end by
Tests/leakcheck/run.sh."""
import collections
import glob
import os
import re
import sys
import unittest

from helpers import PYV, TempDirTest, run_script

from refgraph_export import leakcheck
from refgraph_export.leakcheck import LeakError, leak_check


class Order(object):
    def __init__(self, n):
        self.n = n
        self.lines = [n, str(n)]


PENDING = []
CONFIG = {}
RECENT = collections.deque(maxlen=8)


class Registry(object):
    handlers = []


def leaks_into_module_list():
    PENDING.append(Order(len(PENDING)))


def leaks_into_class_registry():
    Registry.handlers.append({'id': len(Registry.handlers)})


def fills_a_setdefault_registry():
    CONFIG.setdefault('db', [Order(0)])


def replaces_entries_of_a_bounded_deque():
    for i in range(20):
        RECENT.append(Order(i))


STORED = []


def _parse(raw):
    fields = raw.split(',')  # locals of a frame only a stored traceback keeps
    raise ValueError(len(fields))


def stores_exc_info():  # ipython#11572: a kept traceback keeps its frames' locals
    for i in range(3):
        try:
            _parse('%d,x,y' % (len(STORED) + i))
        except ValueError:
            STORED.append(sys.exc_info())


def _collector():
    seen = []  # a local of a suspended generator: held by its frame
    while True:
        item = yield len(seen)
        seen.append(item)


COLLECTOR = _collector()
next(COLLECTOR)


def leaks_into_generator_locals():
    COLLECTOR.send(Order(1))


SNAPSHOTS = {}
PAGE = 4096  # a name, not a literal: b'\0' * 4096 would be folded into one shared constant


def leaks_into_an_atomic_dict():
    # str keys and bytes values only: gc does not track this dict, so what
    # it holds is no tracked object's referent
    SNAPSHOTS['req-%d' % len(SNAPSHOTS)] = b'\0' * PAGE


SESSIONS = collections.OrderedDict()
_SESSION_IDS = [0]


def churns_a_bounded_ordered_dict():
    for _ in range(40):  # 40 new keys per call through 32 slots
        _SESSION_IDS[0] += 1
        k = 'sess-%d' % _SESSION_IDS[0]
        SESSIONS[k] = {'user': k, 'perm': ['r']}
        while len(SESSIONS) > 32:
            SESSIONS.popitem(last=False)


class Link(object):
    def __init__(self, nxt=None):
        self.nxt = nxt


CHAIN = Link()
for _ in range(90):
    CHAIN = Link(CHAIN)


def leaks_at_the_end_of_a_long_chain():
    tail = CHAIN
    while tail.nxt is not None:
        tail = tail.nxt
    tail.nxt = Link()


def leaks_a_module_per_call():
    import types
    name = 'leakcheck_unit_%d' % len(sys.modules)
    sys.modules[name] = types.ModuleType(name)


def makes_garbage_only():
    junk = [Order(i) for i in range(50)]
    assert len(junk) == 50


class LeakCheckTest(TempDirTest):

    def check(self, fn, **kw):
        kw.setdefault('analyzer', False)
        with leak_check(**kw) as check:
            return check.run(fn)

    def test_a_module_level_list_leaks_and_is_named(self):
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_into_module_list)
        msg = str(cm.exception)
        self.assertIn('leaked in each of', msg)
        self.assertIn("['PENDING']", msg)
        self.assertIn('gc referrers', msg)  # says which report ran
        self.assertEqual(cm.exception.growth.get(__name__ + '.Order'), 1, cm.exception.growth)
        self.assertEqual(cm.exception.dumps, [])

    def test_a_class_registry_leaks_and_is_named(self):
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_into_class_registry)
        self.assertIn("['handlers']", str(cm.exception))
        self.assertIn('class %s.Registry' % __name__, str(cm.exception))

    def test_a_stored_traceback_is_named_through_its_frames(self):
        with self.assertRaises(LeakError) as cm:
            self.check(stores_exc_info)
        self.assertIn("['STORED']", str(cm.exception))

    def test_a_suspended_generators_locals_are_walked_through_its_frame(self):
        # the holder chain goes through a frame that is not on the live stack
        # (up to 3.11 a frame object between the generator and its locals);
        # skipping every frame said 'no module or class reaches it'
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_into_generator_locals)
        self.assertIn("['COLLECTOR'] generator", str(cm.exception))

    def test_a_leak_into_a_dict_gc_does_not_track_is_found_and_named(self):
        import gc
        leaks_into_an_atomic_dict()
        gc.collect()
        self.assertFalse(gc.is_tracked(SNAPSHOTS))  # the case under test
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_into_an_atomic_dict)
        msg = str(cm.exception)
        self.assertIn("['SNAPSHOTS'] dict", msg)
        self.assertIn('kB per run', msg)  # 4 kB a run, measured

    def test_a_leak_90_objects_deep_is_followed_and_its_repeats_compressed(self):
        # a walk of 12 levels said 'no module or class reaches it'
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_at_the_end_of_a_long_chain)
        msg = str(cm.exception)
        self.assertIn("['CHAIN'] %s.Link -> (" % __name__, msg)
        self.assertTrue(re.search(r'%s\.Link\) x\d\d' % __name__, msg), msg)

    def test_a_leaked_module_is_not_named_as_its_own_holder(self):
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_a_module_per_call)
        self.assertIn("module sys -> ['modules'] dict -> ['leakcheck_unit_", str(cm.exception))

    def test_classes_of_python_code_are_told_from_cs(self):
        import threading
        self.assertTrue(leakcheck._python_class(Order))
        self.assertTrue(leakcheck._python_class(threading.Thread))
        self.assertTrue(leakcheck._python_class(type('Made', (object,), {})))
        for t in (dict, type(threading.Lock()), type(sys), type(iter(()))):
            self.assertFalse(leakcheck._python_class(t), t)  # _thread.lock is a heap type on 3.12+

    def test_the_cluster_shown_is_not_one_of_weak_references_only(self):
        # 3.12+ names the weakref type weakref.ReferenceType: dotted, like a
        # class of Python code; a class's entry in its base's subclass table
        # was shown instead of copyreg's dispatch_table holding the class
        text = ('#1  1 new objects\n      1 weakref.ReferenceType\n      [external root] x\n\n'
                '#2  7 new objects\n      2 tuple, 1 dict, 1 type\n      [\'dispatch_table\'] x\n')
        picked = leakcheck._pick_cluster(text, set(['weakref.ReferenceType', 'type', 'dict']), [],
                                         ['weakref.ReferenceType'])
        self.assertIn('dispatch_table', picked)
        self.assertIn('1 more clusters', picked)

    def test_python_2_messages_are_ascii(self):
        if sys.version_info[0] > 2:
            return self.skipTest('2.7 only: pytest 4.6 escapes a message with non-ASCII bytes whole')
        out = leakcheck._ascii(u'a\n  [x] \u2192 dict \u2026 \u00e9')
        self.assertEqual(out, 'a\n  [x] -> dict ... \\xe9')
        self.assertIs(type(out), str)

    def test_repeats_are_compressed(self):
        c = leakcheck._compress
        self.assertEqual(c(['m', 'a', 'a', 'a', 'b']), ['m', '(a) x3', 'b'])
        self.assertEqual(c(['m', 'a', 'b', 'a', 'b', 'a', 'b']), ['m', '(a -> b) x3'])
        self.assertEqual(c(['m', 'a', 'a', 'b']), ['m', 'a', 'a', 'b'])  # twice is shown as it is

    def test_caches_that_fill_in_the_warm_up_pass(self):
        for fn in (fills_a_setdefault_registry, replaces_entries_of_a_bounded_deque, makes_garbage_only,
                   churns_a_bounded_ordered_dict):
            calls = self.check(fn)
            self.assertIn(calls, (2 + 3, 2 + 3 + 2), fn.__name__)  # warm-up + runs (+ confirmation)

    def test_allow_tolerates_named_types(self):
        with self.assertRaises(LeakError):
            self.check(leaks_into_class_registry, allow={'dict': 0})
        self.check(leaks_into_class_registry, allow=['dict'])
        self.check(leaks_into_class_registry, allow={'dict': 1})

    def test_runs_must_be_two_or_more(self):
        self.assertRaises(ValueError, leak_check, runs=1)

    def test_keep_dir_keeps_three_dumps_that_load(self):
        keep = self.path('kept')
        with self.assertRaises(LeakError) as cm:
            self.check(leaks_into_module_list, keep_dir=keep, name='tests/x.py::test_y[1]')
        dumps = sorted(glob.glob(os.path.join(keep, '*.jsonl.gz')))
        self.assertEqual(dumps, sorted(cm.exception.dumps))
        self.assertEqual(len(dumps), 3)
        self.assertTrue(all(os.path.basename(d).startswith('tests_x.py_test_y_1_.') for d in dumps), dumps)
        self.assertIn('dumps kept:', str(cm.exception))
        for d in dumps:
            self.check_dump(d)

    def test_the_analyzer_is_found_on_path_or_in_REFGRAPH(self):
        old = dict(os.environ)
        try:
            os.environ['REFGRAPH'] = ''
            os.environ['PATH'] = self.dir
            self.assertIsNone(leakcheck.find_analyzer())
            fake = self.path('refgraph')
            with open(fake, 'w') as f:
                f.write('#!/bin/sh\nexit 1\n')
            os.chmod(fake, 0o755)
            self.assertEqual(leakcheck.find_analyzer(), fake)
            # an analyzer that fails falls back to the pure-Python report, and says so
            with self.assertRaises(LeakError) as cm:
                self.check(leaks_into_module_list, analyzer=fake)
            self.assertIn('refgraph diff named no cluster', str(cm.exception))
        finally:
            os.environ.clear()
            os.environ.update(old)

    @unittest.skipIf(PYV < (3, 8), 'before 3.8 a dict from the free list keeps the trace of its first use')
    def test_the_report_names_the_allocation_site_under_tracemalloc(self):
        rc, out, err = run_script('''
            import tracemalloc
            tracemalloc.start(5)
            from refgraph_export.leakcheck import leak_check, LeakError
            KEPT = []
            def make():
                return {'row': [1, 2, 3]}
            def leaky():
                KEPT.append(make())
            try:
                with leak_check(analyzer=False) as check:
                    check.run(leaky)
            except LeakError as e:
                print(e)
        ''', timeout=300)
        self.assertEqual(rc, 0, err[-2000:])
        self.assertIn("['KEPT']", out)
        self.assertRegex(out, r'allocated at .*script\.py:7\n')  # make()'s line: the dict's


if __name__ == '__main__':
    unittest.main()
