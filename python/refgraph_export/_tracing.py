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
is left hooked: the exporter's large buffers stay traced, which is cheap.

The swap is checked before it is trusted: a fresh allocation must go
untraced while paused and traced again after resume; otherwise (another
hook sits on top of tracemalloc's, an unknown layout) the hooks are put back
at once and the dump runs traced, as before.

While paused, blocks the exporter allocates carry no trace (they are its
own), and blocks freed meanwhile keep theirs until their address is reused:
tracemalloc's traced-memory figure may stay higher by what other threads
freed during the dump (the dump's header records it before the pause).
"""
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


def _traced(n=345):
    """Whether tracemalloc traces a fresh heap block: bytes of a length no
    free list serves, small enough for pymalloc (not the raw domain), made
    at run time (a constant expression would be folded into the code)."""
    b = b'r' * n
    return _tracemalloc._get_object_traceback(b) is not None


def pause():
    """Stop tracing new allocations, keeping the traces. Returns (resume,
    held): call resume() to trace again; held lists the exporter objects the
    pause keeps (leave them out of the dump). None when nothing was paused:
    not tracing, no ctypes, or the swap did not behave as checked."""
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

    def resume():
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
    held = [hooks, originals, resume] + hooks + originals + [h for _, h in hooks] + [o for _, o in originals]
    held.extend(resume.__closure__ or ())
    return resume, held
