"""The heap walk: iterative, each object written once, no user code called.

Bookkeeping uses a byte per object in a bitmap-like structure instead of a
set of ids (_marks: reached, in the gc.get_objects() list, references found),
so the extra memory stays well under 40 bytes per object. Lines whose
refcount the references found so far explain go straight to the dump; the
others are *marked* (a leading NUL) and go to a side file, fixed at the end
by _core: ``"root": "external", "unexplained": n`` where the refcount
exceeds the references found (known once every object has been seen). Line
order carries no meaning: fresh exact str/int/float found in containers are
queued and written in batches (_drain).

What is here, in order:
  * the type-info record (TI_* names its items; make_typeinfo, _fast_info)
    and the plan a type's referents are labelled by (_choose_plan);
  * the walk's state (_Walk) and the pieces over it: dict key labels
    (_str_key_label, _name_keys), the atom queues (_drain, _drain_batch),
    the loop over objects (_process) and its paths: atoms (_atom,
    _fast_atom_line, _atom_line), the general line's head (_line_head),
    children (_seq_labels, _dict_children, _gen_children, _weak_edge);
  * walk itself: _begin, _calibrate, the _process runs, _exporter_refs;
  * what the exporter itself holds (exporter_held) and the labels of the
    general path (_general_labels and its helpers).
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
from . import _marks
from ._marks import (REGION_SHIFT, REGION_MASK, SLOT_SHIFT, REGION_BYTES, REACHED, LISTED, COUNT, UNLISTED,
                     FRESH_QUEUED, FRESH_PUSHED, LINE_HEAD, MARK, RACED)
IMMORTAL_HEAD = LINE_HEAD + ', "root": "immortal", "immortal": true'

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
# dict subclass fast labels (see _dsub_labels): 3.x below 3.13, where an
# instance's __dict__, when there is one, is always among its referents
DSUB_FAST = (3, 0) <= PYV < (3, 13)
_NEVER = 1 << 62  # no refcount reaches it: "not immortal" before 3.12

K_ATOM, K_SEQ, K_DICT, K_GEN = 0, 1, 2, 3
# fast paths (per-type line formats, see _fast_info)
F_LEN, F_INT, F_FLOAT, F_BOOL, F_PLAIN, F_CONT, F_INST = 1, 2, 3, 4, 5, 6, 7
LABEL_CACHE_MAX = 20000  # encoded dict labels of str keys kept per dump
ATOM_BATCH = 4096  # queued fresh str/int/float written per batch (see _drain)
_I63 = (1 << 63) - 1  # int values are written when they fit in 64 bits
_NOTYPE = object()  # the type of no object

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


# The type-info record: one tuple per type, cached in the walk's tinfo by the
# type's id, its items read by these names. A tuple rather than a class with
# named fields: the walk reads it for every object, and indexing a tuple is
# the cheapest read on every version (see DECISIONS.md, The exporter walk).
TI_FAST = 0        # per-type line formats (_fast_info), or None
TI_KIND = 1        # K_ATOM, K_SEQ, K_DICT or K_GEN
TI_TJSON = 2       # the type's name, as JSON text
TI_SIZE = 3        # the size function (_safe.sizeof_plan), or None: sys.getsizeof
TI_LEN = 4         # the len function (_safe.len_func), or None: no "len"
TI_VALK = 5        # V_*: which value field the line has (_value_field)
TI_NAMED = 6       # True: the line has "name" (and "module"), see _name_module
TI_FIN = 7         # the finalizer's name, or None
TI_PLAN = 8        # the labelling plan (_plans, _plans_c), or None
TI_POSITIONAL = 9  # the builtin container base whose items are labelled, or None
TI_INTF = 10       # ints: (bit_length, repr) of the int base, else None

_ATOM_TYPES = (str, int, float, bool, type(None), complex, type(Ellipsis), type(NotImplemented),
               bytearray) + ((unicode, long) if PY2 else (bytes,))  # noqa: F821


def make_typeinfo(t, opts, held, peek):
    """The type-info record of type t, its TI_FAST item None (see
    _new_typeinfo). Plans and sizes may count references they keep in held."""
    try:
        tjson = _dumps(_safe.type_fullname(t))
    except Exception:
        tjson = '"?"'
    size = _safe.sizeof_plan(t)
    lenf = _safe.len_func(t)
    fin = _safe.finalizer_of(t)
    m = _safe.mro(t)
    valk = _value_kind(m)
    intf = _int_funcs(m) if valk == V_INT else None
    plan = positional = None
    if _safe.among(t, _ATOM_TYPES):
        kind = K_ATOM
    elif t is list or t is tuple or t is _deque:
        kind = K_SEQ
    elif t is dict:
        kind = K_DICT
    else:
        kind = K_GEN
        positional = _positional_base(t)
        plan = _choose_plan(t, opts, held, peek)
        size = _c_size(t, size, held)
    return (None, kind, tjson, size, lenf, valk, _is_named(t), fin, plan, positional, intf)


def _value_kind(mro):
    """V_*: the value field of a type of this mro (bool before int)."""
    among = _safe.among
    if among(bool, mro):
        return V_BOOL
    if among(_safe.int_types[0], mro) or (PY2 and among(long, mro)):  # noqa: F821
        return V_INT
    if among(float, mro):
        return V_FLOAT
    if any(among(tt, mro) for tt in _safe.text_types):
        return V_TEXT
    if not PY2 and among(bytes, mro):
        return V_BYTES
    return V_NONE


def _int_funcs(mro):
    """(bit_length, repr) of the builtin int base: no method of a subclass."""
    if PY2 and _safe.among(long, mro):  # noqa: F821
        return (long.bit_length, long.__str__)  # noqa: F821
    return (int.bit_length, int.__repr__)


def _c_size(t, size, held):
    """The size function of a C type whose size sys.getsizeof misstates."""
    if BYTESIO_SIZE and _safe.safe_issubclass(t, _plans_c.BytesIOType):
        return _plans_c.bytesio_size(t)  # its buffer has a line of its own
    if STRINGIO_SIZE and _safe.safe_issubclass(t, _plans_c.StringIOType):
        return _plans_c.stringio_size(t, size)  # with the text it holds in C
    sz = _plans_c.c_state_size(t, size, held)  # zlib, bz2: their C library's state
    return size if sz is None else sz


def _is_named(t):
    """True for the types whose lines carry "name" (see _name_module)."""
    return bool(t is _ModuleType or t is _FunctionType or t is _MethodType or t is _BuiltinType or
                t is _CodeType or t is _FrameType or _safe.safe_issubclass(t, type) or
                _safe.safe_issubclass(t, _ModuleType) or (PY2 and t is _safe.ClassType))


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
    kind, tjson, lenf, valk = ti[TI_KIND], ti[TI_TJSON], ti[TI_LEN], ti[TI_VALK]
    inst = getattr(ti[TI_PLAN], '_fast_labels', None)
    if kind == K_GEN and inst is not None:
        return (F_INST, inst)  # labels only: the line's head is the general path's
    if ti[TI_SIZE] is not None or ti[TI_NAMED] or ti[TI_FIN] is not None or (alloc and kind != K_ATOM):
        return None
    if kind == K_ATOM:
        if valk in (V_INT, V_FLOAT, V_BOOL):  # the value field (_value_field) as a %s
            code, tail = {V_INT: F_INT, V_FLOAT: F_FLOAT, V_BOOL: F_BOOL}[valk], '%s'
        elif lenf is not None and not (values and valk in (V_TEXT, V_BYTES)):
            code, tail = F_LEN, ', "len": %d'
        elif lenf is None and valk == V_NONE:
            code, tail = F_PLAIN, ''
        else:
            return None
        # alloc: the site field (_alloc's text) is the last %s, after the value
        body = ', "type": %s, "size": %%d%s%s, "refs": []}\n' % (tjson.replace('%', '%%'), tail, '%s' if alloc else '')
        plain = LINE_HEAD + body
        raced = MARK + plain[:-len(', "refs": []}\n')] + RACED + ', "refs": []}\n'  # refcount 0, marked
        return (code, plain, MARK + plain, IMMORTAL_HEAD + body, raced)
    if kind in (K_SEQ, K_DICT) and lenf is not None and valk == V_NONE:
        head = LINE_HEAD + ', "type": %s, "size": %%d, "len": %%d' % tjson.replace('%', '%%')
        full = head + ', "refs": %s, "labels": %s}\n'
        empty = head + ', "refs": []}\n'
        # whole lines: with referents (plain, marked), without (plain, marked)
        return (F_CONT, head, full, MARK + full, empty, MARK + empty)
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


class _Walk(object):
    """What the pieces of one walk share (made by _begin, emptied by
    _release). The bookkeeping containers are the exporter's own: marked
    seen, never written (see walk)."""
    __slots__ = (
        # the dump's settings and outputs
        'opts', 'values', 'names', 'alloc', 'read_tb', 'tflag', 'write', 'write_marked', 'roots',
        'root_names', 'peek', 'atexit_mods',
        # the mark bitmap (_marks), saturated counts, the stack, queued atoms
        'regs', 'over', 'sat', 'stack', 'atomq', 'q_types', 'q_fmts', 'q_sizeof',
        # type info, held references, lines waiting in buf
        'tinfo', 'classic', 'tkeep', 'held', 'cand', 'marked', 'buf', 'poslabels', 'seqlabels',
        'garbage_ids', 'young', 'special', 'pinned',
        # dict key labels and the names of __dict__ keys (see walk, NAMES)
        'labcache', 'namecache', 'ired', 'ired_over', 'pending', 'deferred', 'resolved', 'int_label',
        'odict_labels', 'dsub_labels',
        # counts: objects, references, bytes; refcount offsets; calibration
        'counters', 'offs', 'immortal_min', 'emit_calib',
        # allocation sites
        'alloc_cache', 'frame_text', 'kept_frames', 'n_sites')


# the builtins _process binds to locals (counted in held meanwhile, _pin)
_HOT_BUILTINS = (sys.getrefcount, sys.getsizeof, id, type, len)


def _new_typeinfo(w, t):
    """Make, cache and count the type-info record of t (see TI_FAST)."""
    ti = make_typeinfo(t, w.opts, w.held, w.peek)
    plan = ti[TI_PLAN]
    if t is _OrderedDict:
        fast = (F_INST, w.odict_labels)
    elif DSUB_FAST and ti[TI_POSITIONAL] is dict and getattr(plan, '_labels_class', False) and \
            getattr(plan, '_fast_labels', None) is None:
        fast = (F_INST, w.dsub_labels)  # dict subclass, instance plan
    else:
        fast = _fast_info(ti, w.values, w.alloc)
    ti = (fast,) + ti[TI_FAST + 1:]
    plan = None
    w.tinfo[id(t)] = ti
    _count_cached(ti, w.held)
    _hold(t, w.tkeep, w.held)
    return ti


def _mark_seen(w, x):
    """Exclude the exporter object x: reached, never written."""
    a = id(x)
    w.marked.add(a)
    _marks.set_bits(w.regs, a, REACHED)


def _pin(w, n):
    """_process's frame holds w.pinned (builtins, the queued types) in
    locals, references that are gone by the end of the walk: counted in
    held (n=1) while lines are written, so refcounts leave them out, and
    taken off again (n=-1). 3.12+ immortals do not count references."""
    held = w.held
    for x in w.pinned:
        if sys.getrefcount(x) < _IMMORTAL_MIN:
            held[id(x)] = held.get(id(x), 0) + n


def _flush(w):
    """Write buf: a marked line starts with MARK (a NUL byte, which JSON
    text never holds) and goes to write_marked without it."""
    buf = w.buf
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
            w.write_marked(b''.join(marked))
            s = b''.join(plain)
        w.write(s)


def _hold_key(w, kk):
    """A cache keeps the key kk: count its reference in held, so refcounts
    written from now on leave it out (3.12+ immortals do not count)."""
    if sys.getrefcount(kk) < w.immortal_min:
        held = w.held
        held[id(kk)] = held.get(id(kk), 0) + 1


def _str_key_label(w, kk):
    """JSON label of the value under the exact str key kk (cached)."""
    r = w.labcache.get(kk)
    if r is None:
        r = _encode_label(w.int_label(kk))
        if w.names and r[:12] == '"[<redacted ' and _redact.is_identifier(kk):
            if len(w.ired) < LABEL_CACHE_MAX:
                w.ired.add(r)
            else:
                w.ired_over = True
        if len(w.labcache) < LABEL_CACHE_MAX:
            w.labcache[kk] = r
            _hold_key(w, kk)
    return r


def _str_key_labels(w, keys):
    """JSON labels of keys, every one an exact str (checked before any
    hashing); None otherwise."""
    labs = []
    la = labs.append
    labcache_get = w.labcache.get
    for kk in keys:
        if type(kk) is not str:
            return None
        r = labcache_get(kk)
        la(r if r is not None else _str_key_label(w, kk))
    return labs


def _odict_labels(w, o, t, kids, ids):
    """3.x exact OrderedDict with str keys only: its referents are the
    keys (linked-list order), then the values (dict order). Checked by
    identity; None: the general path."""
    keys = list(_dict_keys(o))
    n = len(keys)
    if not n or len(ids) != 2 * n or ids[n:] != list(map(id, _dict_values(o))):
        return None
    labs = _str_key_labels(w, keys)
    if labs is None or set(ids[:n]) != set(map(id, keys)):
        return None
    return '[' + ', '.join(['"<key>"'] * n + labs) + ']'


def _dsub_labels(w, o, t, kids, ids):
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
    labs = _str_key_labels(w, keys)
    if labs is None or n and ids[1:] != list(map(id, _dict_values(o))):
        return None
    kids.extend(keys)
    ids.extend(map(id, keys))
    return '[' + ', '.join(['"__class__"'] + labs + ['"<key>"'] * n) + ']'


def _name_keys(w, a, o, items, labs, nsd, can_defer):
    """The dict o (address a; labs its JSON labels, the value's label of
    items[i] at 2*i) has identifier keys the data rule redacted. nsd: o
    is a __dict__ (globals ...): they get their names now. Else they
    wait (deferred) for such an edge to o; True: its line must be
    marked."""
    pairs = []
    if w.ired_over:
        at = range(len(items))
    else:  # the items whose label is one of ired, found in C
        at = list(_compress(range(len(items)), map(w.ired.__contains__, labs[::2])))
    namecache = w.namecache
    for i in at:
        r = labs[2 * i]
        kk = items[i][0]
        if type(kk) is str and _redact.is_identifier(kk):
            p = namecache.get(kk)
            if p is None:
                p = _encode_label(_dict_label(kk))
                if len(namecache) < LABEL_CACHE_MAX:
                    namecache[kk] = p
                    _hold_key(w, kk)
            if r != p:
                if nsd:
                    labs[2 * i] = p
                else:
                    pairs.append((r, p))
    if pairs and can_defer:
        w.deferred[a] = (o, pairs)
        return True
    return False


def _module_keys(items, labs):
    """sys.modules: its keys are module names, dotted ones too."""
    for i in range(len(items)):
        kk = items[i][0]
        if type(kk) is str and _redact.is_module_name(kk):
            labs[2 * i] = _encode_label(_dict_label(kk))


def _queue_formats(w):
    """Queued atoms (see _drain) use the per-type line formats of
    _fast_info, for the types that have one; a type without one is replaced
    by a marker no object has as its type, and its objects go on the stack.
    Sets w.q_types and w.q_fmts: per queue (refcount-1 line, (plain, marked,
    immortal), the same for odd values: a big int, a nan)."""
    q_types = []
    q_fmts = []
    for rt in (str, int, float):
        fast = (w.tinfo.get(id(rt)) or _new_typeinfo(w, rt))[TI_FAST]
        if fast is not None and fast[0] in (F_LEN, F_INT, F_FLOAT):
            q_types.append(rt)
            # the first %s is the value field; with alloc a second one is the site
            if fast[0] == F_INT:  # the value as %d (exact ints in 64 bits), or none
                main = tuple(f.replace('%s', ', "value": %d', 1) for f in fast[1:])
                alt = tuple(f.replace('%s', '', 1) for f in fast[1:])
            elif fast[0] == F_FLOAT:  # repr by %r (finite), or quoted nan/inf
                main = tuple(f.replace('%s', ', "value": %r', 1) for f in fast[1:])
                alt = tuple(f.replace('%s', ', "value": %s', 1) for f in fast[1:])
            else:
                main = alt = fast[1:]
            one = main[0].replace('"refcount": %d', '"refcount": 1', 1)
            q_fmts.append((one, main, alt))
        else:
            q_types.append(_NOTYPE)
            q_fmts.append(None)
    rt = fast = main = alt = one = None
    w.q_types = q_types
    w.q_fmts = q_fmts


def _drain(w, q, code):
    """Write the queued atoms of q (code 0: str, 1: int, 2: float), at
    most ATOM_BATCH at a time: a big list queues many at once, and the
    transients stay bounded."""
    while len(q) > ATOM_BATCH:
        chunk = q[-ATOM_BATCH:]
        del q[-ATOM_BATCH:]
        _drain_batch(w, chunk, code)  # the items' one extra reference is chunk's, as q's
        chunk = None
    _drain_batch(w, q, code)


def _drain_full(w):
    """Drain the queues that hold ATOM_BATCH atoms or more."""
    for code in range(3):
        q = w.atomq[code]
        if len(q) >= ATOM_BATCH:
            _drain(w, q, code)


def _drain_batch(w, q, code):
    """Write the atoms of q (and empty it): fresh when found in a
    container, their reached byte given bit 6 then (the line goes out
    unmarked unless said otherwise here). Most have only the reference
    found, a value that needs no care and no reference from the
    exporter: one %-operation writes all of those; the others go one by
    one (_odd_atom_lines), as the single path would write them."""
    n = len(q)
    if not n:
        return
    off_q = w.offs[2]
    held_has = w.held.__contains__
    ids = list(map(id, q))
    rcs = list(map(sys.getrefcount, q))  # as calibrated: q's slot, map's argument
    szs = list(map(w.q_sizeof[code], q))
    vals = list(map(len, q)) if code == 0 else q
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
    if w.alloc:  # the site field last (its records go into buf first)
        sites = list(map(_partial(_alloc, w), q))
        cols = (ids, szs, vals, sites)
    else:
        sites = None
        cols = (ids, szs, vals)
    if all(ok):
        rows = _izip(*cols)
        good = n
    else:
        rows = list(_compress(_izip(*cols), ok))
        good = len(rows)
        _odd_atom_lines(w, code, ok, ids, rcs, szs, vals, sites)
    if good:
        w.buf.append((w.q_fmts[code][0] * good) % tuple(_flatten(rows)))
    w.counters[0] += n
    w.counters[2] += sum(szs)
    rows = vals = sites = cols = None
    del q[:]
    _flush(w)  # buf counts entries, and a batch is one: its memory is bounded here


def _odd_atom_lines(w, code, ok, ids, rcs, szs, vals, sites):
    """The lines of the queued atoms that are not ok for the one-format
    batch: more references than the one found, held by the exporter, an
    immortal, a value out of the format's reach (big int, nan)."""
    one, main, alt = w.q_fmts[code]
    offs = w.offs
    off_q = offs[2]
    regs_get = w.regs.get
    held_get = w.held.get
    cand = w.cand
    buf_append = w.buf.append
    for i in _compress(range(len(ids)), map(operator.not_, ok)):
        a = ids[i]
        raw = rcs[i]
        rc = raw - off_q
        h = held_get(a)
        if h is None:
            hot = False
        else:
            rc -= h
            hot = a in cand
        b = regs_get(a >> REGION_SHIFT)
        j = (a & REGION_MASK) >> SLOT_SHIFT
        v = b[j]
        if raw >= w.immortal_min:
            rc += off_q - offs[0]  # the figure the single path writes
            b[j] = v & UNLISTED
            f = 2
        else:
            nfound = v & COUNT
            if nfound == COUNT:
                nfound += w.over.get(a, 0)
            if rc > nfound or hot:
                b[j] = v & UNLISTED
                f = 1
            else:
                f = 0
        x = vals[i]
        if rc < 0:  # see RACED
            rc = 0
            b[j] &= UNLISTED
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


def _value_field(o, t, valk, intf, values):
    """The line's value field: ints that fit in 64 bits, floats (nan and
    inf quoted), bools; str and bytes (their first 100 characters) only
    with values=True; '' for the others. Read through the builtin base's
    slots (intf, float.__repr__): no method of a subclass runs."""
    if valk == V_INT:
        return (', "value": ' + intf[1](o)) if intf[0](o) <= 63 else ''
    if valk == V_FLOAT:
        r = _float_repr(o)
        if r in ('nan', 'inf', '-inf'):
            r = '"%s"' % r
        return ', "value": ' + r
    if valk == V_BOOL:
        return ', "value": true' if o is True else ', "value": false'
    if values and valk:
        return _text_value(o, t, valk)
    return ''


def _process(w, src, emit):
    """Write the lines of the objects of src not reached before, and of
    everything they reach: depth first on w.stack (no recursion), fresh
    exact str/int/float queued (_drain). emit False: the calibration run,
    which records refcounts in w.emit_calib and writes nothing."""
    # Locals for what the loop reads per object and per referent: a local
    # is the cheapest read on every version. The builtins and queued types
    # among them are counted in held meanwhile (_pin).
    getrefcount, getsizeof, _id, _type, _len = _HOT_BUILTINS
    rt_s, rt_i, rt_f = w.q_types
    r_shift, r_mask, s_shift, r_bytes = REGION_SHIFT, REGION_MASK, SLOT_SHIFT, REGION_BYTES
    reached, listed, count, unlisted = REACHED, LISTED, COUNT, UNLISTED
    fresh_queued, fresh_pushed = FRESH_QUEUED, FRESH_PUSHED
    regs, stack, buf, sat, cand, special, pending = w.regs, w.stack, w.buf, w.sat, w.cand, w.special, w.pending
    regs_get, over_get, held_get, tinfo_get, roots_get = regs.get, w.over.get, w.held.get, w.tinfo.get, w.roots.get
    stack_append, stack_pop, sat_append = stack.append, stack.pop, sat.append
    qs, qi, qf = w.atomq
    seqlabels = w.seqlabels
    qs_append, qi_append, qf_append = qs.append, qi.append, qf.append
    off_out, off_in = w.offs[:2]
    immortal_min = w.immortal_min
    n_obj = n_ref = n_bytes = 0
    last_t = ti = t_fast = kind = None  # the previous object's type and its info
    for o in src:
        a = _id(o)
        b = regs_get(a >> r_shift)
        if b is None:
            b = regs[a >> r_shift] = bytearray(r_bytes)
        j = (a & r_mask) >> s_shift
        v = b[j]
        if v & reached:
            continue
        b[j] = v | reached
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
                    ti = _new_typeinfo(w, t)
                last_t = t
                t_fast = ti[TI_FAST]
                kind = ti[TI_KIND]
            rb = regs_get(a >> r_shift)
            rj = (a & r_mask) >> s_shift
            v = rb[rj]
            rc -= off_in if v & listed else off_out
            # references found so far: an object whose refcount they
            # already cover can never become external, and its line
            # needs no second-pass work unless the exporter may hold it
            nfound = v & count
            if nfound == count:
                nfound += over_get(a, 0)
            # held also lists the objects the exporter refers to (cand)
            # with 0: one lookup for most objects
            h = held_get(a)
            if h is not None:
                rc -= h
                risky = a in cand
            else:
                risky = False
            if kind == K_ATOM:  # str, int, float, bytes, None ... no referents
                n_bytes += _atom(w, o, t, ti, a, rc, nfound, risky, rb, rj, emit)
                o = t = None
                if emit:
                    n_obj += 1
                    if _len(buf) >= 4096:
                        _flush(w)
                continue
            try:  # the common case, getsizeof, without a call of our own
                sz = getsizeof(o) if ti[TI_SIZE] is None else _size(o, ti[TI_SIZE])
            except Exception:
                sz = 0
            n_bytes += sz
            fast = t_fast
            nsd = False
            if kind == K_DICT and pending and pending.pop(a, None) is not None:
                # a dict named as some object's __dict__ (globals ...)
                # before its own line: its keys are names (see NAMES)
                nsd = True
                rc -= 1  # pending's own reference
            rk = roots_get(a)
            inst = parts = None
            if fast is not None and fast[0] != F_CONT:
                inst = fast[1]  # an instance's labels in one call (F_INST)
                fast = None
            elif fast is not None and (rk is not None or not 0 <= rc < immortal_min or (special and a in special)):
                fast = None  # a root, an immortal, raced, garbage or young: the general head
            if fast is not None:
                # exact list/tuple/deque/dict: the whole line is one format
                try:
                    ln = _len(o)
                    settled = rc <= nfound
                except Exception:
                    fast = None
            if fast is None:
                head = _line_head(w, o, t, ti, a, rc, rk, sz, nfound)
                if head is None:  # a finished exporter frame (2.7): not the user's
                    o = t = None
                    continue
                parts, rc, settled, raced = head
                risky = risky or raced
                head = None
            # children and labels
            weak = ids = None
            if kind == K_SEQ:
                kids = list(o)  # exact list/tuple/deque: C-level copy, in index order
                labs_json = None
                if kids:  # "[0]", "[1]" ...: the short arrays cached
                    labs_json = seqlabels[_len(kids)] if _len(kids) < 256 else None
                    if labs_json is None:
                        labs_json = _seq_labels(w, _len(kids))
            elif kind == K_DICT:
                kids, labs_json, named = _dict_children(w, o, a, nsd, settled is not None)
                risky = risky or named
            else:
                kids, ids, labs_json, weak = _gen_children(w, o, t, ti, inst)
            t = None
            if kids:
                if ids is None:
                    ids = list(map(_id, kids))
                for c, ca in _izip(kids, ids):
                    b = regs_get(ca >> r_shift)
                    if b is None:
                        b = regs[ca >> r_shift] = bytearray(r_bytes)
                    j = (ca & r_mask) >> s_shift
                    v = b[j]
                    if v < reached:
                        # fresh (count 0: counting starts with the reach
                        # bit): exact str/int/float wait in their queue
                        # with bit 6 set (see _drain), the rest is pushed
                        tc = _type(c)
                        if tc is rt_s:
                            b[j] = v + fresh_queued
                            qs_append(c)
                        elif tc is rt_i:
                            b[j] = v + fresh_queued
                            qi_append(c)
                        elif tc is rt_f:
                            b[j] = v + fresh_queued
                            qf_append(c)
                        else:
                            b[j] = v + fresh_pushed
                            stack_append(c)
                    elif v & count == count:
                        sat_append(ca)
                    else:
                        b[j] = v + 1
                c = tc = None
                if _len(sat) >= SAT_FOLD:
                    _count_elements(w.over, sat)
                    del sat[:]
            else:
                ids = []
            kids = None  # before drain: a reference to its atoms
            if emit and (_len(qs) >= ATOM_BATCH or _len(qi) >= ATOM_BATCH or _len(qf) >= ATOM_BATCH):
                _drain_full(w)
            if weak is not None:
                labs_json = _weak_edge(w, weak, ids, labs_json)
                weak = None
            b = o = None
            n_ref += _len(ids)
            if not emit:
                w.emit_calib.append(rc)
            elif parts is None:  # exact container: its line in one format
                if settled and not risky:
                    rb[rj] |= listed  # bit 6 now: the line went out unmarked (see atoms)
                    q = 2
                else:
                    rb[rj] &= unlisted
                    q = 3
                if ids:
                    buf.append(fast[q] % (a, rc, sz, ln, ids, labs_json))
                else:
                    buf.append(fast[q + 2] % (a, rc, sz, ln))
            else:  # the general line: plain when settled (bit 6 set), else marked
                parts.append(', "refs": %s, "labels": %s}\n' % (ids, labs_json) if ids else ', "refs": []}\n')
                if settled and not risky:
                    rb[rj] |= listed
                    buf.append(''.join(parts))
                else:  # settled None: an immortal, never rewritten (plain)
                    rb[rj] &= unlisted
                    buf.append(''.join(parts) if settled is None else MARK + ''.join(parts))
            parts = ids = rb = None
            if emit:
                n_obj += 1
                if _len(buf) >= 4096:
                    _flush(w)
        o = None
    if emit:
        w.counters[0] += n_obj
        w.counters[1] += n_ref
        w.counters[2] += n_bytes


def _atom(w, o, t, ti, a, rc, nfound, risky, rb, rj, emit):
    """Write the line of an atom (str, int, float, bytes, None ...: no
    referents): in its type's format (_fast_info) when it has one, else on
    the general path (_atom_line). Returns its size."""
    fast = ti[TI_FAST]
    if fast is not None and emit:
        sz = _fast_atom_line(w, o, t, ti, a, rc, nfound, risky, rb, rj)
        if sz is not None:
            return sz
    try:
        sz = sys.getsizeof(o) if ti[TI_SIZE] is None else _size(o, ti[TI_SIZE])
    except Exception:
        sz = 0
    _atom_line(w, o, t, ti, a, rc, sz, nfound, risky, rb, rj, emit)
    return sz


def _fast_atom_line(w, o, t, ti, a, rc, nfound, risky, rb, rj):
    """The line of an atom whose type has per-type formats (_fast_info),
    one %-operation; its size, or None when a read failed (the general
    path then writes the line, with its fallbacks)."""
    fast = ti[TI_FAST]
    code = fast[0]
    try:
        sz = sys.getsizeof(o)
        if code == F_LEN:
            x = len(o)
        elif code == F_PLAIN:
            x = None
        else:  # F_INT, F_FLOAT, F_BOOL
            x = _value_field(o, t, ti[TI_VALK], ti[TI_INTF], False)
        site = _alloc(w, o) if w.alloc else None
    except Exception:
        return None
    o = t = None
    # bit 6 from now on: the line went out unmarked and would need a
    # rewrite if the exporter held it
    v = rb[rj]
    if rc >= w.immortal_min:
        rb[rj] = v & UNLISTED  # immortal: refcount never rewritten
        fmt = fast[3]
    elif rc > nfound or risky:
        rb[rj] = v & UNLISTED
        fmt = fast[2]
    elif rc >= 0:
        rb[rj] = v | LISTED
        fmt = fast[1]
    else:  # see RACED: never a negative refcount
        rc = 0
        rb[rj] = v & UNLISTED
        fmt = fast[4]
    args = (a, rc, sz) if x is None else (a, rc, sz, x)
    w.buf.append(fmt % (args if site is None else args + (site,)))
    return sz


def _size(o, sizef):
    """The object's size by its type's size function (_safe.sizeof_plan):
    a figure that is no int or below 0 is 0."""
    sz = sizef(o)
    if type(sz) is not int or sz < 0:
        return 0
    return sz


def _atom_line(w, o, t, ti, a, rc, sz, nfound, risky, rb, rj, emit):
    """The line of an atom (str, int, float, bytes, None ...: no referents)
    on the general path; emit False: only its refcount, for calibration."""
    if rc < 0:  # see RACED: never a negative refcount
        rc = 0
        raced = RACED
        risky = True  # marked: the fix leaves it as it is
    else:
        raced = None
    immortal = rc >= w.immortal_min
    line = (IMMORTAL_HEAD if immortal else LINE_HEAD) + ', "type": %s, "size": %d'
    line = line % (a, rc, ti[TI_TJSON], sz)
    if raced is not None:
        line += raced
    try:
        lenf = ti[TI_LEN]
        if lenf is not None:
            line += ', "len": %d' % lenf(o)
        valk = ti[TI_VALK]
        if valk:
            line += _value_field(o, t, valk, ti[TI_INTF], w.values)
        if w.alloc:
            line += _alloc(w, o)
    except Exception:
        pass
    o = t = None
    if not emit:
        w.emit_calib.append(rc)
        return
    v = rb[rj]
    if immortal:
        rb[rj] = v & UNLISTED
        w.buf.append(line + ', "refs": []}\n')
    elif rc > nfound or risky:
        rb[rj] = v & UNLISTED
        w.buf.append(MARK + line + ', "refs": []}\n')
    else:
        rb[rj] = v | LISTED
        w.buf.append(line + ', "refs": []}\n')


def _line_head(w, o, t, ti, a, rc, rk, sz, nfound):
    """The general path's line up to its references: (parts, refcount,
    settled, raced). settled: the references found explain the refcount
    (None: an immortal, never rewritten). None: a finished exporter frame
    kept by a traceback (2.7), not the user's, written not at all."""
    if t is _FrameType and rk is None and _safe.is_exporter_frame(o):
        return None
    if rk is not None:
        rc -= 1  # root_objs holds it
    elif t is _ModuleType and w.atexit_mods and _safe.atexit_module_traverses_registry(o):
        rk = 'atexit'  # 3.6-3.9: a copy of the atexit module (its registry is traversed)
    raced = rc < 0
    if raced:  # see RACED: never a negative refcount (marked: the fix leaves it)
        rc = 0
    if t is _InstanceType:  # 2.7 old-style instance: name it after its class
        tjson, fin = _classic_info(o, w.classic, w.tkeep, w.held)
    else:
        tjson, fin = ti[TI_TJSON], ti[TI_FIN]
    if rk is not None:
        parts = [(LINE_HEAD + ', "root": "%s", "type": %s, "size": %d') % (a, rc, rk, tjson, sz)]
        settled = True
    elif rc >= w.immortal_min:
        parts = [(IMMORTAL_HEAD + ', "type": %s, "size": %d') % (a, rc, tjson, sz)]
        settled = None  # never rewritten
    else:
        parts = [(LINE_HEAD + ', "type": %s, "size": %d') % (a, rc, tjson, sz)]
        settled = rc <= nfound
    if raced:
        parts.append(RACED)
    try:  # the optional fields; a read that fails ends them there
        if ti[TI_NAMED]:
            nm = _name_module(o, t, None)
            if nm is not None:
                parts.append(', "name": %s' % _dumps(nm[0]))
                if nm[1]:
                    parts.append(', "module": %s' % _dumps(nm[1]))
                nm = None
        elif rk is not None and w.root_names and a in w.root_names:
            parts.append(', "name": %s' % _dumps(w.root_names[a]))
        lenf = ti[TI_LEN]
        if lenf is not None:
            parts.append(', "len": %d' % lenf(o))
        valk = ti[TI_VALK]
        if valk:
            parts.append(_value_field(o, t, valk, ti[TI_INTF], w.values))
        if fin is not None:
            parts.append(', "finalizer": "%s"' % fin)
            if _is_finalized is not None and _is_finalized(o):
                parts.append(', "finalized": true')
        if w.garbage_ids and a in w.garbage_ids:
            parts.append(', "garbage": true')
        if w.young:
            g = w.young.get(a)
            if g is not None:
                parts.append(', "gen": %d' % g)
        if w.alloc:
            parts.append(_alloc(w, o))
    except Exception:
        pass
    return parts, rc, settled, raced


_is_finalized = getattr(gc, 'is_finalized', None)


def _seq_labels(w, nk):
    """The JSON label array of an exact list/tuple/deque of nk items
    (nk > 0): "[0]", "[1]" ..., the short ones cached."""
    if nk < 256:
        labs_json = w.seqlabels[nk]
        if labs_json is None:
            labs_json = w.seqlabels[nk] = '[' + ', '.join(w.poslabels[:nk]) + ']'
        return labs_json
    if nk <= 4096:
        return '[' + ', '.join(w.poslabels[:nk]) + ']'
    return '[' + ', '.join(['"[%d]"' % i for i in range(nk)]) + ']'


def _dict_children(w, o, a, nsd, can_defer):
    """(kids, JSON labels, named) of an exact dict: value then key per item,
    each value labelled by its key, each key "<key>". nsd: o is known to be
    a __dict__ (its identifier keys are names). named: some identifier keys
    wait for an owner to be named (see _name_keys): the line is marked."""
    kids = []
    labs = []
    ka = kids.append
    la = labs.append
    labcache_get = w.labcache.get
    names = w.names
    int_label = w.int_label
    try:
        items = list(dict_items(o))
    except Exception:
        items = ()
    for kk, vv in items:
        tk = type(kk)
        if tk is str:
            r = labcache_get(kk)
            la(r if r is not None else _str_key_label(w, kk))
        elif tk is int:
            la(_encode_label(int_label(kk)))
        elif names:
            la(_encode_label(_data_label(kk)))
        else:
            la(_encode_label(_other_key_label(kk, tk, w.tinfo.get)))
        ka(vv)
        ka(kk)
        la('"<key>"')
    kk = vv = None
    if not kids:
        return kids, None, False
    labs_json = '[' + ', '.join(labs) + ']'
    named = False
    if names and '"[<redacted ' in labs_json:
        if w.ired_over or (w.ired and not w.ired.isdisjoint(labs)):
            # identifier keys the data rule redacted: names if o is a
            # __dict__ (globals ...), else data until an owner shows up
            named = _name_keys(w, a, o, items, labs, nsd, can_defer)
        if o is sys.modules:
            _module_keys(items, labs)
        labs_json = '[' + ', '.join(labs) + ']'
    return kids, labs_json, named


def _gen_children(w, o, t, ti, inst):
    """(kids, ids or None, JSON labels, the weak referent or None) of an
    object of the general kind: its referents, labelled by its type's plan
    (inst: the labels of an instance in one call, see F_INST)."""
    kids = get_referents(o)
    labs_json = ids = weak = None
    if inst is not None:
        # 3.11+ instance with inline values, all set: the whole label
        # array, checked against the referents
        ids = list(map(id, kids))
        try:
            labs_json = inst(o, t, kids, ids)
        except Exception:
            labs_json = None
    if labs_json is None:
        ids = None
        try:
            labs, weak = _general_labels(o, t, kids, ti[TI_PLAN], ti[TI_POSITIONAL])
        except Exception:
            labs = None
        if w.names and labs is not None and not NAMES.isdisjoint(labs):
            _name_owner_edges(w, kids, labs)
        if kids:
            if labs is None:
                labs_json = '[' + ', '.join(['null'] * len(kids)) + ']'
            else:
                labs_json = '[' + ', '.join([_encode_label(x) if x is not None else 'null'
                                             for x in labs]) + ']'
    return kids, ids, labs_json, weak


def _name_owner_edges(w, kids, labs):
    """Edges to dicts whose keys are names (see NAMES): such a dict not
    written yet is pending (its line names its keys); one written and
    waiting (deferred) is resolved (the fix names them)."""
    deferred = w.deferred
    for i in range(len(labs)):
        if labs[i] in NAMES and type(kids[i]) is dict:
            c = kids[i]
            ca = id(c)
            d = deferred.get(ca)
            if d is None:
                w.pending[ca] = c
            elif d[0] is c:
                w.resolved[ca] = d[1]
    c = d = None


def _weak_edge(w, weak, ids, labs_json):
    """Add the edge to a weak reference's referent (pushed when fresh, not
    counted as a reference found); the labels with "<weakref>" last."""
    ca = id(weak)
    b = _marks.region(w.regs, ca)
    j = (ca & REGION_MASK) >> SLOT_SHIFT
    v = b[j]
    if v < REACHED:
        b[j] = v | REACHED
        w.stack.append(weak)
    ids.append(ca)
    weak = None
    return (labs_json[:-1] + ', "<weakref>"]') if len(ids) > 1 else '["<weakref>"]'


def _alloc(w, o):
    """The object's site field (', "site": n'), its site record written
    into buf first when the traceback is new; '' when tracemalloc has none.
    Each distinct traceback is written once, ahead of the first object line
    that names it by number. Keys are tuples of (str, int) tuples: hashing
    runs no user code. Past ALLOC_CACHE_MAX distinct tracebacks, each object
    gets a site record of its own."""
    tflag = w.tflag
    if tflag is not None:  # set around each lookup: _tracing.pause
        tflag.value = 1
        try:
            tb = _get_tb(o)
        finally:
            tflag.value = 0
    else:
        tb = w.read_tb(_get_tb, o)
    if not tb and _managed_tb is not None:
        t = type(o)
        if _safe.type_flags(t) & _safe.Py_TPFLAGS_MANAGED_DICT:
            tb = w.read_tb(_managed_tb, 0, id(o) - 32)
    if not tb:
        return ''
    cached = type(tb) is tuple
    if cached:
        s = w.alloc_cache.get(tb)
        if s is not None:
            return s
    n = w.n_sites = w.n_sites + 1
    frame_text = w.frame_text
    parts = []
    for fr in tb:
        if type(fr) is tuple:
            text = frame_text.get(fr)
            if text is None:
                text = _dumps('%s:%d' % (fr[0], fr[1]))
                if len(frame_text) < ALLOC_CACHE_MAX:
                    frame_text[fr] = text
                    _keep_frame(w, fr)
            parts.append(text)
    w.buf.append('{"record": "site", "site": %d, "frames": [%s]}\n' % (n, ', '.join(parts)))
    s = ', "site": %d' % n
    if cached and len(w.alloc_cache) < ALLOC_CACHE_MAX:
        w.alloc_cache[tb] = s
        for fr in tb:
            if type(fr) is tuple:
                _keep_frame(w, fr)
    return s


def _keep_frame(w, fr):
    """A frame tuple the caches keep references a dumped str (its file
    name) and int (its line): counted in held once per tuple, as the
    type-info cache's are, so lines written from now on exclude them
    (left out of exporter_held's walk: skip)."""
    if id(fr) not in w.kept_frames:
        w.kept_frames.add(id(fr))
        held = w.held
        for y in fr:
            held[id(y)] = held.get(id(y), 0) + 1


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
    an unmarked line may need the fix too) and calibration.

    The pieces, in order: _begin (the state, the exporter's objects marked
    seen), the gc.get_objects() snapshot (_snapshot_marks), _setup_caches,
    _calibrate (the walk's own references on the object being written),
    _process (the loop over objects) over the singletons, the roots and the
    snapshot, _drain (queued atoms), _exporter_refs (what the exporter holds
    at the end), _release."""
    _set_asyncio_task_type()
    keep = []
    w = _begin(keep, write, write_marked, opts, roots, root_objs, exclude_objs, root_names)
    objs = gc.get_objects()
    _mark_seen(w, objs)
    _snapshot_marks(w, objs)
    _mark_exporter_frames(w, keep, sys._getframe())  # this frame and its callers
    _setup_caches(w, keep)
    _calibrate(w, keep, stats)
    # objects the exporter's own frames, state and containers refer to
    # now: their lines are always marked (see exporter_held). Not traversed:
    # the bookkeeping (its references are subtracted as they are made, or
    # are to exporter objects) and, before the walk, the objs list (the
    # walk's frame holds it up to 3.10: it would flag every object)
    skip = _bookkeeping_ids(w, root_objs)
    pre_skip = skip + (id(objs), id(w.poslabels), id(w.seqlabels), id(w.cand))
    w.cand.update(exporter_held(_without(keep, pre_skip), w.regs, w.marked, pre_skip,
                                stop_at_all=True))
    for x in w.cand:
        w.held.setdefault(x, 0)
    x = pre_skip = None
    _pin(w, 1)
    _write_singletons(w)
    _process(w, root_objs, True)
    _process(w, objs, True)
    _count_elements(w.over, w.sat)
    del w.sat[:]
    for i in range(3):  # with every reference counted: fewer marked lines
        _drain(w, w.atomq[i], i)
    _flush(w)
    _pin(w, -1)
    stats['objects'], stats['references'], stats['bytes'] = w.counters
    stats['sites'] = w.n_sites
    objs = None
    xheld = _exporter_refs(w, keep, skip, root_objs, stats)
    # keep holds this frame and w (whose type info refers back to it): a
    # cycle that would outlive the dump until the next collection, and
    # show in the next dump. Broken here.
    del keep[:]
    relabel = _relabels(w)
    regs, over = w.regs, w.over
    _release(w)
    return regs, over, xheld, relabel


def _begin(keep, write, write_marked, opts, roots, root_objs, exclude_objs, root_names):
    """The walk's state, its bookkeeping made and marked seen (excluded
    from the dump) before the gc.get_objects() snapshot; keep lists it."""
    w = _Walk()
    w.write, w.write_marked, w.opts, w.roots, w.root_names = write, write_marked, opts, roots, root_names
    w.values = bool(opts.get('values'))
    # tracing as the dump began: a paused tracemalloc (_tracing) reads as off
    tracing = opts.get('_tracing')
    if tracing is None:
        tracing = bool(_is_tracing and _is_tracing())
    alloc = opts.get('alloc')
    if alloc is None:
        alloc = tracing
    w.alloc = bool(alloc and _get_tb is not None and tracing)
    w.read_tb = opts.get('_read_tb') or _tracing.call
    w.tflag = opts.get('_tflag')
    w.held = {}
    w.peek = _safe.managed_dict_peek_ok()
    w.regs = {}
    w.over = {}
    # references to objects whose count byte is saturated (types, None,
    # interned keys ...): their ids, counted into ``over`` in C after each
    # container once there are SAT_FOLD of them, and at the end. During the
    # walk ``over`` may lag: it only serves to leave a line unmarked, and a
    # count too low marks it (the second pass then looks), never the reverse.
    w.sat = []
    w.stack = []
    # fresh exact str/int/float found in containers: queued per type, not
    # pushed, and written ATOM_BATCH at a time (see _drain)
    w.atomq = ([], [], [])
    w.tinfo = {}
    w.classic = {}
    # the types tinfo (by id) and classic describe, held: a type that died
    # during the walk (another thread made and dropped a class) must not
    # leave its id, and so its info, to a new type at the same address
    w.tkeep = []
    w.buf = []
    w.poslabels = ['"[%d]"' % i for i in range(4096)]
    w.garbage_ids = set(id(x) for x in gc.garbage)
    w.young = young_generations()
    # the objects whose line has "gen" or "garbage": never the fast format
    w.special = dict(w.young)
    w.special.update(dict.fromkeys(w.garbage_ids))
    w.marked = set()  # ids of the exporter objects excluded from the dump
    keep.extend([w, w.regs, w.over, w.sat, w.stack, w.atomq, w.tinfo, w.classic, w.tkeep, w.buf, w.poslabels,
                 w.garbage_ids, w.held, w.young, w.special, w.marked])
    keep.extend(w.atomq)
    keep.extend(exclude_objs)
    for x in keep:
        _mark_seen(w, x)
    _mark_seen(w, keep)
    _mark_seen(w, root_objs)
    return w


def _snapshot_marks(w, objs):
    """The objs list's part: 2.7-3.7's young generations read from its
    links, and bit 6 (LISTED) set on every object the list holds (one
    reference to subtract)."""
    if _young_from_list is not None:  # 2.7-3.7: generations 0 and 1 from the list's links
        try:
            y = _young_from_list(objs)
        except Exception:
            y = None
        if y:
            w.young.update(y)
            w.special.update(y)
        y = None
    regs = w.regs
    regs_get = regs.get
    for o in objs:  # hot: one pass over every tracked object
        a = id(o)
        b = regs_get(a >> REGION_SHIFT)
        if b is None:
            b = regs[a >> REGION_SHIFT] = bytearray(REGION_BYTES)
        b[(a & REGION_MASK) >> SLOT_SHIFT] |= LISTED
    o = b = None


def _setup_caches(w, keep):
    """The caches the walk fills (label arrays, dict key labels, names,
    allocation sites) and the queue formats, made and marked seen.

    Dict keys with values=False (issue 18 item 20, see _redact): a data
    dict's keys by the data rule; the keys of a dict code names things in
    (an object's __dict__, globals: NAMES labels an edge to it) are names,
    identifiers kept whatever their length. The labels are made by the
    data rule; a dict with an identifier key the rule redacted (ired: its
    JSON labels, bounded; ired_over: more of them than that) gets the
    names when an edge labelled __dict__ ... reached it before its own
    line (pending: {id: the dict}, one reference each, subtracted from its
    refcount), else its line is marked and waits (deferred: {id: (the
    dict, [(redacted, name) JSON labels])}) for such an edge later in the
    walk (resolved: {id: pairs}), and the fix of marked lines puts the
    names in. The dicts are held, so their addresses are not reused."""
    w.immortal_min = _IMMORTAL_MIN
    w.atexit_mods = (3, 0) <= PYV < (3, 10)
    w.seqlabels = [None] * 256  # JSON label arrays of short lists and tuples
    w.labcache = {}  # str key -> its JSON label; its references are in held
    w.names = not w.values
    _redact.begin(w.values, w.opts.get('salt'))
    w.ired = set()
    w.ired_over = False
    w.pending = {}
    w.deferred = {}
    w.resolved = {}
    w.namecache = {}  # identifier key the data rule redacts -> its name label (held, like labcache)
    w.int_label = _data_label if w.names else _dict_label  # also str keys, in _str_key_label
    w.counters = [0, 0, 0]  # objects (= lines written), references, bytes
    w.cand = set()  # ids of the objects the exporter refers to before the walk
    w.offs = [0, 0, 0]  # refs held by the exporter: [not in objs list, in objs list, atom queues]
    w.emit_calib = []
    w.odict_labels = _partial(_odict_labels, w)
    w.dsub_labels = _partial(_dsub_labels, w)
    # allocation sites (see _alloc): each frame's JSON text, by its (file,
    # line) tuple: frames recur across tracebacks (the import machinery's
    # above all); formatting and encoding them was a tenth of a dump's extra
    # work under tracemalloc
    w.alloc_cache = {}
    w.frame_text = {}
    w.kept_frames = set()  # ids of the frame tuples whose references are counted in held
    w.n_sites = 0
    _queue_formats(w)
    # getsizeof of an exact str/int/float is its type's __sizeof__ (no gc
    # header): the slot called directly, several times faster
    w.q_sizeof = (str.__sizeof__, int.__sizeof__, float.__sizeof__)
    w.pinned = _HOT_BUILTINS + tuple(w.q_types)
    made = [w.seqlabels, w.labcache, w.ired, w.pending, w.deferred, w.resolved, w.namecache, w.counters,
            w.cand, w.offs, w.emit_calib, w.odict_labels, w.dsub_labels, w.alloc_cache, w.frame_text,
            w.kept_frames, w.q_types, w.q_fmts, w.q_sizeof, w.pinned]
    for x in made:
        keep.append(x)
        _mark_seen(w, x)
    x = None


def _mark_exporter_frames(w, keep, f):
    """The exporter's own frames, f and its callers (objects in the
    snapshot on 2.7..3.10): marked seen and kept (their locals are
    exporter references, see exporter_held)."""
    while f is not None and _safe.is_exporter_frame(f):
        _mark_seen(w, f)
        keep.append(f)
        f = _safe.frame_back(f)


def _calibrate(w, keep, stats):
    """Measure the references the walk itself holds on the object being
    written (the local variable, getrefcount's argument, ...) into w.offs:
    [A, f1], A = [f2, f3]: A stands for an object of the objs list, f2
    and f3 are atoms found in a container (queued), f1 an atom on the
    single path (as nested atoms are when popped: the stack slot is gone,
    the local holds it)."""
    probe_src = [[float('0.5'), float('0.75')], float('0.25')]
    _marks.set_bits(w.regs, id(probe_src[0]), LISTED)
    _process(w, probe_src, False)
    # emit_calib: A, f1 (f2 and f3 wait in the float queue), or A, f3, f2,
    # f1 when floats have no queue (alloc: no per-type formats). A: true
    # refcount 0 (+ the src slot, like the objs list); each float: true
    # refcount 1 (its list).
    calib = w.emit_calib
    offs = w.offs
    offs[1] = calib[0]
    offs[0] = calib[-1] - 1
    pq = w.atomq[2]
    if pq:
        offs[2] = list(map(sys.getrefcount, pq))[0] - 1  # as _drain_batch counts them
        ok = len(pq) == 2 and len(calib) == 2
        del pq[:]
    else:
        ok = len(calib) == 4 and calib[1] == calib[2] == calib[3]
    pq = None
    if not ok:  # pragma: no cover
        raise RuntimeError('refgraph: refcount calibration failed: %r' % (calib,))
    keep.append(probe_src)
    for x in (probe_src[0], probe_src[0][0], probe_src[0][1], probe_src[1]):
        _mark_seen(w, x)  # reached but never written: excluded
    x = None
    stats['calibration'] = tuple(offs)


def _write_singletons(w):
    """The interpreter's cached singletons (small ints, 1-character
    strings, (), ...): immortal on every version, whatever their refcount
    says (immortal_min 0 while they are written)."""
    offs = w.offs
    saved = offs[:]
    offs[0] += 1  # SINGLETONS holds each one, like root_objs
    offs[1] += 1
    w.immortal_min = 0
    _process(w, _layouts.SINGLETONS, True)
    w.immortal_min = _IMMORTAL_MIN
    offs[:] = saved


def _bookkeeping_ids(w, root_objs):
    """Ids of the containers exporter_held does not traverse: the
    bookkeeping, whose references are subtracted as they are made or are
    to exporter objects."""
    return (id(root_objs), id(w.regs), id(w.over), id(w.sat), id(w.buf), id(w.tinfo), id(w.classic), id(w.tkeep),
            id(w.held), id(w.labcache), id(w.young), id(w.special), id(w.garbage_ids), id(w.ired), id(w.pending),
            id(w.deferred), id(w.resolved), id(w.namecache), id(w.alloc_cache), id(w.frame_text),
            id(w.kept_frames))


def _exporter_refs(w, keep, skip, root_objs, stats):
    """{address: n}: the references the exporter's own caches and frames
    hold on dumped objects at the end (type-info tuples, plan closures and
    their descriptor getters, cached __len__/__sizeof__ slot wrappers,
    locals of exporter frames): the second pass subtracts them from
    refcount and from the unexplained count. root_objs: its reference to
    each root is subtracted already (rc -= 1). The type-info cache (tinfo,
    classic) grows during the walk: its references are counted in ``held``
    when each entry is made, so they are left out here; what remains (the
    state, exporter frames' locals, the roots/opts containers) existed
    before the first line was written. Sets stats exporter_held and
    copy_settled."""
    w.marked.discard(id(root_objs))
    xheld = exporter_held(_without(keep, skip), w.regs, w.marked, skip)
    # Only references to objects the exporter held before the walk (cand)
    # existed when their lines were written. Anything else found now was
    # made during the walk: an exporter object (a count in ``counters``, the
    # tuple in ``stats``, a label string) that took the address of a dumped
    # object which died meanwhile (another thread dropped it), whose line
    # would lose references it never had (issue 18 item 14: refcount -1).
    cand = w.cand
    for a in [a for a in xheld if a not in cand]:
        del xheld[a]
    stats['exporter_held'] = len(xheld)
    # lines written without the MARK (settled: bit 6 set) went straight to
    # the dump; if the exporter holds one of them after all, _core rewrites
    # the plain lines through the fix (slow, not seen in practice: see
    # EXPORTER.md, Decisions)
    stats['copy_settled'] = True
    for a in xheld:
        if a == id(root_objs) or a in w.marked:
            continue  # never written (bit 6 still says: in the objs list)
        b = w.regs.get(a >> REGION_SHIFT)
        if b is not None and b[(a & REGION_MASK) >> SLOT_SHIFT] & LISTED:
            stats['copy_settled'] = False
            break
    return xheld


def _relabels(w):
    """The names of the deferred dicts an edge named later: put in by the
    fix of marked lines, in label order (bytes, as the lines are)."""
    relabel = {}
    for a in w.resolved:
        relabel[a] = [(r.encode('ascii'), p.encode('ascii')) for r, p in w.resolved[a]]
    return relabel


def _release(w):
    """Empty the state: its caches refer back to it (the type info's
    partials of _odict_labels, _dsub_labels), a cycle that must not outlive
    the dump."""
    for d in (w.pending, w.deferred, w.resolved, w.namecache, w.tinfo):
        d.clear()
    for name in _Walk.__slots__:
        setattr(w, name, None)


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


def _other_key_label(kk, tk, tinfo_get):
    if PY2 and tk is unicode:  # noqa: F821
        r = '[' + _unicode_repr(kk[:56]) + ']'
        return r if len(r) <= 60 else r[:59] + ']'
    if PY2 and tk is long:  # noqa: F821
        r = _long_str(kk)
        return '[' + r[:58] + ']'
    ti = tinfo_get(id(tk))
    if ti is not None:
        name = ti[TI_TJSON][1:-1]
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
