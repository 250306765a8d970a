"""attach / watch: inject the exporter into a running child process.

The real attach tests need gdb (skipped with a reason when it is missing) and
ptrace rights over a child (normally granted: the test is the child's parent).
The Python 3.14+ path (sys.remote_exec, PEP 768) is exercised with a fake
sys.remote_exec only: no 3.14 is installed where these tests were written."""
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from helpers import PYDIR, PY2, TempDirTest, Dump, env, wait_for

from refgraph_export import _attach
from refgraph_export._attach import AttachError

GDB = _attach.which('gdb')
need_gdb = unittest.skipUnless(GDB, 'gdb is not installed (apt-get install gdb)')
LINUX = sys.platform.startswith('linux')
need_linux = unittest.skipUnless(LINUX, 'attach uses /proc (Linux only)')

LEAK_CLASS = 'RefgraphAttachPlantedLeak'

# A target: a planted leak (1000 instances of a uniquely named class in a
# global list), then a loop answering "ping N" on stdin with "pong N <len>".
# busy=1: the main thread spins in Python (holds the GIL: pending-call path);
# busy=0: it blocks in read() (GIL released: direct-call path).
CHILD = '''
import os, select, sys
class %(cls)s(object):
    def __init__(self, i):
        self.i = i
LEAK = [%(cls)s(i) for i in range(1000)]
BUSY = int(sys.argv[1])
GROW = []
def answer(line):
    line = line.strip()
    if line == 'grow':
        GROW.append(b'x' * (64 << 20))   # touched pages: RSS grows by 64 MiB
    sys.stdout.write('pong %%s %%d\\n' %% (line, len(LEAK)))
    sys.stdout.flush()
sys.stdout.write('ready %%d\\n' %% os.getpid())
sys.stdout.flush()
n = 0
while True:
    if BUSY:
        n += 1
        if n %% 20000 == 0 and select.select([sys.stdin], [], [], 0)[0]:
            line = sys.stdin.readline()
            if not line:
                break
            answer(line)
    else:
        line = sys.stdin.readline()
        if not line:
            break
        answer(line)
''' % {'cls': LEAK_CLASS}


# Generous: CI machines are shared, and a dump of a busy child can be slow.
DUMP_WAIT = 300


def readline(p, timeout=120.0):
    r, _, _ = select.select([p.stdout], [], [], timeout)
    if not r:
        raise AssertionError('child did not answer within %ss' % timeout)
    return p.stdout.readline().decode('ascii').strip()


class Child(object):
    def __init__(self, tmpdir, busy=False, code=CHILD, executable=None, preexec_fn=None):
        self.script = os.path.join(tmpdir, 'child.py')
        with open(self.script, 'w') as f:
            f.write(code)
        self.p = subprocess.Popen([executable or sys.executable, self.script, '1' if busy else '0'],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env(),
                                  cwd=tmpdir, preexec_fn=preexec_fn)
        line = readline(self.p)
        assert line.startswith('ready '), line
        self.pid = self.p.pid

    def ping(self, word='x'):
        self.p.stdin.write(('%s\n' % word).encode('ascii'))
        self.p.stdin.flush()
        return readline(self.p)

    def alive(self):
        return self.p.poll() is None

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        for f in (self.p.stdin, self.p.stdout):
            try:
                f.close()
            except Exception:
                pass


def cli(args, timeout=2 * DUMP_WAIT):
    """Run python -m refgraph_export ARGS; (returncode, stdout, stderr)."""
    p = subprocess.Popen([sys.executable, '-m', 'refgraph_export'] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), cwd=PYDIR)
    from helpers import communicate
    out, err = communicate(p, timeout)
    return p.returncode, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace')


class AttachBase(TempDirTest):
    def setUp(self):
        TempDirTest.setUp(self)
        self.children = []

    def tearDown(self):
        for c in self.children:
            c.close()
        TempDirTest.tearDown(self)

    def child(self, **kw):
        c = Child(self.dir, **kw)
        self.children.append(c)
        return c

    def check_leak(self, path):
        d = self.check_dump(path)
        leaked = d.by_type('__main__.' + LEAK_CLASS)
        self.assertEqual(len(leaked), 1000, 'planted objects in the dump: %d' % len(leaked))
        return d

    def assertNoLeftovers(self):
        left = [n for n in os.listdir(self.dir) if '.tmp-' in n or n.startswith('.refgraph-walk')]
        self.assertEqual(left, [])


@need_linux
@need_gdb
class TestAttachGdb(AttachBase):
    """Real injection through gdb into a child running this test's Python."""

    def test_attach_idle_child_cli(self):
        c = self.child(busy=False)
        out = self.path('idle.jsonl')
        rc, so, se = cli(['attach', str(c.pid), '-o', out, '--timeout', str(DUMP_WAIT)])
        self.assertEqual(rc, 0, se)
        self.assertIn('1000', c.ping('after'))  # responsive; the leak is still there
        self.assertIn('(via direct', so)
        d = self.check_leak(out)
        self.assertEqual(d.header.get('pid'), c.pid)
        self.assertTrue(c.alive())
        self.assertEqual(c.ping('again'), 'pong again 1000')
        self.assertNoLeftovers()

    def test_attach_busy_child_fork(self):
        c = self.child(busy=True)
        out = self.path('busy.jsonl.gz')
        res = _attach.attach(c.pid, out, timeout=DUMP_WAIT, fork=True)
        self.assertEqual(res['method'], 'pending')
        self.assertNotEqual(res['pid'], c.pid)  # written by the forked child
        self.assertLess(res['pause'], 5.0)
        self.check_leak(out)
        self.assertEqual(c.ping('p'), 'pong p 1000')
        self.assertNoLeftovers()

    @unittest.skipUnless(sys.version_info[:2] in ((3, 8), (3, 11), (3, 13)),
                         'attach --fork 20 times: run on 3.8, 3.11 and 3.13 (issue 19)')
    def test_attach_fork_twenty_in_a_row(self):
        """attach --fork into an idle target (gdb's direct call, during
        which the injected thread may fork) 20 times: every dump loads."""
        c = self.child(busy=False)
        for i in range(20):
            out = self.path('f%d.jsonl' % i)
            res = _attach.attach(c.pid, out, timeout=DUMP_WAIT, fork=True)
            self.assertNotEqual(res['pid'], c.pid, i)
            self.check_leak(out)
            os.remove(out)
        self.assertEqual(c.ping('z'), 'pong z 1000')
        self.assertNoLeftovers()

    def test_not_traced_here(self):
        self.assertIn(_attach._tracer_pid(), (0, None))
        self.assertTrue(_attach._wait_untraced(0.0))

    def test_attach_twice(self):
        c = self.child(busy=False)
        for i in range(2):
            out = self.path('twice-%d.jsonl' % i)
            _attach.attach(c.pid, out, timeout=DUMP_WAIT)
            self.check_leak(out)
            self.assertEqual(c.ping(str(i)), 'pong %d 1000' % i)

    def test_injection_leaves_main_namespace_alone(self):
        c = self.child(busy=False)
        out = self.path('ns.jsonl')
        _attach.attach(c.pid, out, timeout=DUMP_WAIT)
        d = Dump(out)
        mains = [o for o in d.by_type('module') if o.get('name') == '__main__']
        self.assertEqual(len(mains), 1)
        mdict = d.edge(mains[0]['address'], '__dict__')
        labels = [lab for lab, _ in d.edges(mdict)] if mdict else []
        self.assertFalse([l for l in labels if l and ('refgraph' in l or 'warningregistry' in l)],
                         labels)

    def test_timeout_when_main_thread_never_reaches_a_safe_point(self):
        # The main thread holds the GIL inside one long C call (a regex with
        # catastrophic backtracking): the pending call cannot run.
        code = ("import os, re, sys\nsys.stdout.write('ready %d\\n' % os.getpid())\n"
                "sys.stdout.flush()\nre.match(r'(a+)+$', 'a' * 40 + 'b')\n")
        c = self.child(code=code)
        time.sleep(0.2)
        t = time.time()
        rc, so, se = cli(['attach', str(c.pid), '-o', self.path('never.jsonl'),
                          '--timeout', '6'])
        self.assertEqual(rc, _attach.EXIT_TIMEOUT, se)
        self.assertIn('timed out waiting for the dump of process %d' % c.pid, se)
        self.assertIn('never ran', se)
        self.assertIn('The target is still running', se)
        self.assertLess(time.time() - t, 30)
        self.assertTrue(c.alive())

    @unittest.skipIf(sys.version_info[0] == 2,
                     "Python 2's GIL hand-off is unfair: the regex thread starves the child's main "
                     "thread, so the child cannot answer in time on a loaded machine (tested on 3.x)")
    def test_other_thread_holding_the_gil(self):
        # A second thread holds the GIL inside C calls (regex backtracking);
        # the main thread is blocked in read(). Nothing may be injected while
        # the GIL is taken (PyGILState_Ensure would block); once the thread
        # stops, attach works, so nothing was left half done.
        code = CHILD.replace("BUSY = int(sys.argv[1])", textwrap.dedent('''\
            BUSY = 0
            import re, threading
            STOP = []
            def hog():
                while not STOP:
                    re.match(r'(a+)+$', 'a' * 21 + 'b')
            T = threading.Thread(target=hog)
            T.daemon = True
            T.start()
            ''')).replace("    line = line.strip()\n", "    line = line.strip()\n"
                             "    if line == 'stop':\n        STOP.append(1)\n        T.join()\n")
        c = self.child(code=code)
        rc, so, se = cli(['attach', str(c.pid), '-o', self.path('busy.jsonl'), '--timeout', '6'])
        self.assertEqual(rc, _attach.EXIT_TIMEOUT, se)
        self.assertIn('held the GIL at every try', se)
        self.assertIn('nothing was injected', se)
        self.assertEqual(c.ping('stop'), 'pong stop 1000')
        out = self.path('after.jsonl')
        _attach.attach(c.pid, out, timeout=DUMP_WAIT)
        self.check_leak(out)
        self.assertEqual(c.ping('x'), 'pong x 1000')

    def test_not_a_python_process(self):
        p = subprocess.Popen(['sleep', '60'])
        try:
            rc, so, se = cli(['attach', str(p.pid), '-o', self.path('x.jsonl')])
        finally:
            p.kill()
            p.wait()
        self.assertEqual(rc, _attach.EXIT_NOT_PYTHON, se)
        self.assertIn('is not a Python process', se)

    @unittest.skipUnless(os.geteuid() == 0 and _attach.which('setpriv'),
                         'needs root and setpriv to drop CAP_SYS_PTRACE')
    def test_ptrace_refused_without_cap_sys_ptrace(self):
        # A non-dumpable target may only be traced with CAP_SYS_PTRACE; the
        # attacher runs as root with that capability removed.
        code = ("import ctypes, os, sys\nctypes.CDLL(None).prctl(4, 0, 0, 0, 0)\n"
                "sys.stdout.write('ready %d\\n' % os.getpid())\nsys.stdout.flush()\n"
                "sys.stdin.readline()\n")
        try:
            import ctypes  # noqa: F401
        except ImportError:
            self.skipTest('no ctypes for prctl(PR_SET_DUMPABLE)')
        c = self.child(code=code)
        argv = ['setpriv', '--inh-caps=-sys_ptrace', '--bounding-set=-sys_ptrace',
                sys.executable, '-m', 'refgraph_export', 'attach', str(c.pid), '-o',
                self.path('refused.jsonl')]
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                             cwd=PYDIR)
        from helpers import communicate
        out, err = communicate(p, 60)
        err = err.decode('utf-8', 'replace')
        if 'setpriv' in err and p.returncode not in (0, _attach.EXIT_PTRACE):
            self.skipTest('setpriv cannot drop capabilities here: ' + err[-200:])
        self.assertEqual(p.returncode, _attach.EXIT_PTRACE, err)
        self.assertIn('ptrace of process %d is not permitted' % c.pid, err)
        self.assertIn('--cap-add=SYS_PTRACE', err)
        self.assertTrue(c.alive())


class Patching(AttachBase):
    def setUp(self):
        AttachBase.setUp(self)
        self.saved = {}

    def tearDown(self):
        for (obj, name), v in self.saved.items():
            if v is _missing:
                delattr(obj, name)
            else:
                setattr(obj, name, v)
        AttachBase.tearDown(self)

    def patch(self, obj, name, value):
        if (obj, name) not in self.saved:
            self.saved[(obj, name)] = getattr(obj, name, _missing)
        setattr(obj, name, value)

    def sleeper(self):
        # any live process of ours; never injected into, the injection is faked
        c = self.child(busy=False)
        return c


@need_linux
class TestAttachErrors(Patching):
    """Failure paths with gdb's or the kernel's answer simulated."""

    def test_ptrace_not_permitted_message(self):
        c = self.sleeper()
        self.patch(_attach, 'which', lambda name: '/usr/bin/gdb')
        self.patch(_attach, '_run_gdb', lambda argv, deadline, log: (
            1, 'ptrace: Operation not permitted.\n', False))
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
        e = cm.exception
        self.assertEqual(e.code, _attach.EXIT_PTRACE)
        for s in ('ptrace of process %d is not permitted' % c.pid, '/proc/sys/kernel/yama/ptrace_scope',
                  '0 = classic', '1 = restricted', '2 = admin-only', '3 = no attach',
                  'CAP_SYS_PTRACE', 'docker run --cap-add=SYS_PTRACE',
                  'securityContext: {capabilities: {add: [SYS_PTRACE]}}'):
            self.assertIn(s, e.message)
        self.assertTrue(c.alive())

    def test_gdb_could_not_attach_message(self):
        c = self.sleeper()
        self.patch(_attach, 'which', lambda name: '/usr/bin/gdb')
        self.patch(_attach, '_run_gdb', lambda argv, deadline, log: (
            1, 'Could not attach to process.  If your uid matches the uid of the target '
               'process, check the setting of /proc/sys/kernel/yama/ptrace_scope\n', False))
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
        self.assertEqual(cm.exception.code, _attach.EXIT_PTRACE)

    def test_gdb_missing(self):
        c = self.sleeper()
        self.patch(_attach, 'which', lambda name: None)
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
        self.assertEqual(cm.exception.code, _attach.EXIT_NO_GDB)
        self.assertIn('apt-get install gdb', cm.exception.message)
        self.assertIn('gdb is not installed', cm.exception.message)

    def test_unsupported_versions(self):
        c = self.sleeper()
        for v, text in (((3, 5, False, 'python3.5'), 'supported: 2.7 and 3.6 or later'),
                        ((2, 6, False, 'python2.6'), 'supported: 2.7 and 3.6 or later'),
                        ((3, 13, True, 'python3.13t'), 'free-threaded')):
            self.patch(_attach, 'target_python', lambda pid, v=v: v)
            with self.assertRaises(AttachError) as cm:
                _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
            self.assertEqual(cm.exception.code, _attach.EXIT_NOT_PYTHON)
            self.assertIn(text, cm.exception.message)

    def test_no_such_process(self):
        p = subprocess.Popen(['true'])
        p.wait()
        with self.assertRaises(AttachError) as cm:
            _attach.attach(p.pid, self.path('x.jsonl'), timeout=5)
        self.assertIn('no process %d' % p.pid, cm.exception.message)

    def test_refuses_itself(self):
        with self.assertRaises(AttachError):
            _attach.attach(os.getpid(), self.path('x.jsonl'), timeout=5)

    def test_other_users_process_refused_for_non_root(self):
        st = {'Uid': '4242\t4242\t4242\t4242', 'State': 'S (sleeping)', 'TracerPid': '0'}
        self.patch(_attach.os, 'geteuid', lambda: 1000)
        with self.assertRaises(AttachError) as cm:
            _attach.check_owner(1, st)
        self.assertEqual(cm.exception.code, _attach.EXIT_PTRACE)
        self.assertIn('runs as uid 4242', cm.exception.message)

    def test_already_traced(self):
        st = {'Uid': '0 0 0 0', 'State': 'S (sleeping)', 'TracerPid': '77'}
        self.patch(_attach.os, 'geteuid', lambda: 0)
        with self.assertRaises(AttachError) as cm:
            _attach.check_owner(1, st)
        self.assertIn('already traced by process 77', cm.exception.message)

    def test_dump_error_inside_target_reported(self):
        # fake injection: the generated script runs in a helper interpreter;
        # the output path is a directory, so the final rename fails there
        c = self.sleeper()
        self.patch(_attach, 'inject_gdb', _fake_injector(self))
        out = self.path('adir')
        os.mkdir(out)
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, out, timeout=DUMP_WAIT)
        self.assertIn('the dump failed inside process %d: DumpError' % c.pid,
                      cm.exception.message)

    def test_missing_output_directory(self):
        c = self.sleeper()
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, self.path('nodir/x.jsonl'), timeout=5)
        self.assertEqual(cm.exception.code, _attach.EXIT_USAGE)

    def test_gdb_command_file(self):
        boot = _attach._BOOTSTRAP % '/tmp/refgraph-attach-abc/script.py'
        for major in (2, 3):
            cmds = _attach.gdb_commands(boot, major)
            self.assertIn('PyRun_SimpleString', cmds)
            self.assertIn('Py_AddPendingCall', cmds)
            self.assertIn('PyGILState_Ensure', cmds)
            compile(boot, 'bootstrap', 'exec')
            # the bootstrap goes byte by byte: no string literal to escape
            data = bytearray()
            for line in cmds.splitlines():
                if line.strip().startswith('set {unsigned char}'):
                    data.append(int(line.rsplit('=', 1)[1]))
            self.assertEqual(bytes(data), boot.encode('ascii') + b'\0')
        self.assertIn('_PyThreadState_Current', _attach.gdb_commands(boot, 2))
        self.assertIn('PyGILState_Check', _attach.gdb_commands(boot, 3))

    def test_private_files(self):
        d = _attach._private_dir()
        try:
            self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700)
            p = os.path.join(d, 'f')
            _attach._write_private(p, 'x')
            self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600)
            self.assertTrue(_attach._SAFE_PATH.match(p))
        finally:
            shutil.rmtree(d)


_missing = object()


def _fake_injector(test, record=None):
    """Replaces inject_gdb / sys.remote_exec: runs the generated script in a
    helper interpreter (standing in for the target) and waits for its thread."""
    def run_script(script):
        if record is not None:
            record.append((stat.S_IMODE(os.stat(script).st_mode),
                           stat.S_IMODE(os.stat(os.path.dirname(script)).st_mode)))
        code = ('import threading\nexec(open(%r).read(), {"__name__": "__refgraph_attach__"})\n'
                'for t in threading.enumerate():\n'
                '    if t.name == "refgraph-attach":\n'
                '        t.join()\n' % script)
        subprocess.check_call([sys.executable, '-c', code], env=env())

    def inject_gdb(pid, bootstrap, version, workdir, deadline, gdb=None):
        run_script(os.path.join(workdir, 'script.py'))
        return 'direct'
    inject_gdb.run_script = run_script
    return inject_gdb


@need_linux
class TestRemoteExec(Patching):
    """The Python 3.14+ path, with a fake sys.remote_exec (no 3.14 here)."""

    def fake_314(self, c):
        self.patch(_attach, 'target_python', lambda pid: (3, 14, False, 'python3.14'))
        self.patch(_attach, '_can_remote_exec', lambda v: True)

    def test_remote_exec_runs_the_script(self):
        c = self.sleeper()
        self.fake_314(c)
        calls, modes = [], []
        runner = _fake_injector(self, modes).run_script

        def remote_exec(pid, script):
            calls.append((pid, script))
            runner(script)
        self.patch(sys, 'remote_exec', remote_exec)
        self.patch(_attach, 'remote_debug_disabled', lambda pid: None)
        out = self.path('r.jsonl')
        res = _attach.attach(c.pid, out, timeout=DUMP_WAIT)
        self.assertEqual(res['method'], 'remote_exec')
        self.assertEqual(calls[0][0], c.pid)
        self.assertEqual(modes[0], (0o600, 0o700))
        self.assertFalse(os.path.exists(calls[0][1]))  # private dir removed
        self.check_dump(out)

    def test_remote_exec_runtime_error(self):
        c = self.sleeper()
        self.fake_314(c)
        self.patch(_attach, 'remote_debug_disabled', lambda pid: None)

        def remote_exec(pid, script):
            raise RuntimeError('Remote debugging is not enabled in the remote process')
        self.patch(sys, 'remote_exec', remote_exec)
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
        self.assertEqual(cm.exception.code, _attach.EXIT_NOT_PYTHON)
        self.assertIn('--without-remote-debug', cm.exception.message)
        self.assertTrue(c.alive())

    @unittest.skipIf(PY2, 'PermissionError is 3.x')
    def test_remote_exec_permission_error(self):
        c = self.sleeper()
        self.fake_314(c)
        self.patch(_attach, 'remote_debug_disabled', lambda pid: None)

        def remote_exec(pid, script):
            raise PermissionError(1, 'Operation not permitted')  # noqa: F821
        self.patch(sys, 'remote_exec', remote_exec)
        with self.assertRaises(AttachError) as cm:
            _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
        self.assertEqual(cm.exception.code, _attach.EXIT_PTRACE)

    def test_disabled_by_environment_or_option(self):
        c = self.sleeper()
        self.fake_314(c)
        self.patch(sys, 'remote_exec', lambda pid, script: self.fail('must not inject'))
        cases = [
            ([b'python3.14', b'app.py'], [b'PYTHON_DISABLE_REMOTE_DEBUG=1'],
             'PYTHON_DISABLE_REMOTE_DEBUG'),
            ([b'python3.14', b'-X', b'disable_remote_debug', b'app.py'], [], '-X disable_remote_debug'),
            ([b'python3.14', b'-Xdisable-remote-debug', b'-m', b'x'], [], '-X disable-remote-debug'),
        ]
        for cmdline, environ, text in cases:
            files = {'cmdline': b'\0'.join(cmdline) + b'\0', 'environ': b'\0'.join(environ) + b'\0'}
            real = _attach._read_proc
            self.patch(_attach, '_read_proc', lambda pid, name, binary=False, files=files, real=real:
                       files[name] if name in files else real(pid, name, binary))
            with self.assertRaises(AttachError) as cm:
                _attach.attach(c.pid, self.path('x.jsonl'), timeout=5)
            self.assertEqual(cm.exception.code, _attach.EXIT_NOT_PYTHON)
            self.assertIn('remote debugging disabled', cm.exception.message)
            self.assertIn(text, cm.exception.message)

    def test_switch_parsing(self):
        f = _attach._cmdline_opts
        self.assertEqual(f(['py', '-E', '-X', 'dev', 'a.py', '-X', 'no']), ({'E'}, ['dev']))
        self.assertEqual(f(['py', '-IXfoo', '-c', 'x', '-X', 'no']), ({'I'}, ['foo']))
        self.assertEqual(f(['py', '-bb', '-m', 'mod', '-E']), ({'b'}, []))
        real = _attach._read_proc
        files = {'cmdline': b'python3.14\0-E\0app.py\0',
                 'environ': b'PYTHON_DISABLE_REMOTE_DEBUG=1\0'}
        self.patch(_attach, '_read_proc', lambda pid, name, binary=False: files[name])
        self.assertIsNone(_attach.remote_debug_disabled(1))  # -E: environment ignored
        files['cmdline'] = b'python3.14\0app.py\0'
        self.assertIn('PYTHON_DISABLE', _attach.remote_debug_disabled(1))
        files['environ'] = b'PYTHON_DISABLE_REMOTE_DEBUG=\0'
        self.assertIsNone(_attach.remote_debug_disabled(1))
        self.patch(_attach, '_read_proc', real)

    def test_can_remote_exec_needs_same_version(self):
        self.patch(sys, 'remote_exec', lambda pid, script: None)
        here = tuple(sys.version_info[:2])
        self.assertTrue(_attach._can_remote_exec(here + (False, 'x')))
        self.assertFalse(_attach._can_remote_exec((3, 99, False, 'x')))


class TestSizes(unittest.TestCase):
    def test_parse_size(self):
        p = _attach.parse_size
        self.assertEqual(p('2GiB'), 2 * 1024 ** 3)
        self.assertEqual(p('1.5 MiB'), 1572864)
        self.assertEqual(p('100kB'), 100000)
        self.assertEqual(p('3MB'), 3000000)
        self.assertEqual(p('1GB'), 10 ** 9)
        self.assertEqual(p('64KiB'), 65536)
        self.assertEqual(p('512B'), 512)
        self.assertEqual(p('512'), 512)
        self.assertEqual(p('2gib'), 2 * 1024 ** 3)
        for bad in ('', 'GiB', '2 parsecs', '-1MB', '1e3'):
            self.assertRaises(ValueError, p, bad)


@need_linux
@need_gdb
class TestWatch(AttachBase):
    def test_watch_dumps_once_when_rss_crosses(self):
        c = self.child(busy=False)
        rss0 = _attach.rss_bytes(c.pid)
        threshold = rss0 + 32 * 1024 * 1024
        out = self.path('watch.jsonl')
        p = subprocess.Popen([sys.executable, '-m', 'refgraph_export', 'watch', str(c.pid),
                              '--rss-above', '%dKiB' % (threshold // 1024), '--interval', '0.1',
                              '-o', out, '--timeout', str(DUMP_WAIT)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), cwd=PYDIR)
        try:
            time.sleep(0.8)
            self.assertIsNone(p.poll(), 'watch ended before the RSS grew')
            self.assertFalse(os.path.exists(out))
            self.assertEqual(c.ping('grow'), 'pong grow 1000')
            from helpers import communicate
            so, se = communicate(p, 90)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        se = se.decode('utf-8', 'replace')
        self.assertEqual(p.returncode, 0, se)
        self.assertIn('dumping', se)
        self.assertEqual(sorted(os.listdir(self.dir)), ['child.py', 'watch.jsonl'])
        d = self.check_leak(out)
        big = [o for o in d.by_type('bytes') if o['size'] >= 64 << 20]
        if PY2:
            big = [o for o in d.by_type('str') if o['size'] >= 64 << 20]
        self.assertEqual(len(big), 1)
        self.assertEqual(c.ping('after'), 'pong after 1000')

    def test_watch_bad_size(self):
        rc, so, se = cli(['watch', '1', '--rss-above', '2 parsecs', '-o', 'x.jsonl'])
        self.assertEqual(rc, _attach.EXIT_USAGE)
        self.assertIn('bad size', se)


if __name__ == '__main__':
    unittest.main()
