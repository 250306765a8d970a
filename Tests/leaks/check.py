"""Checks refgraph's answers on one leak program's dumps against the truth the
program measured (OUTDIR/truth.json). Used by run.sh; Python 3.6+.

    python3 check.py REFGRAPH OUTDIR PROGRAM PYVERSION

Prints one line per check: PASS/FAIL PROGRAM pyX.Y CHECK[: expected ... got ...].
Exit status: the number of failed checks (0 when all pass)."""
import glob
import json
import os
import subprocess
import sys


def addr(v):
    if isinstance(v, str):
        return int(v, 16) if v.lower().startswith('0x') else int(v)
    return int(v)


def human(n):
    for unit, size in (('MB', 1e6), ('kB', 1e3)):
        if abs(n) >= size:
            return '%.2f %s' % (n / size, unit)
    return '%d B' % n


def hop_text(h):
    what = h.get('type', '?')
    if h.get('name'):
        what += ' ' + h['name']
    elif h.get('owner'):
        what = 'dict of ' + h['owner'] if what == 'dict' else what + ' (' + h['owner'] + ')'
    edge = h.get('edge')
    return ('%s → ' % edge if edge else '') + '%s 0x%x' % (what, addr(h['address']))


def chain(hops, limit=9):
    parts = [hop_text(h) for h in hops]
    if len(parts) > limit:
        parts = parts[:limit - 2] + ['… %d hops …' % (len(parts) - limit + 1)] + parts[-1:]
    return ' / '.join(parts)


def run_json(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    if p.returncode != 0:
        raise RuntimeError('%s exited %d: %s' % (' '.join(cmd[1:3]), p.returncode,
                                                 err.decode('utf-8', 'replace').strip()[-300:]))
    try:
        return json.loads(out.decode('utf-8'))
    except ValueError as e:
        raise RuntimeError('%s printed no JSON (%s): %r' % (' '.join(cmd[1:3]), e, out[:200]))


def main():
    refgraph, outdir, prog, pyv = sys.argv[1:5]
    label = '%s py%s' % (prog, pyv)
    truth = json.load(open(os.path.join(outdir, 'truth.json')))
    snaps = sorted(glob.glob(os.path.join(outdir, 'snap*.jsonl')))
    holders = set(addr(a) for a in truth['addresses'])
    hname = '%s (%s)' % (truth['holder'], ', '.join('0x%x' % a for a in sorted(holders)[:3]) +
                         (', … %d objects' % len(holders) if len(holders) > 3 else ''))
    failed = [0]

    def report(check, ok, expected=None, got=None, detail=None):
        if ok:
            print('PASS %s %s%s' % (label, check, ' (%s)' % detail if detail else ''))
        else:
            failed[0] += 1
            print('FAIL %s %s: expected %s; got %s' % (label, check, expected, got))
        sys.stdout.flush()

    def attempt(check, fn):
        try:
            fn()
        except Exception as e:  # the analyzer crashed or printed something unreadable
            report(check, False, 'a JSON answer', 'error: %s' % e)

    def suspects():
        j = run_json([refgraph, 'suspects', snaps[-1], '--json'])
        ss = j.get('suspects') or []
        if not ss:
            report('suspects#1', False, hname + ' as suspect #1', 'no suspects')
            return
        s = ss[0]
        on = [addr(s['object']['address'])] + [addr(h['address']) for h in s.get('path', [])]
        ok = any(a in holders for a in on)
        report('suspects#1', ok, 'suspect #1 to be %s or held through it' % hname,
               'suspect #1 = %s (%s retained), held by: %s' % (
                   s.get('explanation'), human(s.get('retained', 0)), chain(s.get('path', []))))

    def diff():
        j = run_json([refgraph, 'diff'] + snaps[-3:] + ['--json'])
        cs = j.get('clusters') or []
        if not cs:
            report('diff#1', False, "cluster #1's path through " + hname, 'no clusters')
            return
        c = cs[0]
        ok = any(addr(h['address']) in holders for h in c.get('path', []))
        report('diff#1', ok, "cluster #1's path through " + hname,
               'cluster #1 = %d objects, %s retained, path: %s' % (
                   c.get('objects', 0), human(c.get('retained_bytes', 0)), chain(c.get('path', []))))

    def retained():
        tol = 0.01 if truth['method'] == 'reachability' else 0.10
        j = run_json([refgraph, 'dominators', snaps[-1], truth['selector'], '--json',
                      '--limit', str(len(holders) + 10)])
        objs = j.get('objects') or []
        found = [o for o in objs if addr(o['address']) in holders]
        want = truth['freed_bytes']
        expected = 'retained %s within %d%% of the truth %s (%s)' % (
            truth['holder'], tol * 100, human(want), truth['method'])
        if len(found) != len(holders):
            report('retained', False, expected, 'the selector %s found %d of the %d holder objects' % (
                truth['selector'][:80], len(found), len(holders)))
            return
        got = sum(o['retained'] for o in found)
        dev = (got - want) / float(want) if want else float('inf')
        report('retained', abs(dev) <= tol, expected, '%s (%+.1f%%)' % (human(got), dev * 100),
               '%s, truth %s, %+.1f%%' % (human(got), human(want), dev * 100))

    if len(snaps) < 3 or truth.get('freed_bytes', 0) <= 0:
        for check in ('suspects#1', 'diff#1', 'retained'):
            report(check, False, 'three dumps and a positive truth',
                   '%d dumps, truth %s' % (len(snaps), truth.get('freed_bytes')))
    else:
        attempt('suspects#1', suspects)
        attempt('diff#1', diff)
        attempt('retained', retained)
    return failed[0]


if __name__ == '__main__':
    sys.exit(main())
