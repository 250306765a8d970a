"""The speed paths give the same dump as the plain ones: the second pass
that copies unmarked lines in blocks, the per-str-key label cache (its
references are subtracted), the whole-array labels of 3.11+ instances."""
import io
import sys
import unittest

from helpers import PY2, PYV, TempDirTest

import refgraph_export
from refgraph_export import _core


class Finalized(object):
    def __init__(self):
        self.payload = ['with __del__']

    def __del__(self):
        pass


class PassesTest(TempDirTest):
    def test_block_copy_equals_line_by_line(self):
        keep = [{'k%d' % (i % 7): [i]} for i in range(3000)] + [str(i) * 3 for i in range(3000)]
        seen = {}
        orig = _core._second_pass

        def both(raw, out, regs, over, xheld, copy_settled=False):
            a = io.BytesIO()
            raw.seek(0)
            n1 = _core._second_pass_lines(raw, a, regs, over, xheld)
            b = io.BytesIO()
            raw.seek(0)
            n2 = orig(raw, b, regs, over, xheld, copy_settled)
            seen['result'] = (a.getvalue() == b.getvalue(), n1 == n2, copy_settled)
            out.write(b.getvalue())
            return n2
        _core._second_pass = both
        try:
            refgraph_export.dump(self.path('d.jsonl'))
        finally:
            _core._second_pass = orig
        self.assertEqual(seen['result'], (True, True, True))
        d = self.check_dump(self.path('d.jsonl'))
        self.assertFalse([l for l in d.lines if '\x00' in l])
        del keep

    def test_shared_dict_keys_refcount(self):
        # the label cache holds each str key it has seen: not in refcounts
        key = ''.join(['not', '-interned', '-key'])
        other = ''.join(['another', '-key'])
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
        self.assertEqual(d.edge(id(dicts[0]), "['not-interned-key']"), id(dicts[0][list(dicts[0])[0]]))

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
