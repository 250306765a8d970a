"""attach / watch: run the exporter inside another, already running, Python.

    python -m refgraph_export attach PID -o DUMP [--timeout S] [--fork] [--values]
    python -m refgraph_export watch PID --rss-above 2GiB -o DUMP [--interval S] [--fork]

Python 3.14+ targets (when this interpreter is the same 3.x): sys.remote_exec
(PEP 768). Other targets: gdb, as pyrasite does, with the safe-point rules
described in docs/ATTACH.md. Either way a small generated script (mode 0600,
in a private 0700 directory) is run in the target; it imports this package
and starts the dump in a helper thread, so the target is stopped only for
the injection (and, with --fork, for one fork()). This side waits for the
status file the target writes and for the dump file to appear whole.

Linux only (/proc). Standard library only; runs on 2.7 and 3.6+.
"""
from __future__ import print_function

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from . import _core

_core._register_module(globals())

# exit codes of the attach / watch commands
EXIT_FAILED = 1          # other failures (no such process, dump failed inside the target ...)
EXIT_USAGE = 2
EXIT_NOT_PYTHON = 3      # not a Python process, unsupported version, remote debugging disabled
EXIT_NO_GDB = 4
EXIT_PTRACE = 5          # ptrace not permitted
EXIT_TIMEOUT = 6

MIN_GDB = (2, 7)
REMOTE_EXEC_VERSION = (3, 14)

GDB_MISSING = (
    'gdb is not installed; it is needed to attach to Python %s.\n'
    '  Install it: apt-get install gdb   (Debian/Ubuntu package "gdb"; '
    'Fedora/RHEL: dnf install gdb; Alpine: apk add gdb)')

PTRACE_HELP = (
    'ptrace of process %(pid)d is not permitted%(why)s.\n'
    'Attaching runs gdb (or sys.remote_exec), which needs ptrace rights over the target:\n'
    '  * /proc/sys/kernel/yama/ptrace_scope (here: %(scope)s)\n'
    '      0 = classic: any process of the same user may be traced\n'
    '      1 = restricted: only descendants of the tracer (or a process that allowed it\n'
    '          with prctl(PR_SET_PTRACER)); root / CAP_SYS_PTRACE may trace any\n'
    '      2 = admin-only: only processes with CAP_SYS_PTRACE may trace\n'
    '      3 = no attach: ptrace attach is disabled until reboot\n'
    '    relax until reboot (trusted machines only): echo 0 | sudo tee /proc/sys/kernel/yama/ptrace_scope\n'
    '  * or run attach as root / with the CAP_SYS_PTRACE capability (e.g. sudo)\n'
    '  * in a container the capability must be granted to the container:\n'
    '      docker / podman: docker run --cap-add=SYS_PTRACE ...\n'
    '      Kubernetes:      securityContext: {capabilities: {add: [SYS_PTRACE]}}\n'
    '    (Docker before 19.03 also blocks ptrace with its default seccomp profile:\n'
    '     --security-opt seccomp=unconfined)')


class AttachError(Exception):
    """A failure with a user-facing message and an exit code."""

    def __init__(self, message, code=EXIT_FAILED):
        Exception.__init__(self, message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------
# /proc inspection

def _read_proc(pid, name, binary=False):
    p = '/proc/%d/%s' % (pid, name)
    try:
        with open(p, 'rb') as f:
            data = f.read()
    except (IOError, OSError) as e:
        if e.errno == 2 or e.errno == 3:  # ENOENT, ESRCH
            raise AttachError('no process %d' % pid)
        if e.errno == 13 or e.errno == 1:  # EACCES, EPERM
            raise AttachError(PTRACE_HELP % dict(pid=pid, why=' (reading %s: %s)' % (p, e.strerror),
                                                  scope=ptrace_scope()), EXIT_PTRACE)
        raise AttachError('cannot read %s: %s' % (p, e))
    return data if binary else data.decode('utf-8', 'replace')


def proc_status(pid):
    """/proc/PID/status as a dict of str -> str."""
    out = {}
    for line in _read_proc(pid, 'status').splitlines():
        k, _, v = line.partition(':')
        out[k.strip()] = v.strip()
    return out


def rss_bytes(pid):
    """Resident set size of ``pid`` in bytes (VmRSS), or None (kernel thread / zombie)."""
    v = proc_status(pid).get('VmRSS')
    if not v:
        return None
    parts = v.split()
    return int(parts[0]) * 1024


def ptrace_scope():
    try:
        with open('/proc/sys/kernel/yama/ptrace_scope') as f:
            return f.read().strip()
    except (IOError, OSError):
        return 'no Yama module, so ptrace follows the plain uid/capability rules'


def check_owner(pid, status=None):
    """Refuse processes we may not trace: not ours, unless we are root."""
    st = status or proc_status(pid)
    uids = [int(x) for x in st.get('Uid', '').split()[:3]]
    euid = os.geteuid()
    if euid != 0 and any(u != euid for u in uids):
        raise AttachError(
            PTRACE_HELP % dict(pid=pid, why=' (it runs as uid %s, you are uid %d: run attach as '
                               'that user or as root)' % ('/'.join(map(str, uids)), euid),
                               scope=ptrace_scope()), EXIT_PTRACE)
    tracer = int(st.get('TracerPid', '0') or 0)
    if tracer:
        raise AttachError('process %d is already traced by process %d (a debugger?); '
                          'detach it first' % (pid, tracer), EXIT_PTRACE)
    state = st.get('State', '')
    if state.startswith('Z') or state.startswith('X'):
        raise AttachError('process %d has exited (state %s)' % (pid, state))
    if state.startswith('T') or state.startswith('t'):
        raise AttachError('process %d is stopped (state %s); continue it first (kill -CONT %d)'
                          % (pid, state, pid))


_LIB_RE = re.compile(r'/libpython(\d)\.(\d+)(t?)(?:m|d|u)*\.so')
_EXE_RE = re.compile(r'^python(\d)\.(\d+)(t?)(?:m|d|u)*$')


def target_python(pid):
    """(major, minor, free_threaded, description) of the Python in ``pid``.

    From the libpython mapped into the process, else from the executable's
    name (python3.11, python2.7 ...). Raises AttachError(EXIT_NOT_PYTHON)."""
    try:
        exe = os.readlink('/proc/%d/exe' % pid)
    except OSError as e:
        if e.errno in (2, 3):
            raise AttachError('no process %d' % pid)
        if e.errno in (1, 13):
            raise AttachError(PTRACE_HELP % dict(pid=pid, why=' (reading /proc/%d/exe: %s)'
                                                  % (pid, e.strerror), scope=ptrace_scope()),
                              EXIT_PTRACE)
        exe = '?'
    maps = _read_proc(pid, 'maps')
    m = _LIB_RE.search(maps)
    if m is None:
        m = _EXE_RE.match(os.path.basename(exe.replace(' (deleted)', '')))
    if m is None:
        raise AttachError('process %d (%s) is not a Python process: no libpython is mapped and '
                          'the executable is not named pythonX.Y' % (pid, exe), EXIT_NOT_PYTHON)
    major, minor, ft = int(m.group(1)), int(m.group(2)), bool(m.group(3))
    return major, minor, ft, exe


def check_version(pid, version):
    major, minor, ft, exe = version
    v = (major, minor)
    if ft:
        raise AttachError('process %d runs a free-threaded Python %d.%dt (%s); not supported'
                          % (pid, major, minor, exe), EXIT_NOT_PYTHON)
    if v != MIN_GDB and not (major == 3 and minor >= 6):
        raise AttachError('process %d runs Python %d.%d (%s); supported: 2.7 and 3.6 or later'
                          % (pid, major, minor, exe), EXIT_NOT_PYTHON)


def _cmdline_opts(argv):
    """Interpreter options before the script / -c / -m: (set of flag letters, list of -X values)."""
    flags, xopts = set(), []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == '-' or not a.startswith('-') or a == '--':
            break
        if a.startswith('--'):  # --check-hash-based-pycs takes a value
            if a == '--check-hash-based-pycs':
                i += 1
            i += 1
            continue
        j = 1
        stop = False
        while j < len(a):
            c = a[j]
            if c in 'XW':
                val = a[j + 1:]
                if not val:
                    i += 1
                    val = argv[i] if i < len(argv) else ''
                if c == 'X':
                    xopts.append(val)
                break
            if c in 'cm':
                stop = True
                break
            flags.add(c)
            j += 1
        if stop:
            break
        i += 1
    return flags, xopts


def remote_debug_disabled(pid):
    """Why PEP 768 remote debugging is disabled in ``pid`` (a string), or None.

    PYTHON_DISABLE_REMOTE_DEBUG in the target's initial environment (ignored
    under -E / -I) or -X disable_remote_debug on its command line. The build
    option (--without-remote-debug) can only be seen as sys.remote_exec failing."""
    argv = _read_proc(pid, 'cmdline', binary=True).split(b'\0')
    argv = [a.decode('utf-8', 'replace') for a in argv if a]
    flags, xopts = _cmdline_opts(argv)
    for x in xopts:
        if x.split('=', 1)[0] in ('disable_remote_debug', 'disable-remote-debug'):
            return 'started with -X %s' % x
    if 'E' in flags or 'I' in flags:
        return None
    env = _read_proc(pid, 'environ', binary=True).split(b'\0')
    for kv in env:
        if kv.startswith(b'PYTHON_DISABLE_REMOTE_DEBUG='):
            if kv.split(b'=', 1)[1]:
                return 'PYTHON_DISABLE_REMOTE_DEBUG is set in its environment'
    return None


# ---------------------------------------------------------------------------
# sizes

_UNITS = {'b': 1, 'kb': 1000, 'mb': 1000 ** 2, 'gb': 1000 ** 3, 'tb': 1000 ** 4,
          'kib': 1024, 'mib': 1024 ** 2, 'gib': 1024 ** 3, 'tib': 1024 ** 4}


def parse_size(text):
    """'2GiB' -> 2147483648. Units B, kB, MB, GB, TB (powers of 1000), KiB, MiB,
    GiB, TiB (powers of 1024), case-insensitive; no unit = bytes."""
    m = re.match(r'^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([A-Za-z]*)\s*$', text)
    if not m or m.group(2).lower() not in _UNITS and m.group(2):
        raise ValueError('bad size %r: use a number with a unit among B, kB, MB, GB, KiB, MiB, '
                         'GiB (e.g. 2GiB, 500MB)' % text)
    return int(float(m.group(1)) * _UNITS[m.group(2).lower() or 'b'])


def format_size(n):
    for unit, f in (('GiB', 1024 ** 3), ('MiB', 1024 ** 2), ('KiB', 1024)):
        if n >= f:
            return '%.1f %s' % (n / float(f), unit)
    return '%d B' % n


# ---------------------------------------------------------------------------
# the code run inside the target

_SAFE_PATH = re.compile(r'^[A-Za-z0-9_./+-]+$')

# Run by gdb's PyRun_SimpleString in the target's __main__ namespace. It must
# never raise (a pending call returning -1 without an exception would become a
# SystemError in the target's main thread; SystemExit would end the process)
# and binds no names in __main__: the file is read in a throwaway namespace
# and closed by `with` (an unclosed file's ResourceWarning would create
# __main__.__warningregistry__).
_BOOTSTRAP = ("try:\n"
              " exec(\"with open('%s') as f:\\n"
              " exec(f.read(),{'__name__':'__refgraph_attach__'})\",{})\n"
              "except BaseException:\n"
              " pass\n")

# The 0600 script file; %r is a JSON string (ASCII only).
_SCRIPT = '''# refgraph attach: generated, runs once inside the target process.
def _refgraph_attach():
    import json, os, sys
    cfg = json.loads(%r)

    def status(name, data):
        # a new file, never through a link: O_EXCL|O_NOFOLLOW, random name
        try:
            p = os.path.join(cfg['dir'], name)
            t = '%%s.tmp-%%s' %% (p, ''.join(['%%02x' %% b for b in bytearray(os.urandom(8))]))
            fd = os.open(t, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0)
                         | getattr(os, 'O_CLOEXEC', 0), 0o600)
            f = os.fdopen(fd, 'w')
            try:
                f.write(json.dumps(data))
            finally:
                f.close()
            os.rename(t, p)
        except Exception:
            pass
    try:
        status('started', {'pid': os.getpid(), 'version': list(sys.version_info[:3])})
        pkg = cfg['package']
        sys.path.insert(0, pkg)
        try:
            import refgraph_export._attach as attach
        finally:
            try:
                sys.path.remove(pkg)
            except ValueError:
                pass
        attach._injected(cfg)
    except BaseException as e:
        status('status', {'ok': False, 'error': '%%s: %%s' %% (type(e).__name__, e)})
try:
    _refgraph_attach()
except BaseException:
    pass
del _refgraph_attach
'''


def _write_status(directory, name, data):
    p = os.path.join(directory, name)
    try:
        fd, tmp = _core.create_exclusive(p + '.tmp')
        try:
            f = _core._fdopen(fd, 'w')
        except BaseException:
            os.unlink(tmp)
            raise
        try:
            with f:
                f.write(json.dumps(data))
            os.rename(tmp, p)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except Exception:
        pass


def _injected(cfg):
    """Called inside the target: start the dump in a daemon thread and return."""
    import threading
    t = threading.Thread(target=_injected_run, args=(cfg,), name='refgraph-attach')
    t.daemon = True
    t.start()


def _tracer_pid():
    """Linux: the pid tracing this process (gdb while it injects), 0 when
    none; None where /proc/self/status says nothing."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('TracerPid:'):
                    return int(line.split()[1])
    except (IOError, OSError, ValueError):
        pass
    return None


def _wait_untraced(limit=30.0):
    """Before a fork: wait until gdb has detached. A fork while the process
    is traced hands the child to gdb (PTRACE_O_TRACEFORK), which then decides
    its fate as it quits; a suspected cause of 'dump child died without a
    result' with attach --fork (issue 19 item 4). Returns whether the
    process is untraced; after ``limit`` seconds the dump goes on anyway (a
    process under strace for ever)."""
    deadline = time.time() + limit
    while True:
        pid = _tracer_pid()
        if not pid:
            return True
        if time.time() >= deadline:
            return False
        time.sleep(0.01)


def _injected_run(cfg):
    try:
        if cfg['fork']:
            _wait_untraced()
        res = _core.dump(cfg['output'], fork=cfg['fork'], values=cfg['values'],
                         mode=cfg.get('mode', _core.DEFAULT_MODE), salt=cfg.get('salt'))
        data = {'ok': True, 'path': res.path, 'objects': res.objects,
                'references': res.references, 'bytes': res.bytes, 'seconds': res.seconds,
                'pause': res.pause, 'file_bytes': res.file_bytes, 'pid': res.pid}
    except BaseException as e:
        data = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
    _write_status(cfg['dir'], 'status', data)


# ---------------------------------------------------------------------------
# injection

def _package_parent():
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _private_dir():
    """A fresh 0700 directory whose path is safe to put in a Python literal."""
    cands = [tempfile.gettempdir(), '/tmp', '/var/tmp', '/dev/shm']
    for base in cands:
        base = os.path.realpath(base)
        if not _SAFE_PATH.match(base) or not os.path.isdir(base):
            continue
        try:
            d = tempfile.mkdtemp(prefix='refgraph-attach-', dir=base)
        except (IOError, OSError):
            continue
        if _SAFE_PATH.match(d):
            return d
        os.rmdir(d)
    raise AttachError('no temporary directory with a plain path (letters, digits, _ . / + -) '
                      'is writable; set TMPDIR')


def _write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0)
                 | getattr(os, 'O_CLOEXEC', 0), 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)


def which(name):
    for d in os.environ.get('PATH', os.defpath).split(os.pathsep):
        p = os.path.join(d or '.', name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    for d in ('/usr/bin', '/bin', '/usr/local/bin'):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def gdb_commands(bootstrap, major):
    """The gdb command file: choose a safe point, copy the bootstrap into a
    fresh anonymous page (mmap, so no malloc runs in the stopped target) and
    run it.

    * Main thread holds the GIL (it is running Python or C called from it):
      Py_AddPendingCall(PyRun_SimpleString, page); the interpreter runs it at
      its next safe point, between bytecodes, in the main thread.
    * No thread holds the GIL (the main thread is blocked in I/O, sleeping,
      waiting ...): PyGILState_Ensure + PyRun_SimpleString +
      PyGILState_Release right now in the main thread, as pyrasite does.
    * Another thread holds the GIL: nothing is done (REFGRAPH-GIL-BUSY); the
      caller retries. PyGILState_Ensure would block until that thread lets
      the GIL go, and abandoning a blocked call corrupts the GIL's state.
    """
    data = bootstrap.encode('ascii') + b'\0'
    if major == 2:
        check = ['set $rg_cur = *(long *) &_PyThreadState_Current',
                 'set $rg_held = $rg_cur != 0 && (long) PyGILState_GetThisThreadState() == $rg_cur',
                 'set $rg_busy = $rg_cur != 0 && !$rg_held']
    else:
        check = ['set $rg_held = (int) PyGILState_Check()',
                 'set $rg_busy = 0',
                 'if !$rg_held',
                 '  thread apply all set $rg_busy = $rg_busy + (int) PyGILState_Check()',
                 '  thread 1',
                 'end']
    lines = ['set unwindonsignal on', 'thread 1'] + check + [
        'if $rg_busy',
        '  echo REFGRAPH-GIL-BUSY\\n',
        'else',
        '  set $rg_p = (char *) mmap((void *) 0, (long) %d, 3, 0x22, -1, (long) 0)'
        % (4096 * ((len(data) + 4095) // 4096)),
        '  if $rg_p == (char *) -1 || $rg_p == (char *) 0',
        '    echo REFGRAPH-MMAP-FAILED\\n',
        '  else']
    for i, b in enumerate(bytearray(data)):
        lines.append('    set {unsigned char} ($rg_p + %d) = %d' % (i, b))
    lines += ['    if $rg_held',
              '      set $rg_r = (int) Py_AddPendingCall((int (*)(void *)) PyRun_SimpleString, '
              '(void *) $rg_p)',
              '      printf "REFGRAPH-PENDING %d\\n", $rg_r',
              '    else',
              '      set $rg_g = (int) PyGILState_Ensure()',
              '      set $rg_r = (int) PyRun_SimpleString($rg_p)',
              '      call (void) PyGILState_Release($rg_g)',
              '      printf "REFGRAPH-DIRECT %d\\n", $rg_r',
              '    end',
              '  end',
              'end', '']
    return '\n'.join(lines)


def _classify_gdb(pid, out, rc):
    if 'REFGRAPH-PENDING 0' in out or 'REFGRAPH-DIRECT 0' in out:
        return 'pending' if 'REFGRAPH-PENDING 0' in out else 'direct'
    low = out.lower()
    if 'operation not permitted' in low or 'could not attach to process' in low:
        raise AttachError(PTRACE_HELP % dict(pid=pid, why=' (gdb: ptrace: Operation not permitted)',
                                              scope=ptrace_scope()), EXIT_PTRACE)
    if 'no such process' in low:
        raise AttachError('no process %d (it exited?)' % pid)
    if 'no symbol' in low and ('pygilstate' in low or 'pyrun_simplestring' in low
                               or '_pythreadstate_current' in low or 'py_addpendingcall' in low):
        raise AttachError('process %d is not a Python process gdb can inject into: the CPython '
                          'API symbols (PyGILState_Ensure, PyRun_SimpleString) are not found'
                          % pid, EXIT_NOT_PYTHON)
    tail = '\n'.join(l for l in out.strip().splitlines()[-8:])
    if 'REFGRAPH-MMAP-FAILED' in out:
        raise AttachError('gdb could not map a page in process %d (mmap failed)' % pid)
    raise AttachError('gdb could not inject into process %d (exit status %s):\n%s'
                      % (pid, rc, '\n'.join('  | ' + l for l in tail.splitlines())))


def _run_gdb(argv, deadline, logpath):
    """Run gdb (argv list, no shell) with output to logpath; (returncode, output).

    At the deadline gdb gets SIGINT: with 'unwindonsignal on' it abandons the
    function call it is making, restores the target's registers and detaches.
    SIGKILL only if it does not end 10 s later."""
    with open(logpath, 'wb') as log, open(os.devnull, 'rb') as null:
        proc = subprocess.Popen(argv, stdin=null, stdout=log, stderr=subprocess.STDOUT,
                                close_fds=True)
        timed_out = False
        while proc.poll() is None:
            if time.time() > deadline and not timed_out:
                timed_out = True
                proc.send_signal(signal.SIGINT)
                hard = time.time() + 10
            if timed_out and time.time() > hard:
                proc.kill()
                proc.wait()
                break
            time.sleep(0.02)
    with open(logpath, 'rb') as f:
        out = f.read().decode('utf-8', 'replace')
    return proc.returncode, out, timed_out


def inject_gdb(pid, bootstrap, version, workdir, deadline, gdb=None):
    major = version[0]
    gdb = gdb or which('gdb')
    if gdb is None:
        raise AttachError(GDB_MISSING % ('%d.%d' % (version[0], version[1])),
                          EXIT_NO_GDB)
    cmdfile = os.path.join(workdir, 'inject.gdb')
    _write_private(cmdfile, gdb_commands(bootstrap, major))
    argv = [gdb, '-nx', '-batch', '-q',
            '-iex', 'set auto-load off', '-iex', 'set debuginfod enabled off',
            '-iex', 'set pagination off', '-iex', 'set confirm off',
            '-p', str(pid), '-x', cmdfile]
    busy = AttachError('timed out: another thread of process %d held the GIL at every try (a '
                       'long call into C?); nothing was injected. The target is still running, '
                       'unaffected.' % pid, EXIT_TIMEOUT)
    tries = 0
    while True:
        t = time.time()
        rc, out, timed_out = _run_gdb(argv, deadline, os.path.join(workdir, 'gdb.log'))
        if 'REFGRAPH-GIL-BUSY' not in out:
            break
        tries += 1
        # do not start a try that the deadline would interrupt
        if time.time() + 0.1 + 1.5 * (time.time() - t) > deadline:
            raise busy
        time.sleep(0.1)
    if timed_out and tries and 'REFGRAPH-' not in out:
        raise busy
    if timed_out and 'REFGRAPH-' not in out:
        raise AttachError('timed out while gdb was injecting into process %d (the call into the '
                          'interpreter did not return: a thread may hold the GIL for ever); gdb '
                          'was interrupted and detached. The target is still running.' % pid,
                          EXIT_TIMEOUT)
    return _classify_gdb(pid, out, rc)


try:
    _PermissionError, _ProcessLookupError = PermissionError, ProcessLookupError
except NameError:  # 2.7, where sys.remote_exec never exists
    _PermissionError = _ProcessLookupError = ()


def inject_remote_exec(pid, script_path):
    """Python 3.14+: sys.remote_exec (PEP 768)."""
    try:
        sys.remote_exec(pid, script_path)
    except _PermissionError as e:
        raise AttachError(PTRACE_HELP % dict(pid=pid, why=' (sys.remote_exec: %s)' % e,
                                              scope=ptrace_scope()), EXIT_PTRACE)
    except _ProcessLookupError:
        raise AttachError('no process %d' % pid)
    except (RuntimeError, OSError) as e:
        msg = str(e)
        if 'not permitted' in msg.lower() or getattr(e, 'errno', None) in (1, 13):
            raise AttachError(PTRACE_HELP % dict(pid=pid, why=' (sys.remote_exec: %s)' % e,
                                                  scope=ptrace_scope()), EXIT_PTRACE)
        raise AttachError('sys.remote_exec(%d) failed: %s\n  Remote debugging may be disabled '
                          'in the target (PYTHON_DISABLE_REMOTE_DEBUG, -X disable_remote_debug, '
                          'or a build configured --without-remote-debug).' % (pid, msg),
                          EXIT_NOT_PYTHON)
    return 'remote_exec'


def _can_remote_exec(version):
    if not hasattr(sys, 'remote_exec'):
        return False
    if tuple(sys.version_info[:2]) != (version[0], version[1]):
        return False  # PEP 768 needs the same major.minor on both sides
    enabled = getattr(sys, 'is_remote_debug_enabled', None)
    if enabled is not None and not enabled():
        return False  # this interpreter is built/started without remote debugging
    return True


# ---------------------------------------------------------------------------
# waiting

def _load_json(path):
    try:
        with open(path) as f:
            return json.loads(f.read())
    except (IOError, OSError, ValueError):
        return None


def dump_complete(path):
    """True when ``path`` exists and its last line is a refgraph trailer."""
    try:
        if path.endswith('.gz'):
            import gzip
            last = b''
            with gzip.open(path, 'rb') as f:
                for line in f:
                    last = line
        else:
            with open(path, 'rb') as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - 4096))
                last = f.read().rstrip(b'\n').split(b'\n')[-1]
        return json.loads(last.decode('utf-8')).get('record') == 'trailer'
    except Exception:
        return False


def wait_for_dump(pid, path, workdir, deadline, how):
    status_p = os.path.join(workdir, 'status')
    started_p = os.path.join(workdir, 'started')
    while True:
        st = _load_json(status_p)
        if st is not None:
            if not st.get('ok'):
                raise AttachError('the dump failed inside process %d: %s' % (pid, st.get('error')))
            if dump_complete(path):
                return st
            raise AttachError('process %d reported the dump written but %s is missing or has '
                              'no trailer line' % (pid, path))
        if not os.path.isdir('/proc/%d' % pid):
            raise AttachError('process %d exited before the dump was written' % pid)
        if time.time() > deadline:
            started = os.path.exists(started_p)
            if not started:
                why = ('the injected code never ran: ' +
                       ('the main thread has not reached a safe point (a long call into C '
                        'holding the GIL?)' if how == 'pending' else
                        'remote code runs when the main thread next executes Python code '
                        '(it may be blocked in I/O)' if how == 'remote_exec' else
                        'unknown reason'))
            else:
                why = ('the dump is still running and will finish in the background; '
                       'the file appears at %s when complete' % path)
            raise AttachError('timed out waiting for the dump of process %d (%s). The target '
                              'is still running.' % (pid, why), EXIT_TIMEOUT)
        time.sleep(0.05)


# ---------------------------------------------------------------------------
# attach

def attach(pid, output, timeout=120.0, fork=False, values=False, gdb=None, method=None,
           log=None, mode=None):
    """Dump the heap of process ``pid`` into ``output`` (a path as seen by this
    process and the target). Returns the status dict written by the target.
    ``mode``: the dump file's permission bits (default 0o600).
    Raises AttachError."""
    t0 = time.time()
    if mode is None:
        mode = _core.DEFAULT_MODE
    if type(mode) is not int or not 0 <= mode <= 0o777:
        raise AttachError('bad mode %r: permission bits 0 ... 0o777' % (mode,), EXIT_USAGE)
    deadline = t0 + timeout
    if pid == os.getpid():
        raise AttachError('refusing to attach to this process itself (use refgraph_export.dump)')
    if pid <= 0:
        raise AttachError('bad pid %d' % pid, EXIT_USAGE)
    status = proc_status(pid)
    check_owner(pid, status)
    try:
        if os.readlink('/proc/self/ns/mnt') != os.readlink('/proc/%d/ns/mnt' % pid):
            raise AttachError('process %d is in another mount namespace (a container?): run attach '
                              'inside it (e.g. docker exec / kubectl exec), where the exporter '
                              'package and the output path are visible to the target' % pid)
    except OSError:
        pass
    version = target_python(pid)
    check_version(pid, version)
    major, minor = version[0], version[1]
    if (major, minor) >= REMOTE_EXEC_VERSION:
        why = remote_debug_disabled(pid)
        if why:
            raise AttachError('process %d has remote debugging disabled (%s); refusing to inject '
                              'code into it (PEP 768 opt-out)' % (pid, why), EXIT_NOT_PYTHON)
    output = os.path.abspath(output)
    outdir = os.path.dirname(output)
    if not os.path.isdir(outdir):
        raise AttachError('output directory %s does not exist' % outdir, EXIT_USAGE)
    if method is None:
        method = 'remote_exec' if (major, minor) >= REMOTE_EXEC_VERSION and \
            _can_remote_exec(version) else 'gdb'
    workdir = _private_dir()
    try:
        cfg = {'output': output, 'fork': bool(fork), 'values': bool(values), 'dir': workdir,
               'package': _package_parent(), 'mode': mode,
               # the attaching side's salt for redacted keys (the target's
               # own $REFGRAPH_REDACT_SALT when unset here)
               'salt': os.environ.get('REFGRAPH_REDACT_SALT') or None}
        script = os.path.join(workdir, 'script.py')
        _write_private(script, _SCRIPT % json.dumps(cfg))
        target_uid = int(status.get('Uid', '0').split()[1])
        target_gid = int(status.get('Gid', '0').split()[1])
        if target_uid != os.geteuid():  # we are root: let the target read the script
            os.chown(workdir, target_uid, target_gid)
            os.chown(script, target_uid, target_gid)
        if log:
            log('attaching to process %d (Python %d.%d, %s) with %s' % (pid, major, minor,
                                                                      version[3], method))
        if method == 'remote_exec':
            how = inject_remote_exec(pid, script)
        else:
            how = inject_gdb(pid, _BOOTSTRAP % script, version, workdir, deadline, gdb=gdb)
        res = wait_for_dump(pid, output, workdir, deadline, how)
        res['method'] = how
        res['elapsed'] = time.time() - t0
        return res
    finally:
        _rmtree(workdir)


def _rmtree(d):
    import shutil
    shutil.rmtree(d, ignore_errors=True)


def _err(msg):
    sys.stderr.write('refgraph attach: %s\n' % msg)
    sys.stderr.flush()


def _report(res, fork, quiet=False):
    if quiet:
        return
    if fork:
        how = 'target paused %.3fs for the fork' % res['pause']
    else:
        how = 'written by a helper thread while the target ran'
    print('%s: %d objects, %d references, %s in %.2fs, %s (via %s, total %.2fs)'
          % (res['path'], res['objects'], res['references'], format_size(res.get('bytes') or 0),
             res['seconds'], how, res.get('method'), res.get('elapsed', 0)))


def main_attach(args):
    try:
        res = attach(args.pid, args.output, timeout=args.timeout, fork=args.fork,
                     values=args.values, log=None if args.quiet else _err, mode=args.mode)
    except AttachError as e:
        _err(e.message)
        return e.code
    _report(res, args.fork, args.quiet)
    return 0


def watch(pid, threshold, output, interval=1.0, timeout=120.0, fork=True, values=False,
          log=None, max_seconds=None, mode=None):
    """Poll VmRSS of ``pid`` every ``interval`` s; attach once when it exceeds
    ``threshold`` bytes. Returns the attach result. Dumps through fork by
    default (a watched process is a service; attach is Linux-only, where
    the target has fork)."""
    t0 = time.time()
    check_owner(pid)
    check_version(pid, target_python(pid))
    while True:
        try:
            rss = rss_bytes(pid)
        except AttachError:
            raise AttachError('process %d exited while being watched' % pid)
        if rss is not None and rss > threshold:
            if log:
                log('process %d: RSS %s > %s, dumping' % (pid, format_size(rss),
                                                          format_size(threshold)))
            return attach(pid, output, timeout=timeout, fork=fork, values=values, log=log,
                          mode=mode)
        if max_seconds is not None and time.time() - t0 > max_seconds:
            raise AttachError('watch: RSS of process %d stayed below %s for %gs'
                              % (pid, format_size(threshold), max_seconds), EXIT_TIMEOUT)
        time.sleep(interval)


def main_watch(args):
    try:
        threshold = parse_size(args.rss_above)
    except ValueError as e:
        _err(str(e))
        return EXIT_USAGE
    try:
        res = watch(args.pid, threshold, args.output, interval=args.interval,
                    timeout=args.timeout, fork=args.fork, values=args.values,
                    log=None if args.quiet else _err, mode=args.mode)
    except AttachError as e:
        _err(e.message)
        return e.code
    except KeyboardInterrupt:
        return 130
    _report(res, args.fork, args.quiet)
    return 0


def add_parsers(sub):
    a = sub.add_parser('attach', help='dump the heap of a running Python process (gdb / PEP 768)')
    a.add_argument('pid', type=int)
    w = sub.add_parser('watch', help='dump a process once its RSS exceeds a threshold')
    w.add_argument('pid', type=int)
    w.add_argument('--rss-above', required=True, metavar='SIZE',
                   help='threshold: B, kB, MB, GB, KiB, MiB, GiB (e.g. 2GiB)')
    w.add_argument('--interval', type=float, default=1.0, help='seconds between polls (default 1)')
    for p in (a, w):
        p.add_argument('-o', '--output', required=True, metavar='DUMP',
                       help='dump file (.jsonl or .jsonl.gz), written by the target process')
        p.add_argument('--timeout', type=float, default=120.0,
                       help='seconds to wait for the dump (default 120)')
        p.add_argument('--fork', action='store_const', const=True, default=p is w,
                       help='dump from a forked child: the target pauses only for fork()'
                            + (' (the default)' if p is w else ''))
        if p is w:
            p.add_argument('--in-process', dest='fork', action='store_const', const=False,
                           help='dump in a thread of the target, which holds the GIL for the whole dump')
        p.add_argument('--values', action='store_true', help='write str/bytes contents')
        p.add_argument('--mode', type=_core.parse_mode, default=None, metavar='OCTAL',
                       help='permission bits of the dump file (default 600)')
        p.add_argument('--quiet', action='store_true', help='print nothing on success')
