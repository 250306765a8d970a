"""Safe introspection helpers: no user code is ever called.

Everything here reads C-level state through builtin descriptors looked up on
the builtin types themselves (``type.__dict__['__mro__'].__get__``,
``dict.items(d)`` ...), never through attribute access on the inspected
object, so user ``__getattribute__``, ``__getattr__``, properties,
``__repr__``, ``__eq__``, ``__hash__`` and ``__len__`` are never run.
"""
import gc
import sys
import types

PY2 = sys.version_info[0] == 2
PYV = sys.version_info[:2]

if PY2:  # pragma: no cover - exercised on 2.7 only
    text_types = (str, unicode)  # noqa: F821
    int_types = (int, long)  # noqa: F821
    ClassType = types.ClassType
    InstanceType = types.InstanceType
    BUILTIN_MODULES = ('__builtin__', 'exceptions')
else:
    text_types = (str,)
    int_types = (int,)
    ClassType = None
    InstanceType = None
    BUILTIN_MODULES = ('builtins',)

get_referents = gc.get_referents

_tdict = type.__dict__
type_mro = _tdict['__mro__'].__get__
type_bases = _tdict['__bases__'].__get__
type_name = _tdict['__name__'].__get__
type_module = _tdict['__module__'].__get__
type_flags = _tdict['__flags__'].__get__
type_dictproxy = _tdict['__dict__'].__get__
type_basicsize = _tdict['__basicsize__'].__get__
type_dictoffset = _tdict['__dictoffset__'].__get__
if '__qualname__' in _tdict:
    type_qualname = _tdict['__qualname__'].__get__
else:  # 2.7
    type_qualname = type_name

dict_get = dict.get
dict_contains = dict.__contains__
dict_items = dict.items
dict_len = dict.__len__

Py_TPFLAGS_HEAPTYPE = 1 << 9
Py_TPFLAGS_HAVE_GC = 1 << 14
Py_TPFLAGS_MANAGED_DICT = 1 << 4

member_descriptor = type(types.FunctionType.__dict__['__globals__'])
getset_descriptor = type(types.FunctionType.__dict__['__code__'])
method_descriptor = type(list.__dict__['append'])
wrapper_descriptor = type(object.__dict__['__sizeof__']) if PY2 else type(object.__dict__['__init__'])
_builtin_sizeof_types = (method_descriptor, type(object.__dict__['__sizeof__']))


def class_dict(c):
    """The real dict of class ``c`` (tp_dict), or None."""
    try:
        if PY2 and type(c) is ClassType:
            # classobj traverse: cl_bases, cl_dict, cl_name, ...
            return get_referents(c)[1]
        proxy = type_dictproxy(c)
        for r in get_referents(proxy):
            if type(r) is dict:
                return r
    except Exception:
        pass
    return None


def mro(t):
    try:
        m = type_mro(t)
        if type(m) is tuple:
            return m
    except Exception:
        pass
    return (t,)


def mro_lookup(t, name):
    """Find ``name`` in the dicts of t's MRO; returns (found, value, owner)."""
    for c in mro(t):
        d = class_dict(c)
        if d is not None and dict_contains(d, name):
            return True, dict_get(d, name), c
    return False, None, None


def among(x, seq):
    """``x in seq`` by identity only: ``in`` would call a metaclass's
    ``__eq__`` when ``x`` or an item is a class of a user metaclass."""
    for y in seq:
        if x is y:
            return True
    return False


def is_str(x):
    return among(type(x), text_types)


def type_fullname(t):
    """'module.qualname' for types outside builtins, computed without user code."""
    try:
        if PY2 and type(t) is ClassType:
            r = get_referents(t)
            name = r[2] if len(r) > 2 and type(r[2]) is str else '?'
            d = r[1] if len(r) > 1 and type(r[1]) is dict else {}
            mod = dict_get(d, '__module__')
        else:
            name = type_qualname(t)
            try:
                mod = type_module(t)
            except Exception:
                mod = None
        if not is_str(name):
            name = '?'
        if not is_str(mod) or mod in BUILTIN_MODULES:
            return name
        return mod + '.' + name
    except Exception:
        return '?'


def type_module_name(t):
    try:
        if PY2 and type(t) is ClassType:
            mod = dict_get(get_referents(t)[1], '__module__')
        else:
            mod = type_module(t)
        if is_str(mod):
            return mod
    except Exception:
        pass
    return None


def is_heap_type(t):
    try:
        return bool(type_flags(t) & Py_TPFLAGS_HEAPTYPE)
    except Exception:
        return False


def is_gc_type(t):
    try:
        return bool(type_flags(t) & Py_TPFLAGS_HAVE_GC)
    except Exception:
        return False


def safe_issubclass(t, base):
    """issubclass on two real types: PyType_IsSubtype, no __subclasscheck__."""
    try:
        if PY2 and type(t) is ClassType:
            return False
        return among(base, mro(t))
    except Exception:
        return False


def finalizer_of(t):
    """'del' when a class in the MRO defines __del__ (tp_finalize / slot_tp_del),
    'tp_del' for 2.7 generators (C tp_del), else None."""
    if PY2:
        if t is types.GeneratorType:
            return 'tp_del'
    for c in mro(t):
        if c is object:
            continue
        d = class_dict(c)
        if d is not None and dict_contains(d, '__del__'):
            return 'del'
    return None


def classic_finalizer(cls, _depth=0):
    """2.7 old-style class (classobj): does it or a base define __del__?"""
    if _depth > 100:
        return None
    try:
        r = get_referents(cls)
        bases, d = r[0], r[1]
        if type(d) is dict and dict_contains(d, '__del__'):
            return 'del'
        if type(bases) is tuple:
            for b in bases:
                if type(b) is ClassType and classic_finalizer(b, _depth + 1):
                    return 'del'
                if type(b) is not ClassType and finalizer_of(b):
                    return 'del'
    except Exception:
        pass
    return None


# ---------------------------------------------------------------- sizes
def _gc_overhead():
    try:
        return sys.getsizeof([]) - list.__sizeof__([])
    except Exception:
        return 0


GC_OVERHEAD = _gc_overhead()


def sizeof_plan(t):
    """Return a callable computing the shallow size of instances of t without
    calling a user-defined __sizeof__: sys.getsizeof when the __sizeof__ found
    on the MRO is builtin, else the nearest builtin __sizeof__ + GC header."""
    found, meth, owner = mro_lookup(t, '__sizeof__')
    if found and among(type(meth), _builtin_sizeof_types):
        return None  # sys.getsizeof is safe
    # user-defined __sizeof__: use the first builtin one further down the MRO
    extra = GC_OVERHEAD if is_gc_type(t) else 0
    for c in mro(t):
        d = class_dict(c)
        if d is None:
            continue
        m = dict_get(d, '__sizeof__')
        if m is not None and among(type(m), _builtin_sizeof_types):
            def size(o, _m=m, _extra=extra):
                return _m(o) + _extra
            return size
    def size0(o):
        return 0
    return size0


# ---------------------------------------------------------------- len / values
def len_func(t):
    """Unbound builtin __len__ for instances of builtin containers/strings."""
    import collections
    cands = [list, tuple, dict, set, frozenset, bytes, bytearray, collections.deque]
    cands += list(text_types)
    for c in mro(t):
        if among(c, cands):
            return c.__len__
    return None


_PEEK = []


class _ManagedDictProbe(object):
    """Module level on purpose: a class made inside a function is a
    reference cycle that lingers after the check and would show in dumps."""


def managed_dict_peek_ok():
    """The peek function (or None), validated once per process: a probe
    class made at every dump would linger (a type is a reference cycle) and
    show up in the next dump."""
    if not _PEEK:
        _PEEK.append(_make_managed_dict_peek())
    return _PEEK[0]


def _make_managed_dict_peek():
    """3.11+: can we read an instance's materialized managed dict pointer
    (3 words before the object) with ctypes? Validated on a probe."""
    if PYV < (3, 11):
        return None
    try:
        import ctypes

        _Probe = _ManagedDictProbe
        p = _Probe()
        p.a = 1
        d = p.__dict__
        word = ctypes.c_size_t.from_address(id(p) - 3 * ctypes.sizeof(ctypes.c_void_p))
        if word.value != id(d):
            return None
        q = _Probe()
        q.a = 1  # inline values, no dict
        v = ctypes.c_size_t.from_address(id(q) - 3 * ctypes.sizeof(ctypes.c_void_p)).value
        if v != 0 and not (v & 1):
            return None
        wsize = ctypes.sizeof(ctypes.c_void_p)
        from_address = ctypes.c_size_t.from_address

        def peek(o):
            v = from_address(id(o) - 3 * wsize).value
            if v and not (v & 1):
                return v
            return 0
        return peek
    except Exception:
        return None


def atexit_module_traverses_registry(m):
    """3.6-3.9 keep the atexit callbacks in the atexit module's state and its
    m_traverse visits them: gc.get_referents(module) reports them after the
    module dict. 3.10+ keep them in the interpreter state (not visible);
    2.7 has atexit._exithandlers (a list, found through the module dict)."""
    if not ((3, 0) <= PYV < (3, 10) and type(m) is types.ModuleType):
        return False
    try:
        # by name: a hot reload that drops 'atexit' from sys.modules makes
        # new copies of the module, each with its own registry
        return dict_get(_module_dict(m), '__name__') == 'atexit' and type(dict_get(_module_dict(m), '__name__')) is str
    except Exception:
        return False


_module_dict = types.ModuleType.__dict__['__dict__'].__get__


# ---------------------------------------------------------------- exporter frames
exporter_globals = set()
frame_globals = types.FrameType.__dict__['f_globals'].__get__
frame_back = types.FrameType.__dict__['f_back'].__get__


def register_module(g):
    exporter_globals.add(id(g))


def is_exporter_frame(f):
    try:
        return id(frame_globals(f)) in exporter_globals
    except Exception:
        return False


register_module(globals())
# at import, so the probe class and the ctypes import predate every dump
managed_dict_peek_ok()
