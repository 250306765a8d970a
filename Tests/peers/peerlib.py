"""Shared harness of the peer replay (Tests/peers).

A replay script registers rows: one row per peer test. A row builds the
peer test's object graph in a child Python (build code, then
refgraph_export.dump, then the peer's own answer when the peer is installed
in its venv under .build/peers/), runs refgraph on the dump and asserts.

Output, one line per row: PASS / FAIL / XFAIL / XPASS / SKIP, then the
reason. A row whose refgraph assertions pass while the peer cannot be
imported prints "PASS ... (peer comparison SKIPPED: ...)" and counts in
the comparisons skipped.
"""
from __future__ import print_function

import html
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REFGRAPH = os.environ.get('REFGRAPH') or os.path.join(ROOT, '.build', 'release', 'refgraph')
PEERS = os.environ.get('PEERS_DIR') or os.path.join(ROOT, '.build', 'peers')
WORK = tempfile.mkdtemp(prefix='refgraph-peers-')


def _clean_work():
    """Each row's dumps are removed once the row is done (PEERS_KEEP=1 keeps them)."""
    if os.environ.get('PEERS_KEEP'):
        return
    for name in os.listdir(WORK):
        try:
            os.remove(os.path.join(WORK, name))
        except OSError:
            pass


import atexit
atexit.register(lambda: os.environ.get('PEERS_KEEP') or (_clean_work(), os.rmdir(WORK)))

ROWS = []          # (peer, test, asserts, counterpart, fn)
NO_COUNTERPART = []  # (peer, test, asserts, why)


def row(peer, test, asserts, counterpart):
    def deco(fn):
        ROWS.append((peer, test, asserts, counterpart, fn))
        return fn
    return deco


def none(peer, test, asserts, why):
    NO_COUNTERPART.append((peer, test, asserts, why))


def python_for(version):
    """A pyenv Python X.Y, else pythonX.Y on PATH (as Tests/acceptance/pythons.sh)."""
    out = subprocess.run(['bash', '-c', '. "$1"; python_for "$2"', '-',
                          os.path.join(ROOT, 'Tests', 'acceptance', 'pythons.sh'), version],
                         stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    return out or None


def peer_python(peer):
    """(python of the peer's venv, None) or (None, why it is not there)."""
    venv = os.path.join(PEERS, peer)
    ok = os.path.join(venv, 'ok')
    if not os.path.exists(ok):
        return None, '%s is not installed (Tests/peers/install.sh)' % peer
    return os.path.join(venv, 'bin', 'python'), None


class Failure(Exception):
    pass


class Skip(Exception):
    pass


CHILD = r'''
import sys, os, gc, json
sys.path.insert(0, %(pythonpath)r)
import refgraph_export
peer_result = None
peer_error = None
peer_ok = False
%(peer_import)s
gc.collect()   # start from a heap without start-up garbage
ids = {}
out = {}
def _save():
    with open(%(side)r, 'w') as f:
        json.dump({'ids': ids, 'out': out, 'peer': peer_result, 'peer_error': peer_error}, f)
%(build)s
refgraph_export.dump(%(dump)r%(dump_kw)s)
if peer_ok:
%(peer)s
_save()
'''

# The child runs with -S (a smaller heap); a peer lives in its venv's
# site-packages, imported before the build so that its import leaves no garbage
# in the test's graph.
PEER_IMPORT = r'''
try:
    import site
    site.main()
    %(imp)s
    peer_ok = True
except Exception as e:
    peer_error = 'cannot import the peer: %%r' %% (e,)
'''


class Row(object):
    def __init__(self, rid):
        self.rid = rid
        self.n = 0
        self.notes = []
        self.peer_skipped = None

    def build(self, code, peer=None, peer_code=None, peer_import=None, python=None,
              dump_kw=''):
        """Runs code in a child Python, dumps, then (peer installed) peer_code,
        which sets peer_result. Returns (dump path, ids, out, peer result)."""
        self.n += 1
        base = os.path.join(WORK, '%s-%d' % (re.sub(r'[^\w.-]', '_', self.rid), self.n))
        dump, side = base + '.jsonl', base + '.json'
        py = None
        peer_src = '    pass'
        peer_imp = ''
        if peer:
            py, why = peer_python(peer)
            if py is None:
                self.peer_skipped = why
            else:
                peer_imp = PEER_IMPORT % {'imp': peer_import or ('import ' + peer)}
                peer_src = textwrap.indent(textwrap.dedent(peer_code), '    ')
        if py is None:
            py = python or python_for(os.environ.get('PEERS_PYTHON', '3.11')) or sys.executable
        src = CHILD % {'pythonpath': os.path.join(ROOT, 'python'), 'side': side, 'dump': dump,
                       'build': textwrap.dedent(code), 'peer': peer_src, 'peer_import': peer_imp, 'dump_kw': dump_kw}
        with open(base + '.py', 'w') as f:
            f.write(src)
        p = subprocess.run([py, '-S', base + '.py'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=120, cwd=WORK)
        if p.returncode != 0:
            raise Failure('the graph builder failed: ' + p.stdout[-600:])
        with open(side) as f:
            s = json.load(f)
        if peer and s.get('peer_error'):
            self.peer_skipped = s['peer_error']
        return dump, s['ids'], s['out'], (s['peer'] if peer and not self.peer_skipped else None)

    def rg(self, *args, **kw):
        """refgraph's stdout (stderr appended); asserts the exit status (0 by default)."""
        status = kw.get('status', 0)
        for _ in range(3):
            p = subprocess.run([REFGRAPH] + [str(a) for a in args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
            if p.returncode not in (126, 127) and not (p.returncode < 0):
                break
            import time
            time.sleep(2)   # the CLI is being replaced: retry
        if status is not None and p.returncode != status:
            raise Failure('refgraph %s exited %d: %s' % (' '.join(map(str, args)), p.returncode,
                                                        (p.stderr or p.stdout)[-400:]))
        self.last_stderr = p.stderr
        self.last_stdout = p.stdout
        return p.stdout + p.stderr

    def rgj(self, *args):
        self.rg(*(args + ('--json',)))
        return json.loads(self.last_stdout)

    def targets(self, dump, selector):
        """Number of objects a selector matches (path --json 'targets')."""
        return self.rgj('path', dump, selector, '--limit', '1')['targets']

    def render(self, dump, selector, *opts):
        """Render to dot and parse it: (nodes {name: {'addr', 'label', 'more'}}, edges [(a, b, label)])."""
        out = os.path.join(WORK, 'render-%d.dot' % len(os.listdir(WORK)))
        self.rg('render', dump, selector, '--format', 'dot', '-o', out, *opts)
        return parse_dot(open(out).read())

    def expect(self, cond, msg):
        if not cond:
            raise Failure(msg)

    def equal(self, got, want, what):
        if got != want:
            raise Failure('%s: expected %r, got %r' % (what, want, got))

    def compare(self, peer_value, ours, what):
        """The peer's own answer agrees with refgraph's (when the peer ran)."""
        if self.peer_skipped:
            return
        if peer_value != ours:
            raise Failure('%s: the peer says %r, refgraph %r' % (what, peer_value, ours))
        self.notes.append('peer agrees')


def _unlabel(s):
    s = s.strip()
    if s.startswith('<') and s.endswith('>'):
        s = re.sub(r'<[^<>]*>', ' ', s[1:-1])
    elif s.startswith('"'):
        s = s[1:-1]
    return html.unescape(s).replace('\\n', ' ').strip()


def parse_dot(text):
    nodes, edges = {}, []
    # statements end with ];  (attributes may span lines)
    for m in re.finditer(r'^\t(\w+)\s*->\s*(\w+)\s*(?:\[(.*?)\])?;\s*$', text, re.M | re.S):
        label = re.search(r'label=(<.*>|"(?:[^"\\]|\\.)*")', m.group(3) or '', re.S)
        edges.append((m.group(1), m.group(2), _unlabel(label.group(1)) if label else ''))
    for m in re.finditer(r'^\t(\w+)\s*\[(.*?)\];\s*$', text, re.M | re.S):
        if m.group(1) in ('graph', 'node', 'edge'):
            continue
        attrs = m.group(2)
        addr = re.search(r'\bid=obj([0-9a-f]+)', attrs)
        label = re.search(r'label=(<.*?>(?=,\s*\n|\s*$)|"(?:[^"\\]|\\.)*")', attrs, re.S)
        nodes[m.group(1)] = {'addr': int(addr.group(1), 16) if addr else None,
                             'label': _unlabel(label.group(1)) if label else '',
                             'more': m.group(1).startswith('more')}
    return nodes, edges


def known_failures():
    path = os.path.join(HERE, 'KNOWN_FAILURES')
    known = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if line and not line.startswith('#'):
                rid, _, cause = line.partition(' | ')
                known[rid] = cause.strip()
    return known


def main():
    only = sys.argv[1] if len(sys.argv) > 1 else ''
    known = known_failures()
    counts = {'passed': 0, 'failed': 0, 'xfailed': 0, 'skipped': 0, 'compare_skipped': 0}
    results = {}
    for peer, test, asserts, counterpart, fn in ROWS:
        rid = '%s:%s' % (peer, test)
        if only and only not in rid:
            continue
        r = Row(rid)
        try:
            fn(r)
            status, why = 'PASS', ''
        except Skip as e:
            status, why = 'SKIP', str(e)
        except Failure as e:
            status, why = 'FAIL', str(e)
        except Exception:
            status, why = 'FAIL', 'replay error: ' + traceback.format_exc().strip().splitlines()[-1]
        if status == 'PASS':
            counts['passed'] += 1
            if rid in known:
                status = 'XPASS'
                why = '(listed in KNOWN_FAILURES: remove it)'
            if r.peer_skipped:
                counts['compare_skipped'] += 1
                why = (why + ' (peer comparison SKIPPED: %s)' % r.peer_skipped).strip()
            elif r.notes:
                why = (why + ' (' + ', '.join(sorted(set(r.notes))) + ')').strip()
        elif status == 'FAIL':
            if rid in known:
                status = 'XFAIL'
                counts['xfailed'] += 1
                why = why + ' [known: ' + known[rid] + ']'
            else:
                counts['failed'] += 1
        else:
            counts['skipped'] += 1
        results[rid] = status
        _clean_work()
        print(('%s %s: %s' % (status, rid, why.replace('\n', ' '))).rstrip(': '))
        sys.stdout.flush()
    for peer, test, asserts, why in NO_COUNTERPART:
        rid = '%s:%s' % (peer, test)
        if only and only not in rid:
            continue
        print('NONE %s: no counterpart: %s' % (rid, why))
    print('COUNTS %s' % json.dumps(counts))
    if os.environ.get('PEERS_TABLE'):
        with open(os.environ['PEERS_TABLE'], 'a') as f:
            for peer, test, asserts, counterpart, fn in ROWS:
                rid = '%s:%s' % (peer, test)
                st = results.get(rid, 'not run')
                res = {'PASS': 'pass', 'XPASS': 'pass', 'XFAIL': 'known failure (%s)' % known.get(rid, ''),
                       'FAIL': 'FAIL', 'SKIP': 'skipped'}.get(st, st)
                f.write(json.dumps([peer, test, asserts, counterpart, res]) + '\n')
            for peer, test, asserts, why in NO_COUNTERPART:
                f.write(json.dumps([peer, test, asserts, '', 'no counterpart: ' + why]) + '\n')
    return 0
