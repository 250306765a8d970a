"""python-igraph doing what refgraph does, from the same edge list, through
igraph's fastest reader for the ids the file has.

    python Benchmarks/peers/igraph_ops.py OP PREFIX [READER]

OP: bfs (shortest path from the roots to the deep target, like
`refgraph path`), scc (strongly connected components, like `refgraph
cycles`) or dominator (dominator tree from a virtual super-root connected to
the roots, like `refgraph dominators` / `top --by retained`).
PREFIX.edges is the edge list ("referrer referent" per line), PREFIX.roots
the root ids, PREFIX.targets the targets (first line: the deep target).
Each OP runs in its own process and its time includes loading, as
refgraph's do. Prints one JSON object: load_s, op_s, total_s, result.

READER is igraph's reader:
- `edgelist` (`Graph.Read_Edgelist`), its fastest: each id is taken as the
  vertex number, so it is right only where ids are small integers
  (randgraph.py's random graphs, ids 0..N-1);
- `ncol` (`Graph.Read_Ncol`, the default), which maps names: needed for the
  heap-like graphs, whose ids are 64-bit object addresses (Read_Edgelist
  would allocate a vertex for every integer up to the largest address).
"""
import json
import sys
import time

import igraph

op, prefix = sys.argv[1], sys.argv[2]
reader = sys.argv[3] if len(sys.argv) > 3 else 'ncol'
t0 = time.perf_counter()
if reader == 'edgelist':
    g = igraph.Graph.Read_Edgelist(prefix + '.edges', directed=True)
elif reader == 'ncol':
    g = igraph.Graph.Read_Ncol(prefix + '.edges', names=True, directed=True, weights=False)
else:
    sys.exit('unknown reader ' + reader)
load_s = time.perf_counter() - t0

t1 = time.perf_counter()
if reader == 'edgelist':
    roots = [int(line) for line in open(prefix + '.roots') if line.strip()]
    target = int(open(prefix + '.targets').readline())
else:
    roots = [g.vs.find(name=line.strip()).index for line in open(prefix + '.roots') if line.strip()]
    target = g.vs.find(name=open(prefix + '.targets').readline().strip()).index
n = g.vcount()
result = {}
if op in ('bfs', 'dominator'):
    g.add_vertices(1)  # the virtual super-root
    g.add_edges([(n, r) for r in roots])
if op == 'bfs':
    vids, layers, parents = g.bfs(n, mode='out')
    hops, v = 0, target
    while parents[v] != n:
        v = parents[v]
        hops += 1
    result = {'reached': len(vids) - 1, 'hops_from_root': hops}
elif op == 'scc':
    comps = g.connected_components(mode='strong')
    sizes = comps.sizes()
    result = {'components': len(sizes), 'nontrivial': sum(1 for s in sizes if s > 1),
              'largest': max(sizes)}
elif op == 'dominator':
    dom = g.dominator(n, mode='out')
    result = {'idom_of_target': dom[target], 'dominated_by_superroot': sum(1 for d in dom if d == n)}
else:
    sys.exit('unknown op ' + op)
op_s = time.perf_counter() - t1
print(json.dumps({'tool': 'igraph', 'version': igraph.__version__, 'reader': reader, 'op': op, 'load_s': load_s,
                  'op_s': op_s, 'total_s': time.perf_counter() - t0,
                  'vertices': n, 'edges': g.ecount() - (len(roots) if op != 'scc' else 0),
                  'result': result}))
