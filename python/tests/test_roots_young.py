"""Signal handlers are named roots; objects in gc's young generations say
so ("gen")."""
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
refgraph_export.dump(sys.argv[1])
print(json.dumps({'old': [id(x) for x in old], 'middle': [id(x) for x in middle],
                  'new': [id(x) for x in new], 'gens': [gc.get_count()]}))
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

    @unittest.skipIf(PYV < (3, 8), 'gc.get_objects(generation=) exists from 3.8')
    def test_gen_of_young_containers(self):
        path = self.path('young.jsonl')
        rc, out, err = run_script(YOUNG, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertEqual(set(d[a].get('gen') for a in info['new']), set([0]))
        self.assertEqual(set(d[a].get('gen') for a in info['middle']), set([1]))
        self.assertEqual(set(d[a].get('gen') for a in info['old']), set([None]))

    @unittest.skipIf(PYV >= (3, 8), 'no generation lists before 3.8')
    def test_no_gen_before_3_8(self):
        path = self.path('young.jsonl')
        rc, out, err = run_script(YOUNG.replace('gc.collect(0)', 'gc.collect()'), [path])
        self.assertEqual(rc, 0, err)
        d = self.check_dump(path)
        self.assertEqual([o for o in d.objects.values() if 'gen' in o], [])
