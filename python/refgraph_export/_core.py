"""dump(), fork mode, signal handler, snapshot series."""
import collections
import errno
import gc
import itertools
import json
import os
import platform
import select
import stat
import sys
import threading
import time
import zlib

try:  # the C module: ``tracemalloc`` would import pickle, linecache, tokenize ...
    import _tracemalloc
except ImportError:  # 2.7
    _tracemalloc = None
try:  # the C module: ``signal`` (3.x) imports enum
    import _signal
except ImportError:  # 2.7
    import signal as _signal

from . import _walk, _marks, _safe, _plans_c, _redact, _tracing, _leftovers
from ._safe import PY2

FORMAT_VERSION = 1

DumpResult = collections.namedtuple(
    'DumpResult', 'path objects references bytes seconds pause file_bytes pid')
_DOC = """Result of a dump.

path: the file written; objects/references: counts written (as in the
trailer); bytes: total shallow size of the dumped objects; seconds: time the
dump took (in fork mode: in the child); pause: how long the calling process
was stopped (fork mode: the fork; otherwise equal to seconds); file_bytes:
size of the written file; pid: the process that wrote it (the child in fork
mode). In fork mode with wait=False only path, pause and pid are set."""
try:
    DumpResult.__doc__ = _DOC
except AttributeError:  # 2.7
    pass


class DumpError(EnvironmentError):
    """A dump could not be written (disk full, permission, ...).

    ``errno`` and ``filename`` are set; no partial file is left behind."""


# warm-ups at import, so the first dump does not leave lazily created
# interpreter objects for the next dump to show: the first
# str.encode('ascii') imports the codec module (2.7); the first list repr
# creates the thread-state dict of Py_ReprEnter; platform caches its parse
# of sys.version. Everything a dump uses is imported above, none later.
'x'.encode('ascii')
repr([0])
_PYTHON_VERSION = platform.python_version()
_impl = getattr(sys, 'implementation', None)
_IMPLEMENTATION = _impl.name if _impl is not None else platform.python_implementation().lower()
del _impl


class _ODict(object):
    """Ordered key/value pairs for json.dumps without collections.OrderedDict,
    whose 2.7 implementation is a reference cycle (a circular linked list)
    that would outlive the dump and appear in the next one."""
    __slots__ = ('items_',)

    def __init__(self, pairs=()):
        self.items_ = list(pairs)

    def __setitem__(self, k, v):
        self.items_.append((k, v))


def _json(x):
    if type(x) is _ODict:
        return '{' + ', '.join('%s: %s' % (json.dumps(k), _json(v)) for k, v in x.items_) + '}'
    return json.dumps(x)


_busy = threading.Lock()
_register_module = _safe.register_module
_register_module(globals())
_register_module(_walk.__dict__)
_register_module(_marks.__dict__)
_f_back = _safe.frame_back
_is_exporter_frame = _safe.is_exporter_frame


def _proc_status():
    out = {}
    try:
        with open('/proc/self/status', 'rb') as f:  # binary: no text decoder to set up
            for line in f:
                if line.startswith(b'VmRSS:') or line.startswith(b'VmHWM:'):
                    parts = line.split()
                    out[parts[0][:-1].decode('ascii')] = int(parts[1]) * 1024
    except Exception:
        pass
    return out


def _header(opts, gc_enabled, thresholds, counts, garbage_n):
    h = _ODict()
    h['record'] = 'header'
    h['format'] = 'refgraph'
    h['version'] = FORMAT_VERSION
    h['python'] = _PYTHON_VERSION
    h['implementation'] = _IMPLEMENTATION
    h['pid'] = opts.get('_pid') or os.getpid()  # fork mode: the parent's (FORMAT.md)
    h['time'] = time.time()
    st = _proc_status()
    if 'VmRSS' in st:
        h['rss'] = st['VmRSS']
    if 'VmHWM' in st:
        h['peak_rss'] = st['VmHWM']
    h['gc'] = _ODict([('enabled', gc_enabled), ('thresholds', list(thresholds)),
                                       ('counts', list(counts)), ('garbage', garbage_n)])
    tr = cur = peak = frames = 0
    if _tracemalloc is not None:
        tr = _tracemalloc.is_tracing()
        if tr:
            cur, peak = _tracemalloc.get_traced_memory()
            frames = _tracemalloc.get_traceback_limit()
    h['tracemalloc'] = _ODict([('tracing', bool(tr)), ('current', cur), ('peak', peak), ('frames', frames)])
    h['values'] = bool(opts.get('values'))
    if not opts.get('values'):  # data dict keys redacted, hashed with (EXPORTER.md)
        h['redact'] = 'hmac-sha256' if _redact.salt_bytes(opts.get('salt')) else 'sha256'
    try:
        argv0 = sys.argv[0] if sys.argv else ''
        h['argv0'] = os.path.basename(argv0) if _safe.is_str(argv0) else ''
    except Exception:
        h['argv0'] = ''
    h['fork'] = bool(opts.get('_in_child'))
    h['exporter'] = 'refgraph_export 0.1.0'
    return _json(h)


def _collect_roots(frames_dict, my_frame):
    """Named roots, in FORMAT.md priority order (first kind wins), and the
    names of roots that have no name of their own ({id: name})."""
    roots = {}
    root_objs = []
    excluded = []
    names = {}

    def add(x, kind):
        if x is None:
            return
        if id(x) not in roots:
            roots[id(x)] = kind
            root_objs.append(x)

    add(sys.modules, 'sys.modules')
    # the interpreter holds the sys module's dict (interp->sysdict) and the
    # builtins dict (interp->builtins) as it holds sys.modules: named roots,
    # not "external"
    try:
        add(_walk._module_dict(sys), 'sys.modules')
    except Exception:
        pass
    str_get = _safe.str_get  # never sys.modules.get(): see _safe.str_lookup
    bmod = str_get(sys.modules, '__builtin__' if PY2 else 'builtins')
    add(bmod, 'builtins')
    if type(bmod) is _walk._ModuleType:
        try:
            add(_walk._module_dict(bmod), 'builtins')
        except Exception:
            pass
    me = threading.current_thread().ident if hasattr(threading, 'get_ident') or True else None
    try:
        me = threading.current_thread().ident
    except Exception:
        me = None
    for tid, f in list(frames_dict.items()):
        if tid == me:
            while f is not None and _is_exporter_frame(f):
                excluded.append(f)
                f = _f_back(f)
        depth = 0
        while f is not None and depth < 100000:
            add(f, 'frame')
            f = _f_back(f)
            depth += 1
    f = None
    add(gc.garbage, 'gc.garbage')
    am = str_get(sys.modules, 'atexit')
    if am is not None:
        if _safe.atexit_module_traverses_registry(am):
            add(am, 'atexit')  # 3.6-3.9: its gc traverse visits the registered callbacks
        try:
            ad = _walk._module_dict(am)
            eh = str_get(ad, '_exithandlers')
            if type(eh) is list:
                add(eh, 'atexit')
                names[id(eh)] = 'atexit._exithandlers'  # 2.7: what its users look for
            getter = str_get(ad, '_get_registered_callbacks')  # not in CPython <= 3.13
            if getter is not None and type(getter) is _walk._BuiltinType:
                for cb in getter():
                    add(cb, 'atexit')
        except Exception:
            pass
    for h in signal_handlers():
        add(h, 'signal')
    return roots, root_objs, excluded, names


def signal_handlers():
    """The Python objects installed as signal handlers (the interpreter's
    handler table holds them: no Python object refers to them), except
    SIG_DFL, SIG_IGN (ints, or their enum members) and the default SIGINT
    handler. getsignal only reads the table."""
    out = []
    getsignal = getattr(_signal, 'getsignal', None)
    if getsignal is None:
        return out
    default = getattr(_signal, 'default_int_handler', None)
    for n in range(1, getattr(_signal, 'NSIG', 65)):
        try:
            h = getsignal(n)
        except Exception:  # not a valid signal number here
            continue
        if h is None or h is default or _safe.safe_issubclass(type(h), int):
            continue
        if not _safe.among(h, out):
            out.append(h)
    return out


def _file_parts(f):
    """The objects behind the exporter's temporary file (the raw FileIO and
    the instance dicts of both), so they are not written into the dump."""
    out = []
    todo = [f]
    while todo:
        x = todo.pop()
        for r in gc.get_referents(x):
            tr = type(r)
            if tr is dict or _safe.type_name(tr) in ('FileIO', 'file'):
                if not any(r is y for y in out):
                    out.append(r)
                    todo.append(r)
    return out


_O_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0)
_CREATE_FLAGS = (os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0)
                 | getattr(os, 'O_BINARY', 0))
_READ_FLAGS = os.O_RDONLY | _O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0) | getattr(os, 'O_BINARY', 0)
DEFAULT_MODE = 0o600
_unicode = type(u'')
_PRIVATE_OPTIONS = ('_in_child', '_refix', '_done', '_stall')


def _random_suffix():
    """16 hex digits from os.urandom (the random module, which tempfile
    imports, would be imported into the dumped process)."""
    return ''.join(['%02x' % b for b in bytearray(os.urandom(8))])


_random_suffix()  # warm-up: 2.7 opens /dev/urandom once and keeps it


def create_exclusive(prefix, mode=DEFAULT_MODE, read=False):
    """Create a new file named PREFIX-RANDOM (16 hex digits) and return
    (fd, name). O_CREAT|O_EXCL (never an existing file, never through a
    symlink: a planted link fails with EEXIST), O_NOFOLLOW, O_CLOEXEC; the
    name is retried on EEXIST, 100 times at most. The file gets exactly
    ``mode`` (fchmod: the umask does not widen nor narrow it)."""
    flags = _CREATE_FLAGS | (os.O_RDWR if read else os.O_WRONLY)
    for _ in range(100):
        name = '%s-%s' % (prefix, _random_suffix())
        try:
            fd = os.open(name, flags, 0o600)
        except OSError as e:
            if e.errno == errno.EEXIST:
                continue
            raise
        try:
            if hasattr(os, 'fchmod'):
                os.fchmod(fd, mode)
        except BaseException:
            os.close(fd)
            try:
                os.unlink(name)
            except OSError:
                pass
            raise
        return fd, name
    raise OSError(errno.EEXIST, 'no free name for a temporary file after 100 tries', prefix)


def _tmp_prefix(path):
    return '%s.tmp-%d' % (path, os.getpid())


def parse_mode(text):
    """'600', '0600', '0o640' -> permission bits (octal), for the CLI."""
    t = text.strip().lower()
    if t.startswith('0o'):
        t = t[2:]
    if not t or len(t) > 4 or any(c not in '01234567' for c in t) or int(t, 8) > 0o777:
        raise ValueError('bad mode %r: octal permission bits 000 ... 777 (e.g. 600, 640)' % (text,))
    return int(t, 8)


def _is_flag(x):
    return x is None or x is True or x is False or type(x) is int


def _check_args(path, values, fork, wait, alloc, frame_locals, compresslevel, mode, salt, private):
    """Every argument checked (TypeError/ValueError) before anything is
    touched. Returns the path as a str (bytes and path-like objects are
    converted on 3.x)."""
    for k in private:
        if k not in _PRIVATE_OPTIONS:
            raise TypeError('dump() got an unexpected keyword argument %r' % (k,))
    if hasattr(os, 'fspath'):
        path = os.fspath(path)
    if type(path) is bytes and not PY2:
        path = os.fsdecode(path)
    if not (type(path) is str or (PY2 and type(path) is _unicode)):
        raise TypeError('dump(): path must be a str, not %s' % (type(path).__name__,))
    if not path:
        raise ValueError('dump(): path is empty')
    if '\0' in path:
        raise ValueError('dump(): path contains a NUL character')
    for name, x in (('values', values), ('fork', fork), ('wait', wait), ('alloc', alloc),
                    ('frame_locals', frame_locals)):
        if not _is_flag(x):
            raise TypeError('dump(): %s must be True, False or None, not %s' % (name, type(x).__name__))
    if type(compresslevel) is not int:
        raise TypeError('dump(): compresslevel must be an int, not %s' % (type(compresslevel).__name__,))
    if not -1 <= compresslevel <= 9:
        raise ValueError('dump(): compresslevel must be -1 ... 9, not %d' % compresslevel)
    if type(mode) is not int:
        raise TypeError('dump(): mode must be an int (e.g. 0o600), not %s' % (type(mode).__name__,))
    if not 0 <= mode <= 0o777:
        raise ValueError('dump(): mode must be 0 ... 0o777 (permission bits only), not %o' % mode)
    if not (salt is None or type(salt) is str or type(salt) is bytes or (PY2 and type(salt) is _unicode)):
        raise TypeError('dump(): salt must be a str or bytes, not %s' % (type(salt).__name__,))
    return path


_OPTION_DEFAULTS = (('values', False), ('fork', False), ('wait', True), ('alloc', None),
                    ('frame_locals', True), ('compresslevel', 1), ('mode', DEFAULT_MODE), ('salt', None))


def _check_options(options):
    """install()/snapshot_series(): the dump options checked when given,
    not at the first signal."""
    a = dict(_OPTION_DEFAULTS)
    for k in options:
        if k not in a:
            raise TypeError('unexpected dump option %r' % (k,))
    a.update(options)
    _check_args('x', a['values'], a['fork'], a['wait'], a['alloc'], a['frame_locals'],
                a['compresslevel'], a['mode'], a['salt'], ())


def check_target(path):
    """Refuse (DumpError) a ``path`` that exists and is not a regular file:
    a directory (EISDIR), a FIFO, socket or device node, a symbolic link
    (even to a regular file: the link would be replaced by the dump; ELOOP).
    Renaming the dump over such a name would replace the special file (as
    root it replaced /dev/full). lstat only: nothing is opened."""
    try:
        st = os.lstat(path)
    except OSError:
        return  # missing (or unreachable: the file creation reports why)
    m = st.st_mode
    if stat.S_ISREG(m):
        return
    if stat.S_ISDIR(m):
        code, what = errno.EISDIR, 'a directory'
    elif stat.S_ISLNK(m):
        code, what = errno.ELOOP, 'a symbolic link (give the path it points to)'
    elif stat.S_ISFIFO(m):
        code, what = errno.EINVAL, 'a FIFO'
    elif stat.S_ISCHR(m):
        code, what = errno.EINVAL, 'a character device'
    elif stat.S_ISBLK(m):
        code, what = errno.EINVAL, 'a block device'
    elif stat.S_ISSOCK(m):
        code, what = errno.EINVAL, 'a socket'
    else:
        code, what = errno.EINVAL, 'not a regular file'
    raise DumpError(code, 'refgraph dump to %s refused: it exists and is %s; a dump only '
                    'replaces a regular file' % (path, what), path)


def _env_salt():
    """$REFGRAPH_REDACT_SALT, or None (also when empty or unreadable)."""
    try:
        v = os.environ.get(_redact.ENV_SALT)
    except Exception:
        return None
    return v if (type(v) is str or (PY2 and type(v) is _unicode)) and v else None


def dump(path, values=False, fork=False, wait=True, alloc=None, frame_locals=True,
         compresslevel=1, mode=DEFAULT_MODE, salt=None, **_private):
    """Write a refgraph dump of this process's heap to ``path``.

    values: write str/bytes contents (first 100 characters).
    fork: fork first (POSIX); the child writes the dump from its copy-on-write
      image, so the caller is only stopped for the fork itself.
    wait: in fork mode, wait for the child and return its counts. With
      wait=False the call returns right after the fork; a daemon thread reaps
      the child.
    alloc: record tracemalloc allocation tracebacks (default: when tracing).
    frame_locals: label frame locals by name (read from the frame's slots;
      the f_locals getter, which writes, is never called: see EXPORTER.md).
    compresslevel: gzip level for paths ending in .gz.
    mode: the dump file's permission bits, exactly (default 0o600: it holds
      memory contents, like a core dump).
    salt: with values=False, the key of the HMAC-SHA256 that labels
      redacted dict keys (default: $REFGRAPH_REDACT_SALT; none: plain
      SHA-256, the same in every process). See EXPORTER.md, Dict keys.
    Paths ending in .gz are gzip-compressed. Raises TypeError/ValueError for
    bad arguments, DumpError on I/O errors and for a path that exists and is
    not a regular file (directory, FIFO, device, symbolic link)."""
    path = _check_args(path, values, fork, wait, alloc, frame_locals, compresslevel, mode, salt, _private)
    check_target(path)
    if salt is None:
        salt = _env_salt()
    opts = dict(values=values, alloc=alloc, frame_locals=frame_locals, compresslevel=compresslevel,
                mode=mode, salt=salt)
    opts.update(_private)
    # readers of C types whose module (_pickle, _bz2) came after the
    # exporter: made once, here, before any walk (in the parent when forking)
    try:
        _plans_c.refresh()
    except Exception:  # pragma: no cover - a reader that cannot be made is off, never the dump
        pass
    if fork:
        return _fork_dump(path, opts, wait)
    if not _busy.acquire(False):
        raise RuntimeError('refgraph_export: a dump is already running in this process')
    try:
        return _dump(path, opts, None)
    finally:
        _busy.release()


def _dump(path, opts, frames_dict):
    t0 = time.time()
    check_target(path)  # again in a fork child; before gc is touched
    gz = path.endswith('.gz')
    level = opts.get('compresslevel', 1)
    mode = opts.get('mode', DEFAULT_MODE)
    gc_enabled = gc.isenabled()
    thresholds = gc.get_threshold()
    counts = gc.get_count()
    tmp = side = fh = excluded = resume = None
    stats = {}
    gc.disable()
    try:
        header = _header(opts, gc_enabled, thresholds, counts, len(gc.garbage))
        if frames_dict is None:
            frames_dict = sys._current_frames()
        roots, root_objs, excluded, root_names = _collect_roots(frames_dict, None)
        frames_dict = None
        # lines that may need the final counts (marked, see _walk) wait here.
        # Made (and unlinked) before the dump's temporary file: a kill -9
        # once that file exists leaves nothing else behind
        side = _side_file(os.path.dirname(os.path.abspath(path)))
        # removed at exit if this process ends mid-dump; the prefix covers
        # an exit between the file's creation and its tracking
        prefix = _tmp_prefix(path)
        _leftovers.track(prefix, prefix=True)
        try:
            fd, tmp = create_exclusive(prefix, mode)
            _leftovers.track(tmp)
        finally:
            _leftovers.untrack(prefix)
        fh = _fdopen(fd, 'wb')
        write, finish, parts = _sink(fh, level if gz else None, opts.get('_beat'))
        side_write = side.write
        # tmp (and prefix) sit in _leftovers' sets while the dump runs: the
        # dump's own bookkeeping, not the program's (a diff of two dumps of
        # one process showed them as a new object still alive)
        excluded.extend([roots, root_names, excluded, opts, stats, fh, side, side_write, parts, thresholds, counts, tmp, prefix])
        excluded.extend(parts)
        excluded.extend(_file_parts(fh))
        excluded.extend(_file_parts(side))
        parts = None
        write((header.encode('utf-8') if not PY2 else header) + b'\n')
        # tracemalloc keeps its traces but stops tracing the walk's own
        # allocations (_tracing: they made a dump 50-400x slower)
        opts['_tracing'] = _tracemalloc is not None and _tracemalloc.is_tracing()
        paused = _tracing.pause()
        stats['tracing_paused'] = paused is not None
        if paused is not None:
            resume, held, opts['_read_tb'], opts['_tflag'] = paused
            excluded.append(held)
            excluded.extend(held)
            # resume's closure and what its cells hold are the exporter's too
            cells = getattr(resume, '__closure__', None) or ()
            excluded.extend([resume, cells])
            excluded.extend(cells)
            for cell in cells:
                try:
                    excluded.append(cell.cell_contents)
                except ValueError:
                    pass
            cell = cells = None
            paused = held = None
        regs, over, xheld, relabel = _walk.walk(write, side_write, opts, roots, root_objs, excluded, stats,
                                               root_names)
        del excluded[:]  # it holds itself and this frame: no cycle may outlive the dump
        side_write = None
        root_objs = roots = root_names = None
        side.flush()
        side.seek(0)
        fix = _line_fixer(regs, over, xheld, relabel)
        n_marked = _fix_lines(side, write, fix)
        side.close()
        side = None
        n_lines = stats['objects']
        seconds = time.time() - t0
        trailer = _ODict([
            ('record', 'trailer'), ('objects', n_lines), ('references', stats['references']),
            ('seconds', round(seconds, 6)), ('bytes', stats['bytes'])])
        if stats['sites']:
            trailer['sites'] = stats['sites']
        if opts.get('_tracing'):
            trailer['tracemalloc_paused'] = stats['tracing_paused']
        trailer = _json(trailer)
        write((trailer + '\n').encode('ascii') if not PY2 else trailer + '\n')
        finish()
        fh.flush()
        if not stats['copy_settled'] or opts.get('_refix'):
            # the exporter holds an object whose line went out unmarked
            # (not seen in practice, see _walk): its refcount needs fixing too
            fh.close()
            fh = None
            _refix_plain(tmp, gz, level, n_lines - n_marked + stats['sites'], fix, mode)
            fh = _fdopen(os.open(tmp, _READ_FLAGS), 'rb')
        regs = over = xheld = fix = relabel = None
        os.fsync(fh.fileno())
        file_bytes = os.fstat(fh.fileno()).st_size
        fh.close()
        fh = None
        os.rename(tmp, path)
        _leftovers.untrack(tmp)
        tmp = None
        try:  # what dumps killed earlier left in this directory (_leftovers)
            _leftovers.remove(os.path.dirname(os.path.abspath(path)))
        except Exception:
            pass
        return DumpResult(path, n_lines, stats['references'], stats['bytes'], seconds, seconds,
                          file_bytes, os.getpid())
    except EnvironmentError as e:
        _cleanup(side, fh, tmp)
        side = fh = None
        code = e.errno if e.errno is not None else errno.EIO
        raise DumpError(code, 'refgraph dump to %s failed: %s' % (path, e.strerror or e), path)
    except BaseException:
        _cleanup(side, fh, tmp)
        side = fh = None
        raise
    finally:
        if resume is not None:
            resume()
            resume = None
        if excluded:
            del excluded[:]
        gc.set_threshold(*thresholds)
        if gc_enabled:
            gc.enable()


def _fdopen(fd, how):
    try:
        return os.fdopen(fd, how)
    except BaseException:
        os.close(fd)
        raise


def _side_file(d):
    """An anonymous read-write file in directory d (created 0600 with
    create_exclusive, then unlinked), as tempfile.TemporaryFile makes,
    without importing tempfile (random, hashlib, shutil, bz2, lzma ... would
    come with it into the dumped process)."""
    fd, name = create_exclusive(os.path.join(d, '.refgraph-marked-%d' % os.getpid()), 0o600,
                                read=True)
    try:
        os.unlink(name)
    except BaseException:
        os.close(fd)
        raise
    return _fdopen(fd, 'w+b')


def _cleanup(side, fh, tmp):
    for f in (side, fh):
        if f is not None:
            try:
                f.close()
            except Exception:
                pass
    if tmp is not None:
        try:
            os.unlink(tmp)
        except Exception:
            pass
        _leftovers.untrack(tmp)


def _sink(fh, level, beat=None):
    """(write, finish, parts) for the dump file: plain, or gzip at ``level``
    (zlib writes the gzip header and trailer: wbits 31, no name, mtime 0).
    parts: the objects made here, to keep out of the dump. beat (a fork
    child's pipe): every write also sends the parent one byte, the sign of
    progress its watchdog waits for."""
    fh_write = fh.write
    if beat is not None:
        def fh_write(data, _write=fh.write, _beat=beat, _os_write=os.write):
            _write(data)
            try:
                _os_write(_beat, b'.')
            except OSError:
                pass  # the parent is gone or not reading: the dump goes on
    if level is None:
        def finish():
            pass
        return fh_write, finish, [fh_write, finish]
    comp = zlib.compressobj(level, zlib.DEFLATED, 31)
    compress = comp.compress

    def write(data):
        fh_write(compress(data))

    def finish():
        fh_write(comp.flush())
    parts = [fh_write, comp, compress, write, finish]
    for fn in (write, finish):
        parts.append(fn.__closure__)
        parts.extend(fn.__closure__)
    return write, finish, parts


def _fix_lines(lines, write, fix):
    """Write lines (the walk's marked ones), each through ``fix``: the final
    counts decide "external" and the exporter's references come off."""
    n = 0
    buf = []
    ba = buf.append
    for line in lines:
        n += 1
        ba(fix(line))
        if len(buf) >= 4096:
            write(b''.join(buf))
            del buf[:]
    if buf:
        write(b''.join(buf))
    return n


def _refix_plain(tmp, gz, level, n_plain, fix, mode):
    """Rewrite ``tmp`` with ``fix`` applied to its plain lines (the n_plain
    lines after the header, site records among them; the marked lines after
    them are fixed already).
    The new file is made by create_exclusive and renamed over ``tmp``."""
    raw = _fdopen(os.open(tmp, _READ_FLAGS), 'rb')
    dst = new = None
    try:
        fd, new = create_exclusive(_tmp_prefix(tmp[:tmp.rindex('.tmp-')]) + '-fix', mode)
        dst = _fdopen(fd, 'wb')
        src = _gunzip_lines(raw) if gz else raw
        write, finish, _ = _sink(dst, level if gz else None)
        write(next(src))  # the header
        _fix_lines(itertools.islice(src, n_plain), write,
                   lambda line: line if line.startswith(b'{"record"') else fix(line))
        _fix_lines(src, write, _same)  # marked lines (fixed), trailer
        finish()
        dst.close()
        dst = None
        os.rename(new, tmp)
        new = None
    finally:
        raw.close()
        if dst is not None:
            dst.close()
        if new is not None:
            try:
                os.unlink(new)
            except OSError:
                pass


def _same(line):
    return line


def _gunzip_lines(f):
    """The lines of the gzip file f (one member, as _sink writes it),
    through zlib: the gzip module would be imported into the process."""
    d = zlib.decompressobj(31)
    rest = b''
    while True:
        block = f.read(1 << 20)
        data = rest + (d.decompress(block) if block else d.flush())
        lines = data.split(b'\n')
        rest = lines.pop()
        for line in lines:
            yield line + b'\n'
        if not block:
            break
    if rest:
        yield rest


def _line_fixer(regs, over, xheld, relabel=None):
    """The fix of a marked line (bytes): the exporter's own references
    (xheld) come off the refcount, never below 0 (_marks.RACED); a refcount
    above the references found makes it an external root; relabel
    ({address: [(redacted, name)]}, JSON labels as bytes) puts the names of
    a dict's keys in, in label order, once an edge showed it is a __dict__
    (see _walk, NAMES). The line's layout and the bitmap: _marks."""
    xheld_get = xheld.get
    relabel_get = relabel.get if relabel else None
    ext = b', "root": "external", "unexplained": '
    raced = _marks.RACED.encode('ascii')
    at = _marks.ADDRESS_AT
    rc_at = _marks.REFCOUNT_AT
    found = _marks.found

    def fix(line):
        i = line.find(b',', at)
        if relabel_get is not None:
            pairs = relabel_get(int(line[at:i]))
            if pairs:
                for r, p in pairs:
                    line = line.replace(r, p, 1)
        j = line.find(b',', i + rc_at)
        if xheld:
            a = int(line[at:i])
            x = xheld_get(a)
            if x and not line.startswith(b', "root": "immortal"', j):
                rc = int(line[i + rc_at:j]) - x
                if rc < 0:  # never negative (_marks.RACED)
                    rc = 0
                    if raced not in line:
                        line = line[:-2] + raced + b'}\n'
                line = line[:i + rc_at] + str(rc).encode('ascii') + line[j:]
                j = line.find(b',', i + rc_at)
        if line.startswith(b', "root"', j):
            return line
        u = int(line[i + rc_at:j]) - found(regs, over, int(line[at:i]))
        if u > 0:
            return line[:j] + ext + str(u).encode('ascii') + line[j:]
        return line
    return fix


# ---------------------------------------------------------------- fork mode
def _fork_dump(path, opts, wait):
    if not hasattr(os, 'fork'):
        raise DumpError(errno.ENOSYS, 'fork mode needs os.fork (POSIX)', path)
    if not _busy.acquire(False):
        raise RuntimeError('refgraph_export: a dump is already running in this process')
    try:
        r, w = os.pipe()
        t0 = time.time()
        frames_dict = sys._current_frames()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # child
            code = 1
            try:
                os.close(r)
                opts['_in_child'] = True
                opts['_pid'] = parent  # the heap is the parent's: its pid goes in the header
                opts['_beat'] = w
                if opts.get('_stall'):  # tests: a child stuck before its first write
                    time.sleep(3600)
                res = _dump(path, opts, frames_dict)
                msg = 'ok %d %d %d %r %d\n' % (res.objects, res.references, res.bytes, res.seconds,
                                                res.file_bytes)
                code = 0
            except EnvironmentError as e:
                msg = 'err %d %s\n' % (e.errno or errno.EIO, str(e).replace('\n', ' '))
            except BaseException as e:
                msg = 'err %d %s: %s\n' % (errno.EIO, type(e).__name__, str(e).replace('\n', ' '))
            finally:
                try:
                    os.write(w, msg.encode('utf-8') if not PY2 else msg)
                except BaseException:
                    pass
                os._exit(code)
        pause = time.time() - t0
        frames_dict = None
        os.close(w)
    finally:
        _busy.release()
    if not wait:
        t = threading.Thread(target=_reap, args=(pid, r, path, pause, opts.get('_done')), name='refgraph-reaper')
        t.daemon = True
        t.start()
        return DumpResult(path, None, None, None, None, pause, None, pid)
    msg = _read_all(r, pid)
    _waitpid(pid)
    return _parse_child(msg, path, pause, pid)


# A fork child that sends nothing for this long is stuck: killed, and the
# dump fails with DumpError. The child sends a byte per write of the dump
# (every 4096 lines), so only a deadlock (a lock another thread of the
# parent held at the fork: EXPORTER.md, Fork mode) or a write or fsync
# stalled that long trips it.
CHILD_STALL_SECONDS = 300.0


def _read_all(r, pid=None):
    """The child's messages, its progress bytes dropped. With ``pid``: a
    child silent for CHILD_STALL_SECONDS is killed (SIGKILL) and the text
    says so."""
    chunks = []
    while True:
        if pid is not None:
            try:
                ready = select.select([r], [], [], CHILD_STALL_SECONDS)[0]
            except (OSError, select.error) as e:
                if (e.args and e.args[0]) == errno.EINTR:
                    continue
                ready = [r]
            if not ready:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
                chunks.append(b'err %d the dump child made no progress for %gs and was killed '
                              b'(a lock held at the fork? EXPORTER.md, Fork mode)\n'
                              % (errno.ETIMEDOUT, CHILD_STALL_SECONDS))
                break
        try:
            c = os.read(r, 65536)
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            break
        if not c:
            break
        chunks.append(c)
    os.close(r)
    return b''.join(chunks).lstrip(b'.').decode('utf-8', 'replace')


def _waitpid(pid):
    while True:
        try:
            return os.waitpid(pid, 0)
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            return None


def _reap(pid, r, path=None, pause=None, done=None):
    """wait=False: collect the child; done(result, error) when given."""
    msg = _read_all(r, pid)
    _waitpid(pid)
    if done is not None:
        try:
            res = _parse_child(msg, path, pause, pid)
        except Exception as e:
            done(None, e)
        else:
            done(res, None)


def _parse_child(msg, path, pause, pid):
    parts = msg.split(None, 2)
    if len(parts) >= 2 and parts[0] == 'ok':
        f = msg.split()
        return DumpResult(path, int(f[1]), int(f[2]), int(f[3]), float(f[4]), pause, int(f[5]), pid)
    if len(parts) >= 2 and parts[0] == 'err':
        raise DumpError(int(parts[1]), parts[2].strip() if len(parts) > 2 else 'dump failed in child', path)
    raise DumpError(errno.EIO, 'refgraph dump child %d died without a result' % pid, path)


# ---------------------------------------------------------------- names
_name_lock = threading.Lock()
_last_name = [None]


def timestamped_path(directory, suffix='.jsonl', prefix='refgraph'):
    """directory/refgraph-PID-YYYYmmddTHHMMSS.ffffffZ.jsonl (UTC), unique and
    sorting in time order within one process."""
    with _name_lock:
        while True:
            now = time.time()
            stamp = time.strftime('%Y%m%dT%H%M%S', time.gmtime(now)) + '.%06dZ' % int((now % 1) * 1e6)
            name = '%s-%d-%s%s' % (prefix, os.getpid(), stamp, suffix)
            if name != _last_name[0] and not os.path.exists(os.path.join(directory, name)):
                _last_name[0] = name
                return os.path.join(directory, name)
            time.sleep(0.000002)


# ---------------------------------------------------------------- signals
class Installed(object):
    """Returned by install(): call uninstall() (or use as a context manager)
    to restore the previous handler. ``paths`` lists the dumps written and
    ``errors`` the exceptions caught (in fork mode both are filled by a
    reaper thread once the child is done). ``fork``: whether dumps fork;
    ``fork_reason``: why not, when fork_default() said no."""

    def __init__(self, signum, previous, directory):
        self.fork = False
        self.fork_reason = None
        self.signum = signum
        self.previous = previous
        self.directory = directory
        self.paths = []
        self.errors = []
        self.pending = []  # fork mode: dumps whose child has not finished
        self.active = True

    def wait(self, timeout=None):
        """Wait until the forked children of the dumps started so far are
        done (paths and errors filled in). Returns whether none is left."""
        deadline = None if timeout is None else time.time() + timeout
        while self.pending:
            if deadline is not None and time.time() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def uninstall(self):
        import signal
        if self.active:
            signal.signal(self.signum, self.previous if self.previous is not None else signal.SIG_DFL)
            self.active = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.uninstall()


def fork_default():
    """(fork, reason): whether install(), run, snapshot_series and watch dump
    through a forked child when not told (fork=None), and if not, why. A
    service should not stop for a whole dump (1 s at 180k objects, 5 s at
    1.2M): the fork stops it for milliseconds (EXPORTER.md, Fork mode)."""
    if not hasattr(os, 'fork'):
        return False, 'os.fork is not available on this platform (%s): dumps run in the process' % sys.platform
    return True, None


def _resolve_fork(options):
    """options['fork'] None or absent: fork_default(). Returns the reason
    for in-process dumps (None when forking or when the caller chose)."""
    if options.get('fork') is not None:
        return None
    options['fork'], reason = fork_default()
    return reason


def install(signal=None, directory='.', gzip=False, verbose=True, **options):
    """Install a signal handler (default SIGUSR2) that writes a timestamped
    dump into ``directory`` on every signal. Options are those of dump();
    fork defaults to fork_default() (a forked child writes the dump and the
    handler returns at once: the service stops only for the fork). Returns
    an Installed object; call .uninstall() to restore the previous handler.
    Must be called from the main thread (a Python rule)."""
    import signal as _signal
    signum = _signal.SIGUSR2 if signal is None else signal
    if _safe.is_str(signum):
        name = signum.upper()
        signum = getattr(_signal, name if name.startswith('SIG') else 'SIG' + name)
    _check_options(options)
    options = dict(options)
    reason = _resolve_fork(options)
    directory = os.path.abspath(directory)
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    suffix = '.jsonl.gz' if gzip else '.jsonl'
    inst = Installed(signum, None, directory)
    inst.fork = options['fork']
    inst.fork_reason = reason
    if verbose and reason:
        sys.stderr.write('refgraph_export: %s\n' % reason)

    def report(res, e, path=None):
        # in fork mode, called by the reaper thread once the child is done
        if e is None:
            inst.paths.append(res.path)
        else:
            inst.errors.append(e)
        for p in (path, res and res.path, getattr(e, 'filename', None)):
            if p in inst.pending:
                inst.pending.remove(p)  # list ops: atomic, no lock a signal could meet held
                break
        if verbose:
            try:
                if e is None:
                    sys.stderr.write('refgraph_export: wrote %s (%d objects, %.2fs, pause %.3fs)\n'
                                     % (res.path, res.objects or 0, res.seconds or 0, res.pause or 0))
                else:
                    sys.stderr.write('refgraph_export: dump failed: %s\n' % (e,))
            except Exception:
                pass

    if options['fork'] and 'wait' not in options:
        options['wait'] = False  # the handler returns after the fork
        options['_done'] = report

    def handler(signo, frame):
        if inst.pending:  # one child at a time: a signal storm must not fork the service N times
            report(None, RuntimeError('refgraph_export: the previous dump (%s) is still being written; '
                                      'signal ignored' % inst.pending[0]))
            return
        path = timestamped_path(directory, suffix)
        inst.pending.append(path)
        try:
            res = dump(path, **options)
        except Exception as e:  # never kill the service
            report(None, e, path)
            return
        if res.objects is not None:  # in-process, or fork with wait=True
            report(res, None)

    inst.previous = _signal.signal(signum, handler)
    inst.handler = handler
    return inst


# ---------------------------------------------------------------- series
class SnapshotSeries(threading.Thread):
    """Background thread taking ``count`` dumps, one every ``every`` seconds.
    ``paths`` lists the files written (time-ordered names), ``errors`` any
    DumpError; ``stop()`` ends it early; ``join()`` waits for it."""

    def __init__(self, directory, every, count, gzip=False, **options):
        _check_options(options)
        options = dict(options)
        self.fork_reason = _resolve_fork(options)
        self.fork = options['fork']
        threading.Thread.__init__(self, name='refgraph-snapshots')
        self.daemon = True
        self.directory = os.path.abspath(directory)
        self.every = float(every)
        self.count = int(count)
        self.suffix = '.jsonl.gz' if gzip else '.jsonl'
        self.options = options
        self.paths = []
        self.errors = []
        self._stop_event = threading.Event()

    def run(self):
        if not os.path.isdir(self.directory):
            try:
                os.makedirs(self.directory, 0o700)
            except Exception as e:
                self.errors.append(e)
                return
        for i in range(self.count):
            if i and self._stop_event.wait(self.every):
                break
            if self._stop_event.is_set() if hasattr(self._stop_event, 'is_set') else self._stop_event.isSet():
                break
            path = timestamped_path(self.directory, self.suffix)
            try:
                dump(path, **self.options)
                self.paths.append(path)
            except Exception as e:
                self.errors.append(e)

    def stop(self):
        self._stop_event.set()


def snapshot_series(directory, every=60.0, count=10, gzip=False, **options):
    """Start a daemon thread that writes ``count`` dumps to ``directory``,
    ``every`` seconds apart (the first at once); fork defaults to
    fork_default(), the thread waiting for each child. Returns the started
    thread (a SnapshotSeries: .paths, .errors, .stop(), .join(), .fork,
    .fork_reason)."""
    t = SnapshotSeries(directory, every, count, gzip=gzip, **options)
    t.start()
    return t
