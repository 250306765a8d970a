"""Signal handlers are named roots; objects in gc's young generations say
so ("gen")."""
import gc
import json
import unittest

from helpers import PYV, TempDirTest, run_script

SIGNAL_CHAIN = '''
import sys, json, signal
import refgraph_export

def make(previous):
    def handler(signum, frame):
        if previous is not None:
            previous(signum, frame)
    return handler

h = None
chain = []
for i in range(1200):
    h = make(h)
    chain.append(id(h))
    signal.signal(signal.SIGUSR1, h)
del h
refgraph_export.dump(sys.argv[1])
print(json.dumps({'chain': chain}))
'''

YOUNG = '''
import sys, json, gc
import refgraph_export
gc.disable()
gc.collect()
old = [['old', i] for i in range(30)]
gc.collect()
middle = [['middle', i] for i in range(30)]
gc.collect(0)
new = [['new', i] for i in range(30)]
state = []
for p in sys.argv[1:]:
    before = (gc.isenabled(), gc.get_threshold(), gc.get_count())
    refgraph_export.dump(p)
    state.append([before, (gc.isenabled(), gc.get_threshold(), gc.get_count())])
print(json.dumps({'old': [id(x) for x in old], 'middle': [id(x) for x in middle],
                  'new': [id(x) for x in new], 'state': state}))
'''

class SignalRoots(TempDirTest):

    def test_signal_handler_chain(self):
        """1,200 handlers installed one over the other, each closing over
        the one before: the head is held by the interpreter's handler table
        (a 'signal' root), the rest through the closures: nothing
        unexplained."""
        path = self.path('sig.jsonl')
        rc, out, err = run_script(SIGNAL_CHAIN, [path])
        self.assertEqual(rc, 0, err)
        chain = json.loads(out.strip().splitlines()[-1])['chain']
        d = self.check_dump(path)
        head = d[chain[-1]]
        self.assertEqual(head.get('root'), 'signal', head)
        self.assertNotIn('unexplained', head)
        bad = [d[a] for a in chain if d[a].get('root') == 'external']
        self.assertEqual(bad[:3], [])

    def test_default_handlers_are_not_roots(self):
        path = self.path('plain.jsonl')
        rc, out, err = run_script('''
            import sys
            import refgraph_export
            refgraph_export.dump(sys.argv[1])
        ''', [path])
        self.assertEqual(rc, 0, err)
        d = self.check_dump(path)
        self.assertEqual([o for o in d.objects.values() if o.get('root') == 'signal'], [])


class YoungGenerations(TempDirTest):

    def test_gen_of_young_containers(self):
        """Objects made after the last collection are generation 0, those
        that survived one young collection 1, those that survived a full
        one have no gen; 2.7-3.7 read it from the links of
        gc.get_objects()'s list. Two dumps agree, and neither collects nor
        changes gc's switch or thresholds."""
        paths = [self.path('young1.jsonl'), self.path('young2.jsonl')]
        rc, out, err = run_script(YOUNG, paths)
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        for path in paths:
            d = self.check_dump(path)
            self.assertEqual(set(d[a].get('gen') for a in info['new']), set([0]))
            self.assertEqual(set(d[a].get('gen') for a in info['middle']), set([1]))
            self.assertEqual(set(d[a].get('gen') for a in info['old']), set([None]))
            d = None
        for before, after in info['state']:
            self.assertEqual(before[:2], after[:2])  # disabled, same thresholds
            # no collection ran (it would reset the counts below it); the
            # generation-0 count only grows by objects left on free lists
            self.assertEqual(before[2][1:], after[2][1:])
            self.assertGreaterEqual(after[2][0], before[2][0])

    def test_gen_with_gc_enabled(self):
        """The ordinary case: gc enabled, collections as they come. Every
        object made after the dump's last young collection is gen 0 or 1."""
        path = self.path('enabled.jsonl')
        rc, out, err = run_script('''
            import sys, json, gc
            import refgraph_export
            gc.collect()
            static = [['static', i] for i in range(2000)]
            gc.collect()
            recent = [['recent', i] for i in range(50)]
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'static': [id(x) for x in static], 'recent': [id(x) for x in recent]}))
        ''', [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertEqual(set(d[a].get('gen') for a in info['static']), set([None]))
        self.assertLessEqual(set(d[a].get('gen') for a in info['recent']), set([0, 1]))
        self.assertTrue([o for o in d.objects.values() if o.get('gen') == 0])

    @unittest.skipIf(PYV >= (3, 8), '3.8+ ask gc.get_objects(generation=)')
    def test_links_that_disagree_give_no_gen(self):
        """2.7-3.7: the reader takes only the list gc.get_objects() just
        returned; a copy of it, or the list reordered, breaks the links it
        checks, and it answers None (no gen), never a guess."""
        from refgraph_export import _layouts
        read = _layouts.young_reader()
        self.assertIsNotNone(read)
        objs = gc.get_objects()
        copy = list(objs)
        self.assertIsNone(read(copy))
        self.assertIsNone(read(copy[::-1]))
        copy = None
        objs = None
        objs = gc.get_objects()
        got = read(objs)
        self.assertIsNotNone(got)
        objs = None
