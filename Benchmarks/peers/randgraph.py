"""A random directed graph as an edge list, the shape of edge lists that
other tools export (issue 24): integer ids 0..N-1, sources uniform, targets
drawn from a power law (a few hubs with huge in-degree, most nodes with one
or two), every node on at least one edge.

    python Benchmarks/peers/randgraph.py NODES EDGES PREFIX [SEED]

Writes PREFIX.edges ("SRC DST" lines), PREFIX.roots (the nodes no edge
points to: the roots refgraph infers for an edge list) and PREFIX.targets
(one line: a node as far from the roots as any, found by breadth-first
search), the files Benchmarks/peers/*_ops.py read. The same arguments give
the same files."""
import random
import sys
from array import array
from collections import deque


def main():
    n, m, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    # Power-law targets: rank r = floor(n * u^3) is small far more often than
    # large; a fixed shuffle of the ranks keeps hubs from being the low ids.
    perm = list(range(n))
    rng.shuffle(perm)
    rand = rng.random
    src, dst = array('i'), array('i')
    with open(prefix + '.edges', 'w') as f:
        lines = []
        for i in range(m):
            # the first n edges leave every node once, so none is isolated
            s = i if i < n else int(rand() * n)
            t = perm[int(n * rand() ** 3)]
            src.append(s)
            dst.append(t)
            lines.append('%d %d\n' % (s, t))
            if len(lines) == 65536:
                f.write(''.join(lines))
                lines = []
        f.write(''.join(lines))
    # Forward adjacency in CSR form, then one breadth-first search from all roots.
    start = array('i', [0]) * (n + 1)
    indegree = array('i', [0]) * n
    for s, t in zip(src, dst):
        start[s + 1] += 1
        indegree[t] += 1
    for v in range(n):
        start[v + 1] += start[v]
    fill = array('i', start)
    out = array('i', [0]) * m
    for s, t in zip(src, dst):
        out[fill[s]] = t
        fill[s] += 1
    roots = [v for v in range(n) if indegree[v] == 0]
    depth = array('i', [-1]) * n
    queue = deque(roots)
    for r in roots:
        depth[r] = 0
    last = roots[0] if roots else 0
    while queue:
        v = queue.popleft()
        last = v
        for k in range(start[v], start[v + 1]):
            w = out[k]
            if depth[w] < 0:
                depth[w] = depth[v] + 1
                queue.append(w)
    with open(prefix + '.roots', 'w') as f:
        f.write(''.join('%d\n' % r for r in roots))
    with open(prefix + '.targets', 'w') as f:
        f.write('%d\n' % last)
    sys.stderr.write('%d roots, target %d at depth %d, %d of %d nodes reached\n'
                     % (len(roots), last, depth[last], sum(1 for d in depth if d >= 0), n))


if __name__ == '__main__':
    main()
