"""Test helpers: a tiny JSON-lines dump reader and a subprocess runner.
Standard library only; works on Python 2.7 and 3.6+."""
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.dirname(HERE)
if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)

PY2 = sys.version_info[0] == 2
PYV = sys.version_info[:2]


class Dump(object):
    """A loaded native dump: header, trailer, objects by address."""

    def __init__(self, path):
        self.path = path
        opener = gzip.open if _is_gz(path) else open
        with opener(path, 'rb') as f:
            raw = f.read()
        text = raw.decode('utf-8')
        assert text.endswith('\n'), 'dump must end with a newline'
        lines = text.split('\n')[:-1]
        assert lines, 'empty dump'
        self.lines = lines
        self.header = json.loads(lines[0])
        self.trailer = json.loads(lines[-1])
        assert self.header.get('record') == 'header', lines[0][:200]
        assert self.trailer.get('record') == 'trailer', lines[-1][:200]
        self.objects = {}
        self.order = []
        self.sites = {}  # site number -> frames; an object's site shows as its 'alloc'
        nrefs = 0
        for line in lines[1:-1]:
            assert line, 'blank line in dump'
            o = json.loads(line)
            if o.get('record') == 'site':
                assert o['site'] not in self.sites, 'site %d written twice' % o['site']
                assert o['frames'], line[:300]
                self.sites[o['site']] = o['frames']
                continue
            assert 'record' not in o
            if 'site' in o:
                assert o['site'] in self.sites, 'site %d used before its record' % o['site']
                o['alloc'] = self.sites[o['site']]
            a = o['address']
            assert a not in self.objects, 'duplicate address %d' % a
            self.objects[a] = o
            self.order.append(a)
            refs = o.get('refs', [])
            labels = o.get('labels')
            if labels is not None:
                assert len(labels) == len(refs), line[:300]
            nrefs += len(refs)
        self.nrefs = nrefs

    def __getitem__(self, addr):
        return self.objects[addr]

    def __contains__(self, addr):
        return addr in self.objects

    def edges(self, addr):
        """[(label, target address)] of an object."""
        o = self.objects[addr]
        refs = o.get('refs', [])
        labels = o.get('labels') or [None] * len(refs)
        return list(zip(labels, refs))

    def edge(self, addr, label):
        for lab, r in self.edges(addr):
            if lab == label:
                return r
        return None

    def referrers(self, addr):
        out = []
        for a, o in self.objects.items():
            refs = o.get('refs', [])
            labels = o.get('labels') or [None] * len(refs)
            for lab, r in zip(labels, refs):
                if r == addr:
                    out.append((a, lab))
        return out

    def by_type(self, tname):
        return [o for o in self.objects.values() if o['type'] == tname]

    def roots(self, kind):
        return [o for o in self.objects.values() if o.get('root') == kind]


def _is_gz(path):
    with open(path, 'rb') as f:
        return f.read(2) == b'\x1f\x8b'


def env():
    e = dict(os.environ)
    e['PYTHONPATH'] = PYDIR + (os.pathsep + e['PYTHONPATH'] if e.get('PYTHONPATH') else '')
    e.pop('PYTHONTRACEMALLOC', None)
    e.pop('REFGRAPH_REDACT_SALT', None)
    return e


def run_script(code, args=(), timeout=120, cwd=None, extra_env=None):
    """Run ``code`` in a fresh interpreter (the one running the tests),
    with ``extra_env`` added to the environment (a value None removes the
    variable). Returns (returncode, stdout, stderr); kills the
    child after ``timeout``."""
    d = tempfile.mkdtemp(prefix='refgraph-test-')
    try:
        script = os.path.join(d, 'script.py')
        with open(script, 'w') as f:
            f.write(textwrap.dedent(code))
        e = env()
        for k, v in (extra_env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        p = subprocess.Popen([sys.executable, script] + list(args), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=e, cwd=cwd or d)
        out, err = communicate(p, timeout)
        return p.returncode, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace')
    finally:
        shutil.rmtree(d, ignore_errors=True)


def communicate(p, timeout):
    """Popen.communicate with a timeout on 2.7 too (kills the child)."""
    if not PY2:
        try:
            return p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            raise AssertionError('child timed out after %ss; stderr: %s' % (timeout, err[-2000:]))
    import threading
    fired = []

    def kill():
        fired.append(1)
        p.kill()
    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        out, err = p.communicate()
    finally:
        timer.cancel()
    if fired:
        raise AssertionError('child timed out after %ss; stderr: %s' % (timeout, err[-2000:]))
    return out, err


class full_disk(object):
    """Within: the dump's temporary file is /dev/full underneath (its fd is
    dup2'ed over by /dev/full's), so every write fails with ENOSPC."""

    def __enter__(self):
        from refgraph_export import _core
        self.core = _core
        self.real = real = _core.create_exclusive

        def create_exclusive(prefix, mode=0o600, read=False):
            fd, name = real(prefix, mode, read)
            if not read:
                full = os.open('/dev/full', os.O_WRONLY)
                os.dup2(full, fd)
                os.close(full)
            return fd, name
        _core.create_exclusive = create_exclusive
        return self

    def __exit__(self, *exc):
        self.core.create_exclusive = self.real


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='refgraph-test-')

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def check_dump(self, path):
        d = Dump(path)
        self.assertEqual(d.trailer['objects'], len(d.lines) - 2 - len(d.sites))
        self.assertEqual(d.trailer.get('sites', 0), len(d.sites))
        self.assertEqual(d.trailer['references'], d.nrefs)
        self.assertEqual(d.header['format'], 'refgraph')
        self.assertEqual(d.header['version'], 1)
        return d


def wait_for(pred, timeout=30.0, step=0.01):
    t = time.time()
    while time.time() - t < timeout:
        if pred():
            return True
        time.sleep(step)
    return False
