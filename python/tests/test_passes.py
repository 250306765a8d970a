"""The speed paths give the same dump as the plain ones: lines written
unmarked need no fix once every reference is counted, the per-str-key label
cache (its references are subtracted), the whole-array labels of 3.11+
instances, the batched str/int/float lines."""
import sys
import unittest

from helpers import PY2, PYV, TempDirTest

import refgraph_export
from refgraph_export import _core


def _incref(x):
    import ctypes
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(x))


def _decref(x):
    import ctypes
    ctypes.pythonapi.Py_DecRef(ctypes.py_object(x))


class Finalized(object):
    def __init__(self):
        self.payload = ['with __del__']

    def __del__(self):
        pass


class PassesTest(TempDirTest):
    def test_plain_lines_need_no_fix(self):
        # Lines go out unmarked when the references found so far explain the
        # refcount; the fixer, given the final counts, must leave each one
        # as it is (and the marked ones, fixed once, too).
        keep = [{'k%d' % (i % 7): [i]} for i in range(3000)] + [str(i) * 3 for i in range(3000)]
        shared = [float(i) for i in range(3000)]
        keep.append(list(shared))
        # references no dumped object explains (as from a C extension), on
        # atoms that go out in a batch of their type
        held = [float(i) + 0.5 for i in range(9000)][::1000] + [str(i) * 5 for i in range(9000)][::1000]
        keep.append(held)
        for x in held:
            _incref(x)
        x = None
        seen = {}
        orig = _core._line_fixer

        def spy(regs, over, xheld, *rest):
            fix = orig(regs, over, xheld, *rest)
            seen['fix'], seen['xheld'] = fix, set(xheld)
            return fix
        refix = _core._refix_plain

        def no_refix(*args):  # the fallback would hide a wrong plain line
            seen['refix'] = True
            return refix(*args)
        _core._line_fixer = spy
        _core._refix_plain = no_refix
        try:
            refgraph_export.dump(self.path('d.jsonl'))
        finally:
            _core._line_fixer = orig
            _core._refix_plain = refix
        self.assertFalse(seen.get('refix'), 'the fallback for wrong plain lines ran')
        d = self.check_dump(self.path('d.jsonl'))
        self.assertFalse([l for l in d.lines if '\x00' in l])
        fix, xheld = seen['fix'], seen['xheld']
        changed = [l for l in d.lines[1:-1]
                   if int(l[12:l.index(',')]) not in xheld
                   and fix(l.encode('utf-8')) != l.encode('utf-8')]
        self.assertEqual(changed, [])
        for x in shared:  # two references each: none unexplained
            self.assertEqual(d[id(x)]['refcount'], 2)
            self.assertNotIn('root', d[id(x)])
        for x in held:
            self.assertEqual(d[id(x)]['refcount'], 2)
            self.assertEqual((d[id(x)].get('root'), d[id(x)].get('unexplained')), ('external', 1))
            _decref(x)
        del keep, shared, held

    def test_refix_fallback_same_lines(self):
        # When the exporter holds an object whose line went out unmarked,
        # every plain line is fixed again (rare; forced here): the same
        # lines as without, plain and gzip.
        key = ''.join(['not', '-interned', '-key'])
        dicts = [{key: [i]} for i in range(50)]
        atoms = [str(i) * 3 for i in range(100)]
        mine = [id(key)] + [id(x) for x in dicts] + [id(x) for x in atoms]
        del key
        for name in ('d.jsonl', 'd.jsonl.gz'):
            a = self.mine(self.path('a-' + name), mine)
            b = self.mine(self.path('b-' + name), mine, _refix=True)
            self.assertEqual(a, b)
            self.assertEqual(b[0]['refcount'], 50)
            self.assertEqual(b[51]['refcount'], 1)
            self.assertNotIn('root', b[51])
        del dicts, atoms

    def mine(self, p, addrs, **kw):
        """Dump to p, check it, and return the lines of addrs only (not the
        loaded dump: the next dump would walk it), without "gen": a
        collection between two dumps moves young objects on."""
        refgraph_export.dump(p, **kw)
        d = self.check_dump(p)
        out = [d[x] for x in addrs]
        for o in out:
            o.pop('gen', None)
        return out

    def test_shared_dict_keys_refcount(self):
        # the label cache holds each str key it has seen: not in refcounts
        key = ''.join(['not', '_interned', '_key'])
        other = ''.join(['another', '_key'])
        dicts = [{key: i} for i in range(50)] + [{other: 1}]
        kid, oid = id(key), id(other)
        del key, other
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        d = self.check_dump(p)
        self.assertEqual(d[kid]['refcount'], 50)
        self.assertEqual(d[oid]['refcount'], 1)
        self.assertNotIn('root', d[kid])
        self.assertNotIn('root', d[oid])
        self.assertEqual(d.edge(id(dicts[0]), "['not_interned_key']"), id(dicts[0][list(dicts[0])[0]]))

    def test_instance_with_del_labelled(self):
        f = Finalized()
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        d = self.check_dump(p)
        self.assertEqual(d[id(f)]['finalizer'], 'del')
        if PYV >= (3, 11):
            self.assertEqual(d.edge(id(f), '.payload'), id(f.payload))
        else:
            self.assertEqual(d.edge(d.edge(id(f), '__dict__'), "['payload']"), id(f.payload))


if __name__ == '__main__':
    unittest.main()
