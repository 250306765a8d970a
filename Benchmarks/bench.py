"""Runs the refgraph benchmarks and its peers; writes Benchmarks/results/raw/*.json.

Called by Benchmarks/run.sh (which builds what is missing); standard library
only. Environment:

  REFGRAPH      refgraph binary (release build)
  GENHEAP       genheap binary (Benchmarks/genheap/main.swift)
  PEER_PYTHON   Python of Benchmarks/.venv (igraph, networkx, objgraph, ...)
  BENCH_SIZES   object counts, default "1000000 10000000"
  BENCH_PEERS   "igraph networkx objgraph" (default) or a subset, "" for none
  BENCH_NX_MAX  largest size networkx runs on (default 1000000)
  BENCH_PEER_MAX largest size igraph runs on (default 10000000)
  BENCH_SEED    generator seed (default 42)
  BENCH_EDGES_MAX largest size refgraph is also timed on the edge list (default 10000000)
  BENCH_KEEP_RAW=1  keep earlier raw results (e.g. add a 30M refgraph-only run)

Every figure is wall time and peak RSS from /usr/bin/time; a command that
takes under 10 s is run 3 times and the median kept, a longer one once.
Each group of figures goes to its own JSON file as soon as it is measured.
"""
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, 'data')
RAW = os.path.join(HERE, 'results', 'raw')
REFGRAPH = os.environ.get('REFGRAPH', os.path.join(ROOT, '.build', 'release', 'refgraph'))
GENHEAP = os.environ.get('GENHEAP', os.path.join(ROOT, '.build', 'bench', 'genheap'))
PEER_PYTHON = os.environ.get('PEER_PYTHON', os.path.join(HERE, '.venv', 'bin', 'python'))
SIZES = [int(s) for s in os.environ.get('BENCH_SIZES', '1000000 10000000').split()]
PEERS = os.environ.get('BENCH_PEERS', 'igraph networkx objgraph').split()
NX_MAX = int(os.environ.get('BENCH_NX_MAX', '1000000'))
PEER_MAX = int(os.environ.get('BENCH_PEER_MAX', '10000000'))
SEED = os.environ.get('BENCH_SEED', '42')
EDGES_MAX = int(os.environ.get('BENCH_EDGES_MAX', '10000000'))
SHORT = 10.0  # seconds: below this a figure is the median of 3 runs
RUNS = 3
TIME = '/usr/bin/time'


def log(*args):
    print('[bench %s]' % time.strftime('%H:%M:%S'), *args, file=sys.stderr, flush=True)


def timed(cmd, env=None, cwd=None, timeout=None):
    """One run: wall seconds, peak RSS (kB), user+sys seconds, stdout, stderr, rc."""
    fd, tfile = tempfile.mkstemp(prefix='rgbench-time-')
    os.close(fd)
    try:
        p = subprocess.run([TIME, '-f', '%e %M %U %S', '-o', tfile] + cmd, env=env, cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        with open(tfile) as f:
            last = [l for l in f.read().splitlines() if re.match(r'^[\d.]+ \d+ [\d.]+ [\d.]+$', l)][-1]
    finally:
        os.unlink(tfile)
    wall, rss, user, sys_ = last.split()
    return {'wall_s': float(wall), 'rss_kb': int(rss), 'cpu_s': float(user) + float(sys_),
            'rc': p.returncode, 'stdout': p.stdout.decode('utf-8', 'replace'),
            'stderr': p.stderr.decode('utf-8', 'replace')}


def measure(cmd, runs=RUNS, before=None, **kw):
    """Median of `runs` runs when the first is short, else the single run.
    `before` is called before every run (e.g. to delete a cache)."""
    out = []
    for i in range(runs):
        if before:
            before()
        r = timed(cmd, **kw)
        out.append(r)
        if r['rc'] != 0:
            log('exit %d: %s\n%s' % (r['rc'], ' '.join(cmd), r['stderr'][-2000:]))
            break
        if r['wall_s'] >= SHORT:
            break
    return {
        'cmd': [os.path.basename(c) if c.startswith('/') else c for c in cmd],
        'runs': len(out),
        'wall_s': statistics.median(r['wall_s'] for r in out),
        'wall_all_s': [r['wall_s'] for r in out],
        'rss_kb': statistics.median(r['rss_kb'] for r in out),
        'cpu_s': statistics.median(r['cpu_s'] for r in out),
        'rc': out[-1]['rc'],
        'stdout_tail': out[-1]['stdout'][-1500:],
        'stderr_tail': out[-1]['stderr'][-800:],
    }


def save(name, obj):
    os.makedirs(RAW, exist_ok=True)
    path = os.path.join(RAW, name + '.json')
    with open(path, 'w') as f:
        json.dump(obj, f, indent=1, sort_keys=True)
    log('wrote', os.path.relpath(path, ROOT))


def out(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              cwd=ROOT).stdout.decode().strip()
    except OSError:
        return ''


def machine():
    cpu = 'unknown'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    mem_kb = 0
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal:'):
                mem_kb = int(line.split()[1])
    load = os.getloadavg()
    return {
        'nproc': os.cpu_count(), 'mem_gib': round(mem_kb / 1024 / 1024, 1), 'cpu': cpu,
        'kernel': platform.release(), 'commit': out(['git', 'rev-parse', '--short', 'HEAD']),
        'dirty': bool(out(['git', 'status', '--porcelain', '--untracked-files=no'])),
        'refgraph_version': out([REFGRAPH, '--version']),
        'python': platform.python_version(), 'loadavg_start': load,
        'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
    }


def generate(n):
    prefix = os.path.join(DATA, 'heap%d' % n)
    stamp = prefix + '.gen'
    want = '%d %s' % (n, SEED)
    if os.path.exists(stamp) and open(stamp).read().strip() == want and \
            all(os.path.exists(prefix + e) for e in ('.jsonl', '.edges', '.roots', '.targets')):
        return prefix, None
    log('generating', n, 'objects')
    r = timed([GENHEAP, str(n), SEED, prefix])
    if r['rc'] != 0:
        sys.exit('genheap failed: ' + r['stderr'])
    with open(stamp, 'w') as f:
        f.write(want + '\n')
    return prefix, {'wall_s': r['wall_s'], 'rss_kb': r['rss_kb']}


def walltime(cmd, runs=5):
    """Median wall time of a very short command, with a high-resolution clock
    (/usr/bin/time rounds to 10 ms); includes fork+exec (about 1 ms)."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - t)
    return {'cmd': [os.path.basename(c) if c.startswith('/') else c for c in cmd], 'runs': runs,
            'wall_s': statistics.median(out), 'wall_all_s': out, 'rc': 0}


def physical(path):
    """Page-cache reading speed of a file: wc -l and cat > /dev/null."""
    subprocess.run(['cat', path], stdout=subprocess.DEVNULL)  # warm the page cache
    return {
        'bytes': os.path.getsize(path),
        'wc_l': walltime(['wc', '-l', path]),
        'cat': walltime(['sh', '-c', 'cat "$0" > /dev/null', path]),
        # A pipe makes cat copy every byte (with > /dev/null it may splice).
        'cat_pipe': walltime(['sh', '-c', 'cat "$0" | cat > /dev/null', path]),
    }


def rendered_nodes(text):
    m = re.search(r'(\d[\d,]*) objects', text)
    return int(m.group(1).replace(',', '')) if m else None


def tune_render(dump, last, outdir):
    """Depth of a backrefs render from the last object that draws closest to 300 nodes."""
    best = None
    for depth in range(2, 9):
        r = timed([REFGRAPH, 'render', dump, 'id == %s' % last, '--mode', 'backrefs',
                   '--max-depth', str(depth), '--too-many', '10', '--max-nodes', '5000',
                   '--format', 'dot', '-o', os.path.join(outdir, 'tune.dot')])
        nodes = rendered_nodes(r['stdout'] + r['stderr'])
        if r['rc'] != 0 or nodes is None:
            break
        if best is None or abs(nodes - 300) < abs(best[1] - 300):
            best = (depth, nodes)
        if nodes > 300:
            break
    return best[0] if best else 3


def refgraph_suite(n, prefix):
    dump = prefix + '.jsonl'
    edges = prefix + '.edges'
    cache = dump + '.rgidx'
    deep, hub, last = [l.strip() for l in open(prefix + '.targets')][:3]
    outdir = os.path.join(DATA, 'out%d' % n)
    os.makedirs(outdir, exist_ok=True)
    res = {'objects': n, 'generator_seed': SEED, 'targets': {'deep': deep, 'hub': hub, 'last': last},
           'commit': out(['git', 'rev-parse', '--short', 'HEAD']),
           'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'loadavg': os.getloadavg()}

    s = timed([REFGRAPH, 'summary', dump, '--cache', 'off', '--json'])
    info = json.loads(s['stdout'])
    res['references'] = info['references']
    res['shallow_bytes'] = info['bytes']
    res['phys'] = {'jsonl': physical(dump)}
    if n <= EDGES_MAX:
        res['phys']['edges'] = physical(edges)

    if os.path.exists(cache):
        os.unlink(cache)
    depth = tune_render(dump, last, outdir)
    render = ['render', dump, 'id == %s' % last, '--mode', 'backrefs', '--max-depth', str(depth),
              '--too-many', '10', '--max-nodes', '5000', '-o', os.path.join(outdir, 'backrefs.svg')]
    ops = {
        'summary': ['summary', dump],
        'path': ['path', dump, 'id == %s' % deep],
        'cycles': ['cycles', dump],
        'top_retained': ['top', dump, '--by', 'retained'],
        'suspects': ['suspects', dump],
        'dominators': ['dominators', dump, 'id == %s' % deep],
        'render': render,
    }
    res['render_depth'] = depth

    log(n, 'refgraph cold (--cache off)')
    res['cold'] = {}
    for name, args in ops.items():
        res['cold'][name] = measure([REFGRAPH] + args + ['--cache', 'off'])
        log('  %-13s %.2f s %d MB' % (name, res['cold'][name]['wall_s'], res['cold'][name]['rss_kb'] // 1024))
    res['render_nodes'] = rendered_nodes(res['cold']['render']['stdout_tail'] + res['cold']['render']['stderr_tail'])

    log(n, 'refgraph writing the cache (first load, --cache on)')
    res['cache_write'] = measure([REFGRAPH, 'summary', dump, '--cache', 'on'], runs=1,
                                 before=lambda: os.path.exists(cache) and os.unlink(cache))
    res['cache_bytes'] = os.path.getsize(cache) if os.path.exists(cache) else None
    log(n, 'refgraph cached (--cache auto, cache present)')
    res['cached'] = {}
    for name, args in ops.items():
        res['cached'][name] = measure([REFGRAPH] + args + ['--cache', 'auto'])
        log('  %-13s %.2f s %d MB' % (name, res['cached'][name]['wall_s'], res['cached'][name]['rss_kb'] // 1024))

    # The first command on a new dump (the default --cache auto): it parses,
    # writes the image, then continues on the mapped image.
    log(n, 'refgraph first run (--cache auto, no image yet)')
    res['first'] = {}
    for name in ('path', 'top_retained', 'suspects', 'dominators'):
        res['first'][name] = measure([REFGRAPH] + ops[name] + ['--cache', 'auto'],
                                     before=lambda: os.path.exists(cache) and os.unlink(cache))
        log('  %-13s %.2f s %d MB' % (name, res['first'][name]['wall_s'], res['first'][name]['rss_kb'] // 1024))

    res['edges'] = {}
    if n > EDGES_MAX:
        return res
    log(n, 'refgraph on the edge list (--cache off)')
    for name, args in (('summary', ['summary', edges]),
                       ('path', ['path', edges, 'id == %s' % deep]),
                       ('cycles', ['cycles', edges]),
                       ('dominators', ['dominators', edges, 'id == %s' % deep])):
        res['edges'][name] = measure([REFGRAPH] + args + ['--cache', 'off'])
        log('  %-13s %.2f s %d MB' % (name, res['edges'][name]['wall_s'], res['edges'][name]['rss_kb'] // 1024))
    return res


def check_parallel(prefix):
    """refgraph check on one copy of the dump vs four (it checks files in parallel)."""
    one, four = os.path.join(DATA, 'check1'), os.path.join(DATA, 'check4')
    for d, k in ((one, 1), (four, 4)):
        os.makedirs(d, exist_ok=True)
        for i in range(k):
            dst = os.path.join(d, 'copy%d.jsonl' % i)
            if not os.path.exists(dst) or os.path.getsize(dst) != os.path.getsize(prefix + '.jsonl'):
                shutil.copyfile(prefix + '.jsonl', dst)
    for d in (one, four):
        for f in os.listdir(d):
            subprocess.run(['cat', os.path.join(d, f)], stdout=subprocess.DEVNULL)
    return {'one': measure([REFGRAPH, 'check', one]), 'four': measure([REFGRAPH, 'check', four])}


def peer(tool, op, prefix, timeout=3600):
    script = os.path.join(HERE, 'peers', '%s_ops.py' % tool)
    r = measure([PEER_PYTHON, script, op, prefix], runs=RUNS, timeout=timeout)
    try:
        r['report'] = json.loads(r['stdout_tail'].strip().splitlines()[-1])
    except (ValueError, IndexError):
        r['report'] = None
    log('  %s %-9s %.2f s %d MB' % (tool, op, r['wall_s'], r['rss_kb'] // 1024))
    return r


def objgraph_live():
    outdir = os.path.join(DATA, 'live')
    os.makedirs(outdir, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, 'python'))
    log('objgraph live heap (numpy, scipy, sympy, botocore)')
    r = timed([PEER_PYTHON, os.path.join(HERE, 'peers', 'objgraph_live.py'), outdir,
               '--timeout', os.environ.get('BENCH_OBJGRAPH_TIMEOUT', '600')], env=env)
    if r['rc'] != 0:
        log('objgraph_live failed:', r['stderr'][-2000:])
        return {'error': r['stderr'][-2000:]}
    res = json.loads(r['stdout'].strip().splitlines()[-1])
    res['process_wall_s'] = r['wall_s']
    res['process_rss_kb'] = r['rss_kb']
    dump = res.pop('dump_path')
    sel = 'id == %d' % res['target_address']
    cache = dump + '.rgidx'
    drop = lambda: os.path.exists(cache) and os.unlink(cache)
    res['refgraph_path'] = measure([REFGRAPH, 'path', dump, sel, '--cache', 'off'])
    res['refgraph_render'] = measure([REFGRAPH, 'render', dump, sel, '--mode', 'backrefs',
                                      '--max-depth', '3', '--too-many', '10', '--cache', 'off',
                                      '-o', os.path.join(outdir, 'refgraph_backrefs.svg')])
    res['refgraph_render_nodes'] = rendered_nodes(res['refgraph_render']['stdout_tail'] +
                                                  res['refgraph_render']['stderr_tail'])
    m = re.search(r'(\d+) hops? from a root', res['refgraph_path']['stdout_tail'])
    res['refgraph_path_hops'] = int(m.group(1)) if m else None
    timed([REFGRAPH, 'summary', dump, '--cache', 'on'])
    res['refgraph_path_cached'] = measure([REFGRAPH, 'path', dump, sel, '--cache', 'auto'])
    drop()
    log('  dump %.1f s, find_backref_chain %s s, refgraph path %.2f s' % (
        res['dump_s'], res.get('find_backref_chain_s'), res['refgraph_path']['wall_s']))
    return res


def main():
    os.makedirs(DATA, exist_ok=True)
    keep = os.environ.get('BENCH_KEEP_RAW') == '1'  # add sizes to an earlier run's results
    for f in os.listdir(RAW) if os.path.isdir(RAW) and not keep else []:
        if f.endswith('.json'):
            os.unlink(os.path.join(RAW, f))
    start = machine()
    if keep and os.path.exists(os.path.join(RAW, 'machine.json')):
        start = json.load(open(os.path.join(RAW, 'machine.json')))
    else:
        save('machine', start)
    gen = {}
    for n in SIZES:
        prefix, g = generate(n)
        if g:
            gen[n] = g
        save('refgraph-%d' % n, refgraph_suite(n, prefix))
        if n == SIZES[0] and not keep:
            save('check-parallel', dict(check_parallel(prefix), objects=n, loadavg=os.getloadavg()))
        if 'igraph' in PEERS and n <= PEER_MAX:
            log(n, 'igraph')
            save('igraph-%d' % n, {op: peer('igraph', op, prefix) for op in ('bfs', 'scc', 'dominator')})
        if 'networkx' in PEERS and n <= NX_MAX:
            log(n, 'networkx')
            save('networkx-%d' % n, {op: peer('networkx', op, prefix) for op in ('bfs', 'scc', 'dominator')})
    if 'objgraph' in PEERS:
        save('objgraph-live', objgraph_live())
    if not keep:
        save('machine', dict(start, loadavg_end=os.getloadavg(), generate=gen))


def remeasure(what):
    """bench.py phys|check: re-measure only those figures into the existing raw files."""
    for n in SIZES:
        prefix = os.path.join(DATA, 'heap%d' % n)
        path = os.path.join(RAW, 'refgraph-%d.json' % n)
        if what == 'phys' and os.path.exists(path):
            res = json.load(open(path))
            res['phys'] = {'jsonl': physical(prefix + '.jsonl')}
            if 'edges' in res and res['edges']:
                res['phys']['edges'] = physical(prefix + '.edges')
            save('refgraph-%d' % n, res)
    if what == 'check':
        save('check-parallel', dict(check_parallel(os.path.join(DATA, 'heap%d' % SIZES[0])), objects=SIZES[0],
                                    loadavg=os.getloadavg()))


if __name__ == '__main__':
    if len(sys.argv) > 1:
        remeasure(sys.argv[1])
    else:
        main()
