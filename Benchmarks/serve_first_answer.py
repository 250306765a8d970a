"""How soon `refgraph serve` answers on a big dump (issue 25: the first
answer within a second of a cached start at 10M objects).

Starts `refgraph serve DUMP --port 0` and times, from the process start:
the URL line (the dump loaded and the summary computed), the page, then
each API route in the order the page asks for them. `suspects_at` is when
the overview's suspects arrive (the dominator tree is built in the
background from the URL line on); `--think S` adds a run that waits S
seconds before asking for them, as a user reading the summary. The first run may
build the index cache (`--cache on`); the later runs map it.

    python3 Benchmarks/serve_first_answer.py --refgraph .build/release/refgraph DUMP [--runs 3] [--out Benchmarks/results/raw/serve.json]
"""
import argparse
import json
import os
import subprocess
import time
import urllib.request


def get(url):
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as r:
        body = r.read()
    return time.perf_counter() - t, body


def one_run(refgraph, dump, think):
    t0 = time.perf_counter()
    p = subprocess.Popen([refgraph, 'serve', dump, '--port', '0', '--cache', 'on'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = p.stdout.readline().decode()
        url_at = time.perf_counter() - t0
        url = line.split(': ', 1)[1].strip()
        base, token = url.split('/?token=')
        api = lambda route, q='': '%s/api/%s?token=%s%s' % (base, route, token, q)
        row = {'url_line': url_at}
        row['page'], _ = get(url)
        row['summary'], _ = get(api('summary'))
        row['first_answer'] = time.perf_counter() - t0
        time.sleep(think)
        row['suspects'], _ = get(api('suspects'))
        row['suspects_at'] = time.perf_counter() - t0
        dt, body = get(api('dominators', '&limit=100'))
        row['dominators'] = dt
        top = json.loads(body)['children'][0]['id']
        row['object'], _ = get(api('object', '&id=' + top))
        row['paths'], _ = get(api('paths', '&id=' + top))
        row['graph_svg'], _ = get(api('graph.svg', '&id=' + top + '&mode=refs&depth=2'))
        row['histogram'], _ = get(api('top', '&group=type&by=retained'))
        row['total'] = time.perf_counter() - t0
        with open('/proc/%d/status' % p.pid) as f:
            row['rss_mb'] = next(int(l.split()[1]) for l in f if l.startswith('VmRSS')) / 1024.0
        return row
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--refgraph', required=True)
    ap.add_argument('dump')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--think', type=float, default=0, help='one more run that waits this long after the summary, as a user reading it')
    ap.add_argument('--out')
    a = ap.parse_args()
    runs = [one_run(os.path.abspath(a.refgraph), a.dump, t) for t in [0.0] * a.runs + [a.think] * (a.think > 0)]
    for i, r in enumerate(runs):
        print('run %d: %s' % (i + 1, ', '.join('%s %.3f' % (k, v) for k, v in r.items())))
    if a.out:
        with open(a.out, 'w') as f:
            json.dump({'dump': os.path.basename(a.dump), 'load_average': os.getloadavg(), 'runs': runs}, f, indent=1)


if __name__ == '__main__':
    main()
