"""References and names kept in C structures, read with ctypes.

gc.get_referents() reports what a type's tp_traverse visits, and builtin
getters expose some fields; some are out of reach of both, or reachable only
through a getter that writes: the local variables of a frame (the f_locals
getter rewrites the frame's locals dict), a function's ``__dict__`` and
``__annotations__`` (their getters create what is missing), the names of a
3.11+ code object's fast locals, the buffer of an ``io.BytesIO`` (3.5-3.11).

Every reader here is built once, at import, and checked on module-level
probes; a reader whose check fails is None for the process, and the labels or
edges it would give are missing, never guessed. Per object, the words beside
a field are compared with the id() of objects got through builtin getters
before the field is used. An address read is then either compared with the
id()s of ``gc.get_referents(obj)`` (a label for a referent: nothing is
dereferenced), or, where the object is not a referent, turned into an object
in a single C-level call that also re-checks the words it depends on
(``_load``): no bytecode runs in between, so no other thread can change or
free what is read.
"""
import io as _io
import itertools
import sys
import types
import itertools
from itertools import compress, repeat, tee
from operator import add, and_, attrgetter, eq, itemgetter

from . import _safe
from ._safe import PY2, PYV

try:
    import ctypes
except Exception:  # pragma: no cover - ctypes is optional
    ctypes = None

_imap = getattr(itertools, 'imap', map)  # 2.7: map builds a list
_vget = attrgetter('value')
_first = itemgetter(0)
_second = itemgetter(1)

W = 0
words = word = obj_at = None
if ctypes is not None and sys.byteorder == 'little':
    try:
        W = ctypes.sizeof(ctypes.c_void_p)
        if W == ctypes.sizeof(ctypes.c_size_t):
            words = _safe._words_reader(ctypes, W)
            _size_at = ctypes.c_size_t.from_address
            _ubyte_at = ctypes.c_ubyte.from_address
            _obj_at = ctypes.py_object.from_address

            def word(addr):
                return _size_at(addr).value

            def obj_at(addr):
                """The object whose pointer is stored at addr (a new reference).
                Only for fields already checked, of objects that cannot change
                them (code objects) or of memory no other thread can touch."""
                return _obj_at(addr).value
    except Exception:  # pragma: no cover
        words = None
if words is None:
    W = 0

# a free-threaded build has no GIL to make _load atomic
_GIL = getattr(sys, '_is_gil_enabled', None)
ATOMIC = words is not None and not PY2 and (_GIL is None or _GIL())
# _deref_words only reads words (lazy imap on 2.7): a GIL is all it needs
DEREF_ATOMIC = words is not None and (_GIL is None or _GIL())


def _load(base, base_off, checks, offs):
    """[(i, obj)] for the non-NULL pointers at p + offs[i], where p is the
    pointer stored at base + base_off (base_off None: p = base), provided
    every (rel, reader, expected) of checks reads expected at p + rel.

    The whole read happens inside one ``list()`` of C iterators (map,
    compress, tee, zip over ctypes' from_address and attrgetter): no
    bytecode runs from the first read to the last reference taken, so no
    other thread can run, and each slot is checked and turned into an object
    at the same instant. p is read again for every slot, and only memory the
    caller knows to be valid whatever p is (the frame's own data) is read."""
    k = len(offs)

    def p_stream():
        if base_off is None:
            return repeat(base, k)
        return map(_vget, map(_size_at, repeat(base + base_off, k)))

    def at(rel):
        return map(add, p_stream(), rel if type(rel) is list else repeat(rel, k))

    sel = map(bool, map(_vget, map(_size_at, at(offs))))
    for rel, reader, expected in checks:
        sel = map(and_, sel, map(eq, map(_vget, map(reader, at(rel))), repeat(expected, k)))
    chosen = compress(zip(range(k), at(offs)), sel)
    a, b = tee(chosen)
    return list(zip(map(_first, a), map(_vget, map(_obj_at, map(_second, b)))))


def _deref_words(addr, offs):
    """The words at p + offs[i], p being the pointer stored at addr, or []
    when p is 0. One ``list()`` over C iterators (imap, tee, compress over
    ctypes' from_address): p is read again for every word and each word is
    read only when its p is not 0, and no bytecode runs from the first read
    to the last, so no other thread (which needs the GIL) can free what p
    points to in between. For C state that is freed only with the GIL held
    (zlib's deflateEnd/inflateEnd, the bz2 compressor's dealloc)."""
    a, b = tee(_imap(_vget, _imap(_size_at, repeat(addr, len(offs)))))
    return list(_imap(_vget, _imap(_size_at, compress(_imap(add, a, offs), b))))


def _u32(ws, i):
    """The i-th 32-bit field of the little-endian words ws."""
    return (ws[i >> 1] >> ((i & 1) << 5)) & 0xffffffff


def _find_u32(states, wants, lo, hi):
    """The one 32-bit index i in [lo, hi) where, for every probe k,
    states[k] holds wants[k] (a tuple of consecutive fields) at i; None
    when there is no such index or several."""
    n = max(len(w) for w in wants)
    hits = [i for i in range(lo, hi - n + 1)
            if all(all(_u32(s, i + j) == w[j] for j in range(len(w))) for s, w in zip(states, wants))]
    return hits[0] if len(hits) == 1 else None


def _find_word(states, wants, lo, hi):
    """The one word index i in [lo, hi) where states[k][i] == wants[k] for
    every probe k, or None."""
    hits = [i for i in range(lo, hi) if all(s[i] == w for s, w in zip(states, wants))]
    return hits[0] if len(hits) == 1 else None


def _signed32(x):
    x &= 0xffffffff
    return x - (1 << 32) if x >= (1 << 31) else x


def _built(make):
    """make() or None when it raises: a layout we cannot check is not used."""
    try:
        return make()
    except Exception:
        return None


def _drop_frame(f):
    """A probe frame refers back (f_back) to the frame of the function that
    checked it, whose locals refer to the probe frame: a cycle that would
    keep the import's frames alive until the next collection. Cut it."""
    try:
        f.clear()
    except Exception:
        pass


# ---------------------------------------------------------------- frames
def _probe_frame_function(first, second, check=None):
    """Module level: the frame layout is checked at import on its frames
    (finished: returned; running: passed to ``check`` while it runs)."""
    third = [first]

    def uses_third():
        return third
    if check is not None:
        return check(sys._getframe(), uses_third)
    return sys._getframe(), uses_third


_PROBE_NAMES = ['.first', '.second', '.check', '.uses_third', '.third']
_frame_code = types.FrameType.__dict__['f_code'].__get__
if PYV < (3, 11):
    _co_varnames = types.CodeType.__dict__['co_varnames'].__get__
    _co_cellvars = types.CodeType.__dict__['co_cellvars'].__get__
    _co_freevars = types.CodeType.__dict__['co_freevars'].__get__


def fast_local_names(code):
    """['.name', ...] for the fast-locals slots of code, in slot order:
    co_varnames, co_cellvars, co_freevars (3.11+: co_localsplusnames, where
    an argument that is also a cell has one slot)."""
    if PYV >= (3, 11):
        return _safe.localsplus_labels(code)
    names = _co_varnames(code) + _co_cellvars(code) + _co_freevars(code)
    return ['.' + nm if _safe.is_str(nm) else None for nm in names]


def _make_frame_reader_old():
    """2.7-3.10: PyFrameObject is a var object (refcnt, type, size, f_back,
    f_code, f_builtins, f_globals, f_locals, ...) whose f_localsplus (locals,
    cells, free variables, then the value stack) ends it; gc reports every
    slot, running or finished."""
    FT = types.FrameType
    ftype = id(FT)
    L = []

    def read(fr, code):
        a = id(fr)
        h = words(a, 8)
        if h[1] != ftype or h[4] != id(code):
            return None
        names = fast_local_names(code)
        n = len(names)
        if h[2] < n:
            return None
        vals = words(a + L[0], n) if n else ()
        out = [(vals[i], names[i]) for i in range(n) if vals[i] and names[i] is not None]
        if h[7]:
            out.append((h[7], 'f_locals'))
        return True, out

    first, second = [1], [2]
    f, uses_third = _probe_frame_function(first, second)
    try:
        return _check_frame_reader_old(read, f, first, second, uses_third, L)
    finally:
        _drop_frame(f)
        f = None


def _check_frame_reader_old(read, f, first, second, uses_third, L):
    """Find the offset of f_localsplus on the finished probe frame f (its
    slots: first, second, check=None, uses_third, the cell of third) and
    check read() with it; L receives the offset."""
    FT = types.FrameType
    getters = [FT.__dict__[n].__get__ for n in ('f_code', 'f_builtins', 'f_globals')]
    want = [id(first), id(second), id(None), id(uses_third), id(uses_third.__closure__[0])]
    nw = _safe.type_basicsize(FT) // W
    w = list(words(id(f), nw + len(want)))
    if w[1] != id(FT) or w[4:7] != [id(g(f)) for g in getters] or w[2] < len(want):
        return None
    at = [i for i in range(8, nw + 1) if w[i:i + len(want)] == want]
    if len(at) != 1 or fast_local_names(_frame_code(f)) != _PROBE_NAMES:
        return None
    L.append(at[0] * W)
    got = read(f, _frame_code(f))
    if got is None or got[1][:5] != list(zip(want, _PROBE_NAMES)):
        return None
    return read


def _make_frame_reader_new():
    """3.11+: a frame object points (f_frame, word 3) to its
    _PyInterpreterFrame: on the thread's stack while it runs (not
    traversed by gc: its locals are read with _load and added as edges),
    inside the frame object once it finished (traversed: labels only), or
    inside a generator (the generator labels its locals)."""
    if W != 8 or _safe._varname_from_oparg is None:
        return None
    FT = types.FrameType
    LOCALSPLUS = 8 * W + 8
    if PYV >= (3, 12):
        CODE, FOBJ, LOCALS, FUNC, OWNER = 0, 6, 5, 2, 8 * W + 6
    else:
        CODE, FOBJ, LOCALS, FUNC, OWNER = 4, 5, 3, 0, 8 * W + 5
    THREAD, FRAME_OBJECT = 0, 2
    FFRAME = 3 * W
    DATA = _safe.type_basicsize(FT) - LOCALSPLUS
    if DATA < 4 * W:
        return None

    def read(fr, code):
        a = id(fr)
        names = fast_local_names(code)
        n = len(names)
        p = word(a + FFRAME)
        if p == a + DATA:  # finished: the frame object owns its data
            h = words(p, 9)
            if h[CODE] != id(code) or h[FOBJ] not in (0, a) or \
                    (h[8] >> ((OWNER - 8 * W) * 8)) & 0xff != FRAME_OBJECT:
                return None
            top = _signed32(h[8])
            if top < 0:
                return None
            if top < n:
                n = top
            vals = words(p + LOCALSPLUS, n) if n > 0 else ()
            out = [(vals[i], names[i]) for i in range(n) if vals[i] and names[i] is not None]
            out.extend([(h[LOCALS], 'f_locals'), (h[FUNC], 'f_func')])
            return True, [x for x in out if x[0]]
        if not ATOMIC:
            return None
        # running (or a generator's frame: the owner check fails): the
        # locals are not traversed by gc; read them and their check at once
        offs = [LOCALSPLUS + W * i for i in range(n)] + [LOCALS * W, FUNC * W]
        labels = names + ['f_locals', 'f_func']
        checks = [(CODE * W, _size_at, id(code)), (FOBJ * W, _size_at, a), (OWNER, _ubyte_at, THREAD)]
        got = _load(a, FFRAME, checks, offs)
        return False, [(x, labels[i]) for i, x in got if labels[i] is not None]

    first, second = [1], [2]
    probe = []

    def check(fr, uses_third):  # the probe frame is running (its thread owns it)
        probe.append(read(fr, _frame_code(fr)))
        return uses_third

    uses_third = _probe_frame_function(first, second, check)
    running = probe.pop()
    objs = [first, second, check, uses_third, uses_third.__closure__[0]]
    if running is None or running[0] or [lab for x, lab in running[1]][:5] != _PROBE_NAMES or \
            any(x is not y for (x, lab), y in zip(running[1], objs)):
        return None
    f, uses_third = _probe_frame_function(first, second)  # finished
    want = [id(first), id(second), id(None), id(uses_third), id(uses_third.__closure__[0])]
    done = read(f, _frame_code(f))
    _drop_frame(f)
    f = None
    if done is None or not done[0] or done[1][:5] != list(zip(want, _PROBE_NAMES)):
        return None
    return read


def frame_locals_reader():
    """read(frame, code) -> None (unknown layout, or a frame whose checks
    failed), or (True, [(address, label)]): fields that are gc referents of
    the frame (match them by id), or (False, [(object, label)]): references
    the frame holds that gc does not report (3.11+ running frames), to add
    as edges. Labels: '.name' for fast locals (a cell variable's slot holds
    the cell), 'f_locals', and on 3.11+ 'f_func'."""
    return _FRAME_READER


# ---------------------------------------------------------------- functions
def _probe_function(arg=None):
    """Module level: the function layout is checked at import on it."""
    return arg


def _make_function_reader():
    """func_dict and func_annotations (3.x): their getters create a dict (and
    3.10+ turn the stored annotations tuple into one); read the fields."""
    FT = types.FunctionType
    code_get = FT.__dict__['__code__'].__get__
    glob_get = FT.__dict__['__globals__'].__get__
    f = _probe_function
    f.probe_attribute = None
    targets = [code_get(f), glob_get(f), f.__dict__]
    labels = ['__dict__']
    if not PY2:
        f.__annotations__ = {'arg': 'probe'}
        targets.append(f.__annotations__)
        labels.append('__annotations__')
    nw = _safe.type_basicsize(FT) // W
    w = list(words(id(f), nw))
    at = []
    for x in targets:
        i = [j for j in range(2, nw) if w[j] == id(x)]
        if len(i) != 1:
            return None
        at.append(i[0])
    ci, gi = at[0], at[1]
    fields = list(zip(at[2:], labels))
    n = max(at) + 1

    def read(fn):
        h = words(id(fn), n)
        if h[ci] != id(code_get(fn)) or h[gi] != id(glob_get(fn)):
            return None
        return [(h[i], lab) for i, lab in fields if h[i]]

    got = read(f)
    if got != [(id(x), lab) for x, lab in zip(targets[2:], labels)]:
        return None
    return read


def function_fields_reader():
    """read(function) -> [(address, '__dict__' / '__annotations__')] of the
    fields that are set (gc referents of the function), or None."""
    return _FUNCTION_READER


# ---------------------------------------------------------------- code objects
def _make_code_reader():
    """3.11+: co_localsplusnames and co_localspluskinds sit just before
    co_filename (then co_name, co_qualname); no getter returns them. 3.11
    caches co_code's bytes after co_weakreflist; 3.12+ keep co_code,
    co_varnames, co_cellvars, co_freevars, once asked for, in a _co_cached
    struct. A code object never changes these once set."""
    if PYV < (3, 11) or _safe._varname_from_oparg is None:
        return None
    CT = types.CodeType
    fname = CT.__dict__['co_filename'].__get__
    name = CT.__dict__['co_name'].__get__
    qual = CT.__dict__['co_qualname'].__get__
    code = _probe_function.__code__
    nw = _safe.type_basicsize(CT) // W
    w = list(words(id(code), nw))
    at = [i for i in range(2, nw - 2)
          if w[i] == id(fname(code)) and w[i + 1] == id(name(code)) and w[i + 2] == id(qual(code))]
    if len(at) != 1 or at[0] < 4:
        return None
    fo = at[0]
    nlp = len(fast_local_names(code))
    # the caches: 3.11 _co_code right after co_weakreflist; 3.12 _co_cached
    # after it; 3.13 after co_executors. Checked below on the probe: zero,
    # then set once asked for, before anything behind it is read.
    cache_at = {(3, 11): fo + 5, (3, 12): fo + 5}.get(PYV, fo + 6)
    if cache_at >= nw or w[cache_at] != 0:
        cache_at = None
    cached_labels = ('co_code', 'co_varnames', 'co_cellvars', 'co_freevars')

    def read(c):
        a = id(c)
        h = words(a + (fo - 2) * W, 5 if cache_at is None else cache_at - fo + 3)
        if h[2] != id(fname(c)) or h[3] != id(name(c)) or h[4] != id(qual(c)):
            return None
        out = []
        x = obj_at(a + (fo - 2) * W) if h[0] else None
        if type(x) is tuple:
            out.append((x, 'co_localsplusnames'))
        x = obj_at(a + (fo - 1) * W) if h[1] else None
        if type(x) is bytes:
            out.append((x, 'co_localspluskinds'))
        if cache_at is not None and h[-1]:
            out.extend(read_cache(a, h[-1]))
        return out

    def read_cache(a, p):
        if PYV < (3, 12):
            x = obj_at(a + cache_at * W)
            return [(x, 'co_code')] if type(x) is bytes else []
        return [(x, cached_labels[i]) for i, x in _load(p, None, [], [0, W, 2 * W, 3 * W])]

    got = read(code)
    if got is None or len(got) != 2 or got[0][1] != 'co_localsplusnames' or len(got[0][0]) != nlp or \
            [id(x) for x in got[0][0]] != [id(_safe._varname_from_oparg(code, i)) for i in range(nlp)] or \
            got[1][1] != 'co_localspluskinds' or len(got[1][0]) != nlp:
        return None
    if cache_at is not None:
        at_ = cache_at
        cache_at = None
        cc = code.co_code if PYV < (3, 12) else code.co_varnames  # cached from now on
        if word(id(code) + at_ * W):
            cache_at = at_
            want = 'co_code' if PYV < (3, 12) else 'co_varnames'
            if not any(x is cc and lab == want for x, lab in read(code)[2:]):
                cache_at = None
        cc = None
    return read


def code_fields_reader():
    """3.11+: read(code) -> [(object, label)] of the code object's fields
    that no getter returns and gc does not report (code objects are not
    traversed), or None when the layout did not check out."""
    return _CODE_READER


# ---------------------------------------------------------------- io.BytesIO
def _make_bytesio_reader():
    """3.5-3.11: bytesio (PyObject_HEAD; PyObject *buf; pos; string_size;
    dict; weakreflist; exports) holds its buffer, a bytes object, in buf,
    which its traverse does not visit (3.12+ visits it). Checked on a
    BytesIO sharing its initial bytes."""
    if PY2 or PYV >= (3, 12) or not ATOMIC:
        return None
    import io
    BT = io.BytesIO
    init = b'refgraph BytesIO probe ' * 4
    b = BT(init)
    if word(id(b) + 2 * W) != id(init):
        return None

    def read(o):
        got = _load(id(o), None, [], [2 * W])
        if got and type(got[0][1]) is bytes:
            return got[0][1]
        return None
    if read(b) is not init:
        return None
    b.close()
    if read(b) is not None:
        return None
    return read


def bytesio_buffer_reader():
    """3.5-3.11: read(bytesio) -> its buffer (a bytes object) or None."""
    return _BYTESIO_READER


# ---------------------------------------------------------------- io.StringIO
# stringio (Modules/_io/stringio.c): PyObject_HEAD; Py_UCS4 *buf (2.7:
# Py_UNICODE *); Py_ssize_t pos, string_size; size_t buf_size; then (3.x)
# int state (1 realized, 2 accumulating) and the accumulator: 3.3-3.11 a
# _PyAccu {PyObject *large, *small} (lists of str), 3.12-3.13 an embedded
# _PyUnicodeWriter {PyObject *buffer; void *data; int kind; Py_UCS4 maxchar;
# Py_ssize_t size, pos, min_length; Py_UCS4 min_char; unsigned char
# overallocate, readonly}; then ok/closed/..., decoder, readnl, writenl,
# dict, weakreflist (3.12+: module_state). Word indexes:
_SIO_BUF, _SIO_POS, _SIO_SIZE, _SIO_BUFSIZE, _SIO_STATE = 2, 3, 4, 5, 6
_SIO_LARGE, _SIO_SMALL = 7, 8  # 3.3-3.11
_SIO_WBUF, _SIO_WDATA, _SIO_WKIND, _SIO_WSIZE, _SIO_WPOS, _SIO_WFLAGS = 7, 8, 9, 10, 11, 13  # 3.12-3.13
_SIO_REALIZED, _SIO_ACCUMULATING = 1, 2


def _make_stringio_readers():
    """(extra, chunks): extra(o) -> the bytes an io.StringIO holds in C that
    sys.getsizeof leaves out (no version up to 3.13 has a StringIO
    __sizeof__): its malloc'd buf (buf_size units of 4 bytes; 2.7:
    Py_UNICODE), and 3.12+ while it accumulates the str its
    _PyUnicodeWriter is building (header + (size + 1) * kind: the str's
    own allocation, never turned into an object: another thread's write
    may realloc it in place). chunks(o) -> [list] (3.3-3.11, while it
    accumulates): the _PyAccu's lists of written str, which its traverse
    does not visit, or None on other versions. Both checked on probes."""
    if W != 8 or (PYV >= (3, 14)):
        return None
    import io
    T = io.StringIO
    if PY2:
        unit = 4 if sys.maxunicode > 0xffff else 2
        nw, dictoff = 12, 10
    elif PYV < (3, 12):
        unit, nw, dictoff = 4, 15, 13
    else:
        unit, nw, dictoff = 4, 21, 18
    if _safe.type_basicsize(T) != nw * W or _safe.type_dictoffset(T) != dictoff * W or \
            T.__weakrefoffset__ != (dictoff + 1) * W:
        return None
    writer = not PY2 and PYV >= (3, 12)
    accu = not PY2 and not writer

    def writer_bytes(h):
        """The allocation of the str a 3.12+ writer is building, or 0."""
        if not h[_SIO_WBUF] or h[_SIO_STATE] & 0xffffffff != _SIO_ACCUMULATING or \
                (h[_SIO_WFLAGS] >> 40) & 0xff:  # readonly: a shared str of someone else's
            return 0
        kind = h[_SIO_WKIND] & 0xffffffff
        hdr = h[_SIO_WDATA] - h[_SIO_WBUF]
        size = h[_SIO_WSIZE]
        if kind not in (1, 2, 4) or not 0 < hdr <= 128 or not h[_SIO_WPOS] <= size < (1 << 40):
            return 0
        return hdr + (size + 1) * kind

    def extra(o):
        h = words(id(o), nw)
        n = h[_SIO_BUFSIZE] * unit if h[_SIO_BUF] and h[_SIO_BUFSIZE] < (1 << 40) else 0
        if writer:
            n += writer_bytes(h)
        return int(n)  # 2.7: an int, not the long array.array gives

    def chunks(o):
        return [x for i, x in _load(id(o), None, [], [_SIO_LARGE * W, _SIO_SMALL * W]) if type(x) is list]

    if accu and not ATOMIC:
        return None

    # realized: an initial value is copied into buf
    text = u'refgraph StringIO probe, realized ' * 29
    s = T(text)
    h = words(id(s), nw)
    n = len(text)
    if not h[_SIO_BUF] or h[_SIO_POS] != 0 or h[_SIO_SIZE] != n or not n < h[_SIO_BUFSIZE] <= 2 * n:
        return None
    if not PY2:
        if h[_SIO_STATE] & 0xffffffff != _SIO_REALIZED or h[_SIO_LARGE] or (accu and h[_SIO_SMALL]):
            return None
    if extra(s) != h[_SIO_BUFSIZE] * unit:
        return None
    s.close()
    if PY2:
        return extra, None

    # accumulating: written str kept by the accumulator
    s = T()
    chunk = u'refgraph StringIO probe, accumulating ' * 13
    s.write(chunk)
    h = words(id(s), nw)
    n = len(chunk)
    if h[_SIO_STATE] & 0xffffffff != _SIO_ACCUMULATING or h[_SIO_POS] != n or h[_SIO_SIZE] != n or \
            not h[_SIO_BUF] or h[_SIO_BUFSIZE] > 16:
        return None
    if accu:
        got = chunks(s)
        if h[_SIO_LARGE] or not h[_SIO_SMALL] or len(got) != 1 or len(got[0]) != 1 or got[0][0] is not chunk:
            return None
        got = None
        if extra(s) != h[_SIO_BUFSIZE] * unit:
            return None
    else:
        for more in (u'', u'\u20ac'):  # latin-1 (kind 1), then 2-byte kind
            s.write(more)
            h = words(id(s), nw)
            if (h[_SIO_WFLAGS] >> 32) & 0xffff != 1 or h[_SIO_WPOS] != n + len(more) or \
                    h[_SIO_WKIND] & 0xffffffff != (1 if not more else 2):
                return None
            want = writer_bytes(h)
            # the probe is this function's own: nobody else writes to it
            # while the building str is looked at, and the reference is
            # dropped before the next write
            b = obj_at(id(s) + _SIO_WBUF * W)
            ok = type(b) is str and len(b) == h[_SIO_WSIZE] and sys.getsizeof(b) == want
            b = None
            if not ok or extra(s) != want + h[_SIO_BUFSIZE] * unit:
                return None
    s.seek(0)
    s.read(1)  # realizes
    h = words(id(s), nw)
    if h[_SIO_STATE] & 0xffffffff != _SIO_REALIZED or h[_SIO_LARGE] or \
            h[_SIO_BUFSIZE] <= h[_SIO_SIZE] or extra(s) != h[_SIO_BUFSIZE] * unit:
        return None
    if accu and (h[_SIO_SMALL] or chunks(s)):
        return None
    s.close()
    return extra, (chunks if accu else None)


# ---------------------------------------------------------------- gc generations, 2.7-3.7
def _make_young_reader():
    """2.7-3.7 have no gc.get_objects(generation=...). gc.get_objects()
    lists generation 0's objects first, then 1's, then 2's, each in its
    list's order, and leaves out the list it builds, which was tracked last
    (the tail of generation 0) before the walk. Each tracked object has a
    PyGC_Head just before it ({gc_next, gc_prev, gc_refs}, padded to 32
    bytes on x86-64); the lists are circular, through the generations' heads
    (static: 2.7 ``generations[3]``, 3.6-3.7 ``_PyRuntime.gc.generations``,
    {PyGC_Head head; int threshold, count}: 40 bytes apart on 2.7.18, whose
    PyGC_Head is only 8-byte aligned, 48 on 3.6-3.7). Checked at import:
    the header size, and two lists made one after the other linked both
    ways. Per dump, see read."""
    if PYV >= (3, 8) or W != 8 or words is None:
        return None
    H = _safe.GC_OVERHEAD
    if H != 4 * W:
        return None
    S = 40 if PY2 else 48
    for _attempt in range(3):  # a young collection between the two makes them no neighbours
        a, b = [], []
        wa = words(id(a) - H, 2)
        wb = words(id(b) - H, 2)
        if wa[0] == id(b) - H and wb[1] == id(a) - H and wa[1] and wb[0]:
            break
    else:
        return None
    a = b = None
    from operator import ne, sub
    imap = getattr(itertools, 'imap', map)  # 2.7: map pads with None and builds a list
    NEXT, PREV = 0, W

    def links(xs, which):
        """gc_next (which 0) or gc_prev (W) of each object of xs, read in
        one pass of C iterators (no bytecode in between)."""
        return list(imap(_vget, imap(_size_at, imap(sub, imap(id, xs), repeat(H - which)))))

    def seg_end(objs, start, n):
        """The first k >= start whose gc_next is not objs[k + 1]'s header
        (n - 1 when none: the last object)."""
        lo = start
        step = 512  # doubling: reads at most about twice the run, plus 512
        while lo < n - 1:
            hi = min(n - 1, lo + step)
            part = objs[lo:hi + 1]
            hdrs = list(imap(sub, imap(id, part), repeat(H)))
            nx = links(part[:-1], NEXT)
            diff = list(imap(ne, nx, hdrs[1:]))
            if True in diff:
                return lo + diff.index(True)
            lo = hi
            step = min(step * 2, 1 << 15)
        return n - 1

    def read(objs):
        """{id: 0 or 1} for the objects of objs (the list gc.get_objects()
        just returned, nothing collected since) in generations 0 and 1, or
        None when a link disagrees. Walks generations 0 and 1 only: every
        gc_next inside a run must be the next object's header; generation
        0 ends at the object before the list itself (its gc_prev), generation
        1 at the object whose gc_next is the head 1 (head 0 + S), and the
        next object (the first of generation 2) has head 2 for gc_prev. The
        boundary words are read again at the end: a collection in between
        (another thread's gc.collect()) would have moved them."""
        n = len(objs)
        L = id(objs) - H
        checks = [(L, PREV)]  # (header, field) read again at the end
        seen = [word(L + PREV)]

        def at(hdr, field):
            v = word(hdr + field)
            checks.append((hdr, field))
            seen.append(v)
            return v
        if n == 0:
            return {}
        first_prev = at(id(objs[0]) - H, PREV)
        if first_prev - seen[0] in (S, 2 * S):
            # generation 0 held only the list (its gc_prev is head 0), and
            # objs[0] starts generation 1 or 2 (head 1 or 2 before it)
            gen0_end, h0 = -1, seen[0]
        else:  # objs[0] is the first of generation 0, the list its last
            j = seg_end(objs, 0, n)
            if at(id(objs[j]) - H, NEXT) != L or seen[0] != id(objs[j]) - H:
                return None
            gen0_end, h0 = j, first_prev
        out = dict.fromkeys(map(id, objs[:gen0_end + 1]), 0)
        start = gen0_end + 1
        if start < n:
            head = at(id(objs[start]) - H, PREV)
            if head == h0 + S:
                k = seg_end(objs, start, n)
                if at(id(objs[k]) - H, NEXT) != h0 + S:
                    return None
                if k + 1 < n and at(id(objs[k + 1]) - H, PREV) != h0 + 2 * S:
                    return None
                out.update(dict.fromkeys(map(id, objs[start:k + 1]), 1))
            elif head != h0 + 2 * S:
                return None
        again = [word(h + f) for h, f in checks]
        if again != seen:
            return None
        return out

    return read


def young_reader():
    """2.7-3.7: read(gc.get_objects() list) -> {id: generation} of the
    objects in generations 0 and 1, or None (see _make_young_reader); None
    on other versions or when the layout did not check out."""
    return _YOUNG_READER


def stringio_readers():
    """(extra, chunks) for io.StringIO, see _make_stringio_readers; either
    may be None (the layout did not check out, or no such field)."""
    return _STRINGIO_READERS or (None, None)
# ---------------------------------------------------------------- pickle memos
def _guarded_call(fn, arg, addr):
    """[fn(arg)] when the word at addr is not 0, else []: the word is read
    and fn (a C function) called in one ``list()`` over C iterators, so no
    other thread can clear the word in between."""
    return list(map(fn, compress(repeat(arg, 1), map(_vget, map(_size_at, repeat(addr, 1))))))


def _memo_probe_data():
    return ['refgraph pickle memo probe', [0.5, 'second probe string']]


def _make_memo_reader(name, probe, layout, pairs):
    """read(o) -> the objects in o's memo, in memo order, or None, for
    _pickle.<name> (Pickler, Unpickler), or None when a check fails. Shared
    by both: the type's own ``memo`` getter (a C getset) gives a proxy
    whose C ``copy()`` (a method descriptor) returns a dict of the memo;
    read() checks the memo word at its offset first, in the same C-level
    pass as the call (copy() does not check it for NULL).

    probe(_pickle, T) -> (o, x): an instance of T whose memo holds x (the
    list of _memo_probe_data(), as o memoised it) first and x[1] among its
    entries. layout(o, x) -> None, or (off, n, agrees): the offset of o's
    memo word, the number of entries read from the memory it points to,
    and agrees(d): whether copy()'s dict d matches that memory.
    pairs(d) -> [(index, object)] of the entries of a copy() dict d."""
    _pickle = _loaded_module('_pickle')
    T = getattr(_pickle, name)
    desc = T.__dict__.get('memo')
    if type(desc) is not _safe.getset_descriptor:
        return None
    get = desc.__get__
    o, x = probe(_pickle, T)
    proxy = get(o)
    copy = type(proxy).__dict__.get('copy')
    if type(copy) is not _safe.method_descriptor:
        return None
    checked = layout(o, x)
    if checked is None:
        return None
    off, n, agrees = checked
    d = copy(proxy)
    proxy = None
    if type(d) is not dict or len(d) != n or not agrees(d):
        return None
    d = None

    def read(m):
        """The objects in m's memo, in memo order, or None."""
        got = _guarded_call(copy, get(m), id(m) + off)
        if not got or type(got[0]) is not dict:
            return None
        items = pairs(got[0])
        got = None
        items.sort(key=_first)
        return [v for k, v in items]

    got = read(o)
    if got is None or len(got) != n or got[0] is not x or not any(y is x[1] for y in got):
        return None
    q = T.__new__(T)  # no memo table or array
    if word(id(q) + off) or read(q) is not None:
        return None
    return read


def _make_pickler_memo_reader():
    """3.x _pickle.Pickler: PicklerObject (PyObject_HEAD; PyMemoTable *memo;
    ...). Its memo -- a C hash table {object: index} that holds a reference
    to every object the pickler wrote since the last clear_memo() -- is not
    visited by its traverse up to 3.10. The ``memo`` getter of the C type
    gives a proxy whose C ``copy()`` returns {id: (index, object)}; it
    dereferences the table without a NULL check, and the table is NULL in a
    Pickler never initialised or whose __init__ failed after clearing it
    (copy() then crashes the process): the memo word is checked first, in
    the same C-level pass as the call (_make_memo_reader)."""

    def probe(_pickle, P):
        x = _memo_probe_data()
        # _io, not an import statement: that looks sys.modules up with dict lookups
        p = P(_io.BytesIO(), 2)
        p.dump(x)
        return p, x

    def layout(p, x):
        off = 2 * W
        m = word(id(p) + off)
        if not m:
            return None
        mask, used, allocated, table = words(m, 4)
        if allocated != mask + 1 or allocated & mask or not 0 < used <= allocated or not table or \
                allocated > 1 << 20:
            return None
        keys = set(words(table, 2 * allocated)[0::2])
        keys.discard(0)

        def agrees(d):
            return keys == set(d) and any(v[1] is x for v in d.values()) and \
                any(v[1] is x[1] for v in d.values())
        return off, used, agrees

    def pairs(d):  # {id: (index, object)}
        return [v for v in dict.values(d) if type(v) is tuple and len(v) == 2]

    return _make_memo_reader('Pickler', probe, layout, pairs)


def _make_unpickler_memo_reader():
    """3.x _pickle.Unpickler: UnpicklerObject (PyObject_HEAD; Pdata *stack;
    PyObject **memo; memo_size; memo_len; ...). Its memo, an array holding a
    reference to every object memoised while loading (kept from one load()
    to the next), is not visited by its traverse up to 3.10. Its proxy's C
    ``copy()`` returns {index: object}; it reads the array without a NULL
    check, and an Unpickler whose __init__ failed after clearing keeps
    memo_size with a NULL array: the word is checked first, as for the
    Pickler (_make_memo_reader)."""

    def probe(_pickle, U):
        u = U(_io.BytesIO(_pickle.dumps(_memo_probe_data(), 2)))
        return u, u.load()

    def layout(u, x):
        stack = [r for r in _safe.get_referents(u) if _safe.type_name(type(r)) == 'Pdata']
        h = words(id(u) + 2 * W, 4)  # stack, memo, memo_size, memo_len
        if len(stack) != 1 or h[0] != id(stack[0]) or not h[1] or not 0 < h[3] <= h[2] <= 1 << 20:
            return None
        arr = words(h[1], h[2])

        def agrees(d):
            return sorted((i, a) for i, a in enumerate(arr) if a) == sorted((i, id(v)) for i, v in d.items())
        return 3 * W, h[3], agrees

    def pairs(d):  # {index: object}
        return [kv for kv in dict.items(d) if type(kv[0]) is int]

    return _make_memo_reader('Unpickler', probe, layout, pairs)


def pickle_memo_readers():
    """[(C type, read)] for _pickle.Pickler and Unpickler (3.x; only once
    _pickle is imported): read(o) -> the objects o's memo holds, or None.
    2.7's cPickle keeps its memos in dicts that gc reports."""
    return _C_READERS['pickle']


# ---------------------------------------------------------------- zlib and bz2 streams
# The memory these objects own is allocated by zlib or libbzip2 through
# CPython's raw allocator: sys.getsizeof counts the Python object (with the
# z_stream / bz_stream inside it), not the library's state behind its
# ``state`` pointer. The state holds the parameters its allocation was made
# from; they are located at import on probes with known parameters and
# checked again per object (the state's first word points back to the
# stream, and the parameters agree with each other). What is added: the
# buffers the library allocates for those parameters, and the state struct
# up to the last field read (its full size is not visible: a lower bound).
Z_STATE = 7  # z_stream: next_in, avail_in, total_in, next_out, avail_out, total_out, msg, state, ...
BZ_STATE = 6  # bz_stream: next_in, avail_in, total_in_lo32/hi32, next_out, avail_out, total_out_lo32/hi32, state


def _make_deflate_sizer():
    """zlib.Compress: compobject (PyObject_HEAD; z_stream zst; ...). deflate
    allocates deflate_state, window (2 * w_size bytes), prev (w_size Pos =
    ush), head (hash_size Pos) and pending_buf (pending_buf_size bytes, 4
    per lit_bufsize), all at deflateInit2 (zlib's documented
    (1 << (windowBits+2)) + (1 << (memLevel+9)), plus the state). Read:
    strm (the back pointer), w_size/w_bits/w_mask, window_size,
    hash_size/hash_bits/hash_mask and pending_buf_size."""
    import zlib
    probes = [(6, 15, 8), (1, 9, 1), (9, 12, 9), (4, -10, 4)]
    data = b'refgraph zlib deflate probe. ' * 40
    n = 24
    offs = [W * i for i in range(n)]
    objs, states = [], []
    CT = zfuncs = None
    for level, wb, ml in probes:
        c = zlib.compressobj(level, zlib.DEFLATED, wb, ml)
        c.compress(data)
        if CT is None:
            CT = type(c)
        elif type(c) is not CT:
            return None
        z = id(c) + 2 * W
        h = words(z, 14)
        if h[2] != len(data) or not h[Z_STATE] or not h[8] or not h[9]:
            return None
        if zfuncs is None:
            zfuncs = (h[8], h[9])
        elif zfuncs != (h[8], h[9]):
            return None
        if wb > 0 and h[12] != zlib.adler32(data) & 0xffffffff:
            return None
        s = _deref_words(z + Z_STATE * W, offs)
        if len(s) != n or s[0] != z:
            return None
        objs.append(c)
        states.append(s)
    wbs = [abs(wb) for level, wb, ml in probes]
    hbs = [ml + 7 for level, wb, ml in probes]
    A = _find_u32(states, [(1 << b, b, (1 << b) - 1) for b in wbs], 2, 2 * n)
    B = _find_u32(states, [(1 << b, b, (1 << b) - 1) for b in hbs], 2, 2 * n)
    K = _find_word(states, [2 << b for b in wbs], 1, n)
    Q = _find_word(states, [2 << b for b in hbs], 1, n)
    if None in (A, B, K, Q) or A == B or K == Q:
        return None
    end = max(4 * (A + 3), 4 * (B + 3), W * (K + 1), W * (Q + 1))
    offs = offs[:(end + W - 1) // W]

    def extra(o):
        """Bytes of zlib state behind o: 0 once ended, None when unsure."""
        z = id(o) + 2 * W
        s = _deref_words(z + Z_STATE * W, offs)
        if not s:
            return 0  # deflateEnd (flush(Z_FINISH)): no state
        if s[0] != z:
            return None
        ws, wb, wm = _u32(s, A), _u32(s, A + 1), _u32(s, A + 2)
        hs, hb, hm = _u32(s, B), _u32(s, B + 1), _u32(s, B + 2)
        if not (8 <= wb <= 15 and ws == 1 << wb and wm == ws - 1 and 8 <= hb <= 16 and hs == 1 << hb and
                hm == hs - 1 and s[K] == 2 * ws and s[Q] == 2 << hb):
            return None
        return end + s[K] + 2 * ws + 2 * hs + s[Q]

    for (level, wb, ml), c in zip(probes, objs):
        if extra(c) != end + (1 << (abs(wb) + 2)) + (1 << (ml + 9)):
            return None
    c = objs[0]
    c.flush()  # Z_FINISH: deflateEnd
    if extra(c) != 0:
        return None
    return CT, extra


def _make_inflate_sizer(make):
    """zlib.Decompress (and 3.12+ zlib._ZlibDecompressor): the z_stream
    after the object header. inflate allocates inflate_state at
    inflateInit2, and a window of 1 << wbits bytes the first time it keeps
    output (zlib's documented 1 << windowBits, plus the state). Read: strm,
    wbits, wsize (1 << wbits once the window exists) and the window pointer,
    located at import on raw streams of 512, 4096 and 32768-byte windows
    (the window holds the last bytes decompressed: compared) and on a
    stream not started (no window)."""
    import zlib
    data = bytes(bytearray(range(256))) * 12
    n = 12
    offs = [W * i for i in range(n)]
    objs, states, outs, wbs, ptrs = [], [], [], [], []
    DT = None
    for wb in (-9, -12, -15, 15):
        d = make(wb)
        if DT is None:
            DT = type(d)
        elif type(d) is not DT:
            return None
        z = id(d) + 2 * W
        if wb < 0:
            c = zlib.compressobj(6, zlib.DEFLATED, wb)
            comp = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)  # not finished: the state stays
            out = d.decompress(comp)
            h = words(z, 14)
            if out != data or h[2] != len(comp) or h[5] != len(data):
                return None
        else:
            out = b''  # not started: no window yet
        st = word(z + Z_STATE * W)
        s = _deref_words(z + Z_STATE * W, offs)
        if not st or len(s) != n or s[0] != z:
            return None
        ptrs.append(st)
        objs.append(d)
        states.append(s)
        outs.append(out)
        wbs.append(abs(wb))
    I = _find_u32(states, [(b, 1 << b) for b in wbs[:3]] + [(15, 0)], 2, 2 * n)
    if I is None:
        return None
    J = (I + 5) // 2  # the first word after wbits, wsize, whave, wnext
    if J >= n:
        return None
    for s, out, b, st in zip(states, outs, wbs, ptrs):
        p = s[J]
        if not out:
            if p:
                return None
            continue
        have, nxt = _u32(s, I + 2), _u32(s, I + 3)
        if not p or p % W or not 0 < have <= 1 << b or nxt > have:
            return None
        if abs(p - st) >= 1 << 32:  # a heap block near the state's own, before it is read
            return None
        win = ctypes.string_at(p, have)
        if win[nxt:] + win[:nxt] != out[-have:]:
            return None
    end = W * (J + 1)
    offs = offs[:J + 1]

    def extra(o):
        """Bytes of zlib state behind o: 0 once ended, None when unsure."""
        z = id(o) + 2 * W
        s = _deref_words(z + Z_STATE * W, offs)
        if not s:
            return 0  # inflateEnd: no state
        if s[0] != z:
            return None
        wb, wsize, win = _u32(s, I), _u32(s, I + 1), s[J]
        if wb > 15 or (wsize and wsize != 1 << wb):
            return None
        if not win:
            return None if wsize else end
        if wb < 8:
            return None
        return end + (1 << wb)

    for d, b, out in zip(objs, wbs, outs):
        if extra(d) != end + ((1 << b) if out else 0):
            return None
    return DT, extra


def _make_bz2_compressor_sizer():
    """bz2.BZ2Compressor: (PyObject_HEAD; bz_stream bzs; ...).
    BZ2_bzCompressInit allocates EState, arr1 (n UInt32), arr2 (n +
    BZ_N_OVERSHOOT = n + 34 UInt32) and ftab (65537 UInt32), n = 100000 *
    blockSize100k (the compresslevel): 7.6 MB at level 9. Read: strm and
    nblockMAX (n - 19)."""
    BT = _module_attr('bz2' if PY2 else '_bz2', 'BZ2Compressor')
    if type(BT) is not type:
        return None
    data = b'ab' * 100
    n = 16
    offs = [W * i for i in range(n)]
    objs, states = [], []
    for level in (1, 2):
        c = BT(level)
        c.compress(data)
        z = id(c) + 2 * W
        h = words(z, 10)
        if h[1] >> 32 != len(data) or h[2] & 0xffffffff or not h[BZ_STATE] or not h[7] or not h[8]:
            return None
        s = _deref_words(z + BZ_STATE * W, offs)
        if len(s) != n or s[0] != z:
            return None
        objs.append(c)
        states.append(s)
    M = _find_u32(states, [(100000 - 19,), (200000 - 19,)], 2, 2 * n)
    if M is None:
        return None
    end = 4 * (M + 1)
    offs = offs[:(end + W - 1) // W]

    def extra(o):
        """Bytes of libbzip2 state behind o, or None when unsure."""
        z = id(o) + 2 * W
        s = _deref_words(z + BZ_STATE * W, offs)
        if not s:
            return 0
        if s[0] != z:
            return None
        k, r = divmod(_u32(s, M) + 19, 100000)
        if r or not 1 <= k <= 9:
            return None
        k *= 100000
        return end + 4 * k + 4 * (k + 34) + 4 * 65537

    for level, c in zip((1, 2), objs):
        if extra(c) != end + 800000 * level + 4 * 34 + 4 * 65537:
            return None
    return BT, extra


def c_state_sizers():
    """[(C type, extra)]: extra(o) -> bytes of C library state o owns that
    sys.getsizeof leaves out (0: none; None: the checks failed, size left
    as it is). zlib.Compress, zlib.Decompress, 3.12+ zlib._ZlibDecompressor,
    bz2.BZ2Compressor (once _bz2 is imported)."""
    return _C_READERS['state']


def _decompressobj(wb):
    import zlib
    return zlib.decompressobj(wb)


def _zlib_decompressor(wb):
    import zlib
    return zlib._ZlibDecompressor(wb)


_C_READERS = {'pickle': [], 'state': []}
_C_TRIED = set()


def _loaded_module(name):
    """sys.modules[name] if it is a module, looked up without user code
    (_safe.str_get: sys.modules may hold str-subclass keys and any object)."""
    m = _safe.str_get(sys.modules, name)
    return m if type(m) is types.ModuleType else None


def _module_attr(name, attr):
    """A loaded module's attribute, read from its dict (no __getattr__)."""
    m = _loaded_module(name)
    if m is None:
        return None
    d = _safe.module_dict(m)
    return _safe.str_get(d, attr) if type(d) is dict else None


def refresh_c_readers():
    """Build the readers of C types whose module was imported since the last
    call (zlib is imported with the exporter; _pickle and _bz2 are not
    imported for this: only once the process has them). Called at import
    and before each dump, never during the walk: the probes are made and
    dropped here. Each module is tried once per process."""
    if words is None or not DEREF_ATOMIC:
        return
    todo = []
    # the names are tried once per process: sys.modules is scanned (a copy of
    # its items, _safe.str_get) only while one of them is still untried
    if 'zlib' not in _C_TRIED and _loaded_module('zlib') is not None:
        _C_TRIED.add('zlib')
        todo.append(('state', _make_deflate_sizer))
        todo.append(('state', lambda: _make_inflate_sizer(_decompressobj)))
        if _module_attr('zlib', '_ZlibDecompressor') is not None:
            todo.append(('state', lambda: _make_inflate_sizer(_zlib_decompressor)))
    bz = 'bz2' if PY2 else '_bz2'
    if bz not in _C_TRIED and _loaded_module(bz) is not None:
        _C_TRIED.add(bz)
        todo.append(('state', _make_bz2_compressor_sizer))
    _pickle = None
    if not PY2 and ATOMIC and '_pickle' not in _C_TRIED:
        _pickle = _loaded_module('_pickle')
    if _pickle is not None:
        _C_TRIED.add('_pickle')
        todo.append(('pickle', lambda: (_pickle.Pickler, _make_pickler_memo_reader())))
        todo.append(('pickle', lambda: (_pickle.Unpickler, _make_unpickler_memo_reader())))
    for kind, make in todo:
        got = _built(make)
        if got is not None and got[1] is not None:
            _C_READERS[kind].append(got)


# ---------------------------------------------------------------- heap types' __slots__
class _SlotsProbe(object):
    """Module level: its type's layout is checked at import."""
    __slots__ = ('probe_b', 'probe_a')


def _make_type_slots_reader():
    """A class with __slots__ keeps its slot names in ht_slots, a tuple of
    its own (sorted, mangled), after ht_name (then ht_qualname, 3.3+),
    which type_traverse does not visit. A type never changes it."""
    T = _SlotsProbe
    name, qual = _safe.type_name, _safe.type_qualname
    nw = _safe.type_basicsize(type) // W
    w = list(words(id(T), nw))
    at = [i for i in range(2, nw - 1) if w[i] == id(name(T)) and w[i + 1] and
          (PY2 or i + 2 < nw and w[i + 2] == id(qual(T)))]
    if len(at) != 1:
        return None
    off = at[0] * W

    def read(t):
        h = words(id(t) + off, 2 if PY2 else 3)
        if h[0] != id(name(t)) or not h[1] or (not PY2 and h[2] != id(qual(t))):
            return None
        x = obj_at(id(t) + off + W)
        return x if type(x) is tuple else None
    got = read(T)
    if got is None or list(got) != ['probe_a', 'probe_b'] or got is T.__dict__['__slots__']:
        return None
    return read


def type_slots_reader():
    """read(heap type) -> its ht_slots tuple, or None (no __slots__, or a
    check failed)."""
    return _TYPE_SLOTS_READER


# ---------------------------------------------------------------- instance dicts of C types
def c_dict_reader(t):
    """For a C type whose instances keep their __dict__ at a fixed offset
    (tp_dictoffset > 0, inside the object): read(o) -> the dict's address
    or 0. The __dict__ getter would create a missing dict. None when t has
    no such slot."""
    if words is None:
        return None
    try:
        off = _safe.type_dictoffset(t)
        if not (0 < off <= _safe.type_basicsize(t) - W) or off % W:
            return None
    except Exception:
        return None

    def read(o):
        return word(id(o) + off)
    return read


# ---------------------------------------------------------------- singletons
def _cached(make, arg):
    a = make(arg)
    b = make(arg)
    return a if a is b else None


def _empty(s):
    return s[1:1]


def singletons():
    """The objects this interpreter caches for its whole life and hands out
    again and again (small ints, one-character strings, 1-byte bytes, the
    empty str/bytes/tuple, None, True, False, Ellipsis, NotImplemented),
    each made twice from scratch and kept when both are the same object."""
    out = [None, True, False, Ellipsis, NotImplemented]
    for i in range(-10, 300):
        out.append(_cached(int, '%d' % i))
    for i in range(256):
        out.append(_cached(chr, i))
        if PY2:
            out.append(_cached(unichr, i))  # noqa: F821
        else:
            out.append(_cached(bytes, [i]))
    out.append(_cached(_empty, 'ab'))
    out.append(_cached(_empty, b'ab'))
    out.append(_cached(tuple, []))
    out.append(_cached(frozenset, []))
    if PY2:
        out.append(_cached(_empty, u'ab'))
    seen = set()
    uniq = []
    for x in out:  # (_cached's None for "not cached" is None itself, listed first)
        if id(x) not in seen:
            seen.add(id(x))
            uniq.append(x)
    return uniq


_FRAME_READER = _FUNCTION_READER = _CODE_READER = _BYTESIO_READER = _TYPE_SLOTS_READER = None
_STRINGIO_READERS = _YOUNG_READER = None
if words is not None:
    _TYPE_SLOTS_READER = _built(_make_type_slots_reader)
    _FRAME_READER = _built(_make_frame_reader_new if PYV >= (3, 11) else _make_frame_reader_old)
    _FUNCTION_READER = _built(_make_function_reader)
    _CODE_READER = _built(_make_code_reader)
    _BYTESIO_READER = _built(_make_bytesio_reader)
    _STRINGIO_READERS = _built(_make_stringio_readers)
    _YOUNG_READER = _built(_make_young_reader)
refresh_c_readers()
SINGLETONS = singletons()
_safe.register_module(globals())
