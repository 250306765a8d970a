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

try:  # a JSON string literal, by the C encoder json.dumps uses (ensure_ascii)
    from json.encoder import encode_basestring_ascii as json_string
except ImportError:  # pragma: no cover
    import json as _json

    def json_string(s):
        return _json.dumps(s)

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


_itemgetter0 = __import__('operator').itemgetter(0)
_ID_STR = id(str)


def str_lookup(d, key):
    """(found, value) for the exact-str ``key`` in the dict ``d``, never
    calling a key's ``__eq__`` or ``__hash__``. ``dict.get(d, key)`` is not
    safe: a key of a str subclass whose (stored) hash equals hash(key) is
    compared with ``key``, and the subclass's ``__eq__`` is tried first. The
    items are copied in one C call (atomic under the GIL: no other thread
    can add a key in between); when every key is an exact str (their types
    are compared by id, at C speed) the copy is made a dict and looked up,
    which compares str with str only; otherwise it is scanned, comparing only
    exact str keys (identity first)."""
    items = list(dict_items(d))
    if not items:
        return False, None
    tids = set(map(id, map(type, map(_itemgetter0, items))))
    if len(tids) == 1 and _ID_STR in tids:
        c = dict(items)
        if dict_contains(c, key):
            return True, dict_get(c, key)
        return False, None
    for k, v in items:
        if k is key or (type(k) is str and str.__eq__(k, key) is True):
            return True, v
    return False, None


def str_get(d, key, default=None):
    """dict.get(d, key) for an exact-str key without user code (str_lookup)."""
    found, v = str_lookup(d, key)
    return v if found else default


def plain_str(x):
    """x as an exact str (2.7: str or unicode), copied out of a str
    subclass with the base type's own ``__str__`` (no method of the subclass
    runs), or None when x is not text. Names read from objects (a module's
    ``__name__``, a class's ``__module__``) may be str subclasses; comparing,
    concatenating or calling a method on one would run its overrides."""
    t = type(x)
    if t is str or (PY2 and t is unicode):  # noqa: F821
        return x
    try:
        if safe_issubclass(t, str):
            return str.__str__(x)
        if PY2 and safe_issubclass(t, unicode):  # noqa: F821
            return unicode.__getslice__(x, 0, unicode.__len__(x))  # noqa: F821
    except Exception:
        pass
    return None


def mro_lookup(t, name):
    """Find ``name`` in the dicts of t's MRO; returns (found, value, owner)."""
    for c in mro(t):
        d = class_dict(c)
        if d is not None:
            found, v = str_lookup(d, name)
            if found:
                return True, v, c
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


def among_text(s, seq):
    """``s in seq`` for an exact str s and a tuple of exact str."""
    for y in seq:
        if s is y or s == y:
            return True
    return False


def type_fullname(t):
    """'module.qualname' for types outside builtins, computed without user code."""
    try:
        if PY2 and type(t) is ClassType:
            r = get_referents(t)
            name = r[2] if len(r) > 2 and type(r[2]) is str else '?'
            d = r[1] if len(r) > 1 and type(r[1]) is dict else {}
            mod = str_get(d, '__module__')
        else:
            name = type_qualname(t)
            mod = _type_module(t)
        name = plain_str(name)
        if name is None:
            name = '?'
        mod = plain_str(mod)
        if mod is None or among_text(mod, BUILTIN_MODULES):
            return name
        return mod + '.' + name
    except Exception:
        return '?'


def _type_module(t):
    """t.__module__ without user code: a heap type's is read from its dict
    with str_get (type's own getter looks it up with a dict lookup, which
    compares with a colliding str-subclass key); a static type's comes from
    tp_name, no dict involved."""
    try:
        if is_heap_type(t):
            d = class_dict(t)
            return str_get(d, '__module__') if d is not None else None
        return type_module(t)
    except Exception:
        return None


def plain_keys(d):
    """Every key of dict d is an exact str (types compared by id, in C)."""
    items = list(dict_items(d))
    tids = set(map(id, map(type, map(_itemgetter0, items))))
    return not tids or (len(tids) == 1 and _ID_STR in tids)


def type_module_name(t):
    try:
        if PY2 and type(t) is ClassType:
            mod = str_get(get_referents(t)[1], '__module__')
        else:
            mod = _type_module(t)
        return plain_str(mod)
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


_str_repr = str.__repr__
_int_repr = int.__repr__
_int_bitlen = int.bit_length
if PY2:
    _unicode_repr = unicode.__repr__  # noqa: F821


def dict_label(kk):
    """The label of a dict's value under key kk: "['key']" for an exact str
    (repr by str.__repr__), "[3]" for an exact int, "[<type>]" otherwise;
    at most 60 characters."""
    tk = type(kk)
    if tk is str:
        r = '[' + _str_repr(kk[:56]) + ']'
        return r if len(r) <= 60 else r[:59] + ']'
    if tk is int:
        return ('[' + _int_repr(kk) + ']')[:60] if _int_bitlen(kk) < 190 else '[<int>]'
    if PY2 and tk is unicode:  # noqa: F821
        r = '[' + _unicode_repr(kk[:56]) + ']'
        return r if len(r) <= 60 else r[:59] + ']'
    return ('[<' + type_fullname(tk) + '>]')[:60]


# ---------------------------------------------------------------- sizes
def _gc_overhead():
    try:
        return sys.getsizeof([]) - list.__sizeof__([])
    except Exception:
        return 0


GC_OVERHEAD = _gc_overhead()


def _mro_dicts_plain(t):
    for c in mro(t):
        d = class_dict(c)
        if d is not None and not plain_keys(d):
            return False
    return True


def sizeof_plan(t):
    """Return a callable computing the shallow size of instances of t without
    calling a user-defined __sizeof__: sys.getsizeof when the __sizeof__ found
    on the MRO is builtin, else the nearest builtin __sizeof__ + GC header."""
    found, meth, owner = mro_lookup(t, '__sizeof__')
    if found and among(type(meth), _builtin_sizeof_types) and _mro_dicts_plain(t):
        return None  # sys.getsizeof is safe
    # a user-defined __sizeof__, or a class dict on the MRO with a key that is
    # not an exact str: sys.getsizeof's own lookup of '__sizeof__' compares
    # with a colliding str-subclass key (its __eq__ would run)
    # user-defined __sizeof__: use the first builtin one further down the MRO
    extra = GC_OVERHEAD if is_gc_type(t) else 0
    for c in mro(t):
        d = class_dict(c)
        if d is None:
            continue
        m = str_get(d, '__sizeof__')
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


# ---------------------------------------------------------------- 3.11+ ctypes readers
# Two structures CPython 3.11+ does not expose to Python, read with ctypes
# for edge labels only. Every layout assumption is checked once at import on
# module-level probes, and again on each object before anything behind a
# pointer is read: a pointer is only followed when the word next to it holds
# the id() of an object obtained through a builtin getter. Values read are
# only ever compared with id()s of gc.get_referents() results, never turned
# into objects, except attribute names, whose type word is checked first.
# Any failed check gives None, and the caller leaves the labels null.

class _InlineValuesProbe(object):
    """Module level on purpose, like _ManagedDictProbe."""


def _probe_generator(arg):
    """Module level: its frame layout is checked at import."""
    local = [arg]
    yield local


_INLINE = []
_GENFRAME = []
# DICT_KEYS_SPLIT in CPython's DictKeysKind (3.11-3.13)
_DICT_KEYS_SPLIT = 2
_MAX_SHARED_KEYS = 255  # 3.13 keeps the capacity in a uint8; 3.11/3.12 stop at 30


def _words_reader(ctypes, W):
    """words(addr, n): the n machine words at addr, as an array of ints.
    Through string_at and array.array, not ctypes array types: ``c_size_t *
    n`` makes a new type the first time (cached by ctypes for ever), and
    nothing a dump makes may outlive it."""
    import array
    for tc in ('L', 'Q'):
        try:
            if array.array(tc).itemsize == W:
                break
        except ValueError:
            pass
    else:
        return None
    A = array.array
    string_at = ctypes.string_at

    def words(addr, n):
        return A(tc, string_at(addr, n * W))
    return words


def inline_values_reader():
    """(type_labels, instance_values, inline_basicsize) for 3.11+ instances
    whose attributes are kept as inline values, or None when this
    interpreter's layout did not pass the checks (or before 3.11, or without
    ctypes).

    type_labels(t) -> ['.name', ...] in the order of t's shared keys
    (ht_cached_keys), or None; instance_values(o, n, basicsize) ->
    (dict_address, [value addresses, at most n] or None when the values
    live in the dict); inline_basicsize(t) -> offset of the inline values on
    3.13+ (0 before, None when t has none)."""
    if not _INLINE:
        try:
            _INLINE.append(_make_inline_values_reader())
        except Exception:
            _INLINE.append(None)
    return _INLINE[0]


def _make_inline_values_reader():
    if PYV < (3, 11) or sys.byteorder != 'little':
        return None
    import ctypes
    W = ctypes.sizeof(ctypes.c_void_p)
    if W != ctypes.sizeof(ctypes.c_size_t):
        return None
    word = ctypes.c_size_t.from_address
    words = _words_reader(ctypes, W)
    if words is None:
        return None

    py_object_at = ctypes.py_object.from_address
    str_id = id(str)
    Py_TPFLAGS_INLINE_VALUES = 1 << 2  # 3.13+

    # 1. where ht_name, ht_slots, ht_qualname, ht_cached_keys sit in a heap
    #    type: the probe has no __slots__ (ht_slots NULL).
    T = _InlineValuesProbe
    nwords = type_basicsize(type) // W
    tw = words(id(T), nwords)
    name_id = id(type_name(T))
    qual_id = id(type_qualname(T))
    cand = [i for i in range(nwords - 3)
            if tw[i] == name_id and tw[i + 1] == 0 and tw[i + 2] == qual_id and tw[i + 3]]
    if len(cand) != 1:
        return None
    i_name = cand[0]
    name_off = i_name * W
    tw = None

    def type_keys(t):
        """Address of t's shared keys, after checking that the words beside
        it are t's ht_name and ht_qualname."""
        w = words(id(t) + name_off, 4)
        if w[0] != id(type_name(t)) or w[2] != id(type_qualname(t)) or not w[3]:
            return 0
        return w[3]

    def type_labels(t):
        try:
            keys = type_keys(t)
            if not keys:
                return None
            # PyDictKeysObject: dk_refcnt; log2_size, log2_index_bytes,
            # kind (bytes), dk_version; dk_usable; dk_nentries; indices
            h = words(keys, 4)
            refcnt, b, usable, nentries = h
            log2_size = b & 0xff
            log2_index_bytes = (b >> 8) & 0xff
            kind = (b >> 16) & 0xff
            size = 1 << log2_size if log2_size < 32 else 0
            if not (refcnt >= 1 and kind == _DICT_KEYS_SPLIT and 3 <= log2_size <= 16
                    and log2_index_bytes in (log2_size, log2_size + 1, log2_size + 2)
                    and 0 <= nentries and 0 <= usable and nentries + usable <= size
                    and nentries <= _MAX_SHARED_KEYS):
                return None
            entries = keys + 4 * W + (1 << log2_index_bytes)
            labels = []
            for i in range(nentries):
                slot = entries + 2 * W * i  # PyDictUnicodeEntry: me_key, me_value
                p = word(slot).value
                if not p or p % W:
                    return None
                head = words(p, 2)  # ob_refcnt, ob_type
                if head[1] != str_id or head[0] == 0:
                    return None
                k = py_object_at(slot).value
                if type(k) is not str:
                    return None
                labels.append('.' + k)
            return labels
        except Exception:
            return None

    if PYV >= (3, 13):
        def instance_values(o, n, basicsize):
            a = id(o)
            d = word(a - 3 * W).value
            # inline values right after the object: capacity, size,
            # embedded, valid (uint8 each), then the values
            h = word(a + basicsize).value
            if not (h >> 24) & 0xff:
                return d, None  # values moved into the dict
            cap = h & 0xff
            if cap < n:
                n = cap
            return d, (words(a + basicsize + W, n) if n > 0 else [])
    elif PYV >= (3, 12):
        def instance_values(o, n, basicsize):
            v = word(id(o) - 3 * W).value  # PyDictOrValues: dict, or values - 1
            if v & 1:
                return 0, (words(v + 1, n) if n > 0 else [])
            return v, None
    else:
        def instance_values(o, n, basicsize):
            w = words(id(o) - 4 * W, 2)  # values, dict
            if w[1] or not w[0]:
                return w[1], None
            return 0, (words(w[0], n) if n > 0 else [])

    def inline_basicsize(t):
        """3.13+: offset of the inline values (None when t has none)."""
        if PYV < (3, 13):
            return 0
        if not (type_flags(t) & Py_TPFLAGS_INLINE_VALUES):
            return None
        return type_basicsize(t)

    # 2. check it all on the probe: two attributes, then a materialised dict
    x, y = [], []
    q = T()
    q.first_attribute = x
    q.second_attribute = y
    labels = type_labels(T)
    if labels is None or labels[:2] != ['.first_attribute', '.second_attribute']:
        return None
    bs = inline_basicsize(T)
    if bs is None:
        return None
    r = instance_values(q, 2, bs)
    if r is None or r[0] != 0 or list(r[1]) != [id(x), id(y)]:
        return None
    p = T()
    p.first_attribute = x
    d = p.__dict__
    r = instance_values(p, 1, bs)
    if r is None or r[0] != id(d):
        return None
    if r[1] is not None and list(r[1]) != [id(x)]:  # 3.13: the dict may share the inline values
        return None
    del p, q, d, x, y, r
    return type_labels, instance_values, inline_basicsize


def generator_frame_reader():
    """3.11+: read_locals(gen, code) -> [(address, '.name')] for the local
    variables of a generator's, coroutine's or async generator's embedded
    frame (_PyInterpreterFrame.localsplus, names from the code object), or
    None when the frame is finished or a check fails. None before 3.11."""
    if not _GENFRAME:
        try:
            _GENFRAME.append(_make_generator_frame_reader())
        except Exception:
            _GENFRAME.append(None)
    return _GENFRAME[0]


_varname_from_oparg = getattr(types.CodeType, '_varname_from_oparg', None)


def localsplus_labels(code):
    """3.11+: ['.name', ...] for code's localsplus slots, in slot order (an
    argument that is also a cell has one slot); None for a slot without a
    str name. Read through CodeType's own _varname_from_oparg."""
    out = []
    i = 0
    while i < 65536:
        try:
            nm = _varname_from_oparg(code, i)
        except Exception:  # IndexError past co_nlocalsplus
            break
        out.append('.' + nm if type(nm) is str else None)
        i += 1
    return out


def _make_generator_frame_reader():
    if PYV < (3, 11) or sys.byteorder != 'little':
        return None
    import ctypes
    W = ctypes.sizeof(ctypes.c_void_p)
    if W != 8:
        return None  # the offsets below are those of 64-bit builds
    if _varname_from_oparg is None:
        return None
    words = _words_reader(ctypes, W)
    if words is None:
        return None

    # _PyInterpreterFrame: 8 pointer-sized fields, then int stacktop, ...,
    # then localsplus. The frame is the gen object's last member: the type's
    # tp_basicsize is offsetof(gi_iframe) + offsetof(localsplus).
    # Before it: ..., char hooks_inited, closed, running_async, int8
    # frame_state (padded to a word).
    LOCALSPLUS = 8 * W + 8
    CODE = 4 if PYV < (3, 12) else 0  # f_code (3.11: after f_func, f_globals, f_builtins, f_locals)
    if PYV >= (3, 13):
        CREATED, SUSPENDED = -3, -2  # and -1: suspended in yield from
    else:
        CREATED, SUSPENDED = -2, -1
    CLEARED = 4

    def header(o, basicsize):
        """(frame_state, code address, stacktop) of o's embedded frame."""
        fr = id(o) + basicsize - LOCALSPLUS
        w = words(fr - W, 10)
        st = (w[0] >> 24) & 0xff
        if st >= 128:
            st -= 256
        return st, w[1 + CODE], w[9] & 0xffffffff, fr

    def read_locals(o, code, basicsize):
        st, code_addr, stacktop, fr = header(o, basicsize)
        if code_addr != id(code) or not (CREATED <= st <= 0):
            return None
        labels = localsplus_labels(code)
        n = len(labels)
        if stacktop < n:
            n = stacktop
        if n <= 0:
            return []
        vals = words(fr + LOCALSPLUS, n)
        return [(vals[i], labels[i]) for i in range(n) if vals[i] and labels[i] is not None]

    # check on the probe: created, suspended, finished
    g = _probe_generator(1.5)
    code = types.GeneratorType.__dict__['gi_code'].__get__(g)
    bs = type_basicsize(types.GeneratorType)
    st, ca, top, fr = header(g, bs)
    if st != CREATED or ca != id(code) or top < 2:
        return None
    if localsplus_labels(code) != ['.arg', '.local']:
        return None
    arg = _varname_from_oparg  # any object kept alive by something else
    g = _probe_generator(arg)
    if read_locals(g, code, bs) != [(id(arg), '.arg')]:
        return None
    local = next(g)
    if header(g, bs)[0] != SUSPENDED or read_locals(g, code, bs) != [(id(arg), '.arg'), (id(local), '.local')]:
        return None
    for _ in g:
        pass
    if header(g, bs)[0] != CLEARED or read_locals(g, code, bs) is not None:
        return None
    del g, local, arg, fr
    return read_locals


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
        # the type first: a str subclass's __eq__ would run ('atexit' == n
        # tries the subclass's reflected __eq__ first)
        n = str_get(module_dict(m), '__name__')
        return type(n) is str and n == 'atexit'
    except Exception:
        return False


module_dict = types.ModuleType.__dict__['__dict__'].__get__  # a module's dict, no __getattribute__


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
# at import, so the probe classes and the ctypes import predate every dump
managed_dict_peek_ok()
inline_values_reader()
generator_frame_reader()
