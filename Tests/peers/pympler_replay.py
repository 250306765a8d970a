"""Pympler 1.1: test_asizeof, test_garbage (gui) and test_tracker (muppy),
replayed on refgraph.

asizeof's deep sizes are refgraph's retained sizes where the object is the
only holder (asizeof counts shared objects too, refgraph does not: the
replay asserts the relations the tests assert, not equal numbers);
GarbageGraph is `refgraph cycles` on a dump taken with gc.DEBUG_SAVEALL;
the trackers are `refgraph diff`.
"""
import sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import row, none, main, python_for, Skip

P = 'pympler'
AS = 'test_asizeof.py '
GB = 'test_garbage.py '
TR = 'test_tracker.py '
ASZ = 'from pympler import asizeof'

FOOS = '''
class Foo(object):
    def __init__(self, content):
        self.data = content
class ThinFoo(object):
    __slots__ = ('tdata',)
    def __init__(self, content):
        self.tdata = content
class OldFoo:
    def __init__(self, content):
        self.odata = content
'''


def retained(t, dump, addr):
    d = t.rgj('dominators', dump, 'id == %d' % addr)
    return d['objects'][0]['retained']


@row(P, AS + 'TypesTest.test_classes',
     "asizeof(Foo('long text ... well')) >= asizeof(Foo('short')); asizeof(ThinFoo('short')) <= asizeof(Foo('short'))",
     "dominators DUMP 'id == ...' (retained sizes compare the same way)")
def _(t):
    dump, ids, out, peer = t.build(FOOS + "a = Foo('short' * 3)\nb = Foo('long text ... well' * 3)\nc = ThinFoo('short' * 3)\n"
                                   "ids.update(a=id(a), b=id(b), c=id(c))\n",
                                   peer=P, peer_import=ASZ, peer_code="peer_result = [asizeof.asizeof(b) >= asizeof.asizeof(a), asizeof.asizeof(c) <= asizeof.asizeof(a)]")
    ra, rb, rc = [retained(t, dump, ids[k]) for k in 'abc']
    got = [rb >= ra, rc <= ra]
    t.equal(got, [True, True], 'retained(long) >= retained(short), retained(thin) <= retained(short) (%d, %d, %d)' % (ra, rb, rc))
    t.compare(peer, got, 'asizeof relations')


@row(P, AS + 'TypesTest.test_array',
     "asizeof(array('i', [0] * 100)) >= its buffer",
     "dominators DUMP 'id == ARR' (retained >= 400 bytes)")
def _(t):
    dump, ids, out, peer = t.build("from array import array\narr = array('i', [0] * 100)\nids['a'] = id(arr)\n"
                                   "out['buf'] = arr.buffer_info()[1] * arr.itemsize\n")
    r = retained(t, dump, ids['a'])
    t.expect(r >= out['buf'], 'retained %d < buffer %d' % (r, out['buf']))


@row(P, AS + 'TypesTest.test_closure',
     "asizeof(closure) >= asizeof(data) for a closure over data = [1] * 1000",
     "dominators DUMP 'id == CLOSURE' (retained includes the list, the closure's only holder)")
def _(t):
    dump, ids, out, peer = t.build("def outer(x):\n    def inner():\n        return x\n    return inner\n"
                                   "closure = outer([1] * 1000)\nids['c'] = id(closure)\nout['data'] = sys.getsizeof(closure.__closure__[0].cell_contents)\n",
                                   peer=P, peer_import=ASZ,
                                   peer_code="peer_result = asizeof.asizeof(closure, code=True) >= asizeof.asizeof(closure.__closure__[0].cell_contents)")
    r = retained(t, dump, ids['c'])
    t.expect(r >= out['data'], 'retained %d < the list %d' % (r, out['data']))
    t.compare(peer, True, 'asizeof(closure) >= asizeof(data)')


@row(P, AS + 'TypesTest.test_exception',
     "a traceback's named refs include tb_frame and tb_next; asizeof > 0",
     "render DUMP 'id == TB' --mode refs --max-depth 1 (edges tb_frame, tb_next)")
def _(t):
    dump, ids, out, peer = t.build("def g():\n    raise Exception('Test exception-sizing.')\ntry:\n    g()\nexcept Exception:\n    etb = sys.exc_info()[2]\n"
                                   "ids.update(tb=id(etb), f=id(etb.tb_frame), n=id(etb.tb_next))\n",
                                   peer=P, peer_import=ASZ,
                                   peer_code="peer_result = sorted(set(['tb_frame', 'tb_next']) & set(n for n, _ in asizeof.named_refs(etb)))")
    nodes, edges = t.render(dump, 'id == %d' % ids['tb'], '--mode', 'refs', '--max-depth', '1')
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    lab = dict((byaddr.get(b), l) for a, b, l in edges if byaddr.get(a) == ids['tb'])
    got = sorted(x for x, k in (('tb_frame', 'f'), ('tb_next', 'n')) if lab.get(ids[k]) == x)
    t.compare(peer, ['tb_frame', 'tb_next'], 'named refs')
    t.equal(got, ['tb_frame', 'tb_next'], 'labelled traceback edges (labels %r)' % sorted(lab.values()))


@row(P, AS + 'FunctionTest.test_asizesof_cyclic_references',
     "foo <-> bar: asizeof(foo) == sum(asizesof(foo, bar)), both > 0",
     "dominators DUMP 'id == FOO' with only foo named: foo retains bar (retained > both shallow sizes)")
def _(t):
    dump, ids, out, peer = t.build(FOOS + "foo = Foo(1)\nbar = Foo(2)\nfoo.next = bar\nbar.prev = foo\n"
                                   "ids.update(foo=id(foo), bar=id(bar))\nout['shallow'] = sys.getsizeof(foo) + sys.getsizeof(bar)\ndel bar\n",
                                   peer=P, peer_import=ASZ,
                                   peer_code="peer_result = asizeof.asizeof(foo) == sum(asizeof.asizesof(foo, foo.next))")
    r = retained(t, dump, ids['foo'])
    rb = retained(t, dump, ids['bar'])
    t.expect(r >= out['shallow'] and rb > 0 and r > rb, 'retained foo %d, bar %d, shallow sum %d' % (r, rb, out['shallow']))
    t.compare(peer, True, 'asizeof(foo) == sum(asizesof(foo, bar))')


@row(P, AS + 'FunctionTest.test_asizeof / test_asizesof',
     "asizeof(*objs) == sum(asizesof(*objs)) for Foo(42), ThinFoo('spam'), OldFoo(67)",
     "dominators DUMP 'id == L': a list holding the three retains the sum of what each retains, plus itself")
def _(t):
    dump, ids, out, peer = t.build(FOOS + "objs = [Foo([42]), ThinFoo(['spam']), OldFoo([67])]\n"
                                   "ids.update(l=id(objs), a=id(objs[0]), b=id(objs[1]), c=id(objs[2]))\nout['l'] = sys.getsizeof(objs)\n",
                                   peer=P, peer_import=ASZ,
                                   peer_code="peer_result = asizeof.asizeof(*objs) == sum(asizeof.asizesof(*objs))")
    rs = [retained(t, dump, ids[k]) for k in 'abc']
    rl = retained(t, dump, ids['l'])
    t.equal(rl, sum(rs) + out['l'], 'retained(list) vs retained of the three + the list (%r)' % rs)
    t.compare(peer, True, 'asizeof(*objs) == sum(asizesof(*objs))')


none(P, AS + 'TypesTest.test_weakref', "asizeof(weakref) > asizeof(referent)",
     "by design a weak reference retains nothing in refgraph (paths never pass weak references)")
for n in ('TypesTest.test_generator', 'TypesTest.test_methods', 'TypesTest.test_special_objects', 'TypesTest.test_enumerate',
          'TypesTest.test_os_stat', 'TypesTest.test_ignore_frame', 'TypesTest.test_namedtuple', 'TypesTest.test_numpy_array',
          'FunctionTest.test_asized', 'FunctionTest.test_asized_detail', 'FunctionTest.test_asized_format',
          'FunctionTest.test_asizer_limit', 'FunctionTest.test_basicsize',
          'FunctionTest.test_itemsize', 'FunctionTest.test_leng', 'FunctionTest.test_refs', 'FunctionTest.test_exclude_types',
          'FunctionTest.test_asizer', 'FunctionTest.test_adict', 'FunctionTest.test_private_slots') + tuple(
          'AsizeofDemos.' + d for d in ('test_all', 'test_basic', 'test_class', 'test_code', 'test_dict', 'test_generator',
                                        'test_globals', 'test_long', 'test_iterator', 'test_locals', 'test_pairs', 'test_slots',
                                        'test_stack', 'test_sys_mods', 'test_typedefs')):
    none(P, AS + n, "asizeof options and internals (code=, limit=, typedefs, basicsize/itemsize tables, printing)",
         "refgraph sizes are sys.getsizeof per object, recorded by the exporter; it has no sizing options, typedef tables or limits")


# ---- test_garbage: GarbageGraph under gc.DEBUG_SAVEALL

SAVEALL = '''
class Foo:
    def __init__(self):
        self.foo = 'foo'
class Bar(Foo):
    def __init__(self):
        Foo.__init__(self)
        self.bar = 'bar'
class FooNew(object):
    def __init__(self):
        self.foo = 'foo'
class BarNew(FooNew):
    def __init__(self):
        super(BarNew, self).__init__()
class Enemy(object):
    def __del__(self):
        pass
gc.set_debug(gc.DEBUG_SAVEALL)
'''
PAIR = '''
foo = %s()
bar = %s()
ids.update(foo=id(foo), bar=id(bar), fd=id(foo.__dict__), bd=id(bar.__dict__))
foo.next = bar
bar.prev = foo
del foo, bar
'''


def garbage_cycles(t, dump, *opts):
    """cycles of garbage: unreachable, or in gc.garbage (computed apart from live objects)."""
    return [c for c in t.rgj('cycles', dump, *opts)['cycles'] if not c['reachable'] or c['garbage_members'] > 0]


@row(P, GB + 'test_empty', "no garbage: GarbageGraph().count == 0",
     "cycles DUMP: no garbage cycle")
def _(t):
    dump, ids, out, peer = t.build("gc.set_debug(gc.DEBUG_SAVEALL)\ngc.collect()\n")
    t.equal(garbage_cycles(t, dump), [], 'garbage cycles')


@row(P, GB + 'test_findgarbage', "foo <-> bar collected into gc.garbage: both found, typed Foo and Bar, size > 0",
     "cycles DUMP: one garbage cycle, Foo, Bar and their dicts, all in gc.garbage")
def _(t):
    dump, ids, out, peer = t.build(SAVEALL + PAIR % ('Foo', 'Bar') + "gc.collect()\n")
    cyc = garbage_cycles(t, dump)
    t.equal([(c['objects'], c['garbage_members'], sorted(c['types'].items())) for c in cyc],
            [(4, 4, [('__main__.Bar', 1), ('__main__.Foo', 1), ('dict', 2)])], 'garbage cycles (objects, in gc.garbage, types)')


@row(P, GB + 'test_split', "split_and_sort: two subgraphs, 4 objects / 4 edges (foo, bar, dicts) and 1 / 1 (l = [l])",
     "cycles DUMP: garbage cycles of 4 and 1, the 4-cycle through __dict__ ['next'] __dict__ ['prev']")
def _(t):
    dump, ids, out, peer = t.build(SAVEALL + PAIR % ('Foo', 'Bar') + "l = []\nl.append(l)\nids['l'] = id(l)\ndel l\ngc.collect()\n")
    cyc = garbage_cycles(t, dump)
    t.equal(sorted(c['objects'] for c in cyc), [1, 4], 'garbage cycle sizes')
    big = [c for c in cyc if c['objects'] == 4][0]
    edges = sorted(n['edge'] for n in big['example'][1:])
    t.equal(edges, sorted(['__dict__', "['next']", '__dict__', "['prev']"]), 'edges of the 4-cycle')


@row(P, GB + 'test_prune', "foo = [foo, bar]: 1 object in a cycle (foo), more in the garbage (bar and its dict)",
     "cycles DUMP: one garbage cycle of 1; path DUMP garbage: more than 1 object")
def _(t):
    dump, ids, out, peer = t.build(SAVEALL + "foo = []\nfoo.append(foo)\nbar = Bar()\nfoo.append(bar)\ndel foo, bar\ngc.collect()\n")
    cyc = garbage_cycles(t, dump)
    t.equal([c['objects'] for c in cyc], [1], 'garbage cycle sizes')
    n = t.targets(dump, 'garbage')
    t.expect(n >= 2, '%d objects in gc.garbage' % n)


def edges_row(cls, python=None):
    def fn(t):
        py = python_for(python) if python else None
        if python and not py:
            raise Skip('no Python ' + python)
        dump, ids, out, peer = t.build(SAVEALL + PAIR % cls + "gc.collect()\n", python=py)
        got = set()
        for k, dst, lab in (('foo', 'fd', '__dict__'), ('fd', 'bar', "['next']"), ('bar', 'bd', '__dict__'), ('bd', 'foo', "['prev']")):
            nodes, edges = t.render(dump, 'id == %d' % ids[k], '--mode', 'refs', '--max-depth', '1')
            byaddr = dict((n, v['addr']) for n, v in nodes.items())
            if any(byaddr.get(a) == ids[k] and byaddr.get(b) == ids[dst] and lab in l for a, b, l in edges):
                got.add((k, dst, lab))
        t.equal(len(got), 4, 'edges found %r' % sorted(got))
    return fn


row(P, GB + 'test_edges_old', "old-style instances (2.7): foo -__dict__-> dict -next-> bar -__dict__-> dict -prev-> foo",
    "render DUMP 'id == ...' --mode refs --max-depth 1 (Python 2.7, classic classes)")(edges_row(('Foo', 'Bar'), python='2.7'))
row(P, GB + 'test_edges_new', "new-style instances: the same four labelled edges",
    "render DUMP 'id == ...' --mode refs --max-depth 1")(edges_row(('FooNew', 'BarNew')))


@row(P, GB + 'test_uncollectable (Python 2.7)', "before 3.4 the __del__ self-cycle (Enemy) is uncollectable, Foo's is not",
     "cycles DUMP --finalizers (2.7, no SAVEALL): one uncollectable cycle, Enemy and its dict")
def _(t):
    py = python_for('2.7')
    if not py:
        raise Skip('no Python 2.7')
    dump, ids, out, peer = t.build(SAVEALL.replace('gc.set_debug(gc.DEBUG_SAVEALL)', '') +
                                   "foo = Foo()\nfoo.parent = foo\nenemy = Enemy()\nenemy.parent = enemy\ndel foo, enemy\ngc.collect()\n"
                                   "out['garbage'] = len(gc.garbage)\n", python=py)
    t.equal(out['garbage'], 1, 'len(gc.garbage)')
    cyc = garbage_cycles(t, dump, '--finalizers')
    t.equal([(c['classification'], c['objects']) for c in cyc], [('uncollectable', 2)], 'garbage cycles with finalizers')


@row(P, GB + 'test_uncollectable (Python 3)', "3.4+ (PEP 442): the Enemy cycle is collectable",
     "cycles DUMP: the unreachable Enemy cycle is collectable-finalized, never uncollectable")
def _(t):
    dump, ids, out, peer = t.build(SAVEALL.replace('gc.set_debug(gc.DEBUG_SAVEALL)', 'gc.disable()') +
                                   "enemy = Enemy()\nenemy.parent = enemy\nids['e'] = id(enemy)\ndel enemy\n"
                                   "out['n'] = 2 if sys.version_info < (3, 11) else 1   # 3.11+: no __dict__ object until asked\n")
    cyc = garbage_cycles(t, dump, '--finalizers')
    t.equal([(c['classification'], c['objects']) for c in cyc], [('collectable-finalized', out['n'])], 'garbage cycles with finalizers')


for n in ('test_write_graph', 'test_print_graph', 'test_render'):
    none(P, GB + n, "GarbageGraph text and Graphviz output",
         "refgraph render DUMP garbage -o garbage.svg draws the same objects; the text format is pympler's own")


# ---- test_tracker: summary and object trackers

def dumps_row(steps, want):
    """steps: code run before each dump; want: count_delta of UniqueIndicator per diff of consecutive dumps.
    With Pympler installed, a SummaryTracker's summaries at the same points give Pympler's own deltas."""
    def fn(t):
        code = ("class UniqueIndicator(object): pass\nout['dumps'] = []\nsums = []\n"
                "def summarize():\n    if peer_ok:\n        sums.append(tracker.create_summary())\n"
                "if peer_ok:\n    from pympler import summary\n    tracker = SummaryTracker()\n")
        for i, s in enumerate(steps[:-1]):
            code += s + "\nsummarize()\nout['dumps'].append(os.path.join(os.getcwd(), 'd%d-%%d.jsonl' %% os.getpid()))\nrefgraph_export.dump(out['dumps'][-1])\n" % i
        code += steps[-1] + "\nsummarize()\n"
        dump, ids, out, peer = t.build(code, peer=P, peer_import='from pympler.tracker import SummaryTracker', peer_code='''
            def indicator(rows):
                return sum(r[1] for r in rows if 'UniqueIndicator' in str(r[0])) or None
            peer_result = [indicator(summary.get_diff(a, b)) for a, b in zip(sums, sums[1:])]
        ''')
        files = out['dumps'] + [dump]
        got = []
        for a, b in zip(files, files[1:]):
            d = t.rgj('diff', a, b)
            got.append(dict((r['key'], r['count_delta']) for r in d['by_type']).get('__main__.UniqueIndicator'))
        t.equal(got, want, 'UniqueIndicator growth between dumps')
        t.compare(peer, got, 'UniqueIndicator growth between summaries')
    return fn


row(P, TR + 'test_stracker_diff', "an indicator object shows +1 after its creation, -1 after its deletion, absent before",
    "diff D1 D2, diff D2 D3")(dumps_row(["o = None", "o = UniqueIndicator()", "o = None"], [1, -1]))
row(P, TR + 'test_stracker_create_summary / test_stracker_store_summary', "a summary lists the indicator once created",
    "diff D1 D2 (by_type UniqueIndicator +1)")(dumps_row(["pass", "o = UniqueIndicator()"], [1]))


@row(P, TR + 'test_otracker_get_objects / test_otracker_diff', "the new indicator object is in the tracker's '+' set",
     "diff D1 D2: the indicator is a new object that stays (cluster leak_roots)")
def _(t):
    dump, ids, out, peer = t.build("class UniqueIndicator(object): pass\nout['before'] = os.path.join(os.getcwd(), 'ot-%d.jsonl' % os.getpid())\n"
                                   "refgraph_export.dump(out['before'])\no = UniqueIndicator()\nids['o'] = id(o)\n")
    d = t.rgj('diff', out['before'], dump)
    t.expect(ids['o'] in set(sum([c['leak_roots'] for c in d['clusters']], [])), 'the indicator is not among the new objects')


none(P, TR + 'test_stracker_for_leaks_in_tracker (commented out upstream)', "", "disabled upstream")
none(P, TR + 'ignore_self parts of test_stracker_create_summary', "a tracker's own summaries are not counted",
     "the exporter leaves its own objects out of every dump (python/tests)")

if __name__ == '__main__':
    sys.exit(main())
