"""networkx doing what refgraph does, from the same edge list (1M only).

    python Benchmarks/peers/networkx_ops.py OP PREFIX

OP: bfs (BFS from a super-root connected to the roots, then the path to the
deep target), scc (strongly_connected_components) or dominator
(immediate_dominators from the super-root). Each OP runs in its own process
and includes nx.read_edgelist. Prints one JSON object.
"""
import json
import sys
import time

import networkx as nx

op, prefix = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
G = nx.read_edgelist(prefix + '.edges', create_using=nx.DiGraph, nodetype=int)
load_s = time.perf_counter() - t0

t1 = time.perf_counter()
roots = [int(line) for line in open(prefix + '.roots') if line.strip()]
target = int(open(prefix + '.targets').readline())
SUPER = -1
if op in ('bfs', 'dominator'):
    G.add_edges_from((SUPER, r) for r in roots)
if op == 'bfs':
    pred = dict(nx.bfs_predecessors(G, SUPER))
    hops, v = 0, target
    while pred[v] != SUPER:
        v = pred[v]
        hops += 1
    result = {'reached': len(pred), 'hops_from_root': hops}
elif op == 'scc':
    sizes = [len(c) for c in nx.strongly_connected_components(G)]
    result = {'components': len(sizes), 'nontrivial': sum(1 for s in sizes if s > 1),
              'largest': max(sizes)}
elif op == 'dominator':
    idom = nx.immediate_dominators(G, SUPER)
    result = {'idom_of_target': idom[target], 'dominated_by_superroot': sum(1 for d in idom.values() if d == SUPER) - 1}
else:
    sys.exit('unknown op ' + op)
op_s = time.perf_counter() - t1
print(json.dumps({'tool': 'networkx', 'version': nx.__version__, 'op': op, 'load_s': load_s,
                  'op_s': op_s, 'total_s': time.perf_counter() - t0,
                  'vertices': G.number_of_nodes() - (1 if op != 'scc' else 0), 'result': result}))
