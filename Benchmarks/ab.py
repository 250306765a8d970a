#!/usr/bin/env python3
"""A/B of two refgraph builds on the benchmark's graphs, in one session.

    python3 Benchmarks/ab.py OLD_BINARY NEW_BINARY [SIZES...]

Runs the commands of docs/PERFORMANCE.md's "command by command" table
(summary, path, cycles, top --by retained, suspects, dominators, render) with
`--cache off` and with the index cache present, alternating the two builds run
by run (3 runs, the median; one run above 10 s), on the graphs `bench.py`
generates (default sizes 1M and 10M). Each build reads its own hard link of
the dump, so each keeps its own cache image. Prints a Markdown table with
CPU (user+sys) and peak RSS for each build and the ratios new/old: a change
is within 10% of the old figure when both ratios are at most 1.10.

Why CPU time: every command here is single-threaded, and the machine is
shared, so CPU time is steadier than wall time (both are recorded).
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (measurement and graph generation are bench.py's)


def link(src, dst):
    if not os.path.exists(dst):
        os.link(src, dst)
    return dst


def ops(dump, deep, last, outdir):
    return [
        ('summary', ['summary', dump]),
        ('path', ['path', dump, 'id == %s' % deep]),
        ('cycles', ['cycles', dump]),
        ('top --by retained', ['top', dump, '--by', 'retained']),
        ('suspects', ['suspects', dump]),
        ('dominators', ['dominators', dump, 'id == %s' % deep]),
        ('render', ['render', dump, 'id == %s' % last, '--mode', 'backrefs', '--max-depth', '4',
                    '--too-many', '10', '--max-nodes', '5000', '-o', os.path.join(outdir, 'ab.svg')]),
    ]


def alternate(cmds, runs=bench.RUNS):
    """Run the commands of `cmds` (one per build) in turn, `runs` times."""
    got = [[] for _ in cmds]
    for i in range(runs):
        for k, cmd in enumerate(cmds):
            r = bench.timed(cmd)
            if r['rc'] != 0:
                sys.exit('exit %d: %s\n%s' % (r['rc'], ' '.join(cmd), r['stderr'][-2000:]))
            got[k].append(r)
        if max(r['wall_s'] for g in got for r in g) >= bench.SHORT:
            break
    return [{'cpu': statistics.median(r['cpu_s'] for r in g),
             'wall': statistics.median(r['wall_s'] for r in g),
             'rss': statistics.median(r['rss_kb'] for r in g) / 1024.0,
             'runs': len(g)} for g in got]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    builds = [os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])]
    sizes = [int(s) for s in sys.argv[3:]] or [1000000, 10000000]
    os.makedirs(bench.DATA, exist_ok=True)
    rows = []
    for n in sizes:
        prefix, _ = bench.generate(n)
        deep, _hub, last = [l.strip() for l in open(prefix + '.targets')][:3]
        outdir = os.path.join(bench.DATA, 'ab%d' % n)
        os.makedirs(outdir, exist_ok=True)
        dumps = [link(prefix + '.jsonl', prefix + '.%s.jsonl' % tag) for tag in ('old', 'new')]
        for mode in ('cold', 'cached'):
            if mode == 'cached':
                for b, d in zip(builds, dumps):
                    bench.timed([b, 'summary', d, '--cache', 'on'])
            flag = ['--cache', 'off' if mode == 'cold' else 'auto']
            for name, _ in ops(dumps[0], deep, last, outdir):
                cmds = [[b] + dict(ops(d, deep, last, outdir))[name] + flag for b, d in zip(builds, dumps)]
                old, new = alternate(cmds)
                rows.append((n, mode, name, old, new))
                bench.log('%dM %-6s %-18s cpu %.2f -> %.2f s (%.2fx), rss %d -> %d MB (%.2fx)' % (
                    n // 1000000, mode, name, old['cpu'], new['cpu'], new['cpu'] / max(old['cpu'], 1e-3),
                    old['rss'], new['rss'], new['rss'] / old['rss']))
    print('| objects | mode | command | old CPU | new CPU | new/old | old RSS | new RSS | new/old |')
    print('|---:|---|---|---:|---:|---:|---:|---:|---:|')
    for n, mode, name, old, new in rows:
        print('| %dM | %s | %s | %.2f s | %.2f s | %.2f | %d MB | %d MB | %.2f |' % (
            n // 1000000, mode, name, old['cpu'], new['cpu'], new['cpu'] / max(old['cpu'], 1e-3),
            old['rss'], new['rss'], new['rss'] / old['rss']))


if __name__ == '__main__':
    main()
