"""refgraph against each peer's fastest path, in one run (issue 24).

    python3 Benchmarks/fastest.py [WORKLOAD ...]

WORKLOAD is `random` (randgraph.py: 2M nodes, 6M edges, ids 0..N-1) or
`heap` (genheap: 10M objects, ids are 64-bit addresses); both by default.
BENCH_RANDOM="N M" and BENCH_HEAP=N change the sizes, BENCH_ROUNDS the
rounds (default 3), BENCH_PEERS the peers ("igraph networkx" by default;
networkx runs on the random workload only, where it takes minutes, not
hours).

Each operation is one process per tool, load included, from the same file:

| op        | refgraph (--cache off)      | igraph                         | networkx                  |
|-----------|-----------------------------|--------------------------------|---------------------------|
| bfs       | path FILE 'id == TARGET'    | bfs from a super-root          | bfs_predecessors          |
| scc       | cycles FILE                 | connected_components('strong') | strongly_connected_components |
| dominator | dominators FILE 'id == T'   | dominator from the super-root  | immediate_dominators      |

Readers: igraph's fastest for the ids (`Read_Edgelist` on the random graph,
`Read_Ncol` on the heap, whose 64-bit ids need names; see
peers/igraph_ops.py), networkx's `read_edgelist(nodetype=int)` (hand-split
lines into `add_edges_from` measured slower). Every round runs refgraph and
then each peer, so drift in the machine's load hits all alike; the median
wall time and peak RSS (GNU time) are kept, and the load average is
recorded before and after. Writes Benchmarks/results/raw/fastest.json and
prints the table for docs/PERFORMANCE.md. Standard library only; the peers
run under PEER_PYTHON (Benchmarks/.venv by default).
"""
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the shared timing and machine helpers)

HERE = bench.HERE
ROUNDS = int(os.environ.get('BENCH_ROUNDS', '3'))
PEERS = os.environ.get('BENCH_PEERS', 'igraph networkx').split()
OPS = ('bfs', 'scc', 'dominator')
REFGRAPH_OP = {'bfs': 'path', 'scc': 'cycles', 'dominator': 'dominators'}


def random_workload():
    n, m = (int(x) for x in os.environ.get('BENCH_RANDOM', '2000000 6000000').split())
    os.makedirs(bench.DATA, exist_ok=True)
    prefix = os.path.join(bench.DATA, 'random%d-%d' % (n, m))
    if not all(os.path.exists(prefix + e) for e in ('.edges', '.roots', '.targets')):
        bench.log('generating the random graph', n, m)
        subprocess.run([sys.executable, os.path.join(HERE, 'peers', 'randgraph.py'), str(n), str(m), prefix], check=True)
    return {'name': 'random', 'nodes': n, 'edges': m, 'prefix': prefix, 'reader': 'edgelist'}


def heap_workload():
    n = int(os.environ.get('BENCH_HEAP', '10000000'))
    os.makedirs(bench.DATA, exist_ok=True)
    prefix, _ = bench.generate(n)
    edges = sum(1 for _ in open(prefix + '.edges', 'rb'))
    return {'name': 'heap', 'nodes': n, 'edges': edges, 'prefix': prefix, 'reader': 'ncol'}


def refgraph_cmd(op, w):
    target = open(w['prefix'] + '.targets').readline().strip()
    cmd = [bench.REFGRAPH, REFGRAPH_OP[op], w['prefix'] + '.edges']
    if op != 'scc':
        cmd.append('id == %s' % target)
    return cmd + ['--cache', 'off']


def peer_cmd(tool, op, w):
    cmd = [bench.PEER_PYTHON, os.path.join(HERE, 'peers', '%s_ops.py' % tool), op, w['prefix']]
    return cmd + ([w['reader']] if tool == 'igraph' else [])


def once(cmd):
    r = bench.timed(cmd, timeout=7200)
    if r['rc'] != 0:
        sys.exit('exit %d: %s\n%s' % (r['rc'], ' '.join(cmd), r['stderr'][-2000:]))
    return r


def summary(runs):
    return {'runs': len(runs), 'wall_s': statistics.median(r['wall_s'] for r in runs),
            'wall_all_s': [r['wall_s'] for r in runs], 'rss_kb': statistics.median(r['rss_kb'] for r in runs),
            'cpu_s': statistics.median(r['cpu_s'] for r in runs), 'stdout_tail': runs[-1]['stdout'][-600:]}


def run(w):
    tools = ['refgraph'] + [p for p in PEERS if p == 'igraph' or (p == 'networkx' and w['name'] == 'random')]
    results = {t: {op: [] for op in OPS} for t in tools}
    for rnd in range(ROUNDS):
        for op in OPS:
            for t in tools:
                # a peer run over 60 s is measured once: its spread is far below the ratio
                if rnd > 0 and t != 'refgraph' and results[t][op][0]['wall_s'] > 60:
                    continue
                cmd = refgraph_cmd(op, w) if t == 'refgraph' else peer_cmd(t, op, w)
                r = once(cmd)
                results[t][op].append(r)
                bench.log('%s round %d %-9s %-8s %.2f s %d MB' % (w['name'], rnd + 1, op, t, r['wall_s'], r['rss_kb'] // 1024))
    return {t: {op: summary(rs) for op, rs in ops.items()} for t, ops in results.items()}


def table(all_results):
    rows = ['| workload | operation | refgraph | peer | peer\'s reader | peer | ratio (time) | refgraph RSS | peer RSS | ratio (RSS) |',
            '|---|---|---:|---|---|---:|---:|---:|---:|---:|']
    for w in all_results['workloads']:
        res = w['results']
        for op in OPS:
            mine = res['refgraph'][op]
            for tool in (t for t in res if t != 'refgraph'):
                theirs = res[tool][op]
                reader = {'igraph': 'Read_Edgelist' if w['reader'] == 'edgelist' else 'Read_Ncol',
                          'networkx': 'read_edgelist(nodetype=int)'}[tool]
                rows.append('| %s | %s (`%s`) | %.2f s | %s | %s | %.2f s | **%.1fx** | %d MB | %d MB | **%.2f** |' % (
                    '%s %s/%s' % (w['name'], human(w['nodes']), human(w['edges'])), op, REFGRAPH_OP[op],
                    mine['wall_s'], tool, reader, theirs['wall_s'], theirs['wall_s'] / max(mine['wall_s'], 0.01),
                    mine['rss_kb'] // 1024, theirs['rss_kb'] // 1024, mine['rss_kb'] / theirs['rss_kb']))
    return '\n'.join(rows)


def human(n):
    return ('%.1fM' % (n / 1e6)).replace('.0M', 'M') if n >= 1e6 else '%dk' % (n // 1000)


def main():
    names = sys.argv[1:] or ['random', 'heap']
    out = {'machine': bench.machine(), 'rounds': ROUNDS, 'workloads': []}
    for name in names:
        w = {'random': random_workload, 'heap': heap_workload}[name]()
        w['loadavg_before'] = os.getloadavg()
        w['results'] = run(w)
        w['loadavg_after'] = os.getloadavg()
        w['prefix'] = os.path.relpath(w['prefix'], bench.ROOT)  # no machine path in the saved figures
        out['workloads'].append(w)
    out['loadavg_end'] = os.getloadavg()
    bench.save('fastest', out)
    print(table(out))


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == '--table':
        print(table(json.load(open(os.path.join(bench.RAW, 'fastest.json')))))
    else:
        main()
