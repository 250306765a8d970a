"""An independent reader of Chrome's heap snapshot format, for the tests of
`refgraph export --format heapsnapshot` (issue 25 item 6).

    python3 Tests/heapsnapshot/read_heapsnapshot.py FILE.heapsnapshot

It knows nothing of refgraph: like DevTools' HeapSnapshotLoader and
memlab's parser, it reads the field layout from the snapshot's own `meta`
(node and edge field names, the enum of kinds), then checks what a reader
relies on:
- `nodes` holds node_count records of len(node_fields) numbers, `edges`
  holds edge_count records of len(edge_fields);
- the edge_count fields of the nodes add up to edge_count, so each node's
  edges are the next run of the edge array;
- every kind is an index into its enum; every name (and every edge name of
  a non-element, non-hidden kind) an index into `strings`; every to_node a
  multiple of the node field count that points at a node;
- node ids are unique.
Prints one JSON object (counts, total self size, the first node, and the
self size and count by node name, largest first) and exits 1 with the
first problem otherwise.
"""
import json
import sys


def fail(msg):
    sys.stderr.write('read_heapsnapshot: %s\n' % msg)
    sys.exit(1)


def main(path):
    with open(path, 'rb') as f:
        snap = json.loads(f.read().decode('utf-8'))
    meta = snap['snapshot']['meta']
    nf, ef = meta['node_fields'], meta['edge_fields']
    node_types, edge_types = meta['node_types'][0], meta['edge_types'][0]
    n_count, e_count = snap['snapshot']['node_count'], snap['snapshot']['edge_count']
    nodes, edges, strings = snap['nodes'], snap['edges'], snap['strings']
    NF, EF = len(nf), len(ef)
    if len(nodes) != n_count * NF:
        fail('nodes has %d numbers, want node_count %d x %d fields' % (len(nodes), n_count, NF))
    if len(edges) != e_count * EF:
        fail('edges has %d numbers, want edge_count %d x %d fields' % (len(edges), e_count, EF))
    t_i, name_i, id_i, size_i, ec_i = (nf.index(k) for k in ('type', 'name', 'id', 'self_size', 'edge_count'))
    et_i, en_i, to_i = (ef.index(k) for k in ('type', 'name_or_index', 'to_node'))
    ids = set()
    by_name = {}
    total = 0
    edge = 0
    for k in range(n_count):
        base = k * NF
        kind, name, nid, size, ec = (nodes[base + i] for i in (t_i, name_i, id_i, size_i, ec_i))
        if not 0 <= kind < len(node_types):
            fail('node %d: type %r is not in meta.node_types' % (k, kind))
        if not 0 <= name < len(strings):
            fail('node %d: name %r is not a string index' % (k, name))
        if nid in ids:
            fail('node %d: id %d repeats' % (k, nid))
        ids.add(nid)
        total += size
        entry = by_name.setdefault(strings[name], [0, 0])
        entry[0] += 1
        entry[1] += size
        for j in range(ec):
            eb = (edge + j) * EF
            if eb + EF > len(edges):
                fail('node %d: its edges run past the edge array' % k)
            et, en, to = edges[eb + et_i], edges[eb + en_i], edges[eb + to_i]
            if not 0 <= et < len(edge_types):
                fail('edge %d: type %r is not in meta.edge_types' % (edge + j, et))
            if edge_types[et] not in ('element', 'hidden') and not 0 <= en < len(strings):
                fail('edge %d (%s): name %r is not a string index' % (edge + j, edge_types[et], en))
            if to % NF or not 0 <= to < len(nodes):
                fail('edge %d: to_node %r is not a node' % (edge + j, to))
        edge += ec
    if edge != e_count:
        fail('the nodes\' edge counts add up to %d, edge_count says %d' % (edge, e_count))
    first = dict(zip(nf, nodes[:NF]))
    first['type'] = node_types[first['type']]
    first['name'] = strings[first['name']]
    top = sorted(by_name.items(), key=lambda kv: (-kv[1][1], kv[0]))
    print(json.dumps({'node_count': n_count, 'edge_count': e_count, 'self_size_total': total,
                      'first_node': first, 'by_name': [[k, c, s] for k, (c, s) in top[:20]]}))


if __name__ == '__main__':
    main(sys.argv[1])
