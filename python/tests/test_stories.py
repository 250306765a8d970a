"""The leak hunts of STORIES.md, each in a fresh interpreter."""
import json
import unittest

from helpers import PY2, PYV, Dump, TempDirTest, run_script


class LoggingReloadStory(TempDirTest):
    """Story 000: hot reload keeps copies of logging alive through
    logging.shutdown.__globals__ (atexit on 2.7, a C-held ref on 3.x)."""

    def test_module_dict_retained_by_globals(self):
        path = self.path('logging.jsonl')
        code = '''
            import sys, json, gc
            import atexit  # loaded by the platform before the first request
            import refgraph_export
            before = set(sys.modules)
            import logging.handlers
            old_dict = sys.modules['logging'].__dict__
            info = {'dict': id(old_dict), 'shutdown': id(old_dict['shutdown'])}
            # the hot reload: forget every module the request imported
            for name in set(sys.modules) - before:
                del sys.modules[name]
            del logging, old_dict
            gc.collect()
            import logging.handlers  # the next request imports a new copy
            info['new_dict'] = id(sys.modules['logging'].__dict__)
            refgraph_export.dump(sys.argv[1])
            print(json.dumps(info))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertNotEqual(info['dict'], info['new_dict'])
        sh = d[info['shutdown']]
        self.assertEqual(sh['type'], 'function')
        self.assertEqual(sh['name'], 'logging.shutdown')
        self.assertEqual(sh['module'], 'logging')
        self.assertEqual(d.edge(info['shutdown'], '__globals__'), info['dict'])
        self.assertEqual(d[info['dict']]['type'], 'dict')
        self.assertEqual(d.edge(info['dict'], "['shutdown']"), info['shutdown'])
        # the old copy is not reachable from sys.modules any more
        # the sys.modules dict (the sys module's own dict is a sys.modules root too)
        sm = [o for o in d.objects.values() if o.get('root') == 'sys.modules'
              and "['sys']" in (o.get('labels') or ())][0]
        self.assertNotIn(info['dict'], sm['refs'])
        if PY2:
            # sys.modules -> atexit module -> __dict__ -> _exithandlers -> tuple -> shutdown
            eh = d.roots('atexit')
            self.assertEqual(len(eh), 1)
            self.assertEqual(eh[0].get('name'), 'atexit._exithandlers')  # what a 2.7 user looks for
            tuples = [r for r in eh[0]['refs'] if d[r]['type'] == 'tuple']
            self.assertTrue(any(d.edge(t, '[0]') == info['shutdown'] for t in tuples))
            atexit_mod = d.edge(sm['address'], "['atexit']")
            adict = d.edge(atexit_mod, '__dict__')
            self.assertEqual(d.edge(adict, "['_exithandlers']"), eh[0]['address'])
        elif PYV < (3, 10):
            # 3.6-3.9: the atexit module's state is traversed by gc, so the
            # registry shows as an edge labelled [atexit callback] from the
            # atexit module, which is an atexit root
            holders = [(a, lab) for a, lab in d.referrers(info['shutdown'])
                       if d[a]['type'] == 'module' and d[a].get('name') == 'atexit']
            self.assertEqual([lab for a, lab in holders], ['[atexit callback]'])
            self.assertEqual(d[holders[0][0]].get('root'), 'atexit')
            self.assertNotEqual(sh.get('root'), 'external')
        else:
            # held from C by the atexit registry (and os.register_at_fork on 3.7+)
            self.assertEqual(sh['root'], 'external')
            self.assertGreaterEqual(sh['unexplained'], 1)


class DelCycleStory(TempDirTest):
    """Story 003: a cycle with __del__ is uncollectable on 2.7 only."""

    def test_cycle_with_del(self):
        path = self.path('del.jsonl')
        code = '''
            import sys, json, gc
            import refgraph_export

            class Node(object):
                def __del__(self):
                    pass

            class OldNode:
                def __del__(self):
                    pass

            a = Node(); b = Node(); a.other = b; b.other = a
            c = OldNode(); e = OldNode(); c.other = e; e.other = c
            ids = [id(a), id(b), id(c), id(e)]
            del a, b, c, e
            gc.collect()
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'ids': ids, 'garbage': len(gc.garbage)}))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        garbage_list = d.roots('gc.garbage')
        self.assertEqual(len(garbage_list), 1)
        if PY2:
            self.assertEqual(info['garbage'], 4)
            self.assertEqual(d.header['gc']['garbage'], 4)
            for i in info['ids']:
                o = d[i]
                self.assertTrue(o.get('garbage'), o)
                self.assertEqual(o.get('finalizer'), 'del')
                self.assertIn(i, garbage_list[0]['refs'])
            self.assertEqual(d[info['ids'][0]]['type'], '__main__.Node')
            self.assertEqual(d[info['ids'][2]]['type'], '__main__.OldNode')
        else:
            self.assertEqual(info['garbage'], 0)
            self.assertEqual(d.by_type('__main__.Node'), [])
            self.assertEqual(garbage_list[0]['refs'], [])

    def test_finalizer_and_finalized(self):
        path = self.path('fin.jsonl')
        code = '''
            import sys, json, gc
            import refgraph_export
            class Resurrect(object):
                saved = []
                def __del__(self):
                    Resurrect.saved.append(self)
            r = Resurrect()
            rid = id(r)
            del r
            gc.collect()
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'id': rid}))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        o = d[info['id']]
        self.assertEqual(o['finalizer'], 'del')
        if PYV >= (3, 9):
            self.assertTrue(o.get('finalized'))


class AllocStory(TempDirTest):
    """Stories 001/002: allocation sites from tracemalloc."""

    @unittest.skipIf(PY2, 'no tracemalloc on 2.7')
    def test_alloc_traceback(self):
        path = self.path('alloc.jsonl')
        code = '''
            import sys, json, tracemalloc
            tracemalloc.start(5)
            import refgraph_export
            class Big(object):
                __slots__ = ('data',)
            def allocate():
                b = Big()
                b.data = 'hi' * 10000
                return b
            keep = allocate()
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'big': id(keep.data), 'obj': id(keep)}))
        '''
        # A dump under tracemalloc is 50-80x slower on 3.11+ (issue 19): a
        # generous limit, so a loaded machine does not fail a correct dump.
        rc, out, err = run_script(code, [path], timeout=900)
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertTrue(d.header['tracemalloc']['tracing'])
        self.assertEqual(d.header['tracemalloc']['frames'], 5)
        s = d[info['big']]
        self.assertIn('alloc', s)
        self.assertTrue(s['alloc'][0].endswith(':9'), s['alloc'])  # 'hi' * 10000, most recent first
        self.assertTrue(any(x.endswith(':11') for x in s['alloc'][1:]), s['alloc'])


class WeakCacheStory(TempDirTest):
    """Story 004: a deque holds dict-subclass entries; a WeakValueDictionary
    refers to them only weakly."""

    def test_deque_and_weak_values(self):
        path = self.path('cache.jsonl')
        code = '''
            import sys, json, collections, weakref
            import refgraph_export
            class Entry(dict):
                pass
            strong = collections.deque(maxlen=10)
            weak = weakref.WeakValueDictionary()
            for i in range(20):
                e = Entry(result='r%d' % i, expire=float(i))
                strong.append(e)
                weak['k%d' % i] = e
            del e
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'deque': id(strong), 'first': id(strong[0]), 'weak': id(weak)}))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        dq = d[info['deque']]
        self.assertEqual(dq['type'], 'collections.deque')
        self.assertEqual(dq['len'], 10)
        self.assertEqual(d.edge(info['deque'], '[0]'), info['first'])
        first = d[info['first']]
        self.assertEqual(first['type'], '__main__.Entry')
        self.assertEqual(first['len'], 2)
        self.assertIsNotNone(d.edge(info['first'], "['result']"))
        self.assertEqual(d.edge(info['first'], '__class__') is not None, True)
        # every referrer of an entry other than the deque is weak (a KeyedRef)
        for a, lab in d.referrers(info['first']):
            if a != info['deque']:
                self.assertEqual(lab, '<weakref>', (d[a]['type'], lab))
        self.assertEqual(first.get('refcount'), 1)


if __name__ == '__main__':
    unittest.main()
