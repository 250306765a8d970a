"""Shared by the leak programs of Tests/leaks: the output folder, one dump per
round, and the truth written to OUTDIR/truth.json after the last dump.

The truth is measured in the leaking process, without refgraph:

- "tracemalloc" (Python 3): tracemalloc runs from the program's start;
  after the last dump, gc.collect(), read get_traced_memory(), clear the
  holder, gc.collect(), read again. The difference is what clearing frees,
  C-held buffers included (a StringIO's text, a BytesIO's bytes).
- "reachability" (Python 2.7, which has no tracemalloc): before clearing,
  walk gc.get_referents from the references the clear drops, take each
  reached object's true reference count (sys.getrefcount), and find the ones
  that nothing outside the dying part refers to, the way CPython's collector
  decides; a C-held reference (invisible to gc) counts as outside, so it keeps
  its object alive. The freed bytes are the sys.getsizeof of those objects,
  plus what the cleared container itself gives back (its getsizeof before and
  after the clear). Memory a C object allocates outside its getsizeof (a
  lock's semaphore) is not counted.
"""
import gc
import json
import os
import platform
import sys

try:
    import tracemalloc
except ImportError:  # Python 2.7
    tracemalloc = None

import refgraph_export


def start():
    """Call first thing: starts tracemalloc where it exists, returns OUTDIR."""
    if len(sys.argv) != 2:
        sys.stderr.write('usage: %s OUTDIR\n' % sys.argv[0])
        sys.exit(2)
    out = sys.argv[1]
    if not os.path.isdir(out):
        os.makedirs(out)
    # LEAKKIT_TRUTH=reachability measures Python 3 the 2.7 way (to compare the methods).
    if tracemalloc is not None and os.environ.get('LEAKKIT_TRUTH') != 'reachability':
        tracemalloc.start()
    return out


def dump(out, n):
    """The dump after round n (1, 2, 3): OUTDIR/snapN.jsonl.

    Without tracemalloc (2.7) the dump is taken in-process. While tracemalloc
    traces, a dump on 3.11+ takes a minute or more (every allocation the
    exporter makes is traced), so the dump is taken in a forked child that
    stops tracing first: the child's heap is the parent's, byte for byte, at
    the fork (what dump(fork=True) relies on too), and the parent's traces,
    which the truth needs, stay untouched. The exporter writes the writing
    process's pid in the header, and refgraph diff refuses snapshots with
    different pids, so the child writes the parent's pid there instead: the
    dump is the parent's heap."""
    path = os.path.join(out, 'snap%d.jsonl' % n)
    if tracemalloc is None or not tracemalloc.is_tracing() or not hasattr(os, 'fork'):
        refgraph_export.dump(path)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            tracemalloc.stop()
            refgraph_export.dump(path)
            _set_header_pid(path, os.getppid())
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError('the dump child for %s failed (status %d)' % (path, status))


def _set_header_pid(path, pid):
    from collections import OrderedDict
    with open(path, 'rb') as f:
        data = f.read()
    nl = data.index(b'\n')
    header = json.loads(data[:nl].decode('utf-8'), object_pairs_hook=OrderedDict)
    header['pid'] = pid
    with open(path + '.pid', 'wb') as f:
        f.write(json.dumps(header).encode('utf-8'))
        f.write(data[nl:])
    os.rename(path + '.pid', path)


def selector_for(addresses):
    if len(addresses) == 1:
        return 'id == 0x%x' % addresses[0]
    return 'id in [%s]' % ', '.join('0x%x' % a for a in addresses)


def _reachability(dropped_fn, container_fn, clear):
    """Bytes freed when the references returned by dropped_fn() disappear
    (and the container returned by container_fn(), if any, loses them), by
    true reference counts. Then runs clear() and adds the container's shrink."""
    container = container_fn() if container_fn else None
    cid = id(container) if container is not None else None
    dropped = dropped_fn()
    dcount = {}
    objs = {}
    stack = []
    for o in dropped:
        dcount[id(o)] = dcount.get(id(o), 0) + 1
        if id(o) not in objs:
            objs[id(o)] = o
            stack.append(o)
    dropped = o = None

    def refs_after(x):
        """x's references once the clear ran: the container loses the dropped ones."""
        rs = gc.get_referents(x)
        if id(x) != cid:
            return rs
        left = dict(dcount)
        keep = []
        for r in rs:
            if left.get(id(r), 0) > 0:
                left[id(r)] -= 1
            else:
                keep.append(r)
        return keep

    internal = {}
    while stack:
        x = stack.pop()
        for r in refs_after(x):
            k = id(r)
            internal[k] = internal.get(k, 0) + 1
            if k not in objs:
                objs[k] = r
                stack.append(r)
        x = r = None
    # What our own bookkeeping adds to a refcount: a probe held only by objs,
    # measured through the very same expression.
    probe = []
    pk = id(probe)
    objs[pk] = probe
    del probe
    base = sys.getrefcount(objs[pk])
    del objs[pk]
    alive = set()
    anomalies = 0
    for k in list(objs):
        outside = sys.getrefcount(objs[k]) - base - dcount.get(k, 0) - internal.get(k, 0)
        if outside > 0:
            alive.add(k)
        elif outside < 0:
            anomalies += 1
    if container is not None:
        alive.add(cid)
    stack = [objs[k] for k in alive if k in objs]
    while stack:
        x = stack.pop()
        for r in refs_after(x):
            if id(r) not in alive and id(r) in objs:
                alive.add(id(r))
                stack.append(r)
        x = r = None
    freed = [k for k in objs if k not in alive]
    nbytes = sum(sys.getsizeof(objs[k]) for k in freed)
    ntracked = sum(1 for k in freed if gc.is_tracked(objs[k]))
    nobjs = len(freed)
    objs = freed = stack = alive = internal = dcount = None
    # A check of the walk against what really dies: the number of objects gc
    # tracks drops, over the clear, by the tracked objects the walk said die.
    tracked_before = len(gc.get_objects())
    before = sys.getsizeof(container) if container is not None else 0
    clear()
    after = sys.getsizeof(container) if container is not None else 0
    gc.collect()
    tracked_after = len(gc.get_objects())
    return nbytes + before - after, {
        'freed_objects': nobjs, 'refcount_anomalies': anomalies,
        'freed_tracked_objects': ntracked, 'gc_tracked_drop': tracked_before - tracked_after}


def finish(out, holder, holder_objects, clear, leak_types, dropped=None, container=None, note=None):
    """Measures the truth and writes OUTDIR/truth.json.

    holder: what a user would call it ('failures', 'Handler.user_profile').
    holder_objects(): the object(s) that are the holder in the dump (their
      addresses make the selector; several when the holder is a C registry
      whose members are what the dump can show).
    clear(): clears the holder (the fix a user would apply at that moment).
    dropped(): the references clear() drops (for the reachability truth).
    container(): the Python container clear() empties, if any."""
    addresses = list(map(id, holder_objects()))  # no loop variable left holding one
    gc.collect()
    gc.collect()
    if tracemalloc is not None and tracemalloc.is_tracing():
        method = 'tracemalloc'
        before = tracemalloc.get_traced_memory()[0]
        clear()
        gc.collect()
        gc.collect()
        freed = before - tracemalloc.get_traced_memory()[0]
        extra = {}
    else:
        method = 'reachability'
        if dropped is None:
            raise SystemExit('this program has no reachability truth (it runs on Python 3 only)')
        freed, extra = _reachability(dropped, container, clear)
    truth = {
        'holder': holder,
        'selector': selector_for(addresses),
        'addresses': addresses,
        'freed_bytes': freed,
        'method': method,
        'python': platform.python_version(),
        'leak_types': list(leak_types),
    }
    truth.update(extra)
    if note:
        truth['note'] = note
    with open(os.path.join(out, 'truth.json'), 'w') as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write('\n')
    return truth
