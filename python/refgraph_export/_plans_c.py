"""Plans for C types of the standard library: names for the referents gc
reports unnamed, and the references some hold out of gc's sight.

Same contract as _plans: ``plan(o, t, R)`` returns ``(obj, label, add)``
triples, objects read through C getters or matched by identity among the
referents R, never through user code. Referents a plan does not recognise
stay unlabelled.
"""
import gc
import functools
import io
import itertools
import sys

from . import _safe, _layouts, _redact
from ._safe import PY2, PYV, dict_get, get_referents

_dict_keys = dict.keys  # the builtin's
_dict_values = dict.values
_type_name = _safe.type_name
_getsizeof = sys.getsizeof


def _getters(tp, names):
    """[(label, __get__)] for the member/getset descriptors named in tp (a
    builtin C type, known at import: its __dict__ runs no user code)."""
    out = []
    d = tp.__dict__
    for name in names:
        desc = d.get(name)
        if type(desc) is _safe.member_descriptor or type(desc) is _safe.getset_descriptor:
            out.append((name, desc.__get__))
    return out


def _get_all(o, getters, res, none_ok=()):
    for label, g in getters:
        try:
            x = g(o)
        except Exception:
            continue
        if x is not None or label in none_ok:
            res.append((x, label, False))
    return res


def _own(R, t):
    """R without the object's type (heap types visit it first, 3.12+ C types
    included): with_class labels it."""
    if R and R[0] is t:
        return R[1:]
    return R


def _c_dict(o, R, res, read):
    """The instance dict kept at the type's tp_dictoffset, labelled by
    address: the __dict__ getter would create a missing one. Returns it."""
    if read is None:
        return None
    try:
        a = read(o)
    except Exception:
        return None
    if a:
        for r in R:
            if id(r) == a:
                res.append((r, '__dict__', False))
                return r
    return None


# ---------------------------------------------------------------- sets
SET_LABEL = u'{\u2026}'  # a member of a set: no key, no index


def set_member_labels(o, base, kids, labs):
    """Instances of set/frozenset subclasses: the referents that are members
    (by identity, through the builtin iterator: no hashing) get '{...}'."""
    members = set([id(x) for x in base.__iter__(o)])
    for i in range(len(kids)):
        if labs[i] is None and id(kids[i]) in members:
            labs[i] = SET_LABEL
    return labs


# ---------------------------------------------------------------- descriptors
def plan_objclass(o, t, R):
    """A descriptor's traverse visits its class (d_type) and nothing else."""
    if len(R) == 1:
        return [(R[0], '__objclass__', False)]
    return []


DESCRIPTOR_TYPES = [_safe.member_descriptor, _safe.getset_descriptor, _safe.method_descriptor]
for _tp in (type(object.__dict__['__init__']), type(dict.__dict__['fromkeys'])):  # slot wrapper, classmethod_descriptor
    if not _safe.among(_tp, DESCRIPTOR_TYPES):
        DESCRIPTOR_TYPES.append(_tp)
_tp = None
DESCRIPTOR_PLANS = [(tp, plan_objclass) for tp in DESCRIPTOR_TYPES]

MethodWrapperType = type((0).__add__) if not PY2 else type(object().__hash__)
_mw_self = _getters(MethodWrapperType, ('__self__',))


def plan_method_wrapper(o, t, R):
    """A bound slot wrapper: its object, then the descriptor it binds."""
    res = _get_all(o, _mw_self, [])
    for r in R:
        if _safe.among(type(r), DESCRIPTOR_TYPES):
            res.append((r, '__func__', False))
            break
    return res


# ---------------------------------------------------------------- property, classmethod, staticmethod
_prop_getters = _getters(property, ('fget', 'fset', 'fdel', '__doc__', '__name__'))


def plan_property(o, t, R):
    """fget/fset/fdel/__doc__, and the name __set_name__ gave it (3.10+:
    a str no getter returns before 3.13): the one str left."""
    res = _get_all(o, _prop_getters, [], none_ok=('__doc__',))
    rest = [r for r in _own(R, t) if type(r) is str and not any(r is x for x, lab, add in res)]
    if len(rest) == 1:
        res.append((rest[0], '__name__', False))
    return res


def _func_holder_plan(tp):
    getters = _getters(tp, ('__func__',))
    read = _layouts.c_dict_reader(tp)

    def plan(o, t, R):
        res = _get_all(o, getters, [])
        _c_dict(o, R, res, read)  # 3.10+: __wrapped__, __doc__, ... copied there
        return res
    return plan


plan_classmethod = _func_holder_plan(classmethod)
plan_staticmethod = _func_holder_plan(staticmethod)


# ---------------------------------------------------------------- functools
LruWrapperType = getattr(functools, '_lru_cache_wrapper', None)
if type(LruWrapperType) is not type:  # pragma: no cover - the pure-Python fallback is a function
    LruWrapperType = None
_lru_dict = _layouts.c_dict_reader(LruWrapperType) if LruWrapperType is not None else None


def plan_lru_cache(o, t, R):
    """functools.lru_cache's C wrapper: __dict__ (update_wrapper's), the
    wrapped function (__wrapped__), its cache dict (cache), and for a
    bounded cache the key and result of each entry, which gc reports as
    the wrapper's (its list links are no gc objects): '<cache key>' and
    'cache[key]'. The links are the cache dict's values; the wrapper's
    linked list holds one reference to each, out of gc's sight: added as
    '<lru link>' edges."""
    res = []
    R = _own(R, t)
    wdict = _c_dict(o, R, res, _lru_dict)
    wrapped = _safe.str_get(wdict, '__wrapped__') if type(wdict) is dict else None
    cache = None
    for r in R:
        tr = type(r)
        if tr is dict and r is not wdict and cache is None:
            cache = r
            res.append((r, 'cache', False))
        elif r is wrapped and wrapped is not None:
            res.append((r, '__wrapped__', False))
            wrapped = None
        elif tr is object:
            res.append((r, 'kwd_mark', False))
        elif PYV < (3, 7) and (r is None or tr is int):  # 3.6 visits its maxsize
            res.append((r, 'maxsize', False))
        elif tr is type or _safe.safe_issubclass(tr, type):
            res.append((r, 'lru_list_elem_type' if _type_name(r) == '_lru_list_elem' else 'cache_info_type',
                        False))
    if cache is not None:
        _lru_entries(cache, R, res)
    return res


def _lru_entries(cache, R, res):
    keys = list(_dict_keys(cache))
    if not keys:
        return
    keyids = set([id(k) for k in keys])
    i = 0
    n = len(R)
    while i < n - 1:
        k = R[i]
        if id(k) in keyids:
            res.append((k, '<cache key>', False))
            res.append((R[i + 1], 'cache' + _redact.dict_label(k), False))
            i += 2
        else:
            i += 1
    here = set([id(r) for r in R])
    for v in _dict_values(cache):
        if _type_name(type(v)) == '_lru_list_elem':
            res.append((v, '<lru link>', id(v) not in here))


_partial_getters = _getters(functools.partial, ('func', 'args', 'keywords')) if hasattr(functools, 'partial') \
    else []
_partial_dict = _layouts.c_dict_reader(functools.partial)


def plan_partial(o, t, R):
    """functools.partial (and subclasses): func, args, keywords, __dict__."""
    res = _get_all(o, _partial_getters, [])
    _c_dict(o, R, res, _partial_dict)
    return res


# ---------------------------------------------------------------- exceptions
# the object fields of BaseException and the builtin exceptions that add some
# (StopIteration.value, OSError.errno, SyntaxError.text, ...), read through
# their C descriptors; computed ones (characters_written, start, end) left out
_EXC_FIELDS = ('args', '__traceback__', '__context__', '__cause__', 'message', 'code', 'value', 'msg', 'name',
               'name_from', 'path', 'obj', 'errno', 'strerror', 'filename', 'filename2', 'lineno', 'offset',
               'text', 'end_lineno', 'end_offset', 'print_file_and_line', 'encoding', 'object', 'reason',
               'exceptions')


def _py2_exception_message(o):
    """2.7's BaseException.message without its getter's warning: the
    referent after ``args``, as BaseException_traverse visits dict, args,
    message (message is never NULL: BaseException_new sets it)."""
    args = _BASE_ARGS(o)
    refs = gc.get_referents(o)
    for i, r in enumerate(refs):
        if r is args:
            return refs[i + 1] if i + 1 < len(refs) else None
    return None


_BASE_ARGS = BaseException.__dict__['args'].__get__


def _exception_getters():
    """[(C exception type, its getters)] for the builtin exception types,
    built at import (the bound getters hold their descriptors from then on)."""
    try:
        import builtins as _b
    except ImportError:  # 2.7
        import __builtin__ as _b
    out = []
    for name in sorted(_b.__dict__):
        tp = _b.__dict__[name]
        if type(tp) is type and issubclass(tp, BaseException) and not _safe.is_heap_type(tp):
            getters, seen = [], set()
            for c in tp.__mro__:
                if c is object:
                    break
                for label, g in _getters(c, _EXC_FIELDS):
                    if label == 'message' and c is BaseException and _safe.PY2:
                        # 2.7's getter warns (DeprecationWarning), and a warning from a dump
                        # changes the heap (warnings registries, pytest's records)
                        g = _py2_exception_message
                    if label not in seen:
                        seen.add(label)
                        getters.append((label, g))
            out.append((tp, getters, _layouts.c_dict_reader(tp)))
    return out


_EXC_GETTERS = _exception_getters()


def _exception_plan(getters, read, with_dict):
    def plan(o, t, R):
        res = _get_all(o, getters, [])
        if with_dict:
            _c_dict(o, R, res, read)
        return res
    return plan


_EXC_PLANS = [(tp, _exception_plan(g, r, True), _exception_plan(g, r, False))
              for tp, g, r in _EXC_GETTERS]


def exception_plan(t):
    """(plan, exact) for an exception type: its nearest builtin base's
    fields (args, __traceback__, __context__, __cause__, ...) and, for the
    builtin type itself, its __dict__ (a class's own plan labels that)."""
    for c in _safe.mro(t):
        for tp, exact_plan, sub_plan in _EXC_PLANS:
            if c is tp:
                return (exact_plan, True) if t is tp else (sub_plan, False)
    return None, False


# ---------------------------------------------------------------- iterators
def positional_plan(fields):
    """Labels in tp_traverse order (stable from 2.7 to 3.13; 3.12+ heap
    types visit their type first), when every field is set: with a NULL
    field the positions are ambiguous and nothing is labelled."""
    def plan(o, t, R):
        own = _own(R, t)
        if len(own) != len(fields):
            return []
        return [(own[i], fields[i], False) for i in range(len(fields))]
    return plan


def _positional_types():
    it = itertools
    table = [
        (it.chain, ('source', 'active')),
        (it.cycle, ('it', 'saved')),
        (it.islice, ('it',)),
        (it.repeat, ('element',)),
        (it.starmap, ('it', 'func')),
        (it.compress, ('data', 'selectors')),
        (it.takewhile, ('it', 'func')),
        (it.dropwhile, ('it', 'func')),
        (getattr(it, 'filterfalse', getattr(it, 'ifilterfalse', None)), ('it', 'func')),
        (it.groupby, ('it', 'keyfunc', 'tgtkey', 'currkey', 'currvalue')),
        (getattr(it, 'zip_longest', getattr(it, 'izip_longest', None)), ('ittuple', 'result', 'fillvalue')),
        (it.product, ('pools', 'result')),
        (enumerate, ('it', 'result')),
        (type(iter([])), ('seq',)),
        (type(iter(())), ('seq',)),
        (type(reversed([])), ('seq',)),
        (type(iter({})), ('dict',)),
        (type(iter({}.values())) if not PY2 else None, ('dict',)),
        (type(iter({}.items())) if not PY2 else None, ('dict', 'result')),
    ]
    if not PY2:
        table += [(map, ('iters', 'func')), (filter, ('it', 'func')), (zip, ('ittuple', 'result'))]
    if hasattr(it, 'pairwise'):
        table.append((it.pairwise, ('it', 'old', 'result') if PYV >= (3, 13) else ('it', 'old')))
    lru_elem = None
    if LruWrapperType is not None and PYV < (3, 7):
        lru_elem = _lru_elem_type()
    if lru_elem is not None:  # 3.6: the links are gc objects
        table.append((lru_elem, ('key', 'result')))
    table.append((type(type.__dict__), ('mapping',)))  # mappingproxy
    table = [(tp, fields) for tp, fields in table if tp is not None]
    for tp, fields in table:
        tp.__dict__  # 2.7 readies some static types on first use: now, not in the first dump
    return [(tp, positional_plan(fields)) for tp, fields in table]


_slice_getters = _getters(slice, ('start', 'stop', 'step'))


def plan_slice(o, t, R):
    return _get_all(o, _slice_getters, [], none_ok=('start', 'stop', 'step'))


def _lru_elem_type():
    @functools.lru_cache(maxsize=1)
    def probe(x):
        return x
    probe(0)
    for r in get_referents(probe):
        if _type_name(type(r)) == '_lru_list_elem':
            return type(r)
    return None


# ---------------------------------------------------------------- _thread._local
try:
    import _thread as _thread_mod
except ImportError:  # 2.7
    import thread as _thread_mod
LocalType = getattr(_thread_mod, '_local', None)
_ReferenceType = None
try:
    import weakref as _weakref
    _ReferenceType = _weakref.ReferenceType
except Exception:  # pragma: no cover
    pass


def plan_thread_local(o, t, R):
    """threading.local's C type: args and kw (for the __init__ of each new
    thread), and the per-thread dicts. Up to 3.12 they are the values of the
    ``dummies`` dict (keyed by weak references to each thread's localdummy),
    and each thread's localdummy, kept out of gc's sight in the thread
    state's dict, holds its dict too: the dicts get an edge from the local
    object, '__dict__ (thread)', so that its data is retained by the local,
    not by an unexplained reference. 3.13+ key them by the localdummy itself
    (``localdicts``), which holds no dict: nothing is added."""
    res = []
    own = _own(R, t)
    for r in own:
        tr = type(r)
        if tr is tuple:
            res.append((r, 'args', False))
        elif tr is dict:
            keys = list(_dict_keys(r))
            if keys and all(type(k) is _ReferenceType for k in keys):
                res.append((r, 'dummies', False))
                for v in _dict_values(r):
                    if type(v) is dict:
                        res.append((v, '__dict__ (thread)', True))
            elif keys and all(_type_name(type(k)) == '_localdummy' for k in keys):
                res.append((r, 'localdicts', False))
            elif keys and all(_safe.is_str(k) for k in keys):
                res.append((r, 'kw', False))
        elif tr is set:  # 3.13+: weak references to each thread's sentinel
            res.append((r, 'thread_watchdogs', False))
    return res


# ---------------------------------------------------------------- io.BytesIO
BytesIOType = io.BytesIO if not PY2 else None
_bytesio_buffer = _layouts.bytesio_buffer_reader()
BUFFER_LABEL = '<buffer>'
# whether the buffer is always in the dump as an object of its own (then the
# BytesIO's size leaves it out, see bytesio_size)
BYTESIO_BUFFER_EDGE = BytesIOType is not None and (PYV >= (3, 12) or _bytesio_buffer is not None)


def plan_bytesio(o, t, R):
    """io.BytesIO: its buffer, a bytes object ('<buffer>'). 3.12+ visit it;
    3.5-3.11 hold it out of gc's sight (read with ctypes, added)."""
    res = []
    if PYV >= (3, 12):
        for r in _own(R, t):
            if type(r) is bytes:
                res.append((r, BUFFER_LABEL, False))
                break
    elif _bytesio_buffer is not None:
        try:
            b = _bytesio_buffer(o)
        except Exception:
            b = None
        if b is not None:
            res.append((b, BUFFER_LABEL, not any(r is b for r in R)))
    return res


def bytesio_size(t):
    """Size of a BytesIO without its buffer: BytesIO.__sizeof__ adds the
    buffer's size when it is not shared, and the buffer has its own line."""
    base = object.__sizeof__
    extra = _safe.GC_OVERHEAD if _safe.is_gc_type(t) else 0

    def size(o):
        return base(o) + extra
    return size


# ---------------------------------------------------------------- io.StringIO
StringIOType = io.StringIO
_stringio_extra, _stringio_chunks = _layouts.stringio_readers()
_stringio_dict = _layouts.c_dict_reader(StringIOType)
# whether a StringIO's size counts the text it holds in C (see stringio_size)
STRINGIO_SIZE = _stringio_extra is not None


def plan_stringio_chunks(o, t, R):
    """io.StringIO, 3.6-3.11, while it accumulates writes: the lists of
    written str its _PyAccu keeps ('<buffer>'), which its traverse does
    not visit (read with ctypes, added)."""
    try:
        got = _stringio_chunks(o)
    except Exception:
        return []
    return [(x, BUFFER_LABEL, not any(r is x for r in R)) for x in got]


def plan_stringio(o, t, R):
    """The exact io.StringIO: its __dict__ (by address), then its chunks."""
    res = []
    _c_dict(o, R, res, _stringio_dict)
    res.extend(plan_stringio_chunks(o, t, R))
    return res


def stringio_size(t, size):
    """Size of a StringIO with the text it holds in C: its buf, and 3.12+
    the str its writer is building (neither object nor in getsizeof).
    size: the type's sizeof plan (None: sys.getsizeof)."""
    base = size if size is not None else _getsizeof
    extra = _stringio_extra

    def size_with_text(o):
        n = base(o)
        try:
            return n + extra(o)
        except Exception:
            return n
    return size_with_text
# ---------------------------------------------------------------- pickle memos
MEMO_LABEL = '<memo>'


def _memo_plan(read):
    def plan(o, t, R):
        """_pickle.Pickler / Unpickler: each object its memo holds,
        '<memo>' (3.6-3.10: out of gc's sight, added; 3.11+: referents)."""
        try:
            objs = read(o)
        except Exception:
            objs = None
        if not objs:
            return []
        return [(x, MEMO_LABEL, True) for x in objs]
    return plan


def memo_plans():
    """[(C type, plan)] for the pickle memos readable in this process."""
    return _MEMO_PLANS


# ---------------------------------------------------------------- C library state (zlib, bz2)
def _state_size(extra, base):
    """Size function: base(o) (sys.getsizeof when None) plus the bytes of C
    library state extra(o) finds behind o (nothing added when it is None:
    the checks failed)."""
    getsizeof = sys.getsizeof if base is None else base

    def size(o):
        n = getsizeof(o)
        try:
            x = extra(o)
        except Exception:
            x = None
        if x:
            n = int(n + x)  # 2.7: a long from the words read
        return n
    return size


def c_state_size(t, base, held):
    """The size function of instances of t when t is (or derives from) a C
    type whose objects own C library memory sys.getsizeof does not count
    (zlib streams, the bz2 compressor: see _layouts), base being the size
    function chosen for t (None: sys.getsizeof); None for other types. The
    exact types' functions are made before the walk; a subclass's is made
    now, and its reference to the reader is counted in ``held``."""
    for tp, extra, size in _STATE_SIZES:
        if t is tp and base is None:
            return size
        if _safe.safe_issubclass(t, tp):
            held[id(extra)] = held.get(id(extra), 0) + 1
            return _state_size(extra, base)
    return None


_MEMO_PLANS = []  # [(type, plan)]
_STATE_SIZES = []  # [(type, extra, size function)]


def refresh():
    """Readers for C types whose module was imported since the last call
    (_layouts.refresh_c_readers), and their plans and size functions, made
    here, before a walk, never during one."""
    _layouts.refresh_c_readers()
    for tp, read in _layouts.pickle_memo_readers():
        if not any(tp is x for x, plan in _MEMO_PLANS):
            _MEMO_PLANS.append((tp, _memo_plan(read)))
    for tp, extra in _layouts.c_state_sizers():
        if not any(tp is x for x, e, f in _STATE_SIZES):
            _STATE_SIZES.append((tp, extra, _state_size(extra, None)))


# ---------------------------------------------------------------- C types with an instance dict
def plan_c_dict(t):
    """C types whose instances keep a __dict__ at a fixed offset
    (types.SimpleNamespace, ...): label it, without the getter."""
    read = _layouts.c_dict_reader(t)
    if read is None:
        return None

    def plan(o, t_, R):
        res = []
        _c_dict(o, R, res, read)
        return res
    return plan


def plan_for(t):
    """(plan, exact) of this module for type t: exact when t is the C type
    itself, else t derives from it (io.BytesIO, functools.partial: a class
    of its own, whose plan comes first). (None, False) for other types."""
    for tp, plan in _PLANS:
        if t is tp:
            return plan, True
    for tp, plan in memo_plans():
        if t is tp or _safe.safe_issubclass(t, tp):
            return plan, t is tp
    if BytesIOType is not None and _safe.safe_issubclass(t, BytesIOType):
        return plan_bytesio, t is BytesIOType
    if _stringio_chunks is not None and _safe.safe_issubclass(t, StringIOType):
        if t is StringIOType:
            return plan_stringio, True
        return plan_stringio_chunks, False
    if _safe.safe_issubclass(t, functools.partial):
        return plan_partial, t is functools.partial
    if _safe.safe_issubclass(t, BaseException):
        return exception_plan(t)
    return None, False


_PLANS = list(DESCRIPTOR_PLANS) + [
    (MethodWrapperType, plan_method_wrapper),
    (property, plan_property),
    (classmethod, plan_classmethod),
    (staticmethod, plan_staticmethod),
    (slice, plan_slice),
] + _positional_types()
if LruWrapperType is not None:
    _PLANS.append((LruWrapperType, plan_lru_cache))
if LocalType is not None:
    _PLANS.append((LocalType, plan_thread_local))
refresh()
_safe.register_module(globals())
