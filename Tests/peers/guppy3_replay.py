"""guppy3 3.1.7: test_View (dominos, domisize, imdom, referents) and test_Path
(relations and shortest paths), replayed on refgraph.

guppy's dominos/domisize are refgraph's dominator tree (dominators, retained);
guppy's relations are refgraph's edge labels; guppy's shpaths are refgraph's
path. Where guppy3 is installed (.build/peers/guppy3), its own answer is
computed in the same process after the dump.
"""
import sys, os, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import row, none, main, Skip

P = 'guppy3'
V = 'test_View.py '
PT = 'test_Path.py '
HPY = 'from guppy import hpy\n    h = hpy()'


def dominators(t, dump, addr):
    d = t.rgj('dominators', dump, 'id == %d' % addr)
    o = d['objects'][0]
    return o['retained'], [x['address'] for x in o['dominators']]


@row(P, V + 'FirstCase.test_dominos (y named)',
     "x = []; y = [x, []]; z = [y]: iso(y).dominos == {y, y[1]}, domisize == their indisize; iso(z).dominos == {z}",
     "dominators DUMP 'id == ...': y retains y + y[1]; y[1]'s dominator is y, x's is not; z retains itself")
def _(t):
    dump, ids, out, peer = t.build(
        "x = []\ny = [x, []]\nz = [y]\nids.update(x=id(x), y=id(y), y1=id(y[1]), z=id(z))\n"
        "out['sizes'] = [sys.getsizeof(y) + sys.getsizeof(y[1]), sys.getsizeof(z)]\n",
        peer=P, peer_import=HPY, peer_code='''
        peer_result = [sorted(id(o) for o in h.iso(y).dominos.nodes), h.iso(y).domisize,
                       sorted(id(o) for o in h.iso(z).dominos.nodes), h.iso(z).domisize]
    ''')
    ry, _ = dominators(t, dump, ids['y'])
    rz, _ = dominators(t, dump, ids['z'])
    _, dy1 = dominators(t, dump, ids['y1'])
    _, dx = dominators(t, dump, ids['x'])
    t.equal([ry, rz], out['sizes'], 'retained sizes of y and z')
    t.expect(dy1 and dy1[-1] == ids['y'], "y[1]'s immediate dominator is not y: %r" % dy1)
    t.expect(ids['y'] not in dx, 'y dominates x: %r' % dx)
    t.compare(peer, [sorted([ids['y'], ids['y1']]), ry, [ids['z']], rz], 'dominos, domisize of y and z')


@row(P, V + 'FirstCase.test_dominos (after del y)',
     "del y: iso(z).dominos == {z, z[0], z[0][1]}",
     "dominators DUMP 'id == Z': z retains z, y and y[1] (not x)")
def _(t):
    dump, ids, out, peer = t.build(
        "x = []\ny = [x, []]\nz = [y]\nids.update(x=id(x), y=id(y), y1=id(y[1]), z=id(z))\n"
        "out['size'] = sys.getsizeof(y) + sys.getsizeof(y[1]) + sys.getsizeof(z)\ndel y\n",
        peer=P, peer_import=HPY, peer_code='''
        peer_result = [sorted(id(o) for o in h.iso(z).dominos.nodes), h.iso(z).domisize]
    ''')
    rz, _ = dominators(t, dump, ids['z'])
    _, dy1 = dominators(t, dump, ids['y1'])
    t.equal(rz, out['size'], 'retained size of z')
    t.expect(ids['z'] in dy1 and ids['y'] in dy1, "y[1]'s dominators %r lack z, y" % dy1)
    t.compare(peer, [sorted([ids['z'], ids['y'], ids['y1']]), rz], 'dominos, domisize of z')


@row(P, V + 'FirstCase.test_imdom',
     "z = [x, y], y = [x, []], only z named: iso(z[0]).imdom == z",
     "dominators DUMP 'id == X': its immediate dominator is z")
def _(t):
    dump, ids, out, peer = t.build(
        "x = []\ny = [x, []]\nz = [x, y]\nids.update(x=id(x), z=id(z))\ndel x, y\n",
        peer=P, peer_import=HPY, peer_code='''
        peer_result = [id(o) for o in h.iso(z[0]).imdom.nodes]
    ''')
    _, dx = dominators(t, dump, ids['x'])
    t.expect(dx and dx[-1] == ids['z'], "x's dominators %r do not end with z" % dx)
    t.compare(peer, [dx[-1]], 'imdom')


@row(P, V + 'FirstCase.test_referents',
     "iso(x).referents is empty, iso(y).referents == {x, y[1]}, iso(z).referents == {y}",
     "render DUMP 'id == ...' --mode refs --max-depth 1")
def _(t):
    dump, ids, out, peer = t.build(
        "x = []\ny = [x, []]\nz = [y]\nids.update(x=id(x), y=id(y), y1=id(y[1]), z=id(z))\n",
        peer=P, peer_import=HPY, peer_code='''
        peer_result = [sorted(id(o) for o in h.iso(v).referents.nodes) for v in (x, y, z)]
    ''')
    got = []
    for n in 'x', 'y', 'z':
        nodes, edges = t.render(dump, 'id == %d' % ids[n], '--mode', 'refs', '--max-depth', '1')
        got.append(sorted(v['addr'] for v in nodes.values() if v['addr'] not in (None, ids[n])))
    t.equal(got, [[], sorted([ids['x'], ids['y1']]), [ids['y']]], 'referents of x, y, z')
    t.compare(peer, got, 'referents')


none(P, V + 'FirstCase.test_exports', "iso(z).referents.indisize == iso(y).indisize",
     "the same referents as test_referents; sizes are sys.getsizeof in both tools")
none(P, V + 'FirstCase.test_horizon', "objects new since a horizon",
     "refgraph diff BEFORE AFTER (objgraph GetNewIdsTest rows replay it)")
none(P, V + 'FirstCase.test_cal_hiding', "heapy hides its own objects",
     "the exporter leaves its own objects out (python/tests)")
none(P, V + 'FirstCase.test_root', "View.root reaches the interpreter's roots", "see test_Path.py RootTestCase.test_1")
for n in ('GCCase.test_gc_mechanism', 'GCCase.test_gc_hook', 'GCCase.test_gc_drg', 'GCCase.test_gc_rg',
          'AltHeapCase.test_observation_containers', 'SpecialTypesCase.test_array'):
    none(P, V + n, "heapy's gc hooks, referrer graphs, alternative heaps, array sizes", "internals of heapy's C extension")


# ---- test_Path: relations (edge labels)

def labels_from(t, dump, src, ids):
    nodes, edges = t.render(dump, 'id == %d' % src, '--mode', 'refs', '--max-depth', '1',
                            '--too-many', '10000', '--max-nodes', '10000')
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    got = {}
    for a, b, l in edges:
        if byaddr.get(a) == src:
            for part in l.split(','):
                got.setdefault(byaddr.get(b), set()).add(part.strip())
    return got


def relation_row(code, src, want, peer_src=None):
    """want: [(dst expression, refgraph label, guppy relation)]; peer_src: guppy's
    source object when refgraph's edge starts elsewhere (a mappingproxy's dict)."""
    def fn(t):
        dump, ids, out, peer = t.build(
            code + "\nids['src'] = id(%s)\n" % src + ''.join("ids['d%d'] = id(%s)\n" % (i, w[0]) for i, w in enumerate(want)),
            peer=P, peer_import=HPY, peer_code='''
            peer_result = [str(h._parent.Path.relation(%s, d)) for d in [%s]]
        ''' % (peer_src or src, ', '.join(w[0] for w in want)))
        got = labels_from(t, dump, ids['src'], ids)
        bad = []
        for i, (expr, label, rel) in enumerate(want):
            if label not in got.get(ids['d%d' % i], set()):
                bad.append('%s: want %r, got %r' % (expr, label, sorted(got.get(ids['d%d' % i], []))))
        t.expect(not bad, '; '.join(bad))
        if peer is not None:
            mism = [(w[2], p) for w, p in zip(want, peer) if w[2] not in p]
            t.expect(not mism, 'guppy relations differ from the test: %r' % mism)
            t.notes.append('peer agrees')
    return fn


REL = [
    ('test_cell_relation', "cell -> value: %s.cell_contents",
     "def mk():\n    cellvalue = []\n    def f():\n        return cellvalue\n    return f, cellvalue\nf, cellvalue = mk()\nc = f.__closure__[0]", 'c', [('cellvalue', 'cell_contents', '.cell_contents')]),
    ('test_dict_relation', "x['k1'], x['k2'] and keys",
     "k1 = 'k1x'; k2 = 'k2x'; v1 = ['v1']; v2 = ['v2']\nx = {k1: v1, k2: v2}", 'x',
     [('v1', "['k1x']", "['k1x']"), ('v2', "['k2x']", "['k2x']"), ('k1', '<key>', 'keys()')]),
    ('test_dictproxy_relation', "T.__dict__ (mappingproxy) -> its dict -> ['k1']",
     "v1 = ['v1']\nclass T(object):\n    k1 = v1\nx = T.__dict__\nd = gc.get_referents(x)[0]", 'd', [('v1', "['k1']", "['k1']")], 'x'),
    ('test_function_relation', "f: __code__, __globals__, __defaults__, __dict__, a",
     "def f(x, y=3):\n    return 1\nf.a = []", 'f',
     [('f.__code__', '__code__', '__code__'), ('f.__globals__', '__globals__', '__globals__'),
      ('f.__defaults__', '__defaults__', '__defaults__'), ('f.__dict__', '__dict__', '__dict__')]),
    ('test_instancemethod_relation', "t.f: __func__, __self__",
     "class T:\n    def f(x):\n        pass\nt = T()\nm = t.f", 'm', [('m.__func__', '__func__', '__func__'), ('t', '__self__', '__self__')]),
    ('test_list_relation', "x[0], x[1], x[2]",
     "v1 = ['v1']; v2 = ['v2']; v3 = list(range(100, 200))\nx = [v1, v2, v3]", 'x',
     [('v1', '[0]', '[0]'), ('v2', '[1]', '[1]'), ('v3', '[2]', '[2]')]),
    ('test_meth_relation', "x.append -> x: __self__", "x = []\nm = x.append", 'm', [('x', '__self__', '__self__')]),
    ('test_module_relation', "module -> __dict__", "import unittest", 'unittest', [('unittest.__dict__', '__dict__', '__dict__')]),
    ('test_object_relation (slots)', "t with __slots__ a, b: t.a, t.b, t -> type",
     "class T(object):\n    __slots__ = 'a', 'b'\nt = T()\nt.a = []\nt.b = []", 't',
     [('t.a', '.a', '.a'), ('t.b', '.b', '.b'), ('T', '__class__', 'ob_type')]),
    ('test_traceback_relation', "traceback: tb_next, tb_frame",
     "def g():\n    1/0\ntry:\n    g()\nexcept ZeroDivisionError:\n    tb = sys.exc_info()[2]", 'tb',
     [('tb.tb_next', 'tb_next', 'tb_next'), ('tb.tb_frame', 'tb_frame', 'tb_frame')]),
    ('test_tuple_relation', "x[0], x[1], x[2]",
     "v1 = ['v1']; v2 = ['v2']; v3 = list(range(100, 200))\nx = (v1, v2, v3)", 'x',
     [('v1', '[0]', '[0]'), ('v2', '[1]', '[1]'), ('v3', '[2]', '[2]')]),
    ('test_type_relation', "T: __mro__, __base__, __bases__",
     "T = type('T', (object,), {'__slots__': ('a', 'b')})", 'T',
     [('T.__mro__', '__mro__', '__mro__'), ('T.__bases__', '__bases__', '__bases__')]),
    ('test_set_relation', "s = {v}: a set member",
     "v = ('v', 1)\ns = {v}", 's', [('v', '{…}', 'list(')]),
]
for test, asserts, code, src, want, *peer_src in REL:
    row(P, PT + 'RelationTestCase.' + test, asserts,
        "render DUMP 'id == SRC' --mode refs --max-depth 1 (edge labels)")(relation_row(code, src, want, *peer_src))



@row(P, PT + 'RelationTestCase.test_code_relation', "co -> 1000 is co_consts[1] (co_consts[0] on 3.14); co_consts, co_names, co_filename, co_name, co_linetable, co_exceptiontable, co_qualname are relations",
     "render DUMP 'id == CO' --mode refs --max-depth 2 (edge labels; the 3.11+ bytecode is inline in the code object, so co_code has no edge)")
def _(t):
    code = "def f():\n    a = 1000\n    return a\nco = f.__code__\nk = co.co_consts.index(1000)\n"
    attrs = ['co_consts', 'co_names', 'co_filename', 'co_name', 'co_linetable', 'co_exceptiontable', 'co_qualname']
    relation_row(code, 'co', [('co.' + a, a, '.' + a) for a in attrs])(t)
    dump, ids, out, peer = t.build(code + "ids.update(co=id(co), c=id(co.co_consts), k=id(co.co_consts[k]))\nout['k'] = k\n")
    got = labels_from(t, dump, ids['c'], ids)
    t.expect('[%d]' % out['k'] in got.get(ids['k'], set()), 'co_consts -> 1000: %r' % sorted(got.get(ids['k'], [])))
FRAME = """
import inspect
def g():
    global peer_result
    f = inspect.currentframe()
    f.f_trace = lambda: None
    a = []
    ids.update(f=id(f), back=id(f.f_back), builtins=id(f.f_builtins), code=id(f.f_code), glob=id(f.f_globals),
               trace=id(f.f_trace), a=id(a))
    out['dump'] = os.path.join(os.getcwd(), 'frame-%d.jsonl' % os.getpid())
    refgraph_export.dump(out['dump'])   # while the frame runs
    if peer_ok:
        P = h._parent.Path
        peer_result = [str(P.relation(f, x)) for x in (f.f_back, f.f_builtins, f.f_code, f.f_globals, f.f_trace, a)]
g()
"""


@row(P, PT + 'RelationTestCase.test_frame_relation', "a running frame: f_back, f_builtins, f_code, f_globals, f_trace, f_locals['a']",
     "render DUMP 'id == FRAME' --mode refs --max-depth 1, dumped while the frame runs (a local reads .a)")
def _(t):
    dump, ids, out, peer = t.build(FRAME, peer=P, peer_import=HPY, peer_code='pass')
    got = labels_from(t, out['dump'], ids['f'], ids)
    want = [('back', 'f_back'), ('builtins', 'f_builtins'), ('code', 'f_code'), ('glob', 'f_globals'), ('trace', 'f_trace'), ('a', '.a')]
    bad = ['%s: want %r, got %r' % (k, l, sorted(got.get(ids[k], []))) for k, l in want if l not in got.get(ids[k], set())]
    t.expect(not bad, '; '.join(bad))
    if peer is not None:
        t.equal(peer, ['%s.f_back', '%s.f_builtins', '%s.f_code', '%s.f_globals', '%s.f_trace', "%s.f_locals['a']"], "guppy's relations")
        t.notes.append('peer agrees')
none(P, PT + 'RelationTestCase.test_nodegraph_relation / test_nodeset_relation', "heapy's own NodeGraph and nodeset types",
     "heapy's C types")


def path_row(code, want_tail):
    def fn(t):
        dump, ids, out, peer = t.build(code + "\nids['dst'] = id(dst)\ndel dst\n")
        d = t.rgj('path', dump, 'id == %d' % ids['dst'])
        p = d['groups'][0]['paths'][0]
        tail = [n['edge'] for n in p][-len(want_tail):]
        t.equal(tail, want_tail, 'last hops of the path to dst')
    return fn


DST = "class Dst(object):\n    pass\ndst = Dst()\n"
PATHS = [
    ('test_path [dst]', "src = [dst]: %s[0]", DST + "src = [dst]", ["['src']", '[0]']),
    ('test_path [[], dst]', "%s[1]", DST + "src = [[], dst]", ["['src']", '[1]']),
    ('test_path [[dst, 0], dst, [dst, 2]]', "the shortest: %s[1]", DST + "src = [[dst, 0], dst, [dst, 2]]", ["['src']", '[1]']),
    ('test_path makegraph(1, 2)', "%s[0][0]", DST + "src = [[dst]]", ["['src']", '[0]', '[0]']),
]
for test, asserts, code, tail in PATHS:
    row(P, PT + 'PathTestCase.' + test, asserts, "path DUMP 'id == DST' (last hops)")(path_row(code, tail))

for n in ('test_path (several shortest paths)', 'test_numpaths', 'test_iter', 'test_str', 'test_printing', 'test_subscript'):
    none(P, PT + 'PathTestCase.' + n, "all shortest paths between two objects, counted, iterated and printed",
         "refgraph path prints one shortest path per group and, with --all, one per independent holder; it does not enumerate the width**length equal paths")
none(P, PT + 'MultiTestCase.test_pp', "printing of multi-source paths", "heapy's printer")


@row(P, PT + 'AvoidTestCase.test_1 (no avoided edge)',
     "src -> b0 -> b1 -> b2 (with detours through c_i): the shortest path is %s[1][1][1]",
     "path DUMP 'id == DST' (last hops [1] [1] [1])")
def _(t):
    path_row("src = ['src']\na = src\nfor i in range(3):\n    b = ['b%d' % i]\n    c = ['c%d' % i, b]\n    a.append(b)\n    a.append(c)\n    a = b\ndst = a\ndel a, b, c",
             ["['src']", '[1]', '[1]', '[1]'])(t)


none(P, PT + 'AvoidTestCase.test_1 (avoided edges)', "avoiding the edges at given levels of a path",
     "refgraph --avoid excludes objects, not edges; avoiding b_i removes every path (c_i holds b_i too)")


@row(P, PT + 'RootTestCase.test_1', "the root reaches sys.modules, sys.__dict__, builtins.__dict__",
     "summary DUMP --json: roots include sys.modules and builtins")
def _(t):
    dump, ids, out, peer = t.build("pass\n")
    s = t.rg('summary', dump)
    t.expect('sys.modules' in s and 'builtins' in s, 'summary roots: %r' % [l for l in s.splitlines() if 'roots' in l])


none(P, PT + 'RootTestCase.test_thread', "thread frames as roots",
     "the exporter records every thread's frames as frame roots (python/tests)")
none(P, PT + 'NewTestCase.test_1', "relations of instances of classes deriving from builtins", "heapy's relation printer; edge labels are covered by the relation rows")

if __name__ == '__main__':
    sys.exit(main())
