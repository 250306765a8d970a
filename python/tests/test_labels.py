"""Edge labels the analyzer shows in paths: attributes of 3.11+ instances
without a dict object (inline values), local variables of suspended
generators and coroutines (3.11+ embedded frames)."""
import collections
import gc
import re
import types
import unittest

from helpers import PY2, PYV, TempDirTest

import refgraph_export
from refgraph_export import _plans, _safe


class LocalCache(object):
    def __init__(self):
        self.cache = collections.deque()
        self.name = 'local-cache'


class SlotBase(object):
    __slots__ = ('slot',)


class SlotsAndAttrs(SlotBase):
    pass


class AttrDict(dict):
    pass


class ManyAttrs(object):
    pass


def gen_with_locals(arg):
    items = ['gen-items']
    yield items


if not PY2:
    _NS = {}
    exec('''
import types

@types.coroutine
def suspend():
    yield

async def coro_with_locals(arg):
    items = ['coro-items']
    await suspend()
    return items
''', _NS)
    if PYV >= (3, 6):
        exec('''
async def agen_with_locals(arg):
    items = ['agen-items']
    yield items
''', _NS)


def _frames_of(g):
    return [r for r in gc.get_referents(g) if type(r) is types.FrameType]


class LabelsTest(TempDirTest):
    def dump(self):
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        return self.check_dump(p)

    def assertAttr(self, d, obj, name, target, inline=True):
        """obj.name -> target: '.name' on 3.11+ (no dict object), through
        the instance dict before. inline=False: either (3.11/3.12 give dict
        subclasses a real dict, 3.13 keeps no inline values after slots)."""
        if PYV >= (3, 11) and (inline or d.edge(id(obj), '__dict__') is None):
            self.assertEqual(d.edge(id(obj), '.' + name), id(target), d.edges(id(obj)))
        else:
            dd = d.edge(id(obj), '__dict__')
            self.assertIsNotNone(dd, d.edges(id(obj)))
            self.assertEqual(d.edge(dd, "['%s']" % name), id(target))

    def assertNoDict(self, obj):
        """3.11+: the dump did not materialise obj's __dict__."""
        peek = _safe.managed_dict_peek_ok()
        if PYV >= (3, 11) and peek is not None:
            self.assertEqual(peek(obj), 0)

    # ---------------------------------------------------------- (a) attributes
    def test_inline_attributes_labelled(self):
        lc = LocalCache()
        d = self.dump()
        self.assertAttr(d, lc, 'cache', lc.cache)
        self.assertAttr(d, lc, 'name', lc.name)
        self.assertNotIn(None, [lab for lab, r in d.edges(id(lc))])
        self.assertNoDict(lc)

    def test_inline_attributes_deleted_and_shared(self):
        a = LocalCache()
        b = LocalCache()
        del a.name  # a NULL value slot
        shared = ['shared']
        b.cache = b.name = shared  # one object under two names
        d = self.dump()
        self.assertAttr(d, a, 'cache', a.cache)
        self.assertIsNone(d.edge(id(a), '.name'))
        if PYV >= (3, 11):
            labels = sorted(lab for lab, r in d.edges(id(b)) if r == id(shared))
            self.assertEqual(labels, ['.cache', '.name'])
        self.assertNoDict(a)
        self.assertNoDict(b)

    def test_inline_attributes_with_slots_and_dict_base(self):
        s = SlotsAndAttrs()
        s.slot = ['slot-value']
        s.extra = ['extra-value']
        ad = AttrDict(k=['item'])
        ad.note = ['note-value']
        d = self.dump()
        self.assertEqual(d.edge(id(s), '.slot'), id(s.slot))
        self.assertAttr(d, s, 'extra', s.extra, inline=False)
        self.assertAttr(d, ad, 'note', ad.note, inline=False)
        self.assertEqual(d.edge(id(ad), "['k']"), id(ad['k']))
        self.assertNotIn(None, [lab for lab, r in d.edges(id(s))])
        self.assertNotIn(None, [lab for lab, r in d.edges(id(ad))])

    def test_many_attributes(self):
        # more attributes than the shared keys hold: the instance gets a dict
        m = ManyAttrs()
        for i in range(40):
            setattr(m, 'attr%d' % i, ['v%d' % i])
        d = self.dump()
        labs = [lab for lab, r in d.edges(id(m))]
        self.assertNotIn(None, labs)
        dd = d.edge(id(m), '__dict__')
        if dd is not None:
            self.assertEqual(d.edge(dd, "['attr39']"), id(m.attr39))
        else:
            self.assertEqual(d.edge(id(m), '.attr39'), id(m.attr39))

    def test_inline_attributes_fallback_is_null(self):
        """Without the reader (a layout check failed), labels stay null and
        the dump is still complete."""
        if PYV < (3, 11):
            self.skipTest('3.11+ only')
        lc = LocalCache()
        saved = list(_safe._INLINE)
        _safe._INLINE[:] = [None]
        try:
            d = self.dump()
        finally:
            _safe._INLINE[:] = saved
        self.assertIn(id(lc.cache), d[id(lc)]['refs'])
        self.assertIsNone(d.edge(id(lc), '.cache'))
        self.assertNoDict(lc)

    def test_match_addresses_all_or_nothing(self):
        a, b = ['a'], ['b']
        self.assertEqual(_plans._match_addresses([(id(a), '.a'), (id(b), '.b')], [b, a]),
                         [(a, '.a', False), (b, '.b', False)])
        self.assertEqual(_plans._match_addresses([(id(a), '.a'), (id(b) + 8, '.b')], [b, a]), [])

    # ---------------------------------------------------------- (a) locals
    def test_suspended_generator_locals(self):
        g = gen_with_locals(['gen-arg'])
        items = next(g)
        carg = ['created-arg']
        created = gen_with_locals(carg)
        done = gen_with_locals(None)
        for _ in done:
            pass
        d = self.dump()
        if PYV >= (3, 11):
            self.assertEqual(d.edge(id(g), '.items'), id(items))
            self.assertEqual(d.edge(id(created), '.arg'), id(carg))
            self.assertIsNone(d.edge(id(created), '.items'))
            self.assertEqual([lab for lab in (d[id(done)].get('labels') or []) if lab and lab[0] == '.'], [])
            self.assertEqual(_frames_of(g), [])  # no frame object was created
            self.assertEqual(_frames_of(created), [])
        else:
            fr = d.edge(id(g), 'gi_frame')
            self.assertIsNotNone(fr)
            self.assertEqual(d.edge(fr, '.items'), id(items))
        self.assertIsNotNone(d.edge(id(g), 'gi_code'))

    def test_suspended_coroutine_locals(self):
        if PY2:
            self.skipTest('no coroutines')
        c = _NS['coro_with_locals'](['coro-arg'])
        c.send(None)  # suspended in await
        try:
            d = self.dump()
            fr = _frames_of(c)
        finally:
            c.close()
        refs = dict((lab, r) for lab, r in d.edges(id(c)))
        if PYV >= (3, 11):
            self.assertEqual(fr, [])
            self.assertIn('.items', refs)
            self.assertIn('.arg', refs)
            target = d[refs['.items']]
        else:
            frame = refs['cr_frame']
            target = d[d.edge(frame, '.items')]
        self.assertEqual(target['type'], 'list')
        self.assertEqual(target['len'], 1)

    def test_suspended_async_generator_locals(self):
        if PY2 or PYV < (3, 6):
            self.skipTest('no async generators')
        ag = _NS['agen_with_locals'](['agen-arg'])
        try:
            ag.asend(None).send(None)
        except StopIteration as e:
            items = e.args[0]
        try:
            d = self.dump()
            fr = _frames_of(ag)
        finally:
            try:
                ag.aclose().send(None)
            except StopIteration:
                pass
        if PYV >= (3, 11):
            self.assertEqual(fr, [])
            self.assertEqual(d.edge(id(ag), '.items'), id(items))
        else:
            frame = d.edge(id(ag), 'ag_frame')
            self.assertIsNotNone(frame)
            self.assertEqual(d.edge(frame, '.items'), id(items))
        self.assertIsNotNone(d.edge(id(ag), 'ag_code'))

    # ---------------------------------------------------------- (b) OrderedDict
    def assertDictItems(self, d, obj):
        """Every referent labelled; each value by its key, each key <key>."""
        edges = d.edges(id(obj))
        self.assertNotIn(None, [lab for lab, r in edges], edges)
        for k, v in dict.items(obj):
            if type(k) is str:
                lab = '[%r]' % (k,) if not PY2 else "['%s']" % k
            elif type(k) is int:
                lab = '[%d]' % k
            else:  # values=False: a data key of another type is redacted
                labs = [l for l, r in edges if r == id(v)]
                self.assertEqual(len(labs), 1, edges)
                self.assertTrue(re.match(r'\[<redacted %s [0-9a-f]{8}>\]\Z' % type(k).__name__, labs[0]), labs)
                lab = labs[0]
            self.assertIn((lab, id(v)), edges)
            self.assertIn(('<key>', id(k)), edges)

    def test_ordered_dict_items_labelled(self):
        str_keys = collections.OrderedDict([('alpha', ['A']), ('beta', ['B']), ('gamma', ['C'])])
        mixed = collections.OrderedDict([('a', ['A']), (2, ['two']), ((1, 2), ['tuple'])])
        str_keys.move_to_end('alpha') if not PY2 else None  # order differs from insertion
        d = self.dump()
        self.assertDictItems(d, str_keys)
        self.assertDictItems(d, mixed)
        self.assertEqual(d.edge(id(mixed), '[2]'), id(mixed[2]))
        self.assertEqual(d.edge(id(str_keys), "['beta']"), id(str_keys['beta']))

    def test_dict_subclasses_labelled(self):
        class MyOD(collections.OrderedDict):
            pass
        od = MyOD([('x', ['X']), (7, ['seven'])])
        od.extra = ['attribute']
        dd = collections.defaultdict(list)
        dd['k'].append(1)
        dd[3].append(2)
        cnt = collections.Counter({'c': 1, (1,): 2})
        d = self.dump()
        for obj in (od, dd, cnt):
            self.assertDictItems(d, obj)
        self.assertEqual(d.edge(id(od), '__class__'), id(MyOD))
        self.assertEqual(d.edge(id(dd), "['k']"), id(dd['k']))
        self.assertEqual(d.edge(id(dd), "default_factory"), id(list))


if __name__ == '__main__':
    unittest.main()
