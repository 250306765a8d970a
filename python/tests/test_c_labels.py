"""Edge labels that were null: set members, function fields, descriptors'
classes, and the referents of common standard-library C types."""
import functools
import itertools
import sys
import threading
import types
import unittest

from helpers import PY2, PYV, TempDirTest

import refgraph_export

SET_LABEL = u'{\u2026}'


class Members(set):
    pass


def documented(a, b=1):
    """doc"""
    return a


def undocumented(a):
    return a


class CLabels(TempDirTest):

    def dump(self):
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        return self.check_dump(p)

    def labels(self, d, x):
        return [lab for lab, r in d.edges(id(x))]

    def test_set_members(self):
        s = set([('a', 1), ('b', 2)])
        fs = frozenset([('c', 3)])
        sub = Members([('d', 4)])
        sub.note = ['attribute']
        d = self.dump()
        self.assertEqual(self.labels(d, s), [SET_LABEL, SET_LABEL])
        self.assertEqual(self.labels(d, fs), [SET_LABEL])
        member = [x for x in sub][0]
        self.assertIn((SET_LABEL, id(member)), d.edges(id(sub)))
        self.assertNotIn(None, self.labels(d, sub), d.edges(id(sub)))

    def test_function_fields(self):
        documented.attr = ['function attribute']
        d = self.dump()
        self.assertEqual(d.edge(id(documented), '__dict__'), id(documented.__dict__))
        self.assertEqual(d.edge(id(documented), '__doc__'), id(documented.__doc__))
        self.assertEqual(d.edge(id(undocumented), '__doc__'), id(None))
        self.assertNotIn(None, self.labels(d, documented))
        self.assertNotIn(None, self.labels(d, undocumented))

    @unittest.skipIf(PY2, 'no annotations or keyword-only defaults on 2.7')
    def test_function_annotations_and_kwdefaults(self):
        ns = {}
        exec('def f(a: int, *, b=[]) -> list:\n    return a\n', ns)
        f = ns['f']
        d = self.dump()
        self.assertEqual(d.edge(id(f), '__kwdefaults__'), id(f.__kwdefaults__))
        self.assertIsNotNone(d.edge(id(f), '__annotations__'), d.edges(id(f)))
        self.assertNotIn(None, self.labels(d, f))

    def test_closure_cells(self):
        def outer():
            captured = ['captured']

            def inner():
                return captured
            return inner
        f = outer()
        d = self.dump()
        cl = d.edge(id(f), '__closure__')
        self.assertEqual(cl, id(f.__closure__))
        cell = d.edge(cl, '[0]')
        self.assertEqual(d.edge(cell, 'cell_contents'), id(f.__closure__[0].cell_contents))

    def test_descriptor_objclass(self):
        descs = [types.FunctionType.__dict__['__code__'], types.FunctionType.__dict__['__globals__'],
                 list.__dict__['append'], object.__dict__['__init__'], dict.__dict__['fromkeys']]
        d = self.dump()
        for x in descs:
            self.assertEqual(d.edges(id(x)), [('__objclass__', id(x.__objclass__))], x)

    def test_method_wrapper(self):
        obj = ['bound']
        mw = obj.__len__
        d = self.dump()
        self.assertEqual(d.edge(id(mw), '__self__'), id(obj))
        self.assertNotIn(None, self.labels(d, mw))

    def _raise_chain(self):
        class AppError(ValueError):
            pass

        def inner():
            raise AppError('inner', ['payload'])
        try:
            try:
                inner()
            except AppError:
                raise KeyError('outer')
        except KeyError:
            return sys.exc_info()

    def test_traceback(self):
        """guppy3's test_traceback_relation, pympler's test_exception: a
        traceback's tb_next and tb_frame are named."""
        etype, err, tb = self._raise_chain()
        d = self.dump()
        self.assertEqual(d.edge(id(tb), 'tb_frame'), id(tb.tb_frame))
        self.assertNotIn(None, self.labels(d, tb))
        inner_tb = err.__context__.__traceback__ if not PY2 else None
        if inner_tb is not None:
            self.assertEqual(d.edge(id(inner_tb), 'tb_next'), id(inner_tb.tb_next))
            self.assertEqual(d.edge(id(inner_tb), 'tb_frame'), id(inner_tb.tb_frame))
            self.assertEqual(sorted(self.labels(d, inner_tb)), ['tb_frame', 'tb_next'])

    def test_exception_fields(self):
        """An exception's args, __traceback__ and __context__ (a builtin
        type's and a class's instances), a class instance's __dict__, and
        fields of builtin subclasses (OSError.filename, StopIteration.value)."""
        etype, err, tb = self._raise_chain()
        err.note = ['attribute']
        oserr = OSError(2, 'No such file', '/some/file')
        stop = StopIteration(['value'])
        d = self.dump()
        a = id(err)
        self.assertEqual(d.edge(a, 'args'), id(err.args))
        self.assertEqual(d.edge(a, '__dict__'), id(err.__dict__))
        self.assertNotIn(None, self.labels(d, err))
        if not PY2:
            ctx = err.__context__
            self.assertEqual(d.edge(a, '__traceback__'), id(err.__traceback__))
            self.assertEqual(d.edge(a, '__context__'), id(ctx))
            self.assertEqual(d.edge(id(ctx), 'args'), id(ctx.args))
            self.assertEqual(d.edge(id(ctx), '__traceback__'), id(ctx.__traceback__))
            self.assertEqual(d.edge(id(ctx), '__class__'), id(type(ctx)))
            self.assertNotIn(None, self.labels(d, ctx))
            self.assertEqual(d.edge(id(stop), 'value'), id(stop.value))
        self.assertEqual(d.edge(id(oserr), 'filename'), id(oserr.filename))
        self.assertEqual(d.edge(id(oserr), 'strerror'), id(oserr.strerror))

    @unittest.skipIf(PY2, 'no functools.lru_cache on 2.7')
    def test_lru_cache_unbounded(self):
        @functools.lru_cache(maxsize=None)
        def cached(x):
            return ['result', x]
        r = cached('key')
        d = self.dump()
        w = id(cached)
        self.assertEqual(d.edge(w, '__wrapped__'), id(cached.__wrapped__))
        self.assertEqual(d.edge(w, '__dict__'), id(cached.__dict__))
        cache = d.edge(w, 'cache')
        self.assertIsNotNone(cache, d.edges(w))
        # 3.6 keys every call by a tuple: a data key, redacted (values=False)
        key = "['key']" if PYV >= (3, 7) else '[<redacted tuple aad42e26>]'
        self.assertEqual(d.edge(cache, key), id(r))
        self.assertNotIn(None, self.labels(d, cached))

    @unittest.skipIf(PY2, 'no functools.lru_cache on 2.7')
    def test_lru_cache_bounded(self):
        @functools.lru_cache(maxsize=8)
        def cached(x):
            return ['result', x]
        r = cached('key')
        d = self.dump()
        w = id(cached)
        self.assertIsNotNone(d.edge(w, 'cache'), d.edges(w))
        if PYV >= (3, 7):  # 3.6: the links are gc objects of their own
            self.assertEqual(d.edge(w, "cache['key']"), id(r))
            self.assertIn('<cache key>', self.labels(d, cached))
        else:
            self.assertEqual(d.edge(w, 'maxsize'), id(8))
        self.assertNotIn(None, self.labels(d, cached))
        links = [o for o in d.objects.values() if o['type'] == 'functools._lru_list_elem']
        self.assertTrue(links)
        for o in links:
            self.assertNotEqual(o.get('root'), 'external', o)

    def test_partial(self):
        p = functools.partial(documented, ['arg'], b=['kw'])
        p.attr = ['partial attribute']
        d = self.dump()
        self.assertEqual(d.edge(id(p), 'func'), id(documented))
        self.assertEqual(d.edge(id(p), 'args'), id(p.args))
        self.assertEqual(d.edge(id(p), 'keywords'), id(p.keywords))
        self.assertEqual(d.edge(id(p), '__dict__'), id(p.__dict__))
        self.assertNotIn(None, self.labels(d, p))

    def test_partial_without_dict_gets_none(self):
        """A partial with keywords and no __dict__: the keywords dict is
        not mistaken for __dict__, and no __dict__ is created."""
        p = functools.partial(documented, b=['kw'])
        d = self.dump()
        self.assertEqual(d.edge(id(p), 'keywords'), id(p.keywords))
        self.assertIsNone(d.edge(id(p), '__dict__'))

    def test_itertools(self):
        element = ['repeated']
        rep = itertools.repeat(element, 3)
        src = iter([1, 2, 3])
        isl = itertools.islice(src, 2)
        pairs = iter([(1,)])
        sm = itertools.starmap(documented, pairs)
        d = self.dump()
        self.assertEqual(d.edge(id(rep), 'element'), id(element))
        self.assertEqual(d.edge(id(isl), 'it'), id(src))
        self.assertEqual(d.edge(id(sm), 'func'), id(documented))
        self.assertEqual(d.edge(id(sm), 'it'), id(pairs))

    def test_thread_local(self):
        loc = threading.local()
        loc.value = ['thread-local value']
        d = self.dump()
        labels = self.labels(d, loc)
        self.assertNotIn(None, labels, d.edges(id(loc)))
        self.assertTrue('dummies' in labels or 'localdicts' in labels, labels)

    def test_classmethod_staticmethod(self):
        cm = classmethod(documented)
        sm = staticmethod(documented)
        d = self.dump()
        self.assertEqual(d.edge(id(cm), '__func__'), id(documented))
        self.assertEqual(d.edge(id(sm), '__func__'), id(documented))
        self.assertNotIn(None, self.labels(d, cm))
        self.assertNotIn(None, self.labels(d, sm))

    def test_property_fields(self):
        def getter(self):
            return 1
        prop = property(getter)
        d = self.dump()
        self.assertEqual(d.edge(id(prop), 'fget'), id(getter))
        self.assertNotIn(None, self.labels(d, prop))
