"""tracemalloc during a dump (issue 19): the exporter's own allocations go
untraced (_tracing.pause), the objects' traces stay, and tracing goes on
afterwards exactly as before."""
import json
import unittest

from helpers import PY2, PYV, TempDirTest, run_script

SCRIPT = '''
    import sys, json, tracemalloc, ctypes
    tracemalloc.start(int(sys.argv[2]))
    import refgraph_export
    from refgraph_export import _tracing

    def fresh_block_traced(n, read=lambda fn, *a: fn(*a)):
        b = b'q' * n  # made at run time: a new pymalloc block
        return read(tracemalloc.get_object_traceback, b) is not None

    class Thing(object):
        pass

    def make():
        return [Thing() for _ in range(200)]
    things = make()

    def atoms():  # batched str/int/float lines (the fast paths) carry sites too
        return (['w%d' % i for i in range(300)], [10 ** 6 + i for i in range(300)],
                [float(i) + 0.5 for i in range(300)])
    words, ints, floats = atoms()
    before = [str(tracemalloc.get_object_traceback(t)) for t in things]
    unit = {'traced_before': fresh_block_traced(345)}
    old = b'o' * len(sys.argv[1] * 3)  # made at run time
    if sys.argv[3] == 'moved':  # as if a patch release had moved the config
        _tracing._cfg = _tracing._ints(_tracing._where[0] + 64)
    paused = _tracing.pause()
    unit['found_at'] = _tracing._cfg and ctypes.addressof(_tracing._cfg[0]) - _tracing._where[0]
    unit['paused'] = paused is not None
    if paused is not None:
        read = paused[2]
        unit['traced_while_paused'] = fresh_block_traced(346, read)
        unit['old_trace_while_paused'] = read(tracemalloc.get_object_traceback, old) is not None
        unit['flag_while_paused'] = tracemalloc.is_tracing()
        paused[0]()
    unit['traced_after_resume'] = fresh_block_traced(347)
    refgraph_export.dump(sys.argv[1], _refix=sys.argv[3] == 'refix')
    after = [str(tracemalloc.get_object_traceback(t)) for t in things]
    print(json.dumps(dict(unit, tracing=tracemalloc.is_tracing(), traced_after_dump=fresh_block_traced(348),
                          same_traces=before == after, thing=id(things[0]),
                          atoms=[[id(x) for x in xs] for xs in (words, ints, floats)],
                          # tracemalloc's own answer: a free-list object whose
                          # block predates tracemalloc.start() has no trace
                          atoms_traced=[[tracemalloc.get_object_traceback(x) is not None for x in xs]
                                        for xs in (words, ints, floats)])))
'''


@unittest.skipIf(PY2, 'no tracemalloc on 2.7')
class TracingPaused(TempDirTest):

    def run_dump(self, depth, how='plain', suffix='.jsonl'):
        path = self.path('t%d%s' % (depth, suffix))
        rc, out, err = run_script(SCRIPT, [path, str(depth), how], timeout=900)
        self.assertEqual(rc, 0, err[-3000:])
        return json.loads(out.strip().splitlines()[-1]), self.check_dump(path)

    def check(self, depth, how='plain', suffix='.jsonl'):
        r, d = self.run_dump(depth, how, suffix)
        self.result = r
        self.assertTrue(r['traced_before'], r)
        self.assertTrue(r['paused'], r)
        self.assertFalse(r['traced_while_paused'], r)
        self.assertTrue(r['old_trace_while_paused'], r)
        # 3.8+: the tracing flag is cleared too (new objects no longer look
        # up their block's trace; _tracing's doc)
        if PYV >= (3, 8):
            self.assertFalse(r['flag_while_paused'], r)
        self.assertTrue(r['traced_after_resume'], r)
        # the dump paused tracing, then put it back as it was
        self.assertIs(d.trailer.get('tracemalloc_paused'), True, d.trailer)
        self.assertTrue(r['tracing'], r)
        self.assertTrue(r['traced_after_dump'], r)
        self.assertTrue(r['same_traces'], r)
        alloc = d[r['thing']].get('alloc')
        self.assertTrue(alloc and ':' in alloc[0], d[r['thing']])
        # floats come from a free list: before 3.8 a reused one keeps the
        # trace of its block's first allocation, and on any version one whose
        # block predates tracemalloc.start() has none (tracemalloc's own
        # answer, atoms_traced): the dump gives a site exactly where
        # tracemalloc has a trace, the same one for each batch
        for group, (ids, traced) in enumerate(zip(r['atoms'], r['atoms_traced'])):
            if PYV < (3, 8) and group == 2:
                continue
            self.assertGreater(sum(traced), len(ids) // 2, group)
            sites = set(d[a].get('site') for a, t in zip(ids, traced) if t)
            self.assertEqual(len(sites), 1, (group, d[ids[0]], d[ids[-1]]))
            self.assertIsNotNone(sites.pop(), d[ids[0]])
            for a, t in zip(ids, traced):
                if not t:
                    self.assertNotIn('site', d[a], d[a])
            first = [a for a, t in zip(ids, traced) if t][0]
            self.assertIn(':', d[first]['alloc'][0])
        return d

    def test_depth_1(self):
        d = self.check(1)
        self.assertEqual(len(d[[a for a in d.objects if d[a]['type'] == '__main__.Thing'][0]]['alloc']), 1)

    def test_depth_25(self):
        d = self.check(25)
        # each traceback is written once, as a site record the objects name
        things = [a for a in d.objects if d[a]['type'] == '__main__.Thing']
        self.assertEqual(len(things), 200)
        self.assertEqual(len(set(d[a]['site'] for a in things)), 1)
        self.assertLess(len(d.sites), d.trailer['objects'] // 5)
        self.assertEqual(sum(1 for line in d.lines if line.startswith('{"record": "site"')), len(d.sites))

    def test_sites_survive_the_refix_pass(self):
        # the rare second pass over the plain lines must pass site records
        # through (gzip and plain)
        for suffix in ('.jsonl', '.jsonl.gz'):
            d = self.check(3, 'refix', suffix)
            self.assertTrue(d.sites)

    @unittest.skipIf(PYV < (3, 12), 'the config is at an exported symbol before 3.12')
    def test_a_moved_config_is_found(self):
        # 3.12+: the config's offset into _PyRuntime was read from one patch
        # release; where another moved it, the pause finds it nearby
        # (_tracing._scan) and clears the flag there (check: flag_while_paused)
        self.check(25, 'moved')
        self.assertEqual(self.result['found_at'], 0, self.result)


if __name__ == '__main__':
    unittest.main()
