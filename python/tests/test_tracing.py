"""tracemalloc during a dump (issue 19): the exporter's own allocations go
untraced (_tracing.pause), the objects' traces stay, and tracing goes on
afterwards exactly as before."""
import json
import unittest

from helpers import PY2, PYV, TempDirTest, run_script

SCRIPT = '''
    import sys, json, tracemalloc
    tracemalloc.start(int(sys.argv[2]))
    import refgraph_export
    from refgraph_export import _tracing

    def fresh_block_traced(n):
        b = b'q' * n  # made at run time: a new pymalloc block
        return tracemalloc.get_object_traceback(b) is not None

    class Thing(object):
        pass

    def make():
        return [Thing() for _ in range(200)]
    things = make()
    before = [str(tracemalloc.get_object_traceback(t)) for t in things]
    unit = {'traced_before': fresh_block_traced(345)}
    paused = _tracing.pause()
    unit['paused'] = paused is not None
    if paused is not None:
        unit['traced_while_paused'] = fresh_block_traced(346)
        paused[0]()
    unit['traced_after_resume'] = fresh_block_traced(347)
    refgraph_export.dump(sys.argv[1])
    after = [str(tracemalloc.get_object_traceback(t)) for t in things]
    print(json.dumps(dict(unit, tracing=tracemalloc.is_tracing(), traced_after_dump=fresh_block_traced(348),
                          same_traces=before == after, thing=id(things[0]))))
'''


@unittest.skipIf(PY2, 'no tracemalloc on 2.7')
class TracingPaused(TempDirTest):

    def run_dump(self, depth):
        path = self.path('t%d.jsonl' % depth)
        rc, out, err = run_script(SCRIPT, [path, str(depth)], timeout=900)
        self.assertEqual(rc, 0, err[-3000:])
        return json.loads(out.strip().splitlines()[-1]), self.check_dump(path)

    def check(self, depth):
        r, d = self.run_dump(depth)
        self.assertTrue(r['traced_before'], r)
        self.assertTrue(r['paused'], r)
        self.assertFalse(r['traced_while_paused'], r)
        self.assertTrue(r['traced_after_resume'], r)
        # the dump paused tracing, then put it back as it was
        self.assertIs(d.trailer.get('tracemalloc_paused'), True, d.trailer)
        self.assertTrue(r['tracing'], r)
        self.assertTrue(r['traced_after_dump'], r)
        self.assertTrue(r['same_traces'], r)
        alloc = d[r['thing']].get('alloc')
        self.assertTrue(alloc and ':' in alloc[0], d[r['thing']])
        return d

    def test_depth_1(self):
        d = self.check(1)
        self.assertEqual(len(d[[a for a in d.objects if d[a]['type'] == '__main__.Thing'][0]]['alloc']), 1)

    def test_depth_25(self):
        self.check(25)


if __name__ == '__main__':
    unittest.main()
