"""Per-type labelling plans.

A plan is a function ``plan(o, t, R)`` returning a list of ``(obj, label, add)``
triples: ``obj`` is a child read through a builtin descriptor (so no user code
runs), ``label`` its edge label, and ``add`` says whether the child must be
added as an edge when ``gc.get_referents`` did not report it (a real
reference the C traverse function does not visit, e.g. code constants before
3.12, a heap type's ``__name__``, a 3.11+ frame's ``f_back``).
Children are matched to referents by identity only.
"""
import sys
import types

_getrefcount = sys.getrefcount

from . import _safe, _layouts, _redact
from ._safe import PY2, PYV, class_dict, dict_get, get_referents, member_descriptor, getset_descriptor

FunctionType = types.FunctionType
MethodType = types.MethodType
CodeType = types.CodeType
FrameType = types.FrameType
ModuleType = types.ModuleType
BuiltinFunctionType = types.BuiltinFunctionType
GeneratorType = types.GeneratorType


def _descr_getters(tp, names):
    out = []
    d = tp.__dict__
    for name, label in names:
        if name in d:
            desc = d[name]
            if type(desc) in (member_descriptor, getset_descriptor):
                out.append((label, desc.__get__))
    return out


def _mk_getter_plan(getters, add, none_ok=()):
    """A plan from builtin getters. A getter giving None is skipped (its slot
    is NULL: gc does not report it), except for labels in ``none_ok``,
    slots that hold None as an object (a function's ``__doc__``)."""
    def plan(o, t, R):
        res = []
        for label, g in getters:
            try:
                x = g(o)
            except Exception:
                continue
            if x is None and label not in none_ok:
                continue
            res.append((x, label, add))
        return res
    return plan


def leftover(R, res, t=None):
    """The referents in R that no pair of res claims (by identity, each pair
    one referent) and that are not the type t: what is left to label by
    elimination."""
    claimed = [x for x, lab, add in res]
    out = []
    for r in R:
        if r is t and t is not None:
            t = None  # the heap type's own visit, once
            continue
        for i in range(len(claimed)):
            if claimed[i] is r:
                del claimed[i]
                break
        else:
            out.append(r)
    return out


# -- functions: every slot is visited by func_traverse. __dict__ and
#    __annotations__ are read from the function's fields (their getters
#    create a dict when there is none, and 3.10+ turn stored annotations into
#    one), only when referents are left over.
_func_names = [('__code__', '__code__'), ('__globals__', '__globals__'),
               ('__doc__', '__doc__'), ('__module__', '__module__'), ('__defaults__', '__defaults__'),
               ('__kwdefaults__', '__kwdefaults__'),
               ('__name__', '__name__'), ('__qualname__', '__qualname__'),
               ('__closure__', '__closure__'), ('__builtins__', '__builtins__')]
# __doc__ holds None as an object; a None __module__ is usually a NULL field
# (a stored None stays unlabelled)
_plan_function_getters = _mk_getter_plan(_descr_getters(FunctionType, _func_names), False,
                                         none_ok=('__doc__',))
_function_fields = _layouts.function_fields_reader()


def plan_function(o, t, R):
    res = _plan_function_getters(o, t, R)
    # the getters claim one referent each: more referents mean a __dict__
    # or __annotations__ (or a stored None __module__)
    if _function_fields is not None and len(R) > len(res):
        try:
            found = _function_fields(o)
        except Exception:
            found = None
        if found:
            res.extend(_match_addresses(found, R))
    return res


if PY2:
    _meth_names = [('im_func', '__func__'), ('im_self', '__self__'), ('im_class', 'im_class')]
else:
    _meth_names = [('__func__', '__func__'), ('__self__', '__self__')]
plan_method = _mk_getter_plan(_descr_getters(MethodType, _meth_names), False)

plan_builtin = _mk_getter_plan(
    _descr_getters(BuiltinFunctionType, [('__self__', '__self__'), ('__module__', '__module__')]), False)


def _cell_type():
    def f():
        return x
    x = 1
    return type(f.__closure__[0])


CellType = _cell_type()
plan_cell = _mk_getter_plan(_descr_getters(CellType, [('cell_contents', 'cell_contents')]), False)

_plan_module_dict = _mk_getter_plan(_descr_getters(ModuleType, [('__dict__', '__dict__')]), False)
ATEXIT_LABEL = '[atexit callback]'


def plan_module(o, t, R):
    res = _plan_module_dict(o, t, R)
    if t is ModuleType and len(R) > 1 and _safe.atexit_module_traverses_registry(o):
        # 3.6-3.9: the atexit module's m_traverse visits each registered
        # callback (func, args, kwargs) after the module dict
        d = res[0][0] if res else None
        for r in R:
            if r is not d:
                res.append((r, ATEXIT_LABEL, False))
    return res

try:
    import collections as _collections
    DefaultDictType = _collections.defaultdict
    plan_defaultdict = _mk_getter_plan(_descr_getters(DefaultDictType, [('default_factory', 'default_factory')]),
                                       False)
except Exception:  # pragma: no cover
    DefaultDictType = plan_defaultdict = None

_gen_names = [('gi_code', 'gi_code'), ('__name__', '__name__'), ('__qualname__', '__qualname__')]
if PYV < (3, 11):
    _gen_names.append(('gi_frame', 'gi_frame'))  # 3.11+: getter would create the frame object
_plan_generator_getters = _mk_getter_plan(_descr_getters(GeneratorType, _gen_names), False)
FrameType = types.FrameType
CoroutineType = getattr(types, 'CoroutineType', None)
AsyncGeneratorType = getattr(types, 'AsyncGeneratorType', None)


def _own_frame(label, getters, gtype, code_name):
    """3.11+: a generator's or coroutine's frame object is among its
    referents only when it already exists; label it by type, without calling
    the getter (which would create one). The frame itself is embedded in the
    generator and gc reports its local variables as the generator's
    referents: label them by name (``.name``) from the frame's slots read
    with ctypes (``_safe.generator_frame_reader``), null when that fails."""
    if PYV < (3, 11):
        return getters
    reader = _safe.generator_frame_reader()
    code_get = gtype.__dict__[code_name].__get__
    basicsize = _safe.type_basicsize(gtype)

    def plan(o, t, R):
        res = getters(o, t, R)
        for r in R:
            if type(r) is FrameType:
                res.append((r, label, False))
        if reader is not None:
            try:
                found = reader(o, code_get(o), basicsize)
            except Exception:
                found = None
            if found:
                res.extend(_match_addresses(found, R))
        return res
    return plan


def _match_addresses(found, R):
    """[(referent, label)] for [(address, label)] read from memory: each
    address must be the id() of one of the referents, else nothing is
    labelled (a failed sanity check leaves the labels null)."""
    byid = {}
    for r in R:
        byid[id(r)] = r
    out = []
    for addr, lab in found:
        r = byid.get(addr)
        if r is None and addr not in byid:
            return []
        out.append((r, lab, False))
    return out


plan_generator = _own_frame('gi_frame', _plan_generator_getters, GeneratorType, 'gi_code')
def _suspendable_plan(T, p):
    """The plan of coroutines or async generators (type ``T``, attribute
    prefix ``p``: 'cr', 'ag'): their code, names and (up to 3.10) frame;
    None where the type does not exist."""
    if T is None:
        return None
    names = [(p + '_code', p + '_code'), ('__name__', '__name__'), ('__qualname__', '__qualname__')]
    if PYV < (3, 11):
        names.append((p + '_frame', p + '_frame'))
    return _own_frame(p + '_frame', _mk_getter_plan(_descr_getters(T, names), False), T, p + '_code')


plan_coroutine = _suspendable_plan(CoroutineType, 'cr')
plan_asyncgen = _suspendable_plan(AsyncGeneratorType, 'ag')


def plan_task(o, t, R):
    """asyncio's C Task: its coroutine (type identity only, no method call)."""
    res = []
    for r in R:
        tr = type(r)
        if tr is CoroutineType or tr is GeneratorType:
            res.append((r, '_coro', False))
    return res


# -- code objects: only members holding objects (member_descriptor, stable
#    identity); getsets such as 3.11's co_code/co_varnames build new objects.
def _code_getters():
    out = []
    for name, desc in sorted(CodeType.__dict__.items()):
        if type(desc) is member_descriptor and (name.startswith('co_') or name.startswith('_co')):
            out.append((name, desc.__get__))
    return out


_code_getters_list = _code_getters()


_code_fields = _layouts.code_fields_reader()


def plan_code(o, t, R):
    res = []
    for label, g in _code_getters_list:
        try:
            x = g(o)
        except Exception:
            continue
        tx = type(x)
        if x is None or tx is int or tx is bool or (PY2 and tx is long):  # noqa: F821
            continue  # T_INT members return new ints: not references
        res.append((x, label, True))
    if _code_fields is not None:  # 3.11+: co_localsplusnames, ... (no getter)
        try:
            found = _code_fields(o)
        except Exception:
            found = None
        if found:
            for x, label in found:
                res.append((x, label, True))
    return res


# -- types
_type_base = type.__dict__['__base__'].__get__


_type_slots = _layouts.type_slots_reader()


def plan_type(o, t, R):
    res = []
    try:
        d = class_dict(o)
        if d is not None:
            res.append((d, '__dict__', True))
    except Exception:
        pass
    try:
        m = _safe.type_mro(o)
    except Exception:
        m = None
    if m is None:
        # 2.7: a static type never readied has NULL tp_bases; its __bases__
        # getter would crash. Nothing more to read.
        return res
    res.append((m, '__mro__', True))
    try:
        x = _safe.type_bases(o)
        if x is not None:
            res.append((x, '__bases__', True))
    except Exception:
        pass
    try:
        b = _type_base(o)
        if b is not None:
            res.append((b, '__base__', True))
    except Exception:
        pass
    mt = type(o)
    if mt is not type and _safe.is_heap_type(mt):
        res.append((mt, '__class__', False))  # a metaclass: a heap type, visited
    if _safe.is_heap_type(o):
        if _type_slots is not None:  # ht_slots: the slot names, not traversed
            try:
                x = _type_slots(o)
            except Exception:
                x = None
            if x is not None:
                res.append((x, '__slots__ (names)', True))
        # ht_name / ht_qualname are owned by the type but not traversed.
        for label, g in (('__name__', _safe.type_name), ('__qualname__', _safe.type_qualname)):
            try:
                x = g(o)
            except Exception:
                continue
            if _safe.is_str(x):
                res.append((x, label, True))
    return res


if PY2:
    def plan_classobj(o, t, R):
        # classobj traverse: cl_bases, cl_dict, cl_name, getattr, setattr, delattr
        res = []
        for i, label in enumerate(('__bases__', '__dict__', '__name__')):
            if i < len(R):
                res.append((R[i], label, False))
        return res

    def plan_instance(o, t, R):
        # instance traverse: in_class, in_dict
        res = []
        if len(R) > 0:
            res.append((R[0], '__class__', False))
        if len(R) > 1:
            res.append((R[1], '__dict__', False))
        return res


# -- frames
_frame_d = FrameType.__dict__
_f_back = _frame_d['f_back'].__get__
_frame_slot_getters = [(n, _frame_d[n].__get__) for n in ('f_code', 'f_globals', 'f_builtins')
                       if n in _frame_d]
_f_trace = _frame_d['f_trace'].__get__
_frame_locals = _layouts.frame_locals_reader()


def frame_plan_factory(read_locals):
    """read_locals: label the frame's local variables (read from its
    fast-locals slots, never through the f_locals getter, which writes)."""
    def plan_frame(o, t, R):
        res = []
        try:
            b = _f_back(o)  # 3.11+: materialises the caller's frame object
            if b is not None:
                res.append((b, 'f_back', True))
        except Exception:
            pass
        code = None
        for label, g in _frame_slot_getters:
            try:
                x = g(o)
            except Exception:
                continue
            if x is not None:
                res.append((x, label, True))
                if label == 'f_code':
                    code = x
        try:
            x = _f_trace(o)
            if x is not None:
                res.append((x, 'f_trace', False))
        except Exception:
            pass
        if read_locals and code is not None and _frame_locals is not None:
            _add_frame_locals(o, code, R, res)
        return res
    return plan_frame


def _add_frame_locals(o, code, R, res):
    """Local variables by name ('.name'), 'f_locals' (a dict that exists
    already: globals at module level) and 3.11+ 'f_func': labels of
    referents, or, for a 3.11+ running frame (not traversed by gc), edges
    of their own."""
    try:
        got = _frame_locals(o, code)
    except Exception:
        got = None
    if got is None:
        return
    owned, found = got
    if owned:
        res.extend(_match_addresses(found, R))
    else:
        for x, lab in found:
            res.append((x, lab, True))


# -- tracebacks
TracebackType = types.TracebackType
plan_traceback = _mk_getter_plan(_descr_getters(TracebackType, [('tb_next', 'tb_next'), ('tb_frame', 'tb_frame')]),
                                 False)


# -- weak references
try:
    import weakref as _weakref
    ReferenceType = _weakref.ReferenceType
    _ref_call = ReferenceType.__call__
    _ref_callback = ReferenceType.__dict__.get('__callback__')
except Exception:  # pragma: no cover
    ReferenceType = None


def plan_weakref(o, t, R):
    """The referent is reported with the non-retaining label <weakref>."""
    res = []
    try:
        x = _ref_call(o)  # C wr_object read; never calls user code
        if x is not None:
            res.append((x, '<weakref>', True))
    except Exception:
        pass
    if _ref_callback is not None:
        try:
            cb = _ref_callback.__get__(o)
            if cb is not None:
                res.append((cb, '__callback__', False))
        except Exception:
            pass
    return res


def combined(first, second):
    """first's pairs, then second's: a class's own plan (instance_plan_factory)
    and that of the C type it derives from."""
    def plan_both(o, t, R):
        res = first(o, t, R)
        res.extend(second(o, t, R))
        return res
    plan_both._labels_class = getattr(first, '_labels_class', False)
    return plan_both


def with_class(plan):
    """plan + the object's type as ``__class__`` (heap types' traverse
    visits it); instance plans label it themselves."""
    if getattr(plan, '_labels_class', False):
        return plan

    def plan_with_class(o, t, R):
        res = plan(o, t, R)
        res.append((t, '__class__', False))
        return res
    return plan_with_class


_NO_REFERENTS = (object, int, float, complex, str, bytes) + ((unicode, long) if PY2 else ())  # noqa: F821


def _plain_base(t):
    """Does t's nearest C base (the first non-heap type on its MRO) have no
    referents of its own (object, int, str ...)? Then an instance's only dict
    referent is its __dict__ or a slot's."""
    for c in _safe.mro(t):
        if PY2 and type(c) is _safe.ClassType:
            continue
        if not _safe.is_heap_type(c):
            return _safe.among(c, _NO_REFERENTS)
    return True


def instance_plan_factory(t, peek, held):
    """Plan for instances of a heap type: __class__, __slots__ members,
    __dict__. ``held`` ({id: n}) receives the references the plan keeps
    on user objects (slot and __dict__ descriptors), measured."""
    slots = []
    dict_desc = None
    managed = False
    try:
        managed = bool(_safe.type_flags(t) & _safe.Py_TPFLAGS_MANAGED_DICT) and PYV >= (3, 11)
    except Exception:
        pass
    for c in _safe.mro(t):
        if PY2 and type(c) is _safe.ClassType:
            continue
        d = class_dict(c)
        if d is None:
            continue
        heap = _safe.is_heap_type(c)
        for k, v in list(dict.items(d)):
            k = _safe.plain_str(k)  # a str subclass's startswith/__eq__ must not run
            if k is None:
                continue
            if type(v) is member_descriptor and heap and not k.startswith('__'):
                slots.append(('.' + k, v))
            elif k == '__dict__' and type(v) is getset_descriptor and dict_desc is None:
                dict_desc = v
    # The plan keeps references to these descriptors (the bound __get__
    # method-wrappers hold them). Measure how many, now, instead of assuming:
    # the walk subtracts held[id] from refcounts written after this point
    # (a descriptor written earlier was counted without these references).
    descs = [desc for _, desc in slots] + ([dict_desc] if dict_desc is not None else [])
    # a bound __get__ (method-wrapper) also holds the descriptor type's
    # __get__ slot wrapper; the closure's cells hold peek
    for x in list(descs) + [peek]:
        if x is None:
            continue
        w = _safe.class_dict(type(x)).get('__get__') if _safe.among(type(x), (member_descriptor, getset_descriptor)) else x
        if w is not None and not any(w is y for y in descs):
            descs.append(w)
    w = x = None
    before = []
    for i in range(len(descs)):  # by index: no loop variable or zip tuple holding one more
        before.append(_getrefcount(descs[i]))
    dict_get_ = cdict = None
    if dict_desc is not None and not managed:
        if slots or not _plain_base(t):
            # a dict referent may be a slot's or the C base's (a partial's
            # keywords): read the __dict__ field, the getter would create it
            cdict = _layouts.c_dict_reader(t)
        else:
            dict_get_ = dict_desc.__get__
    managed_get = dict_desc.__get__ if (managed and dict_desc is not None) else None
    # 3.11+: attributes kept as inline values (no dict object) are named by
    # the type's shared keys, in the same order as the values
    inline = _safe.inline_values_reader() if managed else None
    attr_labels = inline_bs = None
    if inline is not None:
        type_labels, instance_values, inline_basicsize = inline
        try:
            attr_labels = type_labels(t)
            inline_bs = inline_basicsize(t)
        except Exception:
            inline_bs = None
        if inline_bs is None:
            attr_labels = None
        if attr_labels:  # an attribute set with setattr() under a non-identifier: data (_redact)
            attr_labels = [_redact.attr_label(x[1:]) if x is not None else None for x in attr_labels]
    n_attrs = len(attr_labels) if attr_labels is not None else 0
    slot_getters = [(label, desc.__get__) for label, desc in slots]
    for i in range(len(descs)):
        n = _getrefcount(descs[i]) - before[i]
        if n > 0:
            held[id(descs[i])] = held.get(id(descs[i]), 0) + n
    descs = before = None

    def plan_instance_(o, t_, R):
        res = [(t_, '__class__', False)]
        for label, g in slot_getters:
            try:
                res.append((g(o), label, False))
            except Exception:
                pass
        if managed:
            addr = 0
            vals = None
            if attr_labels is not None:
                try:
                    addr, vals = instance_values(o, n_attrs, inline_bs)
                except Exception:
                    addr, vals = 0, None
            elif peek is not None:
                try:
                    addr = peek(o)
                except Exception:
                    addr = 0
            if vals:
                named = [(vals[i], attr_labels[i]) for i in range(len(vals)) if vals[i]]
                if named:
                    res.extend(_match_addresses(named, R))
            if addr:
                for r in R:
                    if id(r) == addr:
                        res.append((r, '__dict__', False))
                        break
                else:
                    if managed_get is not None:
                        # 3.13+: the instance keeps its inline values and gc
                        # visits those; the dict exists (its address was
                        # read), so reading __dict__ creates nothing.
                        try:
                            d = managed_get(o)
                            if id(d) == addr:
                                res.append((d, '__dict__', True))
                        except Exception:
                            pass
        elif dict_get_ is not None:
            # only when a dict referent exists, so no empty dict is created
            for r in R:
                if type(r) is dict:
                    try:
                        res.append((dict_get_(o), '__dict__', False))
                    except Exception:
                        pass
                    break
        elif cdict is not None:
            try:
                addr = cdict(o)
            except Exception:
                addr = 0
            if addr:
                for r in R:
                    if id(r) == addr:
                        res.append((r, '__dict__', False))
                        break
        return res
    plan_instance_._labels_class = True
    if attr_labels and not slot_getters and n_attrs:
        full_json = '[' + ', '.join([_safe.json_string(x) for x in attr_labels] +
                                    ['"__class__"']) + ']'

        def fast_labels(o, t_, R, ids):
            """The label array when every attribute is set, there is no
            dict and the referents are exactly the values in key order, then
            the class (checked by identity); None otherwise."""
            if len(R) != n_attrs + 1 or R[n_attrs] is not t_:
                return None
            addr, vals = instance_values(o, n_attrs, inline_bs)
            if addr or vals is None or len(vals) != n_attrs or vals.tolist() != ids[:n_attrs]:
                return None
            return full_json
        plan_instance_._fast_labels = fast_labels
    return plan_instance_
