"""Objects the interpreter holds for its whole life: cached singletons
(immortal on every version, never external), and the fields of 3.11+ code
objects no getter returns (co_localsplusnames, ...)."""
import unittest

from helpers import PY2, PYV, TempDirTest

import refgraph_export


def _singletons():
    out = [None, True, False, Ellipsis, NotImplemented, (), '', b'']
    out += [int('%d' % i) for i in range(-5, 257)]
    out += [chr(i) for i in range(256)]
    if not PY2:
        out += [bytes([i]) for i in range(256)]
    return out


class Singletons(TempDirTest):

    def dump(self):
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        return self.check_dump(p)

    def test_cached_singletons_are_immortal(self):
        """Small ints, 1-character strings, 1-byte bytes, (), '', b'', None,
        True, False, Ellipsis, NotImplemented: "immortal": true and root
        "immortal" on every version, never "external" (3.11 gave them
        ~10^9 unexplained references, older versions thousands)."""
        objs = _singletons()
        d = self.dump()
        bad = []
        for x in objs:
            o = d.objects.get(id(x))
            if o is None:
                bad.append(('missing', repr(x)))
            elif not o.get('immortal') or o.get('root') != 'immortal' or 'unexplained' in o:
                bad.append((repr(x), o))
        self.assertEqual(bad, [])

    def test_3_11_static_objects_are_immortal(self):
        """3.11's statically allocated objects (deep-frozen code objects,
        their constants and names) have refcounts near 999999999."""
        if PYV != (3, 11):
            self.skipTest('statically allocated objects with refcount 999999999: 3.11 only')
        d = self.dump()
        huge = [o for o in d.objects.values() if o['refcount'] > 10 ** 8 and not o.get('immortal')]
        self.assertEqual(huge[:5], [])
        self.assertEqual([o for o in d.objects.values() if o.get('unexplained', 0) > 10 ** 8][:5], [])


def _code_example(first, second):
    third = [first]
    return lambda: third


class CodeObjectFields(TempDirTest):

    def dump(self):
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        return self.check_dump(p)

    @unittest.skipIf(PYV < (3, 11), 'co_localsplusnames/co_localspluskinds exist from 3.11')
    def test_localsplus_names_and_kinds(self):
        code = _code_example.__code__
        d = self.dump()
        names = d.edge(id(code), 'co_localsplusnames')
        kinds = d.edge(id(code), 'co_localspluskinds')
        self.assertIsNotNone(names, d.edges(id(code)))
        self.assertEqual(d[names]['type'], 'tuple')
        self.assertEqual(d[names]['len'], 3)  # first, second, third
        self.assertEqual(d[kinds]['type'], 'bytes')
        for a in (names, kinds):
            self.assertNotEqual(d[a].get('root'), 'external', d[a])
        no_names = [o.get('name') for o in d.by_type('code')
                    if d.edge(o['address'], 'co_localsplusnames') is None]
        self.assertEqual(no_names, [])

    @unittest.skipIf(PYV < (3, 12), 'co_varnames is cached in the code object from 3.12')
    def test_cached_co_varnames(self):
        code = _code_example.__code__
        cached = code.co_varnames
        self.assertIs(cached, code.co_varnames)
        d = self.dump()
        self.assertEqual(d.edge(id(code), 'co_varnames'), id(cached))
        self.assertNotEqual(d[id(cached)].get('root'), 'external')

    def test_bare_interpreter_has_no_code_tuples_as_roots(self):
        """A bare process: no tuple or bytes object is an external root
        because a code object holds it out of gc's sight (3.11 had 1,123
        tuples and 1,295 bytes, 3.13 about 400 tuples)."""
        from helpers import run_script
        path = self.path('bare.jsonl')
        rc, out, err = run_script('''
            import sys
            import refgraph_export
            refgraph_export.dump(sys.argv[1])
        ''', [path])
        self.assertEqual(rc, 0, err)
        d = self.check_dump(path)
        ext = [o for o in d.objects.values()
               if o.get('root') == 'external' and o['type'] in ('tuple', 'bytes')]
        self.assertLessEqual(len(ext), 25, [(o['type'], o.get('len'), o['refcount']) for o in ext][:30])
