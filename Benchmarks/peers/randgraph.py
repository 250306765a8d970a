"""A random directed graph as an edge list, the shape of edge lists that
other tools export (issue 24): integer ids 0..N-1, sources uniform, targets
drawn from a power law (a few hubs with huge in-degree, most nodes with one
or two), every node on at least one edge.

    python Benchmarks/peers/randgraph.py NODES EDGES OUT [SEED]

Writes "SRC DST" lines; the same arguments give the same file."""
import random
import sys


def main():
    n, m, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    # Power-law targets: rank r = floor(n * u^3) is small far more often than
    # large; a fixed shuffle of the ranks keeps hubs from being the low ids.
    perm = list(range(n))
    rng.shuffle(perm)
    rand = rng.random
    with open(out, 'w') as f:
        lines = []
        for i in range(m):
            # the first n edges leave every node once, so none is isolated
            s = i if i < n else int(rand() * n)
            t = perm[int(n * rand() ** 3)]
            lines.append('%d %d\n' % (s, t))
            if len(lines) == 65536:
                f.write(''.join(lines))
                lines = []
        f.write(''.join(lines))


if __name__ == '__main__':
    main()
