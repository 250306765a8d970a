"""The exporter's own references and objects stay out of the dump's story:
no spurious external roots from its caches, named roots for the
interpreter-held dicts, nothing new in a second dump of an idle process."""
import json

from helpers import PYV, TempDirTest, run_script


class ExporterRefs(TempDirTest):

    def test_descriptors_not_external(self):
        """The __dict__ / slot descriptors of classes whose instances were
        dumped are held by the exporter's plans during the walk: those
        references are subtracted, so the descriptors are not external roots."""
        path = self.path('desc.jsonl')
        code = '''
            import sys, json
            import refgraph_export

            class WithDict(object):
                pass

            class WithSlots(object):
                __slots__ = ('a', 'b')

            keep = [WithDict() for _ in range(3)] + [WithSlots() for _ in range(3)]
            for k in keep[:3]:
                k.x = 1
            ids = {'dict_desc': id(WithDict.__dict__['__dict__']),
                   'slot_a': id(WithSlots.__dict__['a']),
                   'slot_b': id(WithSlots.__dict__['b'])}
            refgraph_export.dump(sys.argv[1])
            print(json.dumps(ids))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        ids = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        for name, a in sorted(ids.items()):
            o = d[a]
            self.assertNotEqual(o.get('root'), 'external', (name, o))
            self.assertGreaterEqual(o['refcount'], 1, (name, o))
        # no refcount anywhere is below zero (nothing subtracted twice)
        self.assertEqual([o for o in d.objects.values() if o['refcount'] < 0], [])

    def test_interpreter_dicts_are_named_roots(self):
        path = self.path('roots.jsonl')
        code = '''
            import sys, json
            import refgraph_export
            b = sys.modules['builtins' if sys.version_info[0] > 2 else '__builtin__']
            ids = {'sysdict': id(sys.__dict__), 'bdict': id(b.__dict__), 'modules': id(sys.modules)}
            refgraph_export.dump(sys.argv[1])
            print(json.dumps(ids))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        ids = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertEqual(d[ids['modules']]['root'], 'sys.modules')
        self.assertEqual(d[ids['sysdict']]['root'], 'sys.modules')
        self.assertEqual(d[ids['bdict']]['root'], 'builtins')

    def test_second_dump_of_idle_process_adds_nothing(self):
        """Two dumps in a row: the second holds no object the exporter made
        for or during the first (probe classes, files, caches, results), and
        very few new objects at all."""
        p1, p2 = self.path('one.jsonl'), self.path('two.jsonl')
        code = '''
            import sys
            import refgraph_export
            refgraph_export.dump(sys.argv[1])
            refgraph_export.dump(sys.argv[2])
        '''
        rc, out, err = run_script(code, [p1, p2])
        self.assertEqual(rc, 0, err)
        d1, d2 = self.check_dump(p1), self.check_dump(p2)
        old = set((a, o['type']) for a, o in d1.objects.items())
        new = [o for a, o in d2.objects.items() if (a, o['type']) not in old]
        self.assertLess(len(new), 20, [(o['type'], o.get('name')) for o in new])
        # objects of the exporter's making: instances of its classes, and
        # anything named after it that was not there in the first dump
        # (its modules, functions and classes are loaded code, defined once)
        for o in d2.objects.values():
            self.assertNotIn('refgraph_export', o['type'], o)
        for o in new:
            self.assertNotIn('refgraph_export', o.get('name') or '', o)
        for o in new:  # the exporter's temporary file (stdio's FileIOs are old)
            self.assertNotIn(o['type'], ('_io.BufferedRandom', '_io.FileIO', 'file'), o)
        for o in d2.objects.values():  # no class made inside an exporter function
            if o['type'] == 'type' and 'refgraph_export' in (o.get('name') or ''):
                self.assertNotIn('<locals>', o['name'], o)

    def test_atexit_module_is_root_on_36_to_39(self):
        if not ((3, 6) <= PYV < (3, 10)):
            self.skipTest('the atexit registry is traversed by gc on 3.6-3.9 only')
        path = self.path('atexit.jsonl')
        code = '''
            import sys, json, atexit
            import refgraph_export
            def on_exit():
                pass
            atexit.register(on_exit)
            refgraph_export.dump(sys.argv[1])
            print(json.dumps({'mod': id(atexit), 'fn': id(on_exit)}))
        '''
        rc, out, err = run_script(code, [path])
        self.assertEqual(rc, 0, err)
        ids = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        self.assertEqual(d[ids['mod']]['root'], 'atexit')
        self.assertIn(('[atexit callback]', ids['fn']), d.edges(ids['mod']))
        self.assertIn('__dict__', [lab for lab, r in d.edges(ids['mod'])])
