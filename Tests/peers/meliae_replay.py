"""meliae 0.5.1 (Python 3 port): the sample dumps of test_loader.py and the
graphs of test__loader.py, replayed on refgraph.

refgraph reads meliae dumps directly, which is the counterpart of meliae's
loader: each row writes the test's dump lines to a file and asks refgraph
the question meliae's loader answers. Where meliae is installed
(.build/peers/meliae), meliae's own loader reads the same file in the same
row and its answer is compared.
"""
import sys, os, gzip, json, subprocess
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peerlib import row, none, main, peer_python, WORK, Skip, Failure

P = 'meliae'
L = 'test_loader.py '
LL = 'test__loader.py '

EXAMPLE = [
    '{"address": 1, "type": "tuple", "size": 20, "len": 2, "refs": [2, 3]}',
    '{"address": 3, "type": "list", "size": 44, "len": 3, "refs": [3, 4, 5, 8]}',
    '{"address": 5, "type": "int", "size": 12, "value": 1, "refs": []}',
    '{"address": 4, "type": "int", "size": 12, "value": 2, "refs": []}',
    '{"address": 2, "type": "dict", "size": 124, "len": 2, "refs": [4, 5, 6, 7]}',
    '{"address": 7, "type": "tuple", "size": 20, "len": 2, "refs": [4, 5, 8]}',
    '{"address": 6, "type": "bytes", "size": 29, "len": 5, "value": "a str", "refs": []}',
    '{"address": 8, "type": "str", "size": 88, "len": 9, "value": "a unicode", "refs": []}',
    '{"address": 9, "type": "module", "size": 60, "name": "mymod", "refs": [2]}',
]
INSTANCE = [
    '{"address": 1, "type": "MyClass", "size": 32, "refs": [2, 3]}',
    '{"address": 3, "type": "type", "size": 452, "name": "MyClass", "refs": []}',
    '{"address": 2, "type": "dict", "size": 140, "len": 4, "refs": [4, 5, 6, 7, 9, 10, 11, 12]}',
    '{"address": 4, "type": "str", "size": 25, "len": 1, "value": "a", "refs": []}',
    '{"address": 5, "type": "int", "size": 12, "value": 1, "refs": []}',
    '{"address": 6, "type": "str", "size": 25, "len": 1, "value": "c", "refs": []}',
    '{"address": 7, "type": "dict", "size": 140, "len": 1, "refs": [8, 6]}',
    '{"address": 8, "type": "str", "size": 25, "len": 1, "value": "s", "refs": []}',
    '{"address": 9, "type": "str", "size": 25, "len": 1, "value": "b", "refs": []}',
    '{"address": 10, "type": "str", "size": 30, "len": 6, "value": "string", "refs": []}',
    '{"address": 11, "type": "str", "size": 25, "len": 1, "value": "d", "refs": []}',
    '{"address": 12, "type": "tuple", "size": 32, "len": 1, "refs": [13]}',
    '{"address": 13, "type": "int", "size": 12, "value": 2, "refs": []}',
    '{"address": 14, "type": "module", "size": 28, "name": "sys", "refs": [15]}',
    '{"address": 15, "type": "dict", "size": 140, "len": 2, "refs": [5, 6, 9, 6]}',
]
OLD_INSTANCE = [
    '{"address": 1, "type": "instance", "size": 36, "refs": [2, 3]}',
    '{"address": 3, "type": "dict", "size": 140, "len": 2, "refs": [4, 5, 6, 7]}',
    '{"address": 7, "type": "int", "size": 12, "value": 2, "refs": []}',
    '{"address": 6, "type": "str", "size": 25, "len": 1, "value": "b", "refs": []}',
    '{"address": 5, "type": "int", "size": 12, "value": 1, "refs": []}',
    '{"address": 4, "type": "str", "size": 25, "len": 1, "value": "a", "refs": []}',
    '{"address": 2, "type": "classobj", "size": 48, "name": "OldStyle", "refs": [8, 43839680, 9]}',
    '{"address": 9, "type": "str", "size": 32, "len": 8, "value": "OldStyle", "refs": []}',
    '{"address": 8, "type": "tuple", "size": 28, "len": 0, "refs": []}',
]
INTERN = [
    '{"address": 2, "type": "str", "size": 25, "len": 1, "value": "a", "refs": []}',
    '{"address": 3, "type": "str", "size": 25, "len": 1, "value": "b", "refs": []}',
    '{"address": 4, "type": "str", "size": 25, "len": 1, "value": "c", "refs": []}',
    '{"address": 5, "type": "str", "size": 25, "len": 1, "value": "d", "refs": []}',
    '{"address": 6, "type": "dict", "size": 512, "refs": [2, 5, 5, 5, 4, 4, 3, 3]}',
    '{"address": 7, "type": "dict", "size": 512, "refs": [6, 6, 5, 5, 4, 4, 3, 3]}',
    '{"address": 8, "type": "dict", "size": 512, "refs": [2, 2, 5, 5, 4, 4, 3, 3]}',
]
SIZES = dict((json.loads(l)['address'], json.loads(l)['size']) for l in EXAMPLE)

_n = [0]


def write(lines, gz=False):
    _n[0] += 1
    path = os.path.join(WORK, 'meliae-%d.json' % _n[0] + ('.gz' if gz else ''))
    data = ('\n'.join(lines) + '\n').encode('ascii')
    if gz:
        with gzip.open(path, 'wb') as f:
            f.write(data)
    else:
        with open(path, 'wb') as f:
            f.write(data)
    return path


def peer(t, path, code):
    """meliae's own answer on the file: code sees `loader` and `path`, sets `result`."""
    py, why = peer_python(P)
    if py is None:
        t.peer_skipped = why
        return None
    src = 'import json, sys\nfrom meliae import loader\npath = sys.argv[1]\nresult = None\n%s\nprint(json.dumps(result))\n' % code
    p = subprocess.run([py, '-c', src, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    if p.returncode != 0:
        t.peer_skipped = 'meliae failed: ' + p.stderr.strip().splitlines()[-1] if p.stderr.strip() else 'meliae failed'
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def drawn(t, path, sel, *opts):
    nodes, edges = t.render(path, sel, *opts)
    return sorted(n['addr'] for n in nodes.values() if n['addr'] is not None), nodes, edges


def addrs(t, path, sel):
    d = t.rgj('path', path, sel, '--limit', '1000')
    return sorted(sum([g['members'] for g in d['groups']], []) + [u['address'] if isinstance(u, dict) else u for u in d.get('unreachable', [])])


@row(P, L + 'TestLoad.test_load_one', "a one-line dump loads: one object at 1234", "summary DUMP; path DUMP 'id == 1234'")
def _(t):
    path = write(['{"address": 1234, "type": "int", "size": 12, "value": 10, "refs": []}'])
    t.equal(t.rgj('summary', path)['objects'], 1, 'objects')
    t.equal(addrs(t, path, 'id == 1234'), [1234], 'targets')
    t.compare(peer(t, path, "result = list(loader.load(path, show_prog=False).objs.keys())"), [1234], 'objs')


@row(P, L + 'TestLoad.test_load_example', "the example dump loads", "summary DUMP (9 objects)")
def _(t):
    path = write(EXAMPLE)
    t.equal(t.rgj('summary', path)['objects'], 9, 'objects')


@row(P, L + 'TestLoad.test_load_compressed', "a gzip'd dump loads (objs[1] present)", "summary DUMP.gz (9 objects)")
def _(t):
    path = write(EXAMPLE, gz=True)
    t.equal(t.rgj('summary', path)['objects'], 9, 'objects')
    t.equal(addrs(t, path, 'id == 1'), [1], 'targets of id == 1')


@row(P, L + 'TestLoad.test_get_all', "get_all('int') == [4, 5]", "path DUMP 'type == int'")
def _(t):
    path = write(EXAMPLE)
    got = addrs(t, path, 'type == int')
    t.equal(got, [4, 5], 'ints')
    t.compare(peer(t, path, "result = sorted(o.address for o in loader.load(path, show_prog=False).get_all('int'))"), got, 'get_all')


@row(P, L + 'TestLoad.test_one', "om[5] is the int at 5", "path DUMP 'id == 5 and type == int'")
def _(t):
    path = write(EXAMPLE)
    t.equal(addrs(t, path, 'id == 5 and type == int'), [5], 'targets')


@row(P, L + 'TestLoad.test_load_smoketest', "a real dump by meliae's scanner loads and holds the test dict",
     "summary DUMP; path DUMP 'id == ADDR' on a dump written by meliae.scanner (Python 3.8)")
def _(t):
    py, why = peer_python(P)
    if py is None:
        raise Skip(why)
    path = os.path.join(WORK, 'meliae-scanner.json')
    src = ("from meliae import scanner\ntest_dict = {1: 2, None: 'a string'}\n"
           "with open(%r, 'wb') as f:\n    scanner.dump_all_referenced(f, test_dict)\nprint(id(test_dict))\n" % path)
    p = subprocess.run([py, '-c', src], stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    if p.returncode != 0:
        raise Failure('meliae scanner failed: ' + p.stderr[-300:])
    addr = int(p.stdout.split()[-1])
    t.equal(addrs(t, path, 'id == %d' % addr), [addr], 'the test dict')
    t.equal(addrs(t, path, 'type == dict'), [addr], 'dicts of the dump')


@row(P, L + 'TestObjManager.test_compute_parents', "parents: 3 <- [1, 3]; 4, 5 <- [3, 7, 9]; 6, 7 <- [9]; 8 <- [3, 7]; 1, 9 none",
     "render DUMP 'id == N' --max-depth 1 (backrefs: the referrers of each object)")
def _(t):
    path = write(EXAMPLE)
    got = {}
    for a in (1, 3, 4, 5, 6, 7, 8, 9):
        _, nodes, edges = drawn(t, path, 'id == %d' % a, '--max-depth', '1')
        byaddr = dict((k, n['addr']) for k, n in nodes.items())
        got[a] = sorted(set(byaddr[x] for x, y, l in edges if byaddr.get(y) == a))
    # meliae's loader collapses the module's dict (2) into the module (9)
    want = {1: [], 3: [1, 3], 4: [2, 3, 7], 5: [2, 3, 7], 6: [2], 7: [2], 8: [3, 7], 9: []}
    t.equal(got, want, 'referrers (the dict 2 is where meliae says its module 9)')
    pr = peer(t, path, "om = loader.load(path, show_prog=False)\nresult = dict((a, sorted(om[a].parents)) for a in (1, 3, 4, 5, 6, 7, 8, 9))")
    if pr is not None:
        pr = dict((int(k), v) for k, v in pr.items())
        collapsed = dict((k, sorted(set(2 if x == 9 else x for x in v))) for k, v in pr.items())
        t.compare(collapsed, want, 'parents (module 9 read as its dict 2)')


@row(P, L + 'TestObjManager.test_compute_parents_ignore_repeated', "str 5, referred to several times by 6, 7, 8: parents [6, 7, 8] once each",
     "render DUMP 'id == 5' --max-depth 1 (three referrers)")
def _(t):
    path = write(INTERN)
    a, nodes, edges = drawn(t, path, 'id == 5', '--max-depth', '1')
    t.equal(a, [5, 6, 7, 8], 'drawn')
    t.compare(peer(t, path, "result = sorted(loader.load(path, show_prog=False)[5].parents)"), [6, 7, 8], 'parents')


@row(P, L + 'TestObjManager.test_compute_parents_many_parents', "200 tuples refer to str 2 (twice each): all 200 parents (max_parents=-1)",
     "path DUMP 'id == 2 and referrers >= 200'")
def _(t):
    content = ['{"address": 2, "type": "str", "size": 25, "len": 1, "value": "a", "refs": []}']
    content += ['{"address": %d, "type": "tuple", "size": 20, "len": 2, "refs": [2, 2]}' % (x + 100) for x in range(200)]
    path = write(content)
    t.equal(addrs(t, path, 'id == 2 and referrers >= 200'), [2], 'targets')
    t.compare(peer(t, path, "result = loader.load(path, show_prog=False, max_parents=-1)[2].num_parents"), 200, 'num_parents')


@row(P, L + 'TestObjManager.test_compute_total_size / test_summarize_refs', "total_size of module 9 == 345; its summary types int, module, bytes, str, tuple",
     "render DUMP 'id == 9' --mode refs (what it reaches: 345 bytes, those types)")
def _(t):
    path = write(EXAMPLE)
    a, nodes, edges = drawn(t, path, 'id == 9', '--mode', 'refs')
    t.equal(sum(SIZES[x] for x in a), 345, 'bytes reachable from 9 (%r)' % a)
    pr = peer(t, path, "om = loader.load(path, show_prog=False)\nom.compute_total_size(om[9])\nresult = om[9].total_size")
    t.compare(pr, 345, 'total_size')


@row(P, L + 'TestObjManager.test_summarize_excluding', "summarize(9, excluding=[4, 5]): no ints, 321 bytes",
     "render DUMP 'id == 9' --mode refs --ignore 'id in [4, 5]'")
def _(t):
    path = write(EXAMPLE)
    a, nodes, edges = drawn(t, path, 'id == 9', '--mode', 'refs', '--ignore', 'id in [4, 5]')
    t.equal(sum(SIZES[x] for x in a), 321, 'bytes reachable from 9 without 4, 5 (%r)' % a)
    pr = peer(t, path, "om = loader.load(path, show_prog=False)\nresult = om.summarize(om[9], excluding=[4, 5]).total_size")
    t.compare(pr, 321, 'summarize total_size')


@row(P, L + 'TestObjManager.test_compute_total_size_missing_ref', "a reference to a missing 999: total_size of 9 is its own 16",
     "render DUMP 'id == 9' --mode refs draws 9 alone")
def _(t):
    lines = list(EXAMPLE)
    lines[-1] = '{"address": 9, "type": "tuple", "size": 16, "len": 1, "refs": [999]}'
    path = write(lines)
    a, nodes, edges = drawn(t, path, 'id == 9', '--mode', 'refs')
    t.equal(sum(SIZES.get(x, 0) if x != 9 else 16 for x in a if x != 999), 16, 'bytes reachable from 9 (%r; 999 is not in the dump)' % a)
    t.compare(peer(t, path, "om = loader.load(path, show_prog=False)\nom.compute_total_size(om[9])\nresult = om[9].total_size"), 16, 'total_size')


@row(P, L + 'TestObjManager.test_collapse_instance_dicts', "instance 1's dict 2 is its __dict__ (collapsed into MyClass); module 14's dict 15 into sys",
     "path DUMP: dict 2 is owned by 'MyClass instance', dict 15 by 'module sys'")
def _(t):
    path = write(INSTANCE)
    d2 = addrs(t, path, 'owner ~ "MyClass instance"')
    d15 = addrs(t, path, 'owner == "module sys"')
    t.equal([d2, d15], [[2], [15]], 'dicts owned by the instance, by module sys')


@row(P, L + 'TestObjManager.test_collapse_old_instance_dicts', "a 2.7 'instance' whose class is classobj OldStyle is typed OldStyle",
     "path DUMP OldStyle (the instance 1, typed by its class)")
def _(t):
    path = write(OLD_INSTANCE)
    t.equal(addrs(t, path, 'type == OldStyle'), [1], "targets of 'type == OldStyle'")


@row(P, L + 'TestObjManager.test_expand_refs_as_dict', "dict 15 of module sys reads {1: 'c', 'b': 'c'}: two entries to 'c'",
     "render DUMP 'id == 15' --mode refs (two labelled edges to 'c')")
def _(t):
    path = write(INSTANCE)
    a, nodes, edges = drawn(t, path, 'id == 15', '--mode', 'refs', '--max-depth', '1')
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    to_c = [l for x, y, l in edges if byaddr.get(x) == 15 and byaddr.get(y) == 6]
    labels = sorted(p.strip() for l in to_c for p in l.split(','))
    t.equal(labels, ["['b']", '[1]'], "labels of the edges 15 -> 'c'")


@row(P, L + 'TestObjManager.test_expand_refs_as_list', "tuple 12 reads [2] (its int 13)", "render DUMP 'id == 12' --mode refs (edge [0] to 13)")
def _(t):
    path = write(INSTANCE)
    a, nodes, edges = drawn(t, path, 'id == 12', '--mode', 'refs', '--max-depth', '1')
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    t.equal([(byaddr.get(y), l) for x, y, l in edges], [(13, '[0]')], 'edges of 12')


none(P, L + 'TestLoad.test_load_without_simplejson', "the loader without simplejson", "refgraph has one JSON reader")
none(P, L + 'TestLoad.test_load_defaults_to_computing_and_collapsing', "loader options",
     "refgraph has one JSON reader; it keeps instance dicts as objects and names them by owner (collapse rows)")
none(P, L + 'TestRemoveExpensiveReferences.test_remove_expensive_references', "module -> module references replaced by <ex-reference>",
     "refgraph keeps every reference; modules are reached from sys.modules and reported by owner, so nothing is removed")
none(P, L + 'TestObjManager.test_remove_expensive_references', "module -> module references replaced by <ex-reference>",
     "refgraph keeps every reference; modules are reached from sys.modules and reported by owner, so nothing is removed")
none(P, L + 'TestMemObj.test_to_json', "meliae's own JSON of an object", "refgraph --json documents are its own format (docs/FORMAT.md)")
none(P, L + 'TestObjManager.test_compute_referrers', "deprecated alias of compute_parents", "same as test_compute_parents")
none(P, L + 'TestObjManager.test_compute_parents_no_parents', "max_parents=0 keeps no parents", "a loader memory option; refgraph keeps every referrer")
none(P, L + 'TestObjManager.test_guess_intern_dict', "the dict referring to each str as key and value is the intern dict",
     "refgraph reports dumps from 3.x exporters, where the interned-strings dict is not a Python object; meliae dumps of 2.7 keep it as a plain dict")


# ---- test__loader.py: MemObjectCollection graphs

def graph(objs):
    return write(['{"address": %d, "type": "%s", "size": %d, "refs": %s}' % (a, ty, sz, json.dumps(ch)) for a, ty, sz, ch in objs])


BASE = [(1024, 'bar', 200, []), (0, 'foo', 100, []), (255, 'baz', 300, [])]


def reach_row(extra, start, want, ignore=None):
    def fn(t):
        path = graph(BASE + extra)
        opts = ['--mode', 'refs', '--max-depth', '100'] + (['--ignore', 'id in [%s]' % ', '.join(map(str, ignore))] if ignore else [])
        a, nodes, edges = drawn(t, path, 'id == %d' % start, *opts)
        t.equal(a, sorted(want), 'reachable from %d%s' % (start, ' excluding %r' % ignore if ignore else ''))
    return fn


IRR = 'Test_MemObjectProxyIterRecursiveRefs.'
RR = [
    ('test_no_refs', [], 1024, [1024], None, "iter_recursive_refs(1024) == [1024]"),
    ('test_single_depth_refs', [(1, 'test', 1234, [1024])], 1, [1, 1024], None, "[1, 1024]"),
    ('test_deep_refs', [(1, '1', 1234, [2]), (2, '2', 1234, [3]), (3, '3', 1234, [4]), (4, '4', 1234, [5]), (5, '5', 1234, [6]), (6, '6', 1234, [])],
     1, [1, 2, 3, 4, 5, 6], None, "a chain 1 -> ... -> 6"),
    ('test_self_referenced', [(1, 'test', 1234, [1024, 2]), (2, 'test2', 1234, [1])], 2, [2, 1, 1024], None, "2 <-> 1 -> 1024"),
    ('test_excluding', [(1, 'test', 1234, [1024])], 1, [1], [1024], "excluding 1024: [1]"),
    ('test_excluding_nested', [(1, 'test', 1234, [1024]), (2, 'test', 1234, [1])], 2, [2], [1], "excluding 1: [2]"),
    ('test_excluding_wraparound', [(1, 'test', 1234, [1024]), (2, 'test', 1234, [1024]), (3, 'test', 1234, [1, 2])], 3, [3, 2, 1024], [1],
     "excluding 1: [3, 2, 1024]"),
]
for test, extra, start, want, ignore, asserts in RR:
    row(P, LL + IRR + test, asserts, "render DUMP 'id == START' --mode refs" + (" --ignore 'id in [...]'" if ignore else ''))(
        reach_row(extra, start, want, ignore))
none(P, LL + IRR + 'test_excluding_self', "excluding the start object yields nothing",
     "refgraph --ignore never drops a selected target")


@row(P, LL + 'Test_MemObjectProxy.test_compute_total_size', "2 -> 1 -> 0: total 1234 + 4567 + 100; excluding 0: 1234 + 4567",
     "dominators DUMP 'id == 2' (retained), render --mode refs --ignore 'id == 0'")
def _(t):
    path = graph(BASE + [(1, 'test', 1234, [0]), (2, 'other', 4567, [1])])
    d = t.rgj('dominators', path, 'id == 2')
    t.equal(d['objects'][0]['retained'], 1234 + 4567 + 100, 'retained by 2')
    a, nodes, edges = drawn(t, path, 'id == 2', '--mode', 'refs', '--ignore', 'id == 0')
    t.equal(a, [1, 2], 'reachable without 0')


@row(P, LL + 'Test_MemObjectProxy.test_all', "all('foo') from 2 -> 1 -> 0 is [1, 0]", "render DUMP 'id == 2' --mode refs, then the foo-typed objects among them")
def _(t):
    path = graph(BASE + [(1, 'foo', 1234, [0]), (2, 'other', 4567, [1])])
    a, nodes, edges = drawn(t, path, 'id == 2', '--mode', 'refs')
    foos = addrs(t, path, 'type == foo')
    t.equal(sorted(set(a) & set(foos)), [0, 1], 'foo objects reachable from 2')


@row(P, LL + 'Test_MemObjectProxy.test_expand_refs_as_dict', "dict 3 -> ['a', 1] reads {'a': 1}", "render DUMP 'id == 3' --mode refs (edge labels)")
def _(t):
    path = write(['{"address": 1, "type": "str", "size": 25, "value": "a", "refs": []}',
                  '{"address": 2, "type": "int", "size": 12, "value": 1, "refs": []}',
                  '{"address": 3, "type": "dict", "size": 140, "refs": [1, 2]}'])
    a, nodes, edges = drawn(t, path, 'id == 3', '--mode', 'refs')
    byaddr = dict((k, n['addr']) for k, n in nodes.items())
    lab = dict((byaddr.get(y), l) for x, y, l in edges)
    t.equal(lab.get(2), "['a']", 'label of the value edge')


@row(P, LL + 'Test_MemObjectProxy.test_parents', "type 1234567 -> 0, 255: each has it as its one parent",
     "render DUMP 'id == 0' --max-depth 1 (one referrer, 1234567)")
def _(t):
    path = graph(BASE + [(1234567, 'type', 256, [0, 255])])
    a, nodes, edges = drawn(t, path, 'id == 0', '--max-depth', '1')
    t.equal(a, [0, 1234567], 'drawn')


for n in ('test__init__', 'test__lookup_direct', 'test__len__', 'test__lookup_collide', 'test__contains__', 'test__getitem__',
          'test_get', 'test__delitem__', 'test_add_until_resize', 'test_itervalues_to_tip', 'test_items', 'test_iteritems',
          'test_keys', 'test__iter__', 'test__sizeof__base', 'test__sizeof__one_item', 'test__sizeof__with_reflists',
          'test__sizeof__with_dummy', 'test_traverse_empty', 'test_traverse_simple_item', 'test_traverse_multiple_and_parents_and_children'):
    none(P, LL + 'TestMemObjectCollection.' + n, "the hash table of meliae's loader: lookup, resize, delete, __sizeof__, traverse",
         "meliae's C data structure")
for n in ('test_basic_proxy', 'test_deleted_proxy', 'test_value', 'test_type_str', 'test_name', 'test__intern_from_cache',
          'test_children', 'test_c', 'test_ref_list', 'test__getitem__', 'test__getitem__neg', 'test__getitem__exception',
          'test__getitem__too_negative', 'test_total_size', 'test_p', 'test_referrers', 'test__repr__',
          'test_expand_refs_as_dict_unknown', 'test__sizeof__', 'test__sizeof__managed', 'test_traverse',
          'test_traverse_with_parent_and_children'):
    none(P, LL + 'Test_MemObjectProxy.' + n, "attributes, indexing, repr, interning and sizes of meliae's proxy object",
         "meliae's C proxy object; refgraph's counterpart is its loader, exercised by the rows above")

if __name__ == '__main__':
    sys.exit(main())
