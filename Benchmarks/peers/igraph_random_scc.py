"""python-igraph's fastest path on an integer edge list (issue 24): the
random-graph workload of randgraph.py, read with `Graph.Read_Edgelist`
(ids are the vertex numbers, no name mapping), then strongly connected
components, as `refgraph cycles FILE --cache off` does from the same file.

    python Benchmarks/peers/igraph_random_scc.py FILE

Prints one JSON object: load_s, op_s and the components, to cross-check
refgraph's largest cycle."""
import json
import sys
import time

import igraph

t0 = time.perf_counter()
g = igraph.Graph.Read_Edgelist(sys.argv[1], directed=True)
t1 = time.perf_counter()
sizes = g.connected_components(mode='strong').sizes()
t2 = time.perf_counter()
print(json.dumps({'tool': 'igraph', 'version': igraph.__version__, 'reader': 'Read_Edgelist',
                  'load_s': t1 - t0, 'op_s': t2 - t1, 'vertices': g.vcount(), 'edges': g.ecount(),
                  'components': len(sizes), 'nontrivial': sum(1 for s in sizes if s > 1),
                  'largest': max(sizes)}))
