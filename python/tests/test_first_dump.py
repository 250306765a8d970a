"""The first dump must not change the process: everything the exporter
needs is imported with it, and a dump leaves nothing behind (no import
garbage, no reference cycles of its own for the next dump to see)."""
import collections
import json

from helpers import TempDirTest, run_script


def _type_counts(d):
    return collections.Counter(o['type'] for o in d.objects.values())


class FirstDump(TempDirTest):

    def test_two_dumps_of_a_fresh_interpreter_agree(self):
        """A fresh interpreter imports refgraph_export and dumps twice in a
        row: the first dump imports nothing and leaves nothing, so the two
        dumps hold (nearly) the same objects."""
        p1, p2 = self.path('one.jsonl'), self.path('two.jsonl')
        code = '''
            import sys, json
            import refgraph_export
            before = set(sys.modules)
            refgraph_export.dump(sys.argv[1])
            after_one = set(sys.modules)
            refgraph_export.dump(sys.argv[2])
            print(json.dumps({'imported': sorted(after_one - before)}))
        '''
        rc, out, err = run_script(code, [p1, p2])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(info['imported'], [], 'the first dump imported modules')
        d1, d2 = self.check_dump(p1), self.check_dump(p2)
        n1, n2 = len(d1.objects), len(d2.objects)
        c1, c2 = _type_counts(d1), _type_counts(d2)
        diff = dict((t, c2[t] - c1[t]) for t in set(c1) | set(c2) if c2[t] != c1[t])
        self.assertLessEqual(abs(n2 - n1), 10, (n1, n2, diff))
        self.assertLessEqual(sum(abs(v) for v in diff.values()), 10, diff)

    def test_a_dump_leaves_no_cyclic_garbage(self):
        """Everything a dump makes is freed by reference counting when it
        returns: nothing waits for the cyclic collector (the walk's bitmap
        and closures used to, about 1,000-1,800 objects a dump)."""
        code = '''
            import sys, gc, json
            import refgraph_export
            refgraph_export.dump(sys.argv[1])
            gc.collect()
            gc.set_debug(gc.DEBUG_SAVEALL)
            refgraph_export.dump(sys.argv[1])
            refgraph_export.dump(sys.argv[1], fork=True)
            gc.collect()
            n = len(gc.garbage)  # DEBUG_SAVEALL: automatic collections count too
            kinds = sorted(set(type(x).__name__ for x in gc.garbage))
            gc.set_debug(0)
            del gc.garbage[:]
            print(json.dumps({'n': n, 'kinds': kinds}))
        '''
        rc, out, err = run_script(code, [self.path('d.jsonl')])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(info['n'], 0, info['kinds'])
