"""refcycle 0.3.1: test_refcycle, test_object_graph, test_directed_graph and
test_annotations, replayed on refgraph.

refcycle builds an ObjectGraph over a chosen set of objects; refgraph always
reads the whole heap. The replay makes the chosen set stand out: garbage
(gc disabled, names deleted) for the cycle tests, which `refgraph cycles`
reports apart from live objects, and render/path from the test's objects
for the edge tests.
"""
import sys, os, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import row, none, main, python_for, Skip, WORK

P = 'refcycle'
R = 'test_refcycle.py '
O = 'test_object_graph.py '
D = 'test_directed_graph.py '
A = 'test_annotations.py '


def garbage_cycles(t, dump):
    d = t.rgj('cycles', dump)
    return [c for c in d['cycles'] if not c['reachable']]


def members(c):
    return set(n['address'] for n in c['example'])


CREATE_CYCLES = '''
class A(object):
    pass
def create_cycles():
    a = A()
    b = A()
    a.__dict__["foo"] = b
    b.__dict__["foo"] = a
    ids['a'] = id(a); ids['b'] = id(b)
gc.disable()
gc.collect()
'''


@row(P, R + 'test_cycles_created_by',
     "cycles_created_by(create_cycles): 4 objects (2 A, their 2 __dict__s), 4 references; none for lambda: None",
     "cycles DUMP: one garbage cycle of 4 objects (A x2, dict x2)")
def _(t):
    dump, ids, out, peer = t.build(CREATE_CYCLES + "create_cycles()\n", peer=P, peer_code='''
        from refcycle import cycles_created_by
        gc.enable()
        g = cycles_created_by(create_cycles)
        peer_result = [len(g), len(g.references())]
    ''')
    cyc = garbage_cycles(t, dump)
    t.equal([(c['objects'], sorted(c['types'].items())) for c in cyc],
            [(4, [('__main__.A', 2), ('dict', 2)])], 'garbage cycles (objects, types)')
    t.compare(peer, [4, 4], 'cycles_created_by (objects, references)')


@row(P, R + 'test_snapshot',
     "snapshot() before and after create_cycles(): 4 new objects",
     "diff BEFORE AFTER: +2 __main__.A, +2 dict (the new garbage)")
def _(t):
    dump, ids, out, peer = t.build(CREATE_CYCLES + "out['before'] = os.path.join(os.getcwd(), 'snap-%d.jsonl' % os.getpid())\n"
                                   "refgraph_export.dump(out['before'])\ncreate_cycles()\n")
    d = t.rgj('diff', out['before'], dump)
    got = dict((r['key'], r['count_delta']) for r in d['by_type'])
    t.equal(got.get('__main__.A'), 2, 'diff count_delta of __main__.A')


@row(P, R + 'test_objects_reachable_from',
     "objects_reachable_from(a) == [a, b] for a = [b]",
     "render DUMP 'id == A' --mode refs (draws a and b only)")
def _(t):
    dump, ids, out, peer = t.build("a = []\nb = []\na.append(b)\nids.update(a=id(a), b=id(b))\n", peer=P, peer_code='''
        from refcycle import objects_reachable_from
        peer_result = sorted(id(o) for o in objects_reachable_from(a))
    ''')
    nodes, edges = t.render(dump, 'id == %d' % ids['a'], '--mode', 'refs')
    got = sorted(n['addr'] for n in nodes.values() if n['addr'] is not None)
    t.compare(peer, got, 'objects reachable from a')
    t.equal(got, sorted([ids['a'], ids['b']]), 'objects drawn from a')


@row(P, R + 'test_garbage',
     "gc disabled, a self-cycle and a 2-cycle deleted: garbage() finds 3 objects, gc.garbage stays empty",
     "cycles DUMP: garbage cycles of 1 and 2 objects (3 in all)")
def _(t):
    dump, ids, out, peer = t.build(
        "gc.disable()\na = []\nb = []\nc = []\na.append(a)\nb.append(c)\nc.append(b)\nids.update(a=id(a), b=id(b), c=id(c))\ndel a, b, c\n",
        peer=P, peer_code='''
        from refcycle import garbage
        g = garbage()
        peer_result = [len(g), len(gc.garbage)]
    ''')
    cyc = garbage_cycles(t, dump)
    t.equal(sorted(c['objects'] for c in cyc), [1, 2], 'garbage cycle sizes')
    t.compare(peer, [3, 0], 'garbage() size, len(gc.garbage)')


KEY = '''
gc.disable()
a = ["a"]; b = ["b"]; c = ["c"]; d = ["d"]
a.append(b); b.append(a); c.append(d); d.append(c)
%s
ids.update(a=id(a), b=id(b), c=id(c), d=id(d))
del a, b, c, d
'''


@row(P, R + 'test_key_cycles (linked)',
     "{a,b} -> {c,d} as garbage: key_cycles() is the one SCC {a,b}",
     "cycles DUMP: the key cycle {a,b} comes first among the garbage")
def _(t):
    dump, ids, out, peer = t.build(KEY % 'b.append(d)', peer=P, peer_code='''
        from refcycle import key_cycles
        peer_result = [sorted(id(o) for o in s) for s in key_cycles()]
    ''')
    cyc = garbage_cycles(t, dump)
    t.equal(sorted(c['objects'] for c in cyc), [2, 2], 'garbage cycle sizes')
    t.compare(peer, [sorted([ids['a'], ids['b']])], 'key_cycles')
    t.equal(members(cyc[0]), set([ids['a'], ids['b']]), 'members of the first garbage cycle (want the key cycle {a, b})')


@row(P, R + 'test_key_cycles (apart)',
     "{a,b} and {c,d} unlinked: two key cycles of 2",
     "cycles DUMP: two garbage cycles of 2")
def _(t):
    dump, ids, out, peer = t.build(KEY % '', peer=P, peer_code='''
        from refcycle import key_cycles
        peer_result = sorted(len(s) for s in key_cycles())
    ''')
    cyc = garbage_cycles(t, dump)
    got = sorted(c['objects'] for c in cyc)
    t.compare(peer, got, 'key cycle sizes')
    t.equal(got, [2, 2], 'garbage cycle sizes')


# ---- test_object_graph: ObjectGraph over a few lists

def refs_between(t, dump, ids, names, *opts):
    """edges (src name, dst name, label) among the named objects, drawn from the first."""
    nodes, edges = t.render(dump, 'id == %d' % ids[names[0]], '--mode', 'refs', *opts)
    back = dict((v, k) for k, v in ids.items())
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    out = []
    for a, b, l in edges:
        x, y = back.get(byaddr.get(a)), back.get(byaddr.get(b))
        if x in names and y in names:
            out.append((x, y, l))
    return sorted(out)


def lists(n, links, keep='all'):
    names = 'abcdefghij'[:n]
    src = 'gc.disable()\n'
    src += ''.join('%s = []\n' % x for x in names)
    src += ''.join('%s.append(%s)\n' % (x, y) for x, y in links)
    src += 'ids.update(%s)\n' % ', '.join('%s=id(%s)' % (x, x) for x in names)
    if keep != 'all':
        src += 'del %s\n' % ', '.join(x for x in names if x not in keep)
    return src


@row(P, O + 'test_single_edge', "graph([a, b]) with a -> b: references == [(a, b)]",
     "render DUMP 'id == A' --mode refs (one edge a -> b)")
def _(t):
    dump, ids, out, peer = t.build(lists(2, [('a', 'b')]))
    t.equal(refs_between(t, dump, ids, ['a', 'b']), [('a', 'b', '[0]')], 'edges')


@row(P, O + 'test_self_reference', "a = [a]: references == [(a, a)]",
     "render DUMP 'id == A' --mode refs (edge a -> a)")
def _(t):
    dump, ids, out, peer = t.build(lists(1, [('a', 'a')]))
    t.equal(refs_between(t, dump, ids, ['a']), [('a', 'a', '[0]')], 'edges')


@row(P, O + 'test_multiple_edges', "a = [b, b]: references == [(a, b), (a, b)]",
     "render DUMP 'id == A' --mode refs (both edges a -> b, labels [0] and [1])")
def _(t):
    dump, ids, out, peer = t.build(lists(2, [('a', 'b'), ('a', 'b')]))
    got = refs_between(t, dump, ids, ['a', 'b'])
    labels = sorted(sum([l.split(',') for x, y, l in got], []))
    t.expect([l.strip() for l in labels] == ['[0]', '[1]'], 'edges a -> b: %r' % got)


@row(P, O + 'test_simple_cycle', "a <-> b: references (a, b), (b, a)",
     "render DUMP 'id == A' --mode refs")
def _(t):
    dump, ids, out, peer = t.build(lists(2, [('a', 'b'), ('b', 'a')]))
    t.equal(refs_between(t, dump, ids, ['a', 'b']), [('a', 'b', '[0]'), ('b', 'a', '[0]')], 'edges')


DIAMOND = [('a', 'b'), ('a', 'c'), ('b', 'd'), ('c', 'd')]


@row(P, O + 'test_children / test_descendants', "diamond a -> b, c -> d: children and descendants",
     "render DUMP 'id == A' --mode refs (edges of the diamond)")
def _(t):
    dump, ids, out, peer = t.build(lists(4, DIAMOND))
    t.equal(refs_between(t, dump, ids, list('abcd')),
            [('a', 'b', '[0]'), ('a', 'c', '[1]'), ('b', 'd', '[0]'), ('c', 'd', '[0]')], 'edges')


@row(P, O + 'test_parents / test_ancestors', "diamond: parents(d) == [b, c], ancestors(d) == [d, b, c, a]",
     "render DUMP 'id == D' (backrefs) draws b, c and a")
def _(t):
    dump, ids, out, peer = t.build(lists(4, DIAMOND))
    nodes, edges = t.render(dump, 'id == %d' % ids['d'], '--max-depth', '2')
    addrs = set(n['addr'] for n in nodes.values())
    t.expect(set(ids.values()) <= addrs, 'ancestors drawn: %r' % sorted(k for k, v in ids.items() if v in addrs))


@row(P, O + 'test_shortest_path', "a -> b -> e -> f and a -> c -> f: shortest path a, c, f",
     "path DUMP 'id == F' with only a named: ... a [1] c [0] f")
def _(t):
    dump, ids, out, peer = t.build(lists(6, [('a', 'b'), ('a', 'c'), ('a', 'd'), ('b', 'e'), ('e', 'f'), ('c', 'f')], keep='a'))
    d = t.rgj('path', dump, 'id == %d' % ids['f'])
    p = d['groups'][0]['paths'][0]
    t.equal([n['address'] for n in p[-3:]], [ids['a'], ids['c'], ids['f']], 'last three objects of the path')


@row(P, O + 'test_shortest_cycle', "a <-> b: shortest_cycle(a) has 2 objects",
     "cycles DUMP: the garbage cycle's example has 2 objects")
def _(t):
    dump, ids, out, peer = t.build(lists(2, [('a', 'b'), ('b', 'a')], keep=''))
    cyc = garbage_cycles(t, dump)
    t.equal([len(members(c)) for c in cyc], [2], 'example cycle sizes')


@row(P, O + 'test_shortest_cycle_self_cycle', "b -> b in a 3-cycle: shortest_cycle(b) is b alone",
     "cycles DUMP: one garbage SCC of 3 (a, b, c)")
def _(t):
    dump, ids, out, peer = t.build(lists(3, [('a', 'b'), ('b', 'b'), ('b', 'c'), ('c', 'a')], keep=''))
    cyc = garbage_cycles(t, dump)
    t.equal([c['objects'] for c in cyc], [3], 'garbage SCC sizes')


@row(P, O + 'test_shortest_cycle_many_cycles', "5 lists, several cycles: shortest cycle through a has 3 objects",
     "cycles DUMP: one garbage SCC of 5; its example cycle is a shortest one (3 objects)")
def _(t):
    dump, ids, out, peer = t.build(lists(5, [('a', 'b'), ('b', 'c'), ('c', 'a'), ('b', 'd'), ('d', 'a'), ('b', 'e'), ('e', 'd')], keep=''))
    cyc = garbage_cycles(t, dump)
    t.equal([(c['objects'], len(members(c))) for c in cyc], [(5, 3)], 'garbage SCC (objects, example length)')


@row(P, O + 'test_shortest_cycle_no_cycle / test_shortest_path_no_path', "no cycle through a; no path a -> c",
     "cycles DUMP: the garbage SCC {b, c} does not contain a")
def _(t):
    dump, ids, out, peer = t.build(lists(3, [('b', 'c'), ('c', 'b'), ('a', 'b')], keep=''))
    cyc = garbage_cycles(t, dump)
    t.equal([members(c) for c in cyc], [set([ids['b'], ids['c']])], 'garbage cycles')


@row(P, O + 'test_analyze_simple_cycle', "new objects of create_cycle(): one SCC of 4",
     "cycles DUMP: one garbage SCC of 4")
def _(t):
    dump, ids, out, peer = t.build(CREATE_CYCLES + "create_cycles()\n")
    t.equal([c['objects'] for c in garbage_cycles(t, dump)], [4], 'garbage SCC sizes')


@row(P, O + 'test_long_chain', "a chain of 10001 lists: 10001 SCCs, no recursion failure",
     "path DUMP 'id == TAIL': a 10001-hop path; cycles DUMP: none among the chain")
def _(t):
    dump, ids, out, peer = t.build("head = [[]]\nx = head\nfor _ in range(10000):\n    n = []\n    x[-1].append(n) if False else x.append(n)\n    x = n\nids['tail'] = id(x)\ndel x, n\n")
    d = t.rgj('path', dump, 'id == %d' % ids['tail'])
    p = d['groups'][0]['paths'][0]
    t.expect(len(p) > 10000, 'path of %d hops' % len(p))


@row(P, O + 'test_sccs', "{a,b} -> {c,d}: two SCCs of 2 with edges a<->b, c<->d",
     "cycles DUMP: two garbage cycles, {a,b} and {c,d}")
def _(t):
    dump, ids, out, peer = t.build(KEY % 'b.append(d)')
    got = sorted(sorted(members(c)) for c in garbage_cycles(t, dump))
    t.equal(got, sorted([sorted([ids['a'], ids['b']]), sorted([ids['c'], ids['d']])]), 'garbage cycles')


@row(P, O + 'test_source_components', "{a,b} -> {c,d}: one source component {a,b}",
     "cycles DUMP: the key cycle {a,b} first")
def _(t):
    dump, ids, out, peer = t.build(KEY % 'b.append(d)')
    cyc = garbage_cycles(t, dump)
    t.equal(members(cyc[0]), set([ids['a'], ids['b']]), 'first garbage cycle')


@row(P, O + 'test_to_dot', "a = [b]: edge a -> b labelled item[0]; nodes list[1], list[0]",
     "render DUMP 'id == A' --mode refs --format dot (edge [0], labels len 1 / len 0)")
def _(t):
    dump, ids, out, peer = t.build(lists(2, [('a', 'b')]))
    nodes, edges = t.render(dump, 'id == %d' % ids['a'], '--mode', 'refs')
    lab = dict((n['addr'], n['label']) for n in nodes.values())
    t.expect('len 1' in lab.get(ids['a'], '') and 'len 0' in lab.get(ids['b'], ''), 'labels %r' % lab)


for n, why in [('test_empty', 'an empty ObjectGraph: refgraph reads a whole heap'),
               ('test_construction_from_iterator', 'ObjectGraph from an iterator: API'),
               ('test_length', 'container API of ObjectGraph'), ('test_containment', 'container API of ObjectGraph'),
               ('test_iteration', 'container API of ObjectGraph'), ('test_repr', 'repr of ObjectGraph'),
               ('test_shortest_path_start_equals_end', 'path from an object to itself: refgraph paths start at roots'),
               ('test_count_by_typename', 'counts over a hand-picked subset; refgraph counts the whole heap (top --group type, path TYPE)'),
               ('test_find_by_typename', 'a search within a hand-picked subset; refgraph selects over the whole heap (path TYPE)'),
               ('test_to_json', "refcycle's own JSON; refgraph --json and render --format json are its own formats"),
               ('test_export_json', "refcycle's own JSON file"),
               ('test_intersection', "set algebra of subgraphs; diff is refgraph's only graph difference (test_snapshot)"),
               ('test_subtraction', "set algebra of subgraphs; diff is refgraph's only graph difference (test_snapshot)"),
               ('test_abstract_bases', 'Python ABCs of ObjectGraph'),
               ('test_export_image', 'image export through a dot subprocess: refgraph render -o ref.svg is tested by Tests/acceptance'),
               ('test_export_image_implicit_format', 'as test_export_image'),
               ('test_export_image_explicit_format', 'as test_export_image')]:
    none(P, O + n, n, why)


# ---- test_directed_graph: DirectedGraph on integer vertices, as refgraph edge lists

TEST_GRAPH = {1: [4, 2, 3], 2: [1], 3: [5, 6, 7], 4: [], 5: [], 6: [7], 7: [], 8: [9], 9: [10], 10: [8], 11: [11]}


def edge_list(pairs):
    path = os.path.join(WORK, 'edges-%d.txt' % len(os.listdir(WORK)))
    with open(path, 'w') as f:
        for a, b in pairs:
            f.write('%s %s\n' % (a, b))
    return path


def from_string(s):
    """refcycle's graph_from_string: "1 2; 1->2" -> edge pairs"""
    vs, es = s.split(';')
    pairs = []
    for seq in es.split():
        nodes = seq.split('->')
        pairs += list(zip(nodes[:-1], nodes[1:]))
    return [(int(a), int(b)) for a, b in pairs]


def peer_run(t, code):
    """refcycle's own answer, in its venv: code sets `result`."""
    import subprocess, json
    from peerlib import peer_python
    py, why = peer_python(P)
    if py is None:
        t.peer_skipped = why
        return None
    p = subprocess.run([py, '-c', 'import json\nresult = None\n' + code + '\nprint(json.dumps(result))'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    if p.returncode != 0:
        t.peer_skipped = 'refcycle failed: %s' % (p.stderr.strip().splitlines() or [''])[-1]
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def cyclic_sccs(t, path):
    d = t.rgj('cycles', path, '--limit', '100000')
    return d['cycles']


SCC_PAIRS = [
    ("1; 1->1", "1"), ("1 2;", "1; 2"), ("1 2; 1->2", "1; 2"), ("1 2; 1->2 1->2", "1; 2"),
    ("1 2 3; 1->2->3", "1; 2; 3"), ("1 2 3; 1->2->3->1", "1 2 3"), ("1 2 3; 1->2->1->3->1", "1 2 3"),
    ("1 2 3; 1->2->1", "1 2; 3"), ("1 2 3 4; 1->2->4 1->3->4", "1; 2; 3; 4"), ("1 2 3 4; 1->2->4 1->3->4->2", "1; 2 4; 3"),
    ("1 2 3 4 5 6 7 8; 1->2->3->4->1 5->6->7->8->5 2->5->8 4->2 ", "1 2 3 4; 5 6 7 8"),
    ("1 2 3 4 5 6 7 8; 1->2 2->3 2->8 3->4 3->7 4->5 5->3 5->6 7->4 7->6 8->1 8->7", "1 2 8; 3 4 5 7; 6"),
    ("1 2 3 4 5 6; 1->2 1->3 2->3 2->4 4->3 4->5 5->2 5->6 6->3 6->4", "1; 2 4 5 6; 3"),
]


@row(P, D + 'test_strongly_connected_components', "13 small graphs (Tarjan's and Gabow's examples among them): the expected SCCs",
     "cycles EDGELIST --json: the cyclic SCCs (sizes; each example cycle inside one expected SCC)")
def _(t):
    bad, ours = [], []
    for gs, ss in SCC_PAIRS:
        pairs = from_string(gs)
        if not pairs:
            continue   # no edges: nothing an edge list can say
        selfloops = set(a for a, b in pairs if a == b)
        want = [set(int(x) for x in scc.split()) for scc in ss.split(';')]
        want = sorted(len(w) for w in want if len(w) > 1 or (w & selfloops))
        cyc = cyclic_sccs(t, edge_list(pairs))
        got = sorted(c['objects'] for c in cyc)
        inside = all(any(set(n['address'] for n in c['example']) <= set(int(x) for x in scc.split())
                         for scc in ss.split(';')) for c in cyc)
        if got != want or not inside:
            bad.append('%r: cyclic SCC sizes %r, want %r%s' % (gs, got, want, '' if inside else ' (an example crosses SCCs)'))
        ours.append(got)
    t.expect(not bad, '; '.join(bad))
    theirs = peer_run(t, "from refcycle.directed_graph import DirectedGraph\nresult = []\n"
                      "for pairs in %r:\n"
                      "    g = DirectedGraph.from_edge_pairs(sorted(set(sum(map(list, pairs), []))), [tuple(p) for p in pairs])\n"
                      "    loops = set(a for a, b in pairs if a == b)\n"
                      "    result.append(sorted(len(c) for c in g.strongly_connected_components() if len(c) > 1 or set(c) & loops))\n"
                      % [from_string(gs) for gs, ss in SCC_PAIRS if from_string(gs)])
    t.compare(theirs, ours, 'cyclic SCC sizes of each graph')


@row(P, D + 'test_strongly_connected_components_deep', "a 10001-vertex ring is one SCC (no recursion limit)",
     "cycles EDGELIST: one SCC of 10001")
def _(t):
    n = 10000
    cyc = cyclic_sccs(t, edge_list([(i, i + 1) for i in range(n)] + [(n, 0)]))
    t.equal([c['objects'] for c in cyc], [n + 1], 'SCC sizes')


GABOW = "1 2 3 4 5 6; 1->2 1->3 2->3 2->4 4->3 4->5 5->2 5->6 6->3 6->4"


def reach(t, path, start, depth, mode):
    nodes, edges = t.render(path, 'id == %d' % start, '--max-depth', str(depth), *(['--mode', 'refs'] if mode == 'refs' else []))
    return sorted(n['addr'] for n in nodes.values() if n['addr'] is not None)


@row(P, D + 'test_limited_descendants', "descendants('1', generations=0..3) of Gabow's graph: [1], [1 2 3], [1 2 3 4], [1 2 3 4 5]",
     "render EDGELIST 'id == 1' --mode refs --max-depth N")
def _(t):
    path = edge_list(from_string(GABOW))
    t.equal([reach(t, path, 1, g, 'refs') for g in range(4)], [[1], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]], 'descendants by depth')


@row(P, D + 'test_more_limited_descendants', "1->2->3->4->8, 1->5->4, 1->6->7->4: generations 2 reach 4, generations 3 reach 8 (breadth first)",
     "render EDGELIST 'id == 1' --mode refs --max-depth N")
def _(t):
    path = edge_list(from_string("1 2 3 4 5 6 7 8; 1->2->3->4->8 1->5->4 1->6->7->4"))
    t.equal([reach(t, path, 1, g, 'refs') for g in range(5)],
            [[1], [1, 2, 5, 6], [1, 2, 3, 4, 5, 6, 7], list(range(1, 9)), list(range(1, 9))], 'descendants by depth')


@row(P, D + 'test_descendants_slow_case', "a 100-vertex ring with doubled edges: descendants(0) is every vertex, quickly",
     "render EDGELIST 'id == 0' --mode refs --max-depth 100")
def _(t):
    path = edge_list(sum([[(n, (n + 1) % 100)] * 2 for n in range(100)], []))
    t.equal(reach(t, path, 0, 100, 'refs'), list(range(100)), 'descendants of 0')


@row(P, D + 'test_limited_ancestors', "ancestors('3', generations=0..3) of Gabow's graph: [3], [1 2 3 4 6], all 6, all 6",
     "render EDGELIST 'id == 3' --max-depth N (backrefs)")
def _(t):
    path = edge_list(from_string(GABOW))
    t.equal([reach(t, path, 3, g, 'backrefs') for g in range(4)],
            [[3], [1, 2, 3, 4, 6], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]], 'ancestors by depth')


@row(P, D + 'test_ancestors_slow_case', "a 100-vertex ring with doubled edges: ancestors(0) is every vertex",
     "render EDGELIST 'id == 0' --max-depth 100 (backrefs)")
def _(t):
    path = edge_list(sum([[(n, (n + 1) % 100)] * 2 for n in range(100)], []))
    t.equal(reach(t, path, 0, 100, 'backrefs'), list(range(100)), 'ancestors of 0')


def test_graph_path():
    return edge_list([(a, b) for a, bs in sorted(TEST_GRAPH.items()) for b in bs])


@row(P, D + 'test_length / test_iteration', "the test graph has the 11 vertices 1..11", "summary EDGELIST --json (objects); path 'id in [1..11]'")
def _(t):
    path = test_graph_path()
    t.equal(t.rgj('summary', path)['objects'], 11, 'objects')


@row(P, D + 'test_containment', "2 and 11 are in the graph, 0 and 12 are not", "path EDGELIST 'id == N' (targets)")
def _(t):
    path = test_graph_path()
    t.equal([t.targets(path, 'id == %d' % n) for n in (2, 11, 0, 12)], [1, 1, 0, 0], 'targets of 2, 11, 0, 12')


@row(P, D + 'test_children_and_parents', "children(1) == [2, 3, 4], children(7) == [], parents(7) == [3, 6], parents(1) == [2]",
     "render EDGELIST 'id == N' --max-depth 1 (--mode refs for children)")
def _(t):
    path = test_graph_path()
    t.equal([reach(t, path, 1, 1, 'refs'), reach(t, path, 7, 1, 'refs'), reach(t, path, 7, 1, 'backrefs'), reach(t, path, 1, 1, 'backrefs')],
            [[1, 2, 3, 4], [7], [3, 6, 7], [1, 2]], 'children and parents (with the object itself)')


for n in ('test_full_subgraph', 'test_full_subgraph_large_from_list', 'test_full_subgraph_from_iterator'):
    none(P, D + n, 'the subgraph induced by a vertex subset', 'refgraph has no induced-subgraph view; render --filter draws the objects that pass a selector')
none(P, D + 'test_to_dot', "DirectedGraph.to_dot text", "refcycle's dot writer; refgraph render --format dot (test_object_graph.py test_to_dot row)")


# ---- test_annotations: edge labels and their completeness

def completeness(t, dump, ids, out, name, want, peer=None):
    """every referent (gc.get_referents, recorded by the child) has a labelled edge;
    want: {target name: label}; peer: the referents refcycle annotates."""
    nodes, edges = t.render(dump, 'id == %d' % ids[name], '--mode', 'refs', '--max-depth', '1',
                            '--too-many', '10000', '--max-nodes', '10000')
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    labels = {}
    for a, b, l in edges:
        if byaddr.get(a) == ids[name]:
            labels.setdefault(byaddr.get(b), []).append(l)
    for target, label in want.items():
        got = labels.get(ids[target], [])
        t.expect(any(label == x or label in [y.strip() for y in x.split(',')] for x in got),
                 'edge to %s: want %r, got %r' % (target, label, got))
    missing = [r for r in out['referents'] if not any(labels.get(r, []))]
    t.expect(not missing, '%d of %d referents have no labelled edge' % (len(missing), len(out['referents'])))
    if peer is not None:
        ours = set(r for r in out['referents'] if any(labels.get(r, [])))
        extra = set(peer) - ours
        t.expect(not extra, 'refcycle annotates %d referents that refgraph leaves unlabelled' % len(extra))
        t.notes.append('peer agrees')


def annot(code, name, want, python=None):
    def fn(t):
        py = python_for(python) if python else None
        if python and not py:
            raise Skip('no Python ' + python)
        dump, ids, out, peer = t.build(
            code + "\nids[%r] = id(%s)\nout['referents'] = [id(r) for r in gc.get_referents(%s)]\n" % (name, name, name)
            + ''.join("ids[%r] = id(%s)\n" % (k, v) for k, v in want[1].items()),
            python=py, peer=None if python else P,
            peer_import='from refcycle.annotations import annotated_references',
            peer_code=("ann = annotated_references(%s)\n"   # it may create __dict__/__annotations__: only the referents seen at build time
                       "peer_result = sorted(set(id(r) for r in gc.get_referents(%s) if id(r) in set(out['referents']) and ann[r]))") % (name, name))
        completeness(t, dump, ids, out, name, want[0], peer)
    return fn


DEFS = '''
class NewStyle(object):
    def foo(self):
        return 42
def f(x, y, z=3):
    """This is f's docstring."""
    pass
def outer(x):
    def inner(y):
        return x + y
    return inner
'''

ANNOT = [
    ('test_annotate_tuple', "a = (1, 2, 3): item[0]", "a = (1, 2, 3)", 'a', ({'t0': '[0]'}, {'t0': 'a[0]'})),
    ('test_annotate_list', "a = [3, 4, 5]: item[2]", "a = [3, 4, 5]", 'a', ({'t2': '[2]'}, {'t2': 'a[2]'})),
    ('test_annotate_dict_values', "d = {'foo': [1, 2, 3]}: value['foo']", "d = {'foo': [1, 2, 3]}", 'd', ({'v': "['foo']"}, {'v': "d['foo']"})),
    ('test_annotate_set', "s = {1, 2, 3}: element", "a, b, c = 1, 2, 3\ns = {a, b, c}", 's', ({}, {})),
    ('test_annotate_frozenset', "frozenset([1, 2, 3]): element", "a, b, c = 1, 2, 3\ns = frozenset([a, b, c])", 's', ({}, {})),
    ('test_annotate_function', "f: __defaults__, __globals__", DEFS, 'f', ({'fd': '__defaults__', 'fg': '__globals__'}, {'fd': 'f.__defaults__', 'fg': 'f.__globals__'})),
    ('test_annotate_function_closure', "outer(5): __defaults__, __globals__, __closure__", DEFS + "g = outer(5)", 'g',
     ({'gg': '__globals__', 'gc': '__closure__'}, {'gg': 'g.__globals__', 'gc': 'g.__closure__'})),
    ('test_annotate_function_attributes', "f.extra_attribute = [1, 2, 3]: __dict__", "def f():\n    pass\nf.extra_attribute = [1, 2, 3]", 'f', ({'fd': '__dict__'}, {'fd': 'f.__dict__'})),
    ('test_annotate_cell', "closure cell: cell_contents", DEFS + "cell = outer(5).__closure__[0]", 'cell', ({'cc': 'cell_contents'}, {'cc': 'cell.cell_contents'})),
    ('test_annotate_bound_method', "obj.foo: __func__, __self__", DEFS + "obj = NewStyle()\nmeth = obj.foo", 'meth',
     ({'fn': '__func__', 'obj': '__self__'}, {'fn': "NewStyle.__dict__['foo']", 'obj': 'obj'})),
    ('test_annotate_weakref', "weakref.ref(a, callback): __callback__",
     "import weakref\na = set()\ndef callback(ref):\n    return 5\nref = weakref.ref(a, callback)", 'ref', ({'cb': '__callback__'}, {'cb': 'callback'})),
    ('test_annotate_object', "NewStyle(): every referent labelled", DEFS + "obj = NewStyle()", 'obj', ({}, {})),
    ('test_annotate_new_style_class', "NewStyle: __mro__", DEFS, 'NewStyle', ({'mro': '__mro__'}, {'mro': 'NewStyle.__mro__'})),
    ('test_annotate_getset_descriptor', "A.__weakref__: every referent labelled", "class A(object):\n    pass\ndescr = A.__weakref__", 'descr', ({}, {})),
    ('test_annotate_function_annotations', "def f() -> int: every referent labelled",
     "namespace = {}\nexec('def annotated_function() -> int: pass', namespace)\nfa = namespace['annotated_function']", 'fa', ({}, {})),
    ('test_annotate_function_kwdefaults', "def f(*, a=3, b=4): every referent labelled",
     "namespace = {}\nexec('def kwdefaults_function(*, a=3, b=4): pass', namespace)\nfk = namespace['kwdefaults_function']", 'fk', ({}, {})),
]
for test, asserts, code, name, want in ANNOT:
    row(P, A + 'TestEdgeAnnotations.' + test, asserts,
        "render DUMP 'id == OBJ' --mode refs --max-depth 1 (labels of every referent)")(annot(code, name, want))

FRAME = '''
import inspect
def some_function(x, y):
    z = 27
    pow(z, z)
    return inspect.currentframe()
%s
'''
row(P, A + 'TestEdgeAnnotations.test_annotate_frame', "a frame's referents are all labelled (checked before 3.11)",
    "render DUMP 'id == FRAME' --mode refs --max-depth 1 (Python 3.10)")(
    annot(FRAME % "frame = some_function('a string', 97.8)", 'frame', ({}, {}), python='3.10'))
row(P, A + 'TestEdgeAnnotations.test_annotate_frame_with_f_trace', "a traced frame's referents (f_trace) are all labelled (before 3.11)",
    "render DUMP 'id == FRAME' --mode refs --max-depth 1 (Python 3.10)")(
    annot(FRAME % ("def test_trace(frame, event, arg):\n    return test_trace\nsys.settrace(test_trace)\n"
                   "frame = some_function('a string', 97.8)\nsys.settrace(None)"), 'frame', ({}, {}), python='3.10'))
none(P, A + 'TestEdgeAnnotations.test_annotate_unbound_method', "NewStyle.foo (a function on 3.x): __qualname__",
     "refcycle expects a __qualname__ edge; the exporter names a function by its qualname and does not draw the string as an edge")


# ---- TestObjectAnnotations: node labels

def label_row(code, name, check, what, values=False):
    def fn(t):
        dump, ids, out, peer = t.build(code + "\nids['o'] = id(%s)\n" % name, dump_kw=', values=True' if values else '')
        nodes, edges = t.render(dump, 'id == %d' % ids['o'], '--max-depth', '0', '--long-names')
        lab = [n['label'] for n in nodes.values() if n['addr'] == ids['o']]
        t.expect(lab and check(lab[0]), 'label %r: want %s' % (lab, what))
    return fn


LABELS = [
    ('test_int', 'object_annotation(12345) == "12345"', "x = 12345", 'x', lambda l: '12345' in l, '12345', True),
    ('test_float', '"12345.0"', "x = 12345.0", 'x', lambda l: '12345.0' in l, '12345.0', True),
    ('test_str', "repr('hello world')", "x = 'hello world'", 'x', lambda l: 'hello world' in l, 'hello world', True),
    ('test_annotate_list', '"list[2]"', "items = [1, 2]", 'items', lambda l: 'list' in l and 'len 2' in l, 'list, len 2', False),
    ('test_annotate_tuple', '"tuple[3]"', "t = (1, 2, 3000)", 't', lambda l: 'tuple' in l and 'len 3' in l, 'tuple, len 3', False),
    ('test_annotate_dict', '"dict[3]"', "d = {1: 2, 3: 4, 5: 6}", 'd', lambda l: 'dict' in l and 'len 3' in l, 'dict, len 3', False),
    ('test_annotate_function', '"function\\nf"', DEFS, 'f', lambda l: 'function' in l and re.search(r'(^|[ .])f( |$)', l), 'function and f', False),
    ('test_annotate_object', '"object\\n<module>.NewStyle"', DEFS + "obj = NewStyle()", 'obj', lambda l: '__main__.NewStyle' in l, '__main__.NewStyle', False),
    ('test_annotate_new_style_class', '"type\\nNewStyle"', DEFS, 'NewStyle', lambda l: 'type' in l and 'NewStyle' in l, 'type and NewStyle', False),
    ('test_annotate_bound_method', '"instancemethod\\nNewStyle.foo"', DEFS + "m = NewStyle().foo", 'm', lambda l: 'method' in l and 'NewStyle.foo' in l, 'method and NewStyle.foo', False),
    ('test_annotate_module', 'starts "module\\n", names weakref', "import weakref", 'weakref', lambda l: 'module' in l and 'weakref' in l, 'module weakref', False),
    ('test_annotate_frame', 'starts "frame\\n", names the file', FRAME % "frame = some_function('a string', 97.8)", 'frame',
     lambda l: 'frame' in l and 'some_function' in l, 'frame and some_function', False),
]
for test, asserts, code, name, check, what, values in LABELS:
    row(P, A + 'TestObjectAnnotations.' + test, asserts, "render DUMP 'id == OBJ' (node label%s)" % (', dump with values=True' if values else ''))(
        label_row(code, name, check, what, values))
none(P, A + 'TestObjectAnnotations.test_none / test_bool / test_complex', 'None, True, 2j labels',
     'singletons and complex: the node shows its type; values=True dumps str/bytes/int/float contents only')
none(P, A + 'TestObjectAnnotations.test_annotate_weakref / _to_dead_referent', '"weakref to id 0x..." / "(dead referent)"',
     'refgraph draws the weak edge to the referent itself (render --mode refs); a dead weakref simply has no referent edge')

if __name__ == '__main__':
    sys.exit(main())
