"""tracemalloc's allocation hooks, set aside while a dump walks the heap.

With tracemalloc on, every allocation the exporter makes (an int for each
id(), each line it formats) was traced: tracemalloc captured its traceback,
and on 3.11+ each frame's line number costs a scan of the code's line table
from its start, so a dump took 50-400x longer (issue 19). The walk needs
tracemalloc's table of existing traces (to read the objects' allocation
sites), not the tracing of its own allocations.

tracemalloc_start() installs its hooks with PyMem_SetAllocator for the
PYMEM_DOMAIN_MEM and PYMEM_DOMAIN_OBJ domains, each hook's ctx pointing at
the allocator it replaced. ``pause()`` puts those allocators back for the
two domains (public C API, through ctypes), and its ``resume`` reinstalls
the hooks. Both domains are only used with the GIL held, so no other thread
can be inside them while they change. The raw domain (used without the GIL)
is left hooked: the exporter's large buffers stay traced (one frame each
when the flag below is cleared).

The swap is checked before it is trusted: a fresh allocation must go
untraced while paused and traced again after resume; otherwise (another
hook sits on top of tracemalloc's, an unknown layout) the hooks are put back
at once and the dump runs traced, as before.

While paused, blocks the exporter allocates carry no trace (they are its
own), and blocks freed meanwhile keep theirs until their address is reused:
tracemalloc's traced-memory figure may stay higher by what other threads
freed during the dump (the dump's header records it before the pause).

Swapping the allocators is not enough on 3.8+: while tracemalloc's
``tracing`` flag is set, every new object (_Py_NewReference) looks up its
block's trace and, when there is one (an object from a free list, a block
traced before the pause and freed during it), captures a new traceback for
it, up to the traceback limit, each frame's line number costing a scan of
its code's line table. The walk's churn hit those traces all the time, so a
paused dump still cost 2-9x. Where the flag's address is known (the exported
_Py_tracemalloc_config on 3.8-3.11; a known offset in _PyRuntime on 3.12 and
3.13), the pause also clears ``tracing`` and sets ``max_nframe`` to 0
(MIN_NFRAMES: 1 on 3.8); ``read`` sets the flag for the one lookup of an
object's traceback (which needs it), so only the lookups' own tuples may
capture a traceback. The raw domain stays hooked (see above): its blocks,
the exporter's allocations over 512 bytes among them, are traced all
through the pause. With a limit of 0 their traceback is tracemalloc's own
empty one (one frame, "<unknown>:0") and costs no line-number scan: with 1
it cost the scan of the exporter's walk function, a fifth of a paused
dump's extra work at depth 25 (callgrind, 3.12). 3.8 stops filling
frames only when their count *equals* the limit (3.9+ check it before each
frame), so 0 there would write past the traceback buffer: 1 on 3.8. The
address is trusted only when the struct there holds what
tracemalloc reports (initialized, tracing, the traceback limit) and
clearing the flag makes is_tracing() say False; otherwise only the
allocators are swapped, as above. On 3.13+ tracemalloc hears of new
objects through the reference tracer instead, which does not look at the
flag: the pause sets it aside too (PyRefTracer_SetTracer(NULL), public C
API; a tracer another tool installed is set aside the same way). resume()
puts the tracer and both fields back first.
A thread that starts or stops tracemalloc during an in-process dump is not
supported (is_tracing() reads False meanwhile).
"""
import sys

try:
    import _tracemalloc
except ImportError:  # 2.7
    _tracemalloc = None

_PYMEM_DOMAIN_MEM = 1
_PYMEM_DOMAIN_OBJ = 2

# made at import, as the exporter's other ctypes helpers: a dump creates only
# the two pairs of allocator structs it swaps
try:
    import ctypes

    class _Allocator(ctypes.Structure):  # PyMemAllocatorEx (3.5+)
        _fields_ = [('ctx', ctypes.c_void_p), ('malloc', ctypes.c_void_p), ('calloc', ctypes.c_void_p),
                    ('realloc', ctypes.c_void_p), ('free', ctypes.c_void_p)]
    _get = ctypes.pythonapi['PyMem_GetAllocator']  # item access: nothing cached on pythonapi
    _put = ctypes.pythonapi['PyMem_SetAllocator']
    _get.argtypes = _put.argtypes = [ctypes.c_int, ctypes.POINTER(_Allocator)]
    _get.restype = _put.restype = None
    _ref = ctypes.byref
except Exception:  # no ctypes, or no such API (2.7)
    _get = None

# the frame limit while paused (module doc): 3.9+ test it before filling a
# frame, 3.8 only after, so 0 would overrun its traceback buffer
MIN_NFRAMES = 0 if sys.version_info[:2] >= (3, 9) else 1

# where tracemalloc's config struct {initialized, tracing, max_nframe} sits,
# per (major, minor) of a default build (the offset into _PyRuntime read
# with gdb from each release's symbols: 3.12.1, 3.13.0). A patch release
# that moved it is found by _scan, within _SCAN bytes of that offset.
_RUNTIME_OFFSETS = {(3, 12): 2768, (3, 13): 10080}
_SCAN = 2048


def _runtime():
    """(address of the config as the release's offset says, whether that
    address is only a guess near the struct: 3.12+), or None where
    unknown."""
    if _get is None:
        return None
    try:
        flags = getattr(sys, 'abiflags', '')
        if hasattr(sys, 'gettotalrefcount') or 'd' in flags or 't' in flags:
            return None  # debug and free-threaded builds lay it out differently
        v = sys.version_info[:2]
        if (3, 8) <= v <= (3, 11):
            return ctypes.addressof(ctypes.c_int.in_dll(ctypes.pythonapi, '_Py_tracemalloc_config')), False
        if v in _RUNTIME_OFFSETS:
            return ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, '_PyRuntime')) + _RUNTIME_OFFSETS[v], True
    except Exception:
        pass
    return None


def _ints(base):
    """The three ints at ``base`` as c_int objects of ctypes's own type (no
    type of the exporter's making lives on)."""
    return tuple(ctypes.c_int.from_address(base + 4 * i) for i in range(3))


_where = _runtime()
_cfg = _ints(_where[0]) if _where else None


def _scan(limit):
    """The config's ints found near the release's offset (3.12+, where the
    offset is a guess for other patch releases than the one it was read
    from): the one 4-aligned place within _SCAN bytes that reads
    (initialized=1, tracing=1, max_nframe=limit), or None when there is no
    such place or more than one. Reads memory only; _clear_flag then
    checks the flag by clearing it."""
    if not _where or not _where[1]:
        return None
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, '_PyRuntime'))
    lo = max(runtime, _where[0] - _SCAN)
    raw = ctypes.string_at(lo, _where[0] + _SCAN - lo)
    ints = memoryview(raw).cast('i')
    hits = [i for i in range(len(ints) - 2) if ints[i] == 1 and ints[i + 1] == 1 and ints[i + 2] == limit]
    ints.release()
    if len(hits) != 1:
        return None
    return _ints(lo + 4 * hits[0])

# 3.13+: tracemalloc sees new objects through the reference tracer
# (PyRefTracer_SetTracer), which does not look at the tracing flag
try:
    _get_tracer = ctypes.pythonapi['PyRefTracer_GetTracer']
    _set_tracer = ctypes.pythonapi['PyRefTracer_SetTracer']
    _get_tracer.restype = ctypes.c_void_p
    _get_tracer.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    _set_tracer.restype = ctypes.c_int
    _set_tracer.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
except Exception:
    _get_tracer = None


def _traced(n=345):
    """Whether tracemalloc traces a fresh heap block: bytes of a length no
    free list serves, small enough for pymalloc (not the raw domain), made
    at run time (a constant expression would be folded into the code)."""
    b = b'r' * n
    return _tracemalloc._get_object_traceback(b) is not None


def pause():
    """Stop tracing new allocations, keeping the traces. Returns (resume,
    held, read, flag): call resume() to trace again; held lists the exporter
    objects the pause keeps (leave them out of the dump); read(fn, *args)
    calls a traceback lookup (fn: _get_object_traceback ...) so that it sees
    the traces. None when nothing was paused: not tracing, no ctypes, or the
    swap did not behave as checked. A fourth item, the tracing flag (a
    ctypes c_int) or None: where set, set its ``value`` to 1 around each
    lookup and back to 0, which is what read does."""
    if _tracemalloc is None or _get is None or not _tracemalloc.is_tracing():
        return None
    hooks, originals = [], []
    try:
        for domain in (_PYMEM_DOMAIN_MEM, _PYMEM_DOMAIN_OBJ):
            h = _Allocator()
            _get(domain, _ref(h))
            if not h.ctx:
                return None
            o = _Allocator.from_address(h.ctx)
            if not (o.malloc and o.free) or (o.malloc == h.malloc and o.free == h.free):
                return None
            hooks.append((domain, h))
            originals.append((domain, _Allocator(o.ctx, o.malloc, o.calloc, o.realloc, o.free)))
            o = h = None
        if not _traced():
            return None  # tracing does not reach these domains as expected
    except Exception:
        return None

    flag = []  # [cfg, limit] once the flag is cleared
    tracer = []  # [function, data] once the reference tracer is off

    def resume():
        if tracer:
            _set_tracer(tracer[0], tracer[1])
        if flag:
            cfg = flag[0]
            cfg[2].value = flag[1]
            cfg[1].value = 1
        for domain, h in hooks:
            _put(domain, _ref(h))

    for domain, o in originals:
        _put(domain, _ref(o))
    try:
        ok = not _traced()
    except Exception:
        ok = False
    if not ok:
        resume()
        return None
    read = _clear_flag(flag)
    if read is None:
        read = call
    elif _get_tracer is not None:
        data = ctypes.c_void_p()
        fn = _get_tracer(_ref(data))
        if fn and _set_tracer(None, None) == 0:
            tracer.extend((fn, data.value))
        data = fn = None
    held = [hooks, originals, resume, flag, tracer, read] + hooks + originals + [h for _, h in hooks] + [o for _, o in originals]
    held.extend(flag)
    held.extend(tracer)
    for fn in (resume, read):
        held.extend(fn.__closure__ or ())
    # the flag itself, for a caller that sets it around each lookup inline
    # (a Python call less per object than read)
    return resume, held, read, (flag[0][1] if flag else None)


def call(fn, *args):
    """A traceback lookup when tracing is not paused."""
    return fn(*args)


def _clear_flag(flag):
    """Clear tracemalloc's tracing flag and set its frame limit to MIN_NFRAMES (see
    the module's doc); fill ``flag`` with what resume() puts back. Returns
    read(fn, *args), which calls a traceback lookup with the flag set, or
    None when the flag's address is not trusted."""
    global _cfg
    cfg = _cfg
    if cfg is None:
        return None
    try:
        limit = _tracemalloc.get_traceback_limit()
        if cfg[0].value != 1 or cfg[1].value != 1 or cfg[2].value != limit:
            cfg = _scan(limit)
            if cfg is None:
                return None
        flag.extend((cfg, limit))
        cfg[2].value = MIN_NFRAMES
        cfg[1].value = 0
        if _tracemalloc.is_tracing():
            raise ValueError('not the flag')
        _cfg = cfg  # found by _scan: the next dump looks there first
    except Exception:
        if flag:
            cfg[1].value = 1
            cfg[2].value = flag[1]
            del flag[:]
        return None

    tracing = cfg[1]

    def read(fn, *args):
        tracing.value = 1
        try:
            return fn(*args)
        finally:
            tracing.value = 0
    return read
