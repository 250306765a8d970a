"""Leak checks for tests (issue 22): run a piece of code several times and
fail, with the retention path, when the objects it creates stay alive and
keep accumulating.

    from refgraph_export import leak_check
    with leak_check(runs=3) as check:
        check.run(handle_request, fake_request)   # raises LeakError on a leak

How a check decides (docs/GUIDE.md, *Leak checks in tests*):

1. ``warmup`` runs first: caches that fill on first use, lazy imports,
   interned strings and bounded structures reach their steady state there.
2. A census after the warm-up and after each of ``runs`` measured runs
   (at least 2): every object gc tracks plus the untracked objects they hold
   (str, int, bytes ...), counted by type after ``gc.collect()``.
3. A type whose count grows in every measured run is a suspect; ``confirm``
   more runs must grow it again (a bounded cache stops there).
4. Only then the heap is dumped three times, one run apart, and
   ``refgraph diff A B C`` (the analyzer, when one is found) names the
   cluster of new objects that are still held, with its retention path and
   allocation site. Without the analyzer, the holder is found from
   ``gc.get_referrers`` (pure Python, slower and less precise), and the
   message says which one ran.

The census and the check's own objects are dropped before every dump, so
they are never among the objects reported.
"""
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import weakref

from . import _core, _safe
from . import LeakError

__all__ = ['leak_check', 'LeakCheck', 'LeakError', 'find_analyzer']

_PY2 = sys.version_info[0] == 2
_ModuleType = type(sys)
# the report's dumps go through fork where there is one: an in-process dump
# pauses tracemalloc, and blocks it allocates then go untraced; objects that
# reuse them later from a free list (dicts, tuples, lists ...) would have no
# allocation site in the next dump
_FORK = hasattr(os, 'fork')


def find_analyzer():
    """The refgraph analyzer's path: $REFGRAPH, else the binary of the wheel
    this package was installed from (``refgraph/_bin/refgraph`` beside this
    package, found without importing anything), else ``refgraph`` on PATH,
    else None."""
    env = os.environ.get('REFGRAPH')
    if env:
        return env if os.access(env, os.X_OK) else None
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shipped = os.path.join(here, 'refgraph', '_bin', 'refgraph')
    if os.path.isfile(shipped) and os.access(shipped, os.X_OK):
        return shipped
    for d in os.environ.get('PATH', '').split(os.pathsep):
        p = os.path.join(d, 'refgraph')
        if d and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def _type_name(t):
    return _safe.type_fullname(t)  # 'module.qualname', 'dict' for builtins; no user code


def _own_ids(own, depth=3):
    """ids of the check's objects: ``own`` and the containers they hold,
    ``depth`` levels down (an explicit stack: no recursion)."""
    ids = set()
    todo = [(x, 0) for x in own]
    while todo:
        x, d = todo.pop()
        if id(x) in ids:
            continue
        ids.add(id(x))
        if d < depth:
            for r in gc.get_referents(x):
                if type(r) in (dict, tuple, list, set):
                    todo.append((r, d + 1))
    return ids


def _census(base=None, own=()):
    """{id: type} of every live object gc can see (tracked objects and the
    untracked ones they hold), after a collection, and two {type: count}:
    all of them, and those not in ``base`` (an earlier census: the objects
    made since, as far as addresses tell). ``own``: the check's objects, and
    ``base``, are left out."""
    gc.collect()
    objs = gc.get_objects()
    skip = _own_ids(own)
    skip.update((id(objs), id(base), id(skip)))
    seen = {}
    boxes = []  # untracked dicts and tuples: what they hold is counted after the pass
    get_referents, is_tracked = gc.get_referents, gc.is_tracked
    for o in objs:
        if id(o) in skip:
            continue
        seen[id(o)] = type(o)
        for r in get_referents(o):
            if not is_tracked(r) and id(r) not in seen:
                t = seen[id(r)] = type(r)
                if t is dict or t is tuple:
                    boxes.append(r)
    del objs
    for _ in _untracked_inside(boxes, seen):
        pass
    del boxes
    counts, new = {}, {}
    for t in seen.values():
        counts[t] = counts.get(t, 0) + 1
    if base is not None:
        base_get = base.get
        for a, t in seen.items():
            if base_get(a) is not t:
                new[t] = new.get(t, 0) + 1
    return seen, (counts, new)


def _untracked_inside(boxes, seen, holder=None):
    """Yields ``(x, path)`` for what the untracked dicts and tuples
    ``boxes`` hold, and so on down (an explicit stack), each object once:
    ``seen`` ({id: type}) gets every object yielded and skips those it has. ``path`` is
    [``holder``, the containers down to x's own] when a holder is given,
    else None. gc stops tracking a dict or tuple that holds only atoms (str,
    bytes, int ...), so what they hold is no tracked object's referent: a
    module's ``{name: bytes}`` cache, the data of ``os.environ``."""
    todo = [(c, None if holder is None else [holder, c]) for c in boxes]
    get_referents = gc.get_referents
    while todo:
        c, path = todo.pop()
        for x in get_referents(c):
            if id(x) not in seen:
                t = seen[id(x)] = type(x)
                yield x, path
                if t is dict or t is tuple:
                    todo.append((x, None if path is None else path + [x]))


class LeakCheck(object):
    """What ``leak_check()`` returns: ``run(fn, *args, **kw)`` checks
    ``fn``. The thresholds: ``runs`` measured runs (>= 2) after ``warmup``
    runs, ``confirm`` further runs when a type grew; ``allow``: type names
    (``'dict'``, ``'mymod.Session'``) whose growth is expected, or a dict of
    type name -> objects per run tolerated. ``keep_dir``: keep the dumps of
    a failing check there. ``analyzer``: the refgraph binary (default:
    ``find_analyzer()``; False forces the pure-Python report)."""

    def __init__(self, runs=3, warmup=2, confirm=2, allow=(), keep_dir=None, analyzer=None, name=None):
        if runs < 2:
            raise ValueError('runs must be at least 2: growth is growth in every measured run')
        self.runs, self.warmup, self.confirm = runs, warmup, confirm
        self.allow = dict(allow) if isinstance(allow, dict) else dict((a, None) for a in allow)
        self.keep_dir = keep_dir
        self.analyzer = find_analyzer() if analyzer is None else (analyzer or None)
        self.name = name
        self.checked = 0
        self.result = None  # the last run's LeakError, or None when clean
        self._atexit = None

    def _allowed(self, t, per_run):
        n = _type_name(t)
        if n not in self.allow:
            return False
        limit = self.allow[n]
        return limit is None or per_run <= limit

    def _growing(self, fn, args, kw, n, base, counts, steps, first, state):
        """Run fn n times, a census after each. Returns the types whose new
        objects (not in ``base``) grew in every run, and the last counts;
        ``steps`` gets each type's smallest growth of new objects in one
        run; ``first`` (a list) the totals after the first run. ``state``:
        the caller's containers, left out of the census."""
        grew = None
        for _ in range(n):
            fn(*args, **kw)
            seen, after = _census(base, (counts, grew, steps, first, state))
            seen = None
            up = set()
            for t, c in after[1].items():
                d = c - counts[1].get(t, 0)
                if d > 0:
                    up.add(t)
                    steps[t] = min(steps.get(t, d), d)
            grew = up if grew is None else grew & up
            counts = after
            if not first:
                first.append(after[0])
        return grew or set(), counts

    def run(self, fn, *args, **kw):
        """Check ``fn(*args, **kw)``; raise LeakError on a leak. Returns the
        number of calls made.

        A type leaks when its new objects grow in every measured run (new:
        at an address the census after the warm-up did not hold with that
        type) and its total count grew, from the first measured run on, by
        at least half a run's worth per run: a bounded cache that replaces
        its entries reuses freed addresses, so new objects can seem to
        accumulate while the total stays flat; an unrelated object freed in
        one run can hide a leak's growth of the total for that run.

        Cost: 1 + runs (+ confirm) censuses, each a pass over the heap, and
        on a leak three dumps (GUIDE.md, section 7, has the figures)."""
        calls = 0
        for _ in range(self.warmup):
            fn(*args, **kw)
            calls += 1
        base, start = _census()
        self._atexit = _atexit_count()
        steps, first = {}, []
        state = [start]
        grew, counts = self._growing(fn, args, kw, self.runs, base, start, steps, first, state)
        state.append(grew)
        calls += self.runs
        if grew and self.confirm:
            state.append(counts)  # run()'s own reference to the last census: not the heap's
            more, counts = self._growing(fn, args, kw, self.confirm, base, counts, steps, first, state)
            calls += self.confirm
            grew &= more
        total = self.runs + (self.confirm if grew else 0)
        growth = {}
        for t in grew:
            if 2 * (counts[0].get(t, 0) - first[0].get(t, 0)) >= total - 1 and not self._allowed(t, steps[t]):
                growth[t] = steps[t]
        self.checked += 1
        if not growth:
            self.result = None
            return calls
        counts = first = start = steps = grew = state = more = None  # out of the report's census and dumps
        err = self._report(fn, args, kw, growth, base)
        # the traceback keeps this frame: the census of the whole heap must
        # not live on with it (pytest keeps a failure's traceback; each
        # failing check would carry the heap of the one before)
        base = None
        self.result = err
        raise err

    # -- the report ---------------------------------------------------------

    def _report(self, fn, args, kw, growth, base):
        own = _own_ids((self.__dict__, growth))
        own.add(id(base))
        per_run = _bytes_per_run(growth, base, own)
        own = None
        named = sorted(((_type_name(t), n, per_run[t]) for t, n in growth.items()),
                       key=lambda x: (-x[2], -x[1], x[0]))
        head = '%s leaked in each of %d runs (after %d warm-up), about %s per run: %s' % (
            self.name or getattr(fn, '__name__', 'the checked code'), self.runs + self.confirm, self.warmup,
            _bytes(sum(per_run.values())),
            ', '.join('%s %s (%s)' % (_count(n), t, _bytes(b)) for t, n, b in named[:8])
            + (' ...' if len(named) > 8 else ''))
        dumping = bool(self.analyzer or self.keep_dir)
        # no temporary directory unless dumping: tempfile would keep its
        # name, a new str the pure-Python report could take for the leak
        tmp = self.keep_dir or (tempfile.mkdtemp(prefix='refgraph-leak-') if dumping else '')
        if self.keep_dir and not os.path.isdir(tmp):
            os.makedirs(tmp)
        stem = re.sub(r'[^A-Za-z0-9_.-]+', '_', self.name or getattr(fn, '__name__', 'check'))[-80:]
        worker = os.environ.get('PYTEST_XDIST_WORKER')
        if worker:
            stem = '%s-%s' % (worker, stem)
        dumps = [os.path.join(tmp, '%s.%d.jsonl.gz' % (stem, i)) for i in range(3)]
        body, how = None, None
        try:
            if dumping:
                for i, p in enumerate(dumps):
                    if i:
                        fn(*args, **kw)
                    # as the census: what a collection frees is no leak, and on 2.7 a
                    # cycle with __del__ is only in gc.garbage (its holder) once collected
                    gc.collect()
                    with warnings.catch_warnings():
                        # 3.12+ warns that fork() in a process with threads may deadlock; the
                        # child only writes a dump. A recorded warning would be a new object
                        # in the dumps (pytest keeps them) and could be taken for the leak
                        warnings.simplefilter('ignore', DeprecationWarning)
                        _core.dump(p, fork=_FORK)
            if self.analyzer:
                body = self._analyzer_text(dumps, set(x[0] for x in named), [
                    _type_name(t) for t in growth if _python_class(t)],
                    [_type_name(t) for t in growth if issubclass(t, weakref.ref)])
                how = 'refgraph diff (%s)' % self.analyzer
            if body is None:
                body = _referrer_text(growth, base, (self.__dict__,))
                how = ('gc referrers (pure Python: refgraph diff named no cluster of these types)' if self.analyzer
                       else 'gc referrers (pure Python; install the refgraph analyzer for the retention path)')
        finally:
            base = None
            if not self.keep_dir:
                if tmp:
                    shutil.rmtree(tmp, ignore_errors=True)
                dumps = []
            else:
                dumps = [p for p in dumps if os.path.exists(p)]
        msg = '%s\nheld by, from %s:\n%s' % (head, how, body)
        ax = _atexit_count()
        if ax is not None and self._atexit is not None and ax > self._atexit:
            msg += '\natexit: %d more callbacks registered since the warm-up (atexit.register keeps each ' \
                   'callable and what it holds until exit)' % (ax - self._atexit)
        if dumps:
            msg += '\ndumps kept: %s' % ' '.join(dumps)
        if _PY2 and not isinstance(msg, str):
            msg = _ascii(msg)
        return LeakError(msg, dict((_type_name(t), n) for t, n in growth.items()), dumps)

    def _analyzer_text(self, dumps, names, python_names, weak_names):
        """The cluster of ``refgraph diff`` to show (_pick_cluster), or None."""
        try:
            p = subprocess.Popen([self.analyzer, 'diff'] + dumps, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            out, err = p.communicate()
        except OSError:
            return None
        if p.returncode != 0:
            return None
        return _pick_cluster(out.decode('utf-8', 'replace'), names, python_names, weak_names)


def _ascii(text):
    """2.7: the report as an ASCII str. str(e) of a unicode message raises,
    and pytest 4.6 prints a message with any non-ASCII byte escaped whole
    (its line breaks as a literal \\n), so refgraph's arrows and ellipses
    become ASCII and anything else a \\u escape."""
    for u, a in ((u'\u2192', '->'), (u'\u2026', '...'), (u'\u00d7', 'x'), (u'\u2264', '<='), (u'\u2265', '>=')):
        text = text.replace(u, a)
    return text.encode('ascii', 'backslashreplace')


def _count(n):
    return '+%d' % n


def _bytes(n):
    """Sizes as refgraph's reports print them: 688 B, 19.4 kB, 154 kB, 6.9 MB."""
    for unit, scale in (('GB', 1e9), ('MB', 1e6), ('kB', 1e3)):
        if n >= scale:
            v = n / scale
            return ('%.1f %s' % (v, unit)) if v < 100 else ('%d %s' % (v + 0.5, unit))
    return '%d B' % n


def _bytes_per_run(growth, base, own, sample=64):
    """{type: shallow bytes leaked per run}: each type's objects per run
    times the mean size of up to ``sample`` of its new objects (sizes as the
    exporter takes them: no user-defined __sizeof__ is called)."""
    new = _new_objects(growth, base, own, sample)
    out = {}
    for t, objs in new.items():
        plan = _safe.sizeof_plan(t)
        sizes = []
        for o in objs:
            try:
                sizes.append(sys.getsizeof(o) if plan is None else plan(o))
            except Exception:
                pass
        out[t] = growth[t] * sum(sizes) // len(sizes) if sizes else 0
    return out


def _clusters(text):
    """refgraph diff's cluster blocks ('#N ...' to the next blank line)."""
    blocks, cur = [], None
    for line in text.splitlines():
        if re.match(r'#\d+ ', line):
            cur = [line]
            blocks.append(cur)
        elif cur is not None:
            if not line.strip():
                cur = None
            else:
                cur.append(line)
    return blocks


def _pick_cluster(text, names, python_names=(), weak_names=()):
    """The cluster of ``refgraph diff`` to show: among those that hold a
    type that grew (``names``) and are not the exporter's own state, one
    holding a grown class of Python code (``python_names``: never a bare
    dict or list that anything may make, nor one of C's types) first, one
    that holds only weak references (``weak_names``: they keep nothing
    alive; a class's entry in its base's subclass table is one) last, then
    the one holding most of the grown types, then diff's order (largest
    first). With a count of the other such clusters."""
    found = []
    for i, block in enumerate(_clusters(text)):
        kinds = block[1] if len(block) > 1 else ''
        held = set(part.split(' ', 1)[-1] for part in kinds.strip().split(', '))  # '3 dict, 1 mod.T'
        grown = held & names
        if not grown or any('refgraph_export' in line for line in block):
            continue
        found.append(((grown <= set(weak_names), not (grown & set(python_names)), -len(grown), i), block))
    if not found:
        return None
    found.sort(key=lambda x: x[0])
    out = '\n'.join('  ' + line for line in found[0][1])
    if len(found) > 1:
        out += '\n  (%d more clusters of new objects: refgraph diff on the kept dumps lists them)' % (len(found) - 1)
    return out


def _module_names():
    """{id(module dict): module name} of the imported modules."""
    out = {}
    for name, m in list(sys.modules.items()):
        d = getattr(m, '__dict__', None) if m is not None else None
        if type(d) is dict:
            out[id(d)] = name
    return out


def _instance_dict(obj):
    """obj's __dict__ through the standard descriptor only (a class that
    makes __dict__ a property is not run), or None."""
    for klass in type(obj).__mro__:
        d = klass.__dict__.get('__dict__')
        if d is not None:
            if type(d).__name__ != 'getset_descriptor':
                return None
            try:
                v = d.__get__(obj, type(obj))
            except Exception:
                return None
            return v if type(v) is dict else None
    return None


def _edge(holder, target):
    """How ``holder`` refers to ``target``, by identity (no user code)."""
    if type(holder) is dict:
        for k, v in list(holder.items()):
            if v is target:
                return _safe.dict_label(k)
            if k is target:
                return '(key)'
    elif type(holder) in (list, tuple):
        for i, v in enumerate(holder):
            if v is target:
                return '[%d]' % i
    elif type(holder) in (set, frozenset):
        return '{...}'
    else:
        d = _instance_dict(holder)
        if d is target:
            return '__dict__'
        if d is not None:
            for k, v in list(d.items()):
                if v is target and type(k) is str:
                    return '.' + k
    return ''


def _atexit_count():
    try:
        import atexit
        return atexit._ncallbacks()
    except Exception:
        return None


def _new_objects(types, base, own, limit, via=None):
    """{type: up to ``limit`` objects made since ``base``}, newest first,
    for each of ``types``: tracked ones, or untracked ones that tracked
    objects hold, directly or inside untracked dicts and tuples (then
    ``via`` maps the object's id to [the tracked holder, the untracked
    containers down to its own]). One pass over the heap."""
    out = dict((t, []) for t in types)
    objs = gc.get_objects()
    untracked = {}  # {id: type} of the untracked objects met, each looked at once
    mine = set(id(x) for x in out.values())
    mine.update((id(out), id(objs), id(mine), id(untracked), id(via)))
    tracked = gc.is_tracked

    def take(x, t):
        found = out.get(t)
        if found is not None and base.get(id(x)) is not t and len(found) < limit:
            found.append(x)
            return True
        return False
    for o in reversed(objs):
        if id(o) in own or id(o) in mine:
            continue
        take(o, type(o))
        for r in gc.get_referents(o):
            if tracked(r) or id(r) in untracked:
                continue
            t = untracked[id(r)] = type(r)
            take(r, t)
            if t is dict or t is tuple:
                for x, path in _untracked_inside((r,), untracked, o):
                    if take(x, type(x)) and via is not None:
                        via[id(x)] = path
                x = path = None
    del objs
    return out


def _entries(growth, base, own, via):
    """Leaked objects to explain, best first: those whose referrer is an
    old object (where the leak enters the heap that was there before), of a
    class of Python code first, then of the type that grew most; weak
    references, which keep nothing alive, last. Up to 3 objects of each
    type that grew; their referrers are found in one more pass."""
    def rank(o):
        t = type(o)
        return (issubclass(t, weakref.ref), not _python_class(t), -growth[t], _type_name(t))
    new = _new_objects(growth, base, own, 3, via)
    cands = dict((id(o), o) for objs in new.values() for o in objs)
    new = None
    # inside untracked containers: entering when its own container is old
    entering = set(i for i, path in via.items() if base.get(id(path[-1])) is type(path[-1]))
    objs = gc.get_objects()
    for o in objs:
        if id(o) in own or base.get(id(o)) is not type(o):
            continue  # only old referrers matter
        for r in gc.get_referents(o):
            if id(r) in cands:
                entering.add(id(r))
    del objs
    ordered = sorted(cands.values(), key=rank)
    return [o for o in ordered if id(o) in entering] + [o for o in ordered if id(o) not in entering][:1]


def _python_class(t):
    """A class of Python code (a class statement or type() call), not one of
    C: since 3.12 many of C's types are heap types too (``_thread.lock``),
    so the test is the defining module: one with a .py file, ``__main__``,
    or none imported (a class made at run time)."""
    if not _safe.is_heap_type(t):
        return False
    mod = sys.modules.get(_safe._type_module(t) or '')
    if not isinstance(mod, _ModuleType):
        return True
    d = _safe.module_dict(mod)
    f = _safe.str_get(d, '__file__')
    return _safe.str_get(d, '__name__') == '__main__' or (type(f) is str and f.endswith(('.py', '.pyc')))


def _is_holder(x, mods):
    return id(x) in mods or isinstance(x, (type, _ModuleType))


def _holder_chain(cand, mods, cand_holds=False, max_objects=5000, chunk=32):
    """[module globals or class, ..., cand] through gc referrers, breadth
    first, or None. ``cand`` itself is never its own holder (a leaked class
    or module is held by something else). One gc.get_referrers call per
    ``chunk`` objects of a level (each call is a pass over the heap), up to
    ``max_objects`` referrers: a chain hundreds of objects long is
    followed, a wide fan-in is cut off. The frames of the live stack (the
    check's and its callers') are skipped; a stored traceback's are walked."""
    parent = {id(cand): None}
    objects = {id(cand): cand}
    ignore = set([id(parent), id(objects)])
    f = sys._getframe()
    while f is not None:
        ignore.add(id(f))
        f = f.f_back
    f = None
    level = [cand]
    found = cand if cand_holds and _is_holder(cand, mods) else None
    while level and found is None and len(parent) < max_objects:
        nxt = []
        ignore.update((id(level), id(nxt)))
        for i in range(0, len(level), chunk):
            part = tuple(level[i:i + chunk])
            want = dict((id(x), x) for x in part)
            ignore.update((id(part), id(want)))
            refs = gc.get_referrers(*part)
            ignore.add(id(refs))
            for r in refs:
                if id(r) in ignore or id(r) in parent or \
                        (type(r) is tuple and len(r) == len(part) and all(a is b for a, b in zip(r, part))):
                    continue  # the call's own argument tuple
                for x in gc.get_referents(r):
                    if id(x) in want:
                        parent[id(r)] = x
                        objects[id(r)] = r
                        nxt.append(r)
                        if found is None and _is_holder(r, mods):
                            found = r
                        break
            refs = part = want = None
        level = nxt
    if found is None:
        return None
    chain = [found]
    while parent.get(id(chain[-1])) is not None:
        chain.append(parent[id(chain[-1])])
    return chain


def _referrer_text(growth, base, own):
    """Pure-Python holder: from a leaked object (_entries), referrers upward
    to a module's globals or a class."""
    own = _own_ids((growth, base) + tuple(own))
    via = {}
    own.add(id(via))
    cands = _entries(growth, base, own, via)
    if not cands:
        return '  (no new object of the types that grew is visible to gc: held from C?)'
    mods = _module_names()
    chain = None
    for cand in cands:
        if id(cand) in via:  # inside untracked containers, which gc.get_referrers cannot see
            path = via[id(cand)]
            chain = _holder_chain(path[0], mods, cand_holds=True)
            chain = chain and chain + path[1:] + [cand]
        else:
            chain = _holder_chain(cand, mods)
        if chain is not None:
            break
    if chain is None:
        return '  %s: no module or class reaches it through gc referrers (held from C: atexit, a C ' \
               'extension, a thread state?)' % _type_name(type(cands[0]))
    found = chain[0]
    if id(found) in mods:
        parts = ['module %s' % mods[id(found)]]
    elif isinstance(found, _ModuleType):
        parts = ['module %s' % found.__dict__.get('__name__', '?')]
    else:
        parts = ['class %s' % _type_name(found)]
    for prev, x in zip(chain, chain[1:]):
        if isinstance(prev, type):
            edge = '__dict__' if type(x) is dict else ''
        elif isinstance(prev, _ModuleType):
            edge = '__dict__' if x is prev.__dict__ else '(module state)'
        else:
            edge = _edge(prev, x)
        parts.append('%s%s' % (edge + ' ' if edge else '', _type_name(type(x))))
    text = '  ' + ' -> '.join(_compress(parts))
    site = _allocation_site(cand)
    return text + ('\n  allocated at %s' % site if site else '')


def _compress(parts, longest=6):
    """A run of a block of up to ``longest`` hops repeated three or more
    times becomes ``(hop -> hop) xN``: a linked list 70 nodes deep is one
    line (refgraph diff's paths compress the same way)."""
    for period in range(1, longest + 1):
        out, k = [], 0
        while k < len(parts):
            block = parts[k:k + period]
            j = k + period
            while parts[j:j + period] == block:
                j += period
            n = (j - k) // period
            if n >= 3 and len(block) == period:
                out.append('(%s) x%d' % (' -> '.join(block), n))
                k = j
            else:
                out.append(parts[k])
                k += 1
        parts = out
    return parts


def _allocation_site(obj):
    """Where tracemalloc saw ``obj`` allocated: the innermost frame outside
    the standard library (as refgraph's reports print it), or None."""
    tm = sys.modules.get('tracemalloc')
    if tm is None or not tm.is_tracing():
        return None
    tb = tm.get_object_traceback(obj)
    if not tb:
        return None
    # a Traceback iterates oldest first on 3.7+, most recent first on 3.6
    frames = list(tb) if sys.version_info[:2] < (3, 7) else list(reversed(list(tb)))
    import sysconfig
    stdlib = sysconfig.get_paths().get('stdlib') or '\0'
    for f in frames:
        if not f.filename.startswith(stdlib) and not f.filename.startswith('<'):
            return '%s:%d' % (f.filename, f.lineno)
    return '%s:%d' % (frames[0].filename, frames[0].lineno)


def leak_check(runs=3, warmup=2, confirm=2, allow=(), keep_dir=None, analyzer=None, name=None):
    """A context manager for a LeakCheck (see its doc):

        with leak_check(runs=3, allow=['dict']) as check:
            check.run(fn, arg)
    """
    return _Context(LeakCheck(runs, warmup, confirm, allow, keep_dir, analyzer, name))


class _Context(object):
    def __init__(self, check):
        self.check = check

    def __enter__(self):
        return self.check

    def __exit__(self, *exc):
        return False


_core._register_module(globals())
