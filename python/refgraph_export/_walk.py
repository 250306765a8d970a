"""The heap walk: iterative, each object written once, no user code called.

Bookkeeping uses a bitmap-like structure instead of a set of ids, so the
extra memory stays well under 40 bytes per object:

    regs[address >> 14] -> bytearray(2048), one byte per 8-byte slot

    bit 7   the object was reached (queued or written, or excluded)
    bit 6   the object is in the gc.get_objects() list (one more ref to subtract)
    bits 0-5 number of references found to it, saturating at 63 ("over" holds
            the rest)

CPython objects are at least 16 bytes and 8-byte aligned, so two live objects
never share a slot. Lines whose refcount the references found so far
explain go straight to the dump; the others are *marked* (a leading NUL)
and go to a side file, fixed at the end by _core: ``"root": "external",
"unexplained": n`` where the refcount exceeds the references found (known
once every object has been seen). Line order carries no meaning: fresh exact
str/int/float found in containers are queued and written in batches (drain).
"""
import gc
import json
import operator
import sys
import types
from functools import partial as _partial
from itertools import chain as _chain, compress as _compress

try:
    from itertools import izip as _izip  # 2.7: zip would build a list of pairs
except ImportError:
    _izip = zip
_flatten = _chain.from_iterable

from . import _safe, _plans, _plans_c, _layouts, _redact, _tracing
from ._safe import PY2, PYV, dict_items, get_referents

_dict_keys = dict.keys  # the builtin's, never an override
_dict_values = dict.values

# an io.BytesIO's size leaves out its buffer when the buffer has an edge
BYTESIO_SIZE = _plans_c.BYTESIO_BUFFER_EDGE
# an io.StringIO's size counts the text it keeps in C (not its chunk lists)
STRINGIO_SIZE = _plans_c.STRINGIO_SIZE
# refcounts at or above which an object is immortal: 3.12+ immortals; 3.11's
# statically allocated objects (deep-frozen code, its constants and names,
# the singletons) start at 999999999 and never come near 0
IMMORTAL_MIN = (1 << 30) if PYV >= (3, 12) else (999999999 - (1 << 24)) if PYV >= (3, 11) else None
# dict subclass fast labels (see walk.dsub_labels): 3.x below 3.13, where an
# instance's __dict__, when there is one, is always among its referents
DSUB_FAST = (3, 0) <= PYV < (3, 13)
_NEVER = 1 << 62  # no refcount reaches it: "not immortal" before 3.12

K_ATOM, K_SEQ, K_DICT, K_GEN = 0, 1, 2, 3
# fast paths (per-type line formats, see _fast_info)
F_LEN, F_INT, F_FLOAT, F_BOOL, F_PLAIN, F_CONT, F_INST = 1, 2, 3, 4, 5, 6, 7
LABEL_CACHE_MAX = 20000  # encoded dict labels of str keys kept per dump
ATOM_BATCH = 4096  # queued fresh str/int/float written per batch (see walk.drain)
_I63 = (1 << 63) - 1  # int values are written when they fit in 64 bits
_NOTYPE = object()  # the type of no object
# A refcount is sys.getrefcount minus the references the exporter holds
# itself. Another thread may drop references between the two readings (or,
# before issue 18's fix, an object the exporter made during the walk took the
# address of a dumped object that died): a difference below 0 is never
# written. The line says 0 and carries this (FORMAT.md, "raced").
RACED = ', "raced": true'

V_NONE, V_INT, V_FLOAT, V_BOOL, V_TEXT, V_BYTES = 0, 1, 2, 3, 4, 5

try:  # C-level counting into a dict (what collections.Counter uses)
    from _collections import _count_elements
except ImportError:  # pragma: no cover (2.7)
    def _count_elements(mapping, iterable):
        get = mapping.get
        for x in iterable:
            mapping[x] = get(x, 0) + 1
SAT_FOLD = 1 << 16  # saturated references kept before they are counted into ``over``

try:
    import _tracemalloc
    _get_tb = getattr(_tracemalloc, '_get_object_traceback', None)
    _is_tracing = _tracemalloc.is_tracing
except ImportError:  # 2.7
    _get_tb = None
    _is_tracing = None


def _managed_tb_reader():
    """3.11 only: tracemalloc.get_object_traceback misses instances with a
    managed dict (their block starts 16 bytes before the GC header: the dict
    and values pointers). The C function it calls finds them when given the
    block's start: _PyTraceMalloc_GetTraceback(0, id(o) - 32), a lookup in
    tracemalloc's table that never dereferences the address."""
    if _get_tb is None or PYV[:2] != (3, 11):
        return None
    try:
        import ctypes
        f = ctypes.pythonapi['_PyTraceMalloc_GetTraceback']
        f.restype = ctypes.py_object
        f.argtypes = [ctypes.c_uint, ctypes.c_size_t]
        return f
    except Exception:
        return None


_managed_tb = _managed_tb_reader()

try:
    import collections as _collections
    _deque = _collections.deque
    # 3.x: the C OrderedDict visits its keys from its linked list, and again
    # from the dict part for non-str keys. 2.7's is a plain dict subclass.
    # (a marker that is no type on 2.7 and when missing)
    _OrderedDict = object() if PY2 else _collections.OrderedDict
except Exception:  # pragma: no cover
    _deque = None
    _OrderedDict = object()

_ModuleType = types.ModuleType
_module_dict = _safe.module_dict
_FunctionType = types.FunctionType
_MethodType = types.MethodType
_BuiltinType = types.BuiltinFunctionType
_CodeType = types.CodeType
_func_module = types.FunctionType.__dict__['__module__'].__get__
_func_qualname = types.FunctionType.__dict__.get('__qualname__', types.FunctionType.__dict__['__name__']).__get__
_meth_func = types.MethodType.__dict__['__func__' if not PY2 else 'im_func'].__get__
_bi_name = types.BuiltinFunctionType.__dict__['__name__'].__get__
_bi_self = types.BuiltinFunctionType.__dict__['__self__'].__get__
_bi_module = types.BuiltinFunctionType.__dict__['__module__'].__get__
_code_name = types.CodeType.__dict__.get('co_qualname', types.CodeType.__dict__['co_name']).__get__
_co_filename = types.CodeType.__dict__['co_filename'].__get__
_co_firstlineno = types.CodeType.__dict__['co_firstlineno'].__get__
_func_code = types.FunctionType.__dict__['__code__'].__get__
_co_name = types.CodeType.__dict__['co_name'].__get__
_frame_code = types.FrameType.__dict__['f_code'].__get__
_frame_lineno = types.FrameType.__dict__['f_lineno'].__get__

if PY2:
    _long_str = long.__str__  # noqa: F821
    _text_slices = ((str, str.__getitem__), (unicode, unicode.__getitem__))  # noqa: F821
    _bytes_slice = None
else:
    _text_slices = ((str, str.__getitem__),)
    _bytes_slice = bytes.__getitem__
_float_repr = float.__repr__

_dumps = json.dumps
_encode_label = _safe.json_string
_SLICE100 = slice(0, 100)
if PY2:
    _unicode_repr = unicode.__repr__  # noqa: F821


def _name_module(o, t, tname):
    """(name, module) for modules, classes, functions, methods, code."""
    try:
        if t is _ModuleType or _safe.safe_issubclass(t, _ModuleType):
            n = _safe.plain_str(_safe.str_get(_module_dict(o), '__name__'))
            if n is not None:
                return n, n
            return None
        if _safe.safe_issubclass(t, type) or (PY2 and t is _safe.ClassType):
            return _safe.type_fullname(o), _safe.type_module_name(o)
        if t is _FunctionType:
            return _func_name(o)
        if t is _MethodType:
            f = _meth_func(o)
            if type(f) is _FunctionType:
                return _func_name(f)
            return None
        if t is _BuiltinType:
            n = _bi_name(o)
            m = _bi_module(o)
            if not _safe.is_str(m):
                m = None
            s = _bi_self(o)
            ts = type(s)
            if ts is _ModuleType:
                mn = _safe.plain_str(_safe.str_get(_module_dict(s), '__name__'))
                if mn is not None and _safe.plain_str(n) is not None:
                    return mn + '.' + _safe.plain_str(n), mn
            elif s is not None:
                if _safe.safe_issubclass(ts, type):
                    return _safe.type_fullname(s) + '.' + n, m
                return _safe.type_fullname(ts) + '.' + n, m
            if m:
                return m + '.' + n, m
            return n, None
        if t is _CodeType:
            n = _code_name(o)
            if _safe.is_str(n):
                return n, None
        if t is _FrameType:
            return _frame_name(o), None
    except Exception:
        pass
    return None


def _func_name(f):
    m = _func_module(f)
    q = _func_qualname(f)
    if not _safe.is_str(q):
        return None
    if _safe.is_str(m):
        q = m + '.' + q
    else:
        m = None
    if _co_name(_func_code(f)) == '<lambda>':  # many share the name: say where
        q += ' ' + _place(_func_code(f), None)
    return q, m


def _frame_name(f):
    """'function file:line': the code's qualname (3.11+, else its name),
    the file's base name, the frame's current line."""
    code = _frame_code(f)
    n = _code_name(code)
    if not _safe.is_str(n):
        n = '?'
    return n + ' ' + _place(code, _frame_lineno(f))


def _place(code, line):
    """'file:line' of a code object (its first line unless line is given)."""
    fn = _co_filename(code)
    if not _safe.is_str(fn):
        fn = '?'
    fn = fn.replace('\\', '/').rsplit('/', 1)[-1]
    if line is None:
        line = _co_firstlineno(code)
    return '%s:%d' % (fn, line if type(line) is int else 0)


class TypeInfo(object):
    __slots__ = ('kind', 'tjson', 'size', 'lenf', 'valk', 'named', 'fin', 'plan', 'positional', 'intf')


def make_typeinfo(t, opts, held, peek):
    ti = TypeInfo()
    tname = _safe.type_fullname(t)
    try:
        ti.tjson = _dumps(tname)
    except Exception:
        ti.tjson = '"?"'
    ti.size = _safe.sizeof_plan(t)
    ti.lenf = _safe.len_func(t)
    ti.fin = _safe.finalizer_of(t)
    ti.named = False
    ti.plan = None
    ti.positional = None
    ti.intf = None
    m = _safe.mro(t)
    among = _safe.among
    if among(bool, m):
        ti.valk = V_BOOL
    elif among(_safe.int_types[0], m) or (PY2 and among(long, m)):  # noqa: F821
        ti.valk = V_INT
    elif among(float, m):
        ti.valk = V_FLOAT
    elif any(among(tt, m) for tt in _safe.text_types):
        ti.valk = V_TEXT
    elif not PY2 and among(bytes, m):
        ti.valk = V_BYTES
    else:
        ti.valk = V_NONE
    if ti.valk == V_INT:
        if PY2 and among(long, m):  # noqa: F821
            ti.intf = (long.bit_length, long.__str__)  # noqa: F821
        else:
            ti.intf = (int.bit_length, int.__repr__)
    atoms = (str, int, float, bool, type(None), complex, type(Ellipsis), type(NotImplemented),
             bytearray)
    if PY2:
        atoms = atoms + (unicode, long)  # noqa: F821
    else:
        atoms = atoms + (bytes,)
    if among(t, atoms):
        ti.kind = K_ATOM
    elif t is list or t is tuple or t is _deque:
        ti.kind = K_SEQ
    elif t is dict:
        ti.kind = K_DICT
    else:
        ti.kind = K_GEN
        ti.positional = _positional_base(t)
        ti.plan = _choose_plan(t, opts, held, peek)
        if BYTESIO_SIZE and _safe.safe_issubclass(t, _plans_c.BytesIOType):
            ti.size = _plans_c.bytesio_size(t)  # its buffer has a line of its own
        elif STRINGIO_SIZE and _safe.safe_issubclass(t, _plans_c.StringIOType):
            ti.size = _plans_c.stringio_size(t, ti.size)  # with the text it holds in C
        else:
            sz = _plans_c.c_state_size(t, ti.size, held)  # zlib, bz2: their C library's state
            if sz is not None:
                ti.size = sz
    if t is _ModuleType or t is _FunctionType or t is _MethodType or t is _BuiltinType or \
            t is _CodeType or t is _FrameType or _safe.safe_issubclass(t, type) or _safe.safe_issubclass(t, _ModuleType) or \
            (PY2 and t is _safe.ClassType):
        ti.named = True
    return (ti.kind, ti.tjson, ti.size, ti.lenf, ti.valk, ti.named, ti.fin, ti.plan, ti.positional,
            ti.intf)


def _positional_base(t):
    """The builtin container base of t whose items are labelled (list,
    tuple, deque by index, dict and OrderedDict by key, set and frozenset
    as members), or None."""
    for base in (_OrderedDict, dict, list, tuple, _deque, set, frozenset):
        if base is not None and _safe.safe_issubclass(t, base):
            return base
    return None


def _exact_plan(t, opts):
    """The plan of a builtin type, by identity; None for the others."""
    P = _plans
    if t is _FunctionType:
        return P.plan_function
    if t is _MethodType:
        return P.plan_method
    if t is _BuiltinType:
        return P.plan_builtin
    if t is P.CellType:
        return P.plan_cell
    if t is _CodeType:
        return P.plan_code
    if t is types.FrameType:
        return P.frame_plan_factory(opts.get('frame_locals', True))
    if t is P.TracebackType:
        return P.plan_traceback
    if P.DefaultDictType is not None and t is P.DefaultDictType:
        return P.plan_defaultdict
    if t is types.GeneratorType:
        return P.plan_generator
    if P.plan_coroutine is not None and t is P.CoroutineType:
        return P.plan_coroutine
    if P.plan_asyncgen is not None and t is P.AsyncGeneratorType:
        return P.plan_asyncgen
    if t is _asyncio_task_type():
        return P.plan_task
    if PY2 and t is _safe.ClassType:
        return P.plan_classobj
    if PY2 and t is _safe.InstanceType:
        return P.plan_instance
    plan, exact = _plans_c.plan_for(t)
    return plan if exact else None


def _choose_plan(t, opts, held, peek):
    """The labelling plan of type t (see _plans and _plans_c), or None."""
    P = _plans
    if t is type or _safe.safe_issubclass(t, type):
        return P.plan_type
    if _safe.safe_issubclass(t, _ModuleType):
        plan = P.plan_module
    else:
        plan = _exact_plan(t, opts)
    if plan is None and P.ReferenceType is not None and _safe.safe_issubclass(t, P.ReferenceType):
        plan = P.plan_weakref
    heap = _safe.is_heap_type(t)
    if heap and plan is None and not (PY2 and t is _safe.InstanceType):
        # a class: its __class__, slots, __dict__, attributes, and the plan
        # of the C type it derives from (io.BytesIO, functools.partial ...)
        plan = P.instance_plan_factory(t, peek, held)
        base_plan = _plans_c.plan_for(t)[0]
        if base_plan is not None:
            plan = P.combined(plan, base_plan)
    elif plan is None:
        plan = _plans_c.plan_c_dict(t)
    if plan is not None and heap and not (PY2 and t is _safe.InstanceType):
        # a C type made a heap type (3.12+: defaultdict, asyncio's Task,
        # ...) visits its type like a class instance does
        plan = P.with_class(plan)
    return plan


def _fast_info(ti, values, alloc):
    """Line formats for the commonest types, one %-operation per line:
    exact str/bytes/bytearray (len), int, float, bool, None-like atoms,
    and exact list/tuple/deque/dict heads. None: the general path.
    Atoms: (code, plain, marked with NUL, immortal, raced); containers: (code,
    head format). The output is the general path's, byte for byte."""
    kind, tjson, sizef, lenf, valk, named, fin, plan, positional, intf = ti
    inst = getattr(plan, '_fast_labels', None)
    if kind == K_GEN and inst is not None:
        return (F_INST, inst)  # labels only: the line's head is the general path's
    if sizef is not None or named or fin is not None or (alloc and kind != K_ATOM):
        return None
    if kind == K_ATOM:
        if valk == V_INT:
            code, tail = F_INT, '%s'
        elif valk == V_FLOAT:
            code, tail = F_FLOAT, ', "value": %s'
        elif valk == V_BOOL:
            code, tail = F_BOOL, ', "value": %s'
        elif lenf is not None and not (values and valk in (V_TEXT, V_BYTES)):
            code, tail = F_LEN, ', "len": %d'
        elif lenf is None and valk == V_NONE:
            code, tail = F_PLAIN, ''
        else:
            return None
        # alloc: the site field (_alloc's text) is the last %s, after the value
        body = ', "type": %s, "size": %%d%s%s, "refs": []}\n' % (tjson.replace('%', '%%'), tail, '%s' if alloc else '')
        plain = '{"address": %d, "refcount": %d' + body
        immortal = '{"address": %d, "refcount": %d, "root": "immortal", "immortal": true' + body
        raced = '\x00' + plain[:-len(', "refs": []}\n')] + RACED + ', "refs": []}\n'  # refcount 0, marked
        return (code, plain, '\x00' + plain, immortal, raced)
    if kind in (K_SEQ, K_DICT) and lenf is not None and valk == V_NONE:
        head = ('{"address": %%d, "refcount": %%d, "type": %s, "size": %%d, "len": %%d'
                % tjson.replace('%', '%%'))
        full = head + ', "refs": %s, "labels": %s}\n'
        empty = head + ', "refs": []}\n'
        # whole lines: with referents (plain, marked), without (plain, marked)
        return (F_CONT, head, full, '\x00' + full, empty, '\x00' + empty)
    return None


# [the C Task type or None], looked up at the start of each walk, before
# gc.get_objects() and before any line is written: this list is a module
# global, dumped like any other, so it must not gain its reference to the
# Task type after its own line went out (the type's refcount would then
# count a reference no dumped edge explains).
_TASK_TYPE = []


def _asyncio_task_type():
    """The C Task type, if asyncio's accelerator module is loaded (plain module
    attribute); sys.modules scanned once per walk, in walk() (_safe.str_get:
    a str subclass key in sys.modules must not have its __eq__ run)."""
    if _TASK_TYPE:
        return _TASK_TYPE[0]
    return None


def _set_asyncio_task_type():
    del _TASK_TYPE[:]
    try:
        t = _find_asyncio_task_type()
    except Exception:
        t = None
    _TASK_TYPE.append(t)


def _find_asyncio_task_type():
    m = _safe.str_get(sys.modules, '_asyncio')
    if m is None:
        return None
    try:
        d = _module_dict(m)
    except Exception:  # not a module
        return None
    if type(d) is not dict:
        return None
    t = _safe.str_get(d, 'Task')
    return t if type(t) is type else None


ALLOC_CACHE_MAX = 200000  # distinct allocation tracebacks whose field is kept


def walk(write, write_marked, opts, roots, root_objs, exclude_objs, stats, root_names=None):
    """Walk the heap; write the object lines that are final through
    ``write``, the marked ones (they may need the final counts, see
    _core._line_fixer) through ``write_marked``.

    roots: {id: kind} of named roots (root_objs holds one reference to each).
    root_names: {id: name} for roots without a name of their own (2.7's
    atexit._exithandlers list).
    exclude_objs: exporter objects that must not be written.
    Returns (regs, over, xheld, relabel) for the fix of the marked lines; sets
    stats objects (= lines written), references, bytes, copy_settled (False:
    an unmarked line may need the fix too) and calibration."""
    _set_asyncio_task_type()
    values = bool(opts.get('values'))
    # tracing as the dump began: a paused tracemalloc (_tracing) reads as off
    tracing = opts.get('_tracing')
    if tracing is None:
        tracing = bool(_is_tracing and _is_tracing())
    alloc = opts.get('alloc')
    if alloc is None:
        alloc = tracing
    alloc = bool(alloc and _get_tb is not None and tracing)
    read_tb = opts.get('_read_tb') or _tracing.call
    held = {}
    peek = _safe.managed_dict_peek_ok()

    regs = {}
    over = {}
    # references to objects whose count byte is saturated (types, None,
    # interned keys ...): their ids, counted into ``over`` in C after each
    # container once there are SAT_FOLD of them, and at the end. During the
    # walk ``over`` may lag: it only serves to leave a line unmarked, and a
    # count too low marks it (the second pass then looks), never the reverse.
    sat = []
    stack = []
    # fresh exact str/int/float found in containers: queued per type, not
    # pushed, and written ATOM_BATCH at a time (see drain)
    atomq = ([], [], [])
    tinfo = {}
    classic = {}
    # the types tinfo (by id) and classic describe, held: a type that died
    # during the walk (another thread made and dropped a class) must not
    # leave its id, and so its info, to a new type at the same address
    tkeep = []
    buf = []
    poslabels = ['"[%d]"' % i for i in range(4096)]
    garbage_ids = set(id(x) for x in gc.garbage)
    young = young_generations()
    young_get = young.get
    special = dict(young)  # the objects whose line has "gen" or "garbage": never the fast format
    special.update(dict.fromkeys(garbage_ids))
    keep = [regs, over, sat, stack, atomq, tinfo, classic, tkeep, buf, poslabels, garbage_ids, held, young, special,
            young_get]
    keep.extend(atomq)
    keep.extend(exclude_objs)

    marked = set()  # ids of the exporter objects excluded from the dump

    def mark_seen(x):
        a = id(x)
        marked.add(a)
        k = a >> 14
        b = regs.get(k)
        if b is None:
            b = regs[k] = bytearray(2048)
        b[(a & 16383) >> 3] |= 128

    keep.append(marked)
    for x in keep:
        mark_seen(x)
    mark_seen(keep)
    mark_seen(root_objs)

    objs = gc.get_objects()
    mark_seen(objs)
    if _young_from_list is not None:  # 2.7-3.7: generations 0 and 1 from the list's links
        try:
            y = _young_from_list(objs)
        except Exception:
            y = None
        if y:
            young.update(y)
            special.update(y)
        y = None
    # the exporter's own frames (objects on 2.7..3.10) are in that list
    f = sys._getframe()
    while f is not None and _safe.is_exporter_frame(f):
        mark_seen(f)
        keep.append(f)
        f = _safe.frame_back(f)
    f = None
    # pre-pass: flag objects held by the objs list (one reference to subtract)
    regs_get = regs.get
    for o in objs:
        a = id(o)
        k = a >> 14
        b = regs_get(k)
        if b is None:
            b = regs[k] = bytearray(2048)
        b[(a & 16383) >> 3] |= 64
    o = None
    b = None

    getrefcount = sys.getrefcount
    getsizeof = sys.getsizeof
    _id = id
    _type = type
    is_finalized = getattr(gc, 'is_finalized', None)
    tinfo_get = tinfo.get
    roots_get = roots.get
    held_get = held.get
    over_get = over.get
    buf_append = buf.append
    stack_append = stack.append
    stack_pop = stack.pop
    immortal_min = IMMORTAL_MIN if IMMORTAL_MIN is not None else _NEVER
    _len = len
    _enc = _encode_label
    _zip = _izip
    seqlabels = [None] * 256  # JSON label arrays of short lists and tuples
    keep.append(seqlabels)
    mark_seen(seqlabels)
    labcache = {}  # str key -> its JSON label; its references are in held
    labcache_get = labcache.get
    keep.append(labcache)
    mark_seen(labcache)
    # Dict keys with values=False (issue 18 item 20, see _redact): a data
    # dict's keys by the data rule; the keys of a dict code names things in
    # (an object's __dict__, globals: NAMES labels an edge to it) are names,
    # identifiers kept whatever their length. The labels are made by the
    # data rule; a dict with an identifier key the rule redacted (ired: its
    # JSON labels, bounded; ired_over: more of them than that) gets the
    # names when an edge labelled __dict__ ... reached it before its own
    # line (pending: {id: the dict}, one reference each, subtracted from its
    # refcount), else its line is marked and waits (deferred: {id: (the
    # dict, [(redacted, name) JSON labels])}) for such an edge later in the
    # walk (resolved: {id: pairs}), and the fix of marked lines puts the
    # names in. The dicts are held, so their addresses are not reused.
    names = not values
    _redact.begin(values, opts.get('salt'))
    ired = set()
    ired_over = [False]
    pending = {}
    pending_pop = pending.pop
    deferred = {}
    resolved = {}
    namecache = {}  # identifier key the data rule redacts -> its name label (held, like labcache)
    namecache_get = namecache.get
    sysmods = sys.modules
    int_label = _data_label if names else _dict_label  # also str keys, in key_label
    for x in (ired, ired_over, pending, pending_pop, deferred, resolved, namecache, namecache_get):
        keep.append(x)
        mark_seen(x)
    x = None
    atexit_mods = (3, 0) <= PYV < (3, 10)
    text_slices = _text_slices
    dumps = _dumps
    counters = [0, 0, 0]  # objects (= lines written), references, bytes
    cand = set()  # ids of the objects the exporter refers to before the walk
    keep.append(cand)
    mark_seen(cand)
    offs = [0, 0, 0]  # refs held by the exporter: [not in objs list, in objs list, atom queues]

    def new_typeinfo(t):
        ti = make_typeinfo(t, opts, held, peek)
        if t is _OrderedDict:
            ti = ((F_INST, odict_labels),) + ti
        elif DSUB_FAST and ti[8] is dict and getattr(ti[7], '_labels_class', False) and \
                getattr(ti[7], '_fast_labels', None) is None:
            ti = ((F_INST, dsub_labels),) + ti  # dict subclass, instance plan
        else:
            ti = (_fast_info(ti, values, alloc),) + ti
        tinfo[_id(t)] = ti
        _count_cached(ti, held)
        _hold(t, tkeep, held)
        return ti


    def flush():
        """Write buf: a marked line starts with a NUL byte (JSON text never
        holds one) and goes to write_marked without it."""
        if buf:
            s = ''.join(buf)
            del buf[:]
            if not isinstance(s, bytes):
                s = s.encode('utf-8')
            if b'\x00' in s:
                pieces = s.split(b'\x00')
                plain = [pieces[0]]
                marked = []
                for p in pieces[1:]:  # each starts with a marked line
                    e = p.find(b'\n') + 1
                    marked.append(p[:e])
                    plain.append(p[e:])
                write_marked(b''.join(marked))
                s = b''.join(plain)
            write(s)

    def key_label(kk):
        """JSON label of the value under the exact str key kk (cached)."""
        r = labcache_get(kk)
        if r is None:
            r = _enc(int_label(kk))
            if names and r[:12] == '"[<redacted ' and _redact.is_identifier(kk):
                if len(ired) < LABEL_CACHE_MAX:
                    ired.add(r)
                else:
                    ired_over[0] = True
            if len(labcache) < LABEL_CACHE_MAX:
                labcache[kk] = r
                if getrefcount(kk) < immortal_min:  # 3.12+: immortals do not count
                    held[id(kk)] = held_get(id(kk), 0) + 1
        return r

    def str_key_labels(keys):
        """JSON labels of keys, every one an exact str (checked before any
        hashing); None otherwise."""
        labs = []
        la = labs.append
        for kk in keys:
            if _type(kk) is not str:
                return None
            r = labcache_get(kk)
            la(r if r is not None else key_label(kk))
        return labs

    def odict_labels(o, t, kids, ids):
        """3.x exact OrderedDict with str keys only: its referents are the
        keys (linked-list order), then the values (dict order). Checked by
        identity; None: the general path."""
        keys = list(_dict_keys(o))
        n = len(keys)
        if not n or len(ids) != 2 * n or ids[n:] != list(map(_id, _dict_values(o))):
            return None
        labs = str_key_labels(keys)
        if labs is None or set(ids[:n]) != set(map(_id, keys)):
            return None
        return '[' + ', '.join(['"<key>"'] * n + labs) + ']'

    def dsub_labels(o, t, kids, ids):
        """3.6-3.12 instance of a dict subclass (instance plan) whose
        referents are exactly its class, then its values in dict order, every
        key an exact str: no slot, __dict__ or attribute, so the plan labels
        only ``__class__`` and the general path gives the values their keys'
        labels and adds the keys as ``<key>`` edges (see _dict_base_labels):
        the same here, the keys appended to kids and ids. Checked by
        identity; None: the general path."""
        n = len(kids) - 1
        if n < 0 or kids[0] is not t:
            return None
        keys = list(_dict_keys(o))
        if len(keys) != n:
            return None
        labs = str_key_labels(keys)
        if labs is None or n and ids[1:] != list(map(_id, _dict_values(o))):
            return None
        kids.extend(keys)
        ids.extend(map(_id, keys))
        return '[' + ', '.join(['"__class__"'] + labs + ['"<key>"'] * n) + ']'

    def name_keys(a, o, items, labs, nsd, can_defer):
        """The dict o (address a; labs its JSON labels, the value's label of
        items[i] at 2*i) has identifier keys the data rule redacted. nsd: o
        is a __dict__ (globals ...): they get their names now. Else they
        wait (deferred) for such an edge to o; True: its line must be
        marked."""
        pairs = []
        if ired_over[0]:
            at = range(len(items))
        else:  # the items whose label is one of ired, found in C
            at = list(_compress(range(len(items)), map(ired.__contains__, labs[::2])))
        for i in at:
            r = labs[2 * i]
            kk = items[i][0]
            if _type(kk) is str and _redact.is_identifier(kk):
                p = namecache_get(kk)
                if p is None:
                    p = _enc(_dict_label(kk))
                    if len(namecache) < LABEL_CACHE_MAX:
                        namecache[kk] = p
                        if getrefcount(kk) < immortal_min:  # as key_label
                            held[id(kk)] = held_get(id(kk), 0) + 1
                if r != p:
                    if nsd:
                        labs[2 * i] = p
                    else:
                        pairs.append((r, p))
        if pairs and can_defer:
            deferred[a] = (o, pairs)
            return True
        return False

    def module_keys(items, labs):
        """sys.modules: its keys are module names, dotted ones too."""
        for i in range(len(items)):
            kk = items[i][0]
            if _type(kk) is str and _redact.is_module_name(kk):
                labs[2 * i] = _enc(_dict_label(kk))

    # Queued atoms (see drain) use the per-type line formats of _fast_info,
    # for the types that have one; a type without one is replaced by a
    # marker no object has as its type, and its objects go on the stack.
    q_types = []
    q_fmts = []  # per queue: (refcount-1 line, (plain, marked, immortal), the same for odd values)
    for rt in (str, int, float):
        fast = (tinfo.get(id(rt)) or new_typeinfo(rt))[0]
        if fast is not None and fast[0] in (F_LEN, F_INT, F_FLOAT):
            q_types.append(rt)
            # the first %s is the value; with alloc a second one is the site
            if fast[0] == F_INT:  # the value as %d (exact ints in 64 bits), or none
                main = tuple(f.replace('%s', ', "value": %d', 1) for f in fast[1:])
                alt = tuple(f.replace('%s', '', 1) for f in fast[1:])
            elif fast[0] == F_FLOAT:  # repr by %r (finite), or quoted nan/inf
                main = tuple(f.replace('%s', '%r', 1) for f in fast[1:])
                alt = fast[1:]
            else:
                main = alt = fast[1:]
            one = main[0].replace('"refcount": %d', '"refcount": 1', 1)
            q_fmts.append((one, main, alt))
        else:
            q_types.append(_NOTYPE)
            q_fmts.append(None)
    rt = fast = main = alt = one = None
    rt_s, rt_i, rt_f = q_types
    # getsizeof of an exact str/int/float is its type's __sizeof__ (no gc
    # header): the slot called directly, several times faster
    q_sizeof = (str.__sizeof__, int.__sizeof__, float.__sizeof__)
    keep.extend([q_types, q_fmts, q_sizeof])
    mark_seen(q_types)
    mark_seen(q_fmts)
    mark_seen(q_sizeof)
    held_has = held.__contains__
    keep.append(held_has)
    mark_seen(held_has)

    def drain(q, code):
        """Write the queued atoms of q (code 0: str, 1: int, 2: float), at
        most ATOM_BATCH at a time: a big list queues many at once, and the
        transients stay bounded."""
        while _len(q) > ATOM_BATCH:
            chunk = q[-ATOM_BATCH:]
            del q[-ATOM_BATCH:]
            drain_batch(chunk, code)  # the items' one extra reference is chunk's, as q's
            chunk = None
        drain_batch(q, code)

    def drain_batch(q, code):
        """Write the atoms of q (and empty it): fresh when found in a
        container, their reached byte given bit 6 then (the line goes out
        unmarked unless said otherwise here). Most have only the reference
        found, a value that needs no care and no reference from the
        exporter: one %-operation writes all of those; the others go one by
        one, as the single path would write them."""
        n = _len(q)
        if not n:
            return
        off_q = offs[2]
        ids = list(map(_id, q))
        rcs = list(map(getrefcount, q))  # as calibrated: q's slot, map's argument
        szs = list(map(q_sizeof[code], q))
        vals = list(map(_len, q)) if code == 0 else q
        ok = list(map(_partial(operator.ge, off_q + 1), rcs))
        if code == 1:
            if max(q) > _I63 or min(q) < -_I63:
                ok = list(map(operator.and_, ok, map(_partial(operator.ge, _I63), map(abs, q))))
        elif code == 2:
            x = sum(q)
            if x - x != 0.0:  # a nan or inf among them
                ok = list(map(operator.and_, ok, map(_partial(operator.eq, 0.0), map(operator.sub, q, q))))
        if any(map(held_has, ids)):
            ok = list(map(operator.and_, ok, map(operator.not_, map(held_has, ids))))
        one, main, alt = q_fmts[code]
        if alloc:  # the site field last (its records go into buf first)
            sites = list(map(_alloc, q))
            cols = (ids, szs, vals, sites)
        else:
            sites = None
            cols = (ids, szs, vals)
        if all(ok):
            rows = _izip(*cols)
            good = n
        else:
            rows = list(_compress(_izip(*cols), ok))
            good = _len(rows)
            for i in _compress(range(n), map(operator.not_, ok)):
                a = ids[i]
                raw = rcs[i]
                rc = raw - off_q
                h = held_get(a)
                if h is None:
                    hot = False
                else:
                    rc -= h
                    hot = a in cand
                b = regs_get(a >> 14)
                j = (a & 16383) >> 3
                v = b[j]
                if raw >= immortal_min:
                    rc += off_q - offs[0]  # the figure the single path writes
                    b[j] = v & 191
                    f = 2
                else:
                    nfound = v & 63
                    if nfound == 63:
                        nfound += over_get(a, 0)
                    if rc > nfound or hot:
                        b[j] = v & 191
                        f = 1
                    else:
                        f = 0
                x = vals[i]
                if rc < 0:  # see RACED
                    rc = 0
                    b[j] &= 191
                    f = 1 if f == 0 else f
                    raced = True
                else:
                    raced = False
                if code == 0 or (-_I63 <= x <= _I63 if code == 1 else x - x == 0.0):
                    args = (a, rc, szs[i], x)
                    line = main[f]
                elif code == 1:
                    args = (a, rc, szs[i])
                    line = alt[f]
                else:
                    args = (a, rc, szs[i], '"%s"' % _float_repr(x))
                    line = alt[f]
                line = line % (args if sites is None else args + (sites[i],))
                buf_append(line if not raced else line[:-2] + RACED + '}\n')
            x = line = None
        if good:
            buf_append((one * good) % tuple(_flatten(rows)))
        counters[0] += n
        counters[2] += sum(szs)
        rows = vals = sites = cols = None
        del q[:]
        flush()  # buf counts entries, and a batch is one: its memory is bounded here

    def process(src, emit):
        n_obj = n_ref = n_bytes = 0
        off_out, off_in = offs[:2]
        last_t = last_ti = None  # the previous object's type: its info again
        # (rt_s, rt_i, rt_f: the walk's, not locals here: a reference from
        # this frame to a type would be gone, and not subtracted, by the end)
        qs, qi, qf = atomq
        qs_append, qi_append, qf_append = qs.append, qi.append, qf.append
        sat_append = sat.append
        for o in src:
            a = _id(o)
            k = a >> 14
            b = regs_get(k)
            if b is None:
                b = regs[k] = bytearray(2048)
            j = (a & 16383) >> 3
            v = b[j]
            if v & 128:
                continue
            b[j] = v | 128
            stack_append(o)
            while stack:
                o = stack_pop()
                rc = getrefcount(o)
                if o is last_t:
                    rc -= 1  # our own reference, below
                a = _id(o)
                t = _type(o)
                if t is not last_t:
                    ti = tinfo_get(_id(t))
                    if ti is None:
                        ti = new_typeinfo(t)
                    last_t = t
                    last_ti = ti
                else:
                    ti = last_ti
                rb = regs_get(a >> 14)
                rj = (a & 16383) >> 3
                v = rb[rj]
                if v & 64:
                    rc -= off_in
                else:
                    rc -= off_out
                # references found so far: an object whose refcount they
                # already cover can never become external, and its line
                # needs no second-pass work unless the exporter may hold it
                nfound = v & 63
                if nfound == 63:
                    nfound += over_get(a, 0)
                # held also lists the objects the exporter refers to
                # (cand) with 0: one lookup for most objects
                h = held_get(a)
                if h is not None:
                    rc -= h
                    risky = a in cand
                else:
                    risky = False
                fast = ti[0]
                if fast is not None and fast[0] < F_CONT and emit:
                    # atoms (no referents) with a per-type format
                    code = fast[0]
                    try:
                        sz = getsizeof(o)
                        if code == F_LEN:
                            x = _len(o)
                        elif code == F_INT:
                            intf = ti[10]
                            x = (', "value": ' + intf[1](o)) if intf[0](o) <= 63 else ''
                        elif code == F_FLOAT:
                            x = _float_repr(o)
                            if x in ('nan', 'inf', '-inf'):
                                x = '"%s"' % x
                        elif code == F_BOOL:
                            x = 'true' if o is True else 'false'
                        else:
                            x = None
                        site = _alloc(o) if alloc else None
                    except Exception:
                        fast = None  # the general path below, with its fallbacks
                    if fast is not None:
                        o = t = None
                        n_bytes += sz
                        # bit 6 from now on: the line went out unmarked and
                        # would need a rewrite if the exporter held it
                        if rc >= immortal_min:
                            rb[rj] = v & 191  # immortal: refcount never rewritten
                            fmt = fast[3]
                        elif rc > nfound or risky:
                            rb[rj] = v & 191
                            fmt = fast[2]
                        elif rc >= 0:
                            rb[rj] = v | 64
                            fmt = fast[1]
                        else:  # see RACED: never a negative refcount
                            rc = 0
                            rb[rj] = v & 191
                            fmt = fast[4]
                        if site is None:
                            buf_append(fmt % (a, rc, sz) if x is None else fmt % (a, rc, sz, x))
                        else:
                            buf_append(fmt % (a, rc, sz, site) if x is None else fmt % (a, rc, sz, x, site))
                        n_obj += 1
                        if not n_obj & 4095:
                            flush()
                        continue
                fast, kind, tjson, sizef, lenf, valk, named, fin, plan, positional, intf = ti
                if t is _InstanceType:  # 2.7 old-style instance: name it after its class
                    tjson, fin = _classic_info(o, classic, tkeep, held)
                try:
                    if sizef is None:
                        sz = getsizeof(o)
                    else:
                        sz = sizef(o)
                        if _type(sz) is not int or sz < 0:
                            sz = 0
                except Exception:
                    sz = 0
                n_bytes += sz
                if kind == K_DICT:
                    # a dict named as some object's __dict__ (globals ...)
                    # before its own line: its keys are names (see NAMES)
                    nsd = pending and pending_pop(a, None) is not None
                    if nsd:
                        rc -= 1  # pending's own reference
                if kind == K_ATOM:
                    # str, int, float, bytes, None ... no referents
                    if rc < 0:  # see RACED: never a negative refcount
                        rc = 0
                        raced = RACED
                        risky = True  # marked: the fix leaves it as it is
                    else:
                        raced = None
                    if rc >= immortal_min:
                        line = ('{"address": %d, "refcount": %d, "root": "immortal", "immortal": true, '
                                '"type": %s, "size": %d' % (a, rc, tjson, sz))
                    else:
                        line = '{"address": %d, "refcount": %d, "type": %s, "size": %d' % (a, rc, tjson, sz)
                    if raced is not None:
                        line += raced
                    try:
                        if lenf is not None:
                            line += ', "len": %d' % lenf(o)
                        if valk:
                            if valk == V_INT:
                                if intf[0](o) <= 63:
                                    line += ', "value": ' + intf[1](o)
                            elif valk == V_FLOAT:
                                r = _float_repr(o)
                                if r in ('nan', 'inf', '-inf'):
                                    r = '"%s"' % r
                                line += ', "value": ' + r
                            elif valk == V_BOOL:
                                line += ', "value": true' if o is True else ', "value": false'
                            elif values:
                                line += _text_value(o, t, valk)
                        if alloc:
                            line += _alloc(o)
                    except Exception:
                        pass
                    o = t = None
                    if emit:
                        if rc >= immortal_min:
                            rb[rj] = v & 191
                            buf_append(line + ', "refs": []}\n')
                        elif rc > nfound or risky:
                            rb[rj] = v & 191
                            buf_append('\x00' + line + ', "refs": []}\n')
                        else:
                            rb[rj] = v | 64
                            buf_append(line + ', "refs": []}\n')
                        if len(buf) >= 4096:
                            flush()
                        n_obj += 1
                    else:
                        emit_calib.append(rc)
                    continue

                rk = roots_get(a)
                if fast is not None and fast[0] != F_CONT:
                    inst = fast[1]
                    fast = None
                else:
                    inst = None
                general = True
                if rk is None and fast is not None and 0 <= rc < immortal_min and not (special and a in special):
                    # exact list/tuple/deque/dict, not a root, not garbage
                    # or young: the whole line is one format (parts None)
                    try:
                        ln = _len(o)
                        parts = None
                        settled = rc <= nfound
                        general = False
                    except Exception:
                        fast = None
                if general:
                    if t is _FrameType and rk is None and _safe.is_exporter_frame(o):
                        # a finished exporter frame kept by a traceback (2.7): not the user's
                        o = t = None
                        continue
                    if rk is not None:
                        rc -= 1  # root_objs holds it
                    elif t is _ModuleType and atexit_mods and _safe.atexit_module_traverses_registry(o):
                        rk = 'atexit'  # 3.6-3.9: a copy of the atexit module (its registry is traversed)
                    if rc < 0:  # see RACED: never a negative refcount
                        rc = 0
                        raced = RACED
                        risky = True  # marked: the fix leaves it as it is
                    else:
                        raced = None
                    if rk is not None:
                        parts = ['{"address": %d, "refcount": %d, "root": "%s", "type": %s, "size": %d'
                                 % (a, rc, rk, tjson, sz)]
                        settled = True
                    elif rc >= immortal_min:
                        parts = ['{"address": %d, "refcount": %d, "root": "immortal", "immortal": true, '
                                 '"type": %s, "size": %d' % (a, rc, tjson, sz)]
                        settled = None  # never rewritten
                    else:
                        parts = ['{"address": %d, "refcount": %d, "type": %s, "size": %d' % (a, rc, tjson, sz)]
                        settled = rc <= nfound
                    if raced is not None:
                        parts.append(raced)
                    try:
                        if named:
                            nm = _name_module(o, t, None)
                            if nm is not None:
                                parts.append(', "name": %s' % dumps(nm[0]))
                                if nm[1]:
                                    parts.append(', "module": %s' % dumps(nm[1]))
                                nm = None
                        elif rk is not None and root_names and a in root_names:
                            parts.append(', "name": %s' % dumps(root_names[a]))
                        if lenf is not None:
                            parts.append(', "len": %d' % lenf(o))
                        if valk:
                            if valk == V_INT:
                                if intf[0](o) <= 63:
                                    parts.append(', "value": ' + intf[1](o))
                            elif valk == V_FLOAT:
                                r = _float_repr(o)
                                if r in ('nan', 'inf', '-inf'):
                                    r = '"%s"' % r
                                parts.append(', "value": ' + r)
                            elif valk == V_BOOL:
                                parts.append(', "value": true' if o is True else ', "value": false')
                            elif values:
                                parts.append(_text_value(o, t, valk))
                        if fin is not None:
                            parts.append(', "finalizer": "%s"' % fin)
                            if is_finalized is not None and is_finalized(o):
                                parts.append(', "finalized": true')
                        if garbage_ids and a in garbage_ids:
                            parts.append(', "garbage": true')
                        if young:
                            g = young_get(a)
                            if g is not None:
                                parts.append(', "gen": %d' % g)
                        if alloc:
                            parts.append(_alloc(o))
                    except Exception:
                        pass

                # children and labels
                weak = None
                labs_json = None
                if kind == K_SEQ:
                    kids = list(o)  # exact list/tuple/deque: C-level copy, in index order
                    if kids:
                        nk = len(kids)
                        if nk < 256:
                            labs_json = seqlabels[nk]
                            if labs_json is None:
                                labs_json = seqlabels[nk] = '[' + ', '.join(poslabels[:nk]) + ']'
                        elif nk <= 4096:
                            labs_json = '[' + ', '.join(poslabels[:nk]) + ']'
                        else:
                            labs_json = '[' + ', '.join(['"[%d]"' % i for i in range(nk)]) + ']'
                elif kind == K_DICT:
                    kids = []
                    labs = []
                    ka = kids.append
                    la = labs.append
                    try:
                        items = list(dict_items(o))
                    except Exception:
                        items = ()
                    for kk, vv in items:
                        tk = _type(kk)
                        if tk is str:
                            r = labcache_get(kk)
                            la(r if r is not None else key_label(kk))
                        elif tk is int:
                            la(_enc(int_label(kk)))
                        elif names:
                            la(_enc(_data_label(kk)))
                        else:
                            la(_enc(_key_label(kk, tk, tinfo_get)))
                        ka(vv)
                        ka(kk)
                        la('"<key>"')
                    if kids:
                        labs_json = '[' + ', '.join(labs) + ']'
                        if names and '"[<redacted ' in labs_json:
                            if ired_over[0] or (ired and not ired.isdisjoint(labs)):
                                # identifier keys the data rule redacted:
                                # names if o is a __dict__ (globals ...),
                                # else data until an owner shows up (the
                                # line is marked)
                                if name_keys(a, o, items, labs, nsd, settled is not None):
                                    risky = True
                            if o is sysmods:
                                module_keys(items, labs)
                            labs_json = '[' + ', '.join(labs) + ']'
                    kk = vv = items = ka = la = labs = None
                else:
                    kids = get_referents(o)
                    labs = None
                    if inst is not None:
                        # 3.11+ instance with inline values, all set: the
                        # whole label array, checked against the referents
                        ids = list(map(_id, kids))
                        try:
                            labs_json = inst(o, t, kids, ids)
                        except Exception:
                            labs_json = None
                    if labs_json is None:
                        ids = None
                        try:
                            labs, weak = _general_labels(o, t, kids, plan, positional)
                        except Exception:
                            labs = None
                        if names and labs is not None and not NAMES.isdisjoint(labs):
                            # edges to dicts whose keys are names (name_owner, inline)
                            for i in range(len(labs)):
                                if labs[i] in NAMES and _type(kids[i]) is dict:
                                    c = kids[i]
                                    ca = _id(c)
                                    w = deferred.get(ca)
                                    if w is None:
                                        pending[ca] = c
                                    elif w[0] is c:
                                        resolved[ca] = w[1]
                            c = w = None
                        if kids:
                            if labs is None:
                                labs_json = '[' + ', '.join(['null'] * len(kids)) + ']'
                            else:
                                labs_json = '[' + ', '.join([_enc(x) if x is not None else 'null'
                                                             for x in labs]) + ']'
                        labs = x = None
                t = None
                if kids:
                    if kind != K_GEN or ids is None:
                        ids = list(map(_id, kids))
                    for c, ca in _zip(kids, ids):
                        k = ca >> 14
                        b = regs_get(k)
                        if b is None:
                            b = regs[k] = bytearray(2048)
                        j = (ca & 16383) >> 3
                        v = b[j]
                        if v < 128:
                            # fresh (count 0: counting starts with the reach
                            # bit): exact str/int/float wait in their queue
                            # with bit 6 set (see drain), the rest is pushed
                            tc = _type(c)
                            if tc is rt_s:
                                b[j] = v + 193
                                qs_append(c)
                            elif tc is rt_i:
                                b[j] = v + 193
                                qi_append(c)
                            elif tc is rt_f:
                                b[j] = v + 193
                                qf_append(c)
                            else:
                                b[j] = v + 129
                                stack_append(c)
                        elif v & 63 == 63:
                            sat_append(ca)
                        else:
                            b[j] = v + 1
                    c = tc = None
                    if _len(sat) >= SAT_FOLD:
                        _count_elements(over, sat)
                        del sat[:]
                else:
                    ids = []
                kids = None  # before drain: a reference to its atoms
                if emit:
                    if _len(qs) >= ATOM_BATCH:
                        drain(qs, 0)
                    if _len(qi) >= ATOM_BATCH:
                        drain(qi, 1)
                    if _len(qf) >= ATOM_BATCH:
                        drain(qf, 2)
                if weak is not None:
                    ca = _id(weak)
                    k = ca >> 14
                    b = regs_get(k)
                    if b is None:
                        b = regs[k] = bytearray(2048)
                    j = (ca & 16383) >> 3
                    v = b[j]
                    if v < 128:
                        b[j] = v | 128
                        stack_append(weak)
                    ids.append(ca)
                    weak = None
                    labs_json = (labs_json[:-1] + ', "<weakref>"]') if len(ids) > 1 else '["<weakref>"]'
                b = None
                o = None
                if parts is None:  # exact container (fast, settled set above)
                    if emit:
                        if settled and not risky:
                            rb[rj] |= 64  # bit 6 now: the line went out unmarked (see atoms)
                            q = 2
                        else:
                            rb[rj] &= 191
                            q = 3
                        if ids:
                            n_ref += _len(ids)
                            buf_append(fast[q] % (a, rc, sz, ln, ids, labs_json))
                        else:
                            buf_append(fast[q + 2] % (a, rc, sz, ln))
                        if _len(buf) >= 4096:
                            flush()
                        n_obj += 1
                    else:
                        emit_calib.append(rc)
                else:
                    if ids:
                        parts.append(', "refs": %s, "labels": %s}\n' % (ids, labs_json))
                        n_ref += len(ids)
                    else:
                        parts.append(', "refs": []}\n')
                    if emit:
                        if settled is None:
                            rb[rj] &= 191
                            buf_append(''.join(parts))
                        elif settled and not risky:
                            rb[rj] |= 64  # bit 6 now: the line went out unmarked (see atoms)
                            buf_append(''.join(parts))
                        else:
                            rb[rj] &= 191
                            buf_append('\x00' + ''.join(parts))
                        if len(buf) >= 4096:
                            flush()
                        n_obj += 1
                    else:
                        emit_calib.append(rc)
                parts = ids = None
                rb = None
            o = None
        if not emit:
            n_bytes = n_ref = 0
        counters[0] += n_obj
        counters[1] += n_ref
        counters[2] += n_bytes

    # allocation sites: each distinct traceback is written once, as a site
    # record ahead of the first object line that names it by number (the
    # lines before it in buf go out first). Keys are tuples of (str, int)
    # tuples: hashing runs no user code. Past ALLOC_CACHE_MAX distinct
    # tracebacks, each object gets a site record of its own.
    alloc_cache = {}
    keep.append(alloc_cache)
    mark_seen(alloc_cache)
    # each frame's JSON text, by its (file, line) tuple: frames recur across
    # tracebacks (the import machinery's above all); formatting and encoding
    # them was a tenth of a dump's extra work under tracemalloc
    frame_text = {}
    keep.append(frame_text)
    mark_seen(frame_text)
    kept_frames = set()  # ids of the frame tuples whose references are counted in held
    keep.append(kept_frames)
    mark_seen(kept_frames)
    n_sites = [0]
    keep.append(n_sites)
    mark_seen(n_sites)
    tflag = opts.get('_tflag')  # set around each lookup: _tracing.pause

    def keep_frame(fr):
        # a frame tuple the caches keep references a dumped str (its file
        # name) and int (its line): counted in held once per tuple, as the
        # type-info cache's are, so lines written from now on exclude them
        # (left out of exporter_held's walk below: skip)
        if _id(fr) not in kept_frames:
            kept_frames.add(_id(fr))
            for y in fr:
                held[_id(y)] = held_get(_id(y), 0) + 1

    def _alloc(o):
        if tflag is not None:
            tflag.value = 1
            try:
                tb = _get_tb(o)
            finally:
                tflag.value = 0
        else:
            tb = read_tb(_get_tb, o)
        if not tb and _managed_tb is not None:
            t = _type(o)
            if _safe.type_flags(t) & _safe.Py_TPFLAGS_MANAGED_DICT:
                tb = read_tb(_managed_tb, 0, _id(o) - 32)
        if not tb:
            return ''
        cached = _type(tb) is tuple
        if cached:
            s = alloc_cache.get(tb)
            if s is not None:
                return s
        n = n_sites[0] = n_sites[0] + 1
        parts = []
        for fr in tb:
            if _type(fr) is tuple:
                text = frame_text.get(fr)
                if text is None:
                    text = dumps('%s:%d' % (fr[0], fr[1]))
                    if len(frame_text) < ALLOC_CACHE_MAX:
                        frame_text[fr] = text
                        keep_frame(fr)
                parts.append(text)
        buf_append('{"record": "site", "site": %d, "frames": [%s]}\n' % (n, ', '.join(parts)))
        s = ', "site": %d' % n
        if cached and len(alloc_cache) < ALLOC_CACHE_MAX:
            alloc_cache[tb] = s
            for fr in tb:
                if _type(fr) is tuple:
                    keep_frame(fr)
        return s

    # our closures and their cells exist before the snapshot: never write them
    for fn in (mark_seen, flush, process, drain, drain_batch, _alloc, keep_frame, key_label, str_key_labels, odict_labels, dsub_labels,
               new_typeinfo, name_keys, module_keys):
        mark_seen(fn)
        keep.append(fn)
        cl = fn.__closure__
        if cl:
            mark_seen(cl)
            for cell in cl:
                mark_seen(cell)
    fn = cl = cell = None

    # -- calibration: references the walk itself holds on the object being
    #    written (the local variable, getrefcount's argument, ...).
    emit_calib = []
    # [A, f1], A = [f2, f3]: A stands for an object of the objs list, f2
    # and f3 are atoms found in a container (queued), f1 an atom on the
    # single path (as nested atoms are when popped: the stack slot is gone,
    # the local holds it)
    probe_src = [[float('0.5'), float('0.75')], float('0.25')]
    mark_in = probe_src[0]
    a = id(mark_in)
    k = a >> 14
    b = regs.get(k)
    if b is None:
        b = regs[k] = bytearray(2048)
    b[(a & 16383) >> 3] |= 64
    mark_in = b = None
    process(probe_src, False)
    # emit_calib: A, f1 (f2 and f3 wait in the float queue), or A, f3, f2,
    # f1 when floats have no queue (alloc: no per-type formats). A: true
    # refcount 0 (+ the src slot, like the objs list); each float: true
    # refcount 1 (its list).
    offs[1] = emit_calib[0]
    offs[0] = emit_calib[-1] - 1
    pq = atomq[2]
    if pq:
        offs[2] = list(map(getrefcount, pq))[0] - 1  # as drain counts them
        ok = len(pq) == 2 and len(emit_calib) == 2
        del pq[:]
    else:
        ok = len(emit_calib) == 4 and emit_calib[1] == emit_calib[2] == emit_calib[3]
    pq = None
    if not ok:  # pragma: no cover
        raise RuntimeError('refgraph: refcount calibration failed: %r' % (emit_calib,))
    keep.append(probe_src)
    for x in (probe_src[0], probe_src[0][0], probe_src[0][1], probe_src[1]):
        mark_seen(x)  # reached but never written: excluded
    x = None
    stats['calibration'] = tuple(offs)

    # objects the exporter's own frames, closures and containers refer to
    # now: their lines are always marked (see exporter_held). Not traversed:
    # the bookkeeping (its references are subtracted as they are made, or
    # are to exporter objects) and, before the walk, the objs list (the
    # walk's frame holds it up to 3.10: it would flag every object)
    skip = (id(root_objs), id(regs), id(over), id(sat), id(buf), id(tinfo), id(classic), id(tkeep), id(held),
            id(labcache), id(young), id(special), id(garbage_ids), id(ired), id(pending), id(deferred),
            id(resolved), id(namecache), id(alloc_cache), id(frame_text), id(kept_frames))
    pre_skip = skip + (id(objs), id(poslabels), id(seqlabels), id(cand))
    cand.update(exporter_held(_without(keep, pre_skip), regs, marked, pre_skip,
                              stop_at_all=True))
    for x in cand:
        held.setdefault(x, 0)
    x = None
    pre_skip = None
    # the interpreter's cached singletons (small ints, 1-character strings,
    # (), ...): immortal on every version, whatever their refcount says
    singles = _layouts.SINGLETONS
    saved = offs[:]
    offs[0] += 1  # singles holds each one, like root_objs
    offs[1] += 1
    immortal_min = 0
    process(singles, True)
    immortal_min = IMMORTAL_MIN if IMMORTAL_MIN is not None else _NEVER
    offs[:] = saved
    saved = singles = None
    process(root_objs, True)
    process(objs, True)
    _count_elements(over, sat)
    del sat[:]
    for i in range(3):  # with every reference counted: fewer marked lines
        drain(atomq[i], i)
    flush()
    stats['objects'], stats['references'], stats['bytes'] = counters
    stats['sites'] = n_sites[0]
    objs = None
    # references the exporter's own caches and frames hold on dumped objects
    # (type-info tuples, plan closures and their descriptor getters, cached
    # __len__/__sizeof__ slot wrappers, locals of exporter frames): the second
    # pass subtracts them from refcount and from the unexplained count.
    # root_objs: its reference to each root is subtracted already (rc -= 1).
    # The type-info cache (tinfo, classic) grows during the walk: its
    # references are counted in ``held`` when each entry is made, so they are
    # left out here; what remains (closure cells, exporter frames' locals,
    # the roots/opts containers) existed before the first line was written.
    marked.discard(id(root_objs))
    xheld = exporter_held(_without(keep, skip), regs, marked, skip)
    # Only references to objects the exporter held before the walk (cand)
    # existed when their lines were written. Anything else found now was
    # made during the walk: an exporter object (a count in ``counters``, the
    # tuple in ``stats``, a label string) that took the address of a dumped
    # object which died meanwhile (another thread dropped it), whose line
    # would lose references it never had (issue 18 item 14: refcount -1).
    for a in [a for a in xheld if a not in cand]:
        del xheld[a]
    stats['exporter_held'] = len(xheld)
    # lines written without the \x00 mark (settled: bit 6 set) went
    # straight to the dump; if the exporter holds one of them after all,
    # _core rewrites the plain lines through the fix (slow, not seen in
    # practice: see EXPORTER.md, Decisions)
    stats['copy_settled'] = True
    for a in xheld:
        if a == id(root_objs) or a in marked:
            continue  # never written (bit 6 still says: in the objs list)
        b = regs.get(a >> 14)
        if b is not None and b[(a & 16383) >> 3] & 64:
            stats['copy_settled'] = False
            break
    # keep holds this frame (and the closures whose cells hold keep's
    # members): a cycle that would outlive the dump until the next
    # collection, and show in the next dump. Broken here.
    del keep[:]
    # the names of the deferred dicts an edge named later: put in by the fix
    # of marked lines, in label order (bytes, as the lines are)
    relabel = {}
    for a in resolved:
        relabel[a] = [(r.encode('ascii'), p.encode('ascii')) for r, p in resolved[a]]
    pending.clear()
    deferred.clear()
    resolved.clear()
    namecache.clear()
    return regs, over, xheld, relabel


def _without(objs, skip_ids):
    """objs but those whose id is in skip_ids. (A comprehension in walk
    would make its variables cells, created before gc.get_objects() and
    then found in the dump on 3.6-3.11.)"""
    out = []
    for x in objs:
        if id(x) not in skip_ids:
            out.append(x)
    return out


_young_from_list = _layouts.young_reader()


def young_generations():
    """{id: 0 or 1} of the objects in gc's two young generations (3.8+),
    taken before the walk; the lists are dropped at once. The oldest
    generation is left out: most objects are there. (2.7-3.7: {} here,
    filled from gc.get_objects()'s list by _layouts.young_reader.)"""
    young = {}
    if PYV < (3, 8):
        return young
    for g in (1, 0):
        try:
            objs = gc.get_objects(generation=g)
        except Exception:
            continue
        young.update(dict.fromkeys(map(id, objs), g))
        objs = None
    return young


_IMMORTAL_MIN = IMMORTAL_MIN if IMMORTAL_MIN is not None else _NEVER


def _hold(t, tkeep, held):
    """Keep a reference to t (a type whose info is cached by its id) and
    count it in held, so refcounts written from now on exclude it (3.12+
    immortals do not count references)."""
    tkeep.append(t)
    if sys.getrefcount(t) < _IMMORTAL_MIN:
        held[id(t)] = held.get(id(t), 0) + 1


def _count_cached(ti, held):
    """A new type-info tuple keeps one reference on each pre-existing object
    it caches (slot wrappers, plan functions, __sizeof__ of a base, ...):
    count them in ``held`` so refcounts written from now on exclude them."""
    for x in ti:
        if x is not None:
            held[id(x)] = held.get(id(x), 0) + 1
        if type(x) is tuple:  # intf: (bit_length, repr)
            for y in x:
                held[id(y)] = held.get(id(y), 0) + 1
        elif type(x) is _FunctionType:
            dflt = _func_defaults(x)
            if dflt:  # sizeof_plan's size(o, _m=<builtin __sizeof__>, _extra=n)
                for y in dflt:
                    held[id(y)] = held.get(id(y), 0) + 1


_func_defaults = types.FunctionType.__dict__['__defaults__'].__get__


def exporter_held(starts, regs, excl, skip=(), stop_at_all=False):
    """{address: n}: references from exporter-internal objects (reachable
    from ``starts`` without passing through a dumped object) to dumped
    objects. An object is dumped when its reached bit is set and it is not one
    of the excluded exporter objects (``excl``, ids). ``stop_at_all``
    (before the walk, when nothing is reached yet): count every object that
    is not excluded, and stop there."""
    out = {}
    todo = []
    seen = set(skip)
    for x in starts:  # once each: the same frame may be listed twice
        if id(x) not in seen:
            seen.add(id(x))
            todo.append(x)
    regs_get = regs.get
    _id = id
    while todo:
        x = todo.pop()
        try:
            rs = get_referents(x)
            if RUNNING_FRAMES_HIDDEN and type(x) is _FrameType:
                rs = rs + _running_frame_refs(x)
        except Exception:
            continue
        for r in rs:
            a = _id(r)
            b = regs_get(a >> 14)
            if (stop_at_all or (b is not None and b[(a & 16383) >> 3] & 128)) and a not in excl:
                out[a] = out.get(a, 0) + 1
            elif a not in seen:
                seen.add(a)
                todo.append(r)
    return out


# 3.11+: gc does not traverse a running frame (its function, code, locals,
# free-variable cells); the exporter's own frames are running
RUNNING_FRAMES_HIDDEN = PYV >= (3, 11)
_frame_refs_reader = _layouts.frame_locals_reader()


def _running_frame_refs(f):
    """The objects a 3.11+ running frame holds that gc does not report:
    its code, and the locals, f_locals and f_func read from its slots."""
    if _frame_refs_reader is None:
        return []
    code = _frame_code(f)
    got = _frame_refs_reader(f, code)
    if got is None or got[0]:
        return []  # finished: gc reports what it holds
    return [code] + [x for x, lab in got[1]]


_InstanceType = _safe.InstanceType
_FrameType = types.FrameType


def _classic_info(o, cache, tkeep, held):
    """(type json, finalizer) of a 2.7 old-style instance, from its class."""
    try:
        cls = get_referents(o)[0]
        r = cache.get(id(cls))
        if r is None:
            r = cache[id(cls)] = (_dumps(_safe.type_fullname(cls)), _safe.classic_finalizer(cls))
            _hold(cls, tkeep, held)
        return r
    except Exception:
        return '"instance"', None


def _text_value(o, t, valk):
    if valk == V_TEXT:
        sl = None
        for tt in _safe.mro(t):  # by identity: no dict lookup (hash) of a user class
            for base, f in _text_slices:
                if tt is base:
                    sl = f
                    break
            if sl is not None:
                break
        s = sl(o, _SLICE100)
        if PY2 and isinstance(s, str):
            s = s.decode('utf-8', 'replace')
        return ', "value": ' + _dumps(s)
    if valk == V_BYTES:
        return ', "value": ' + _dumps(_bytes_slice(o, _SLICE100).decode('utf-8', 'replace'))
    return ''


def _key_label(kk, tk, tinfo_get):
    if PY2 and tk is unicode:  # noqa: F821
        r = '[' + _unicode_repr(kk[:56]) + ']'
        return r if len(r) <= 60 else r[:59] + ']'
    if PY2 and tk is long:  # noqa: F821
        r = _long_str(kk)
        return '[' + r[:58] + ']'
    ti = tinfo_get(id(tk))
    if ti is not None:
        name = ti[2][1:-1]  # tjson
    else:
        name = _safe.type_fullname(tk)
    return ('[<' + name + '>]')[:60]


def _dict_tail_labels(kids, labs, items, twice):
    """The dict part's referents are last, in dict order: on 3.x only the
    values when every key is an exact str (the str keys are then added as
    edges), else value, key per item; on 2.7 key, value. Checked by identity;
    True when it matched and the labels were set, else the caller matches
    freely."""
    n = len(items)
    N = len(kids)
    str_keys = False
    if not PY2:
        str_keys = True
        for kk, vv in items:
            if type(kk) is not str:
                str_keys = False
                break
    if str_keys:
        if N < n:
            return False
        s0 = N - n
        for i in range(n):
            if kids[s0 + i] is not items[i][1] or labs[s0 + i] is not None:
                return False
        for i in range(n):
            labs[s0 + i] = _rdict_label(items[i][0])
        if not twice:  # a 3.x OrderedDict visits its keys (first): matched freely
            for kk, vv in items:
                kids.append(kk)
                labs.append('<key>')
            return True
        free = _free_slots(kids, labs)
        for kk, vv in items:
            at = free.get(id(kk))
            if at:
                labs[at.pop()] = '<key>'
            else:
                kids.append(kk)
                labs.append('<key>')
        return True
    if N < 2 * n:
        return False
    s0 = N - 2 * n
    vfirst = not PY2
    for i in range(n):
        kk, vv = items[i]
        p = s0 + 2 * i
        if vfirst:
            ok = kids[p] is vv and kids[p + 1] is kk
        else:
            ok = kids[p] is kk and kids[p + 1] is vv
        if not ok or labs[p] is not None or labs[p + 1] is not None:
            return False
    for i in range(n):
        kk, vv = items[i]
        p = s0 + 2 * i
        if vfirst:
            labs[p], labs[p + 1] = _rdict_label(kk), '<key>'
        else:
            labs[p], labs[p + 1] = '<key>', _rdict_label(kk)
    if twice:  # 3.x OrderedDict: its linked list visits the keys too
        free = _free_slots(kids, labs)
        for kk, vv in items:
            at = free.get(id(kk))
            if at:
                labs[at.pop()] = '<key>'
    return True


def _apply_pairs(pairs, kids, labs):
    """Give each plan pair (x, label, add) the first unlabelled referent that
    *is* x; append x as a new edge when there is none and ``add`` says it is
    a reference gc does not report. ``<weakref>`` pairs are the caller's."""
    n = len(kids)
    if n * len(pairs) <= 256:
        for x, lab, add in pairs:
            if lab == '<weakref>':
                continue
            for i in range(n):
                if labs[i] is None and kids[i] is x:
                    labs[i] = lab
                    break
            else:
                if add:
                    kids.append(x)
                    labs.append(lab)
        return
    free = _free_slots(kids, labs)
    for x, lab, add in pairs:
        if lab == '<weakref>':
            continue
        at = free.get(id(x))
        if at:
            labs[at.pop()] = lab
        elif add:
            kids.append(x)
            labs.append(lab)


def _free_slots(kids, labs):
    """{id: [indexes of unlabelled referents, last = lowest]}"""
    free = {}
    free_get = free.get
    for i in range(len(kids) - 1, -1, -1):
        if labs[i] is None:
            a = id(kids[i])
            at = free_get(a)
            if at is None:
                free[a] = [i]
            else:
                at.append(i)
    return free


def _general_labels(o, t, kids, plan, positional):
    """(labels parallel to kids, or None; the weak referent or None) of an
    object of the general path: the builtin container part of a subclass
    (by index before the plan; dict keys and set members after it, so that
    __class__, __dict__ and attributes take their referents first), and
    the type's plan, whose added edges extend kids."""
    labs = weak = None
    if positional is set or positional is frozenset:
        if t is positional:  # exact: every referent is a member
            return [_plans_c.SET_LABEL] * len(kids), None
    elif positional is not None and positional is not dict and positional is not _OrderedDict:
        labs = _seq_base_labels(o, positional, kids)
    if plan is not None:
        pairs = plan(o, t, kids)
        if pairs:
            if labs is None:
                labs = [None] * len(kids)
            _apply_pairs(pairs, kids, labs)
            for x, lab, add in pairs:
                if lab == '<weakref>':
                    weak = x
    elif labs is None and kids and positional is None:
        labs = [None] * len(kids)
        for i in range(len(kids)):
            if kids[i] is t:
                labs[i] = '__class__'
                break
    if positional is dict or positional is _OrderedDict:
        labs = _dict_base_labels(o, kids, labs, positional is _OrderedDict)
    elif positional is set or positional is frozenset:
        if labs is None:
            labs = [None] * len(kids)
        labs = _plans_c.set_member_labels(o, positional, kids, labs)
    return labs, weak


def _seq_base_labels(o, base, kids):
    """Instances of list/tuple/deque subclasses: the builtin part's
    referents come last in gc.get_referents (subtype_traverse visits the
    subclass's slots, __dict__ and type first, then the base's traverse)."""
    labs = [None] * len(kids)
    items = list(base.__iter__(o))  # the builtin iterator of the C base
    if not items:
        return labs
    n = len(items)
    start = len(kids) - n
    if start >= 0:
        tail = kids[start:]
        if all(x is y for x, y in zip(tail, items)):
            for i in range(n):
                labs[start + i] = '[%d]' % i
        elif all(x is y for x, y in zip(tail, reversed(items))):
            for i in range(n):
                labs[start + i] = '[%d]' % (n - 1 - i)
    return labs


def _dict_base_labels(o, kids, labs, twice):
    """Instances of dict subclasses (OrderedDict, defaultdict, Counter, user
    classes): each value is labelled by its key like a plain dict's, each key
    ``<key>``, matched to the unlabelled referents by identity (the C
    traverse functions differ in order: dict visits value, key per entry or
    only values for str keys; 3.x OrderedDict visits its keys first, from its
    linked list). Keys and values gc did not report (str keys) are added.
    ``twice``: keys may be visited twice (3.x OrderedDict). Items are read
    with dict.items of the builtin dict: no user method, no __hash__/__eq__."""
    try:
        items = list(dict_items(o))
    except Exception:
        return labs
    if labs is None:
        labs = [None] * len(kids)
    if not items:
        return labs
    if _dict_tail_labels(kids, labs, items, twice):
        return labs
    free = _free_slots(kids, labs)
    free_get = free.get
    extra = []
    for kk, vv in items:
        lab = _rdict_label(kk)
        at = free_get(id(vv))
        if at:
            labs[at.pop()] = lab
        else:
            extra.append((vv, lab))
        at = free_get(id(kk))
        if at:
            labs[at.pop()] = '<key>'
        else:
            extra.append((kk, '<key>'))
    if twice:
        for kk, vv in items:
            at = free_get(id(kk))
            if at:
                labs[at.pop()] = '<key>'
    for x, lab in extra:
        kids.append(x)
        labs.append(lab)
    return labs


_rdict_label = _redact.dict_label  # dict subclasses: data keys, in the dump's mode
_dict_label = _safe.dict_label  # values=True, and the names of NAMES dicts
_data_label = _redact.data_label
# edges to dicts whose keys are names code gave (attributes, globals,
# parameters): identifiers there are kept whatever their length (_redact)
NAMES = frozenset(['__dict__', '__dict__ (thread)', '__globals__', 'f_globals', 'f_builtins', '__builtins__',
                   'f_locals', '__kwdefaults__', '__annotations__'])
