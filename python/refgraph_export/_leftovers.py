"""Temporary files of dumps that never finished (issue 19 item 5).

A dump is written to ``NAME.tmp-PID-RANDOM`` and renamed to NAME when
whole; the lines that wait for final counts go to ``.refgraph-marked-PID-
RANDOM`` in the same directory, unlinked as soon as it is made. A process
killed mid-dump (SIGKILL, the OOM killer, a container stopped) leaves these
names behind. They never look like a dump to refgraph (no .jsonl ending,
no trailer), but they take disk space.

``stale(directory)`` finds them: a name of exactly that shape, a regular
file (never a symlink) owned by this user, whose process is gone and which
nobody has written for ``min_age`` seconds. The age rule matters where the
pid says nothing: a process of another pid namespace (a container sharing
the volume) writing a dump right now looks "gone" from here, but its file
is fresh. ``remove(directory)`` deletes them; the exporter calls it after
each dump (in the fork child when there is one), and
``python -m refgraph_export cleanup DIR`` runs it by hand.

``track``/``untrack`` and an atexit handler cover the other way a file is
left: a process that exits while one of its threads is dumping (a
snapshot_series running when the main thread returns) removes the file of
the dump in progress.
"""
import atexit
import errno
import os
import re
import stat
import time

_TMP = re.compile(r'.+\.tmp-([0-9]+)-[0-9a-f]{16}\Z')
_MARKED = re.compile(r'\.refgraph-marked-([0-9]+)-[0-9a-f]{16}\Z')
MIN_AGE = 60.0  # seconds since the file was last written
_in_progress = set()  # names of this process's dumps being written


def _pid_of(name):
    m = _TMP.match(name) or _MARKED.match(name)
    return int(m.group(1)) if m else None


def _alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError as e:
        return e.errno != errno.ESRCH  # EPERM: alive, another user's
    return True


def stale(directory, min_age=MIN_AGE, now=None):
    """The leftover temporary files in directory (full paths), sorted."""
    now = time.time() if now is None else now
    out = []
    try:
        names = os.listdir(directory)
    except OSError:
        return out
    uid = os.geteuid() if hasattr(os, 'geteuid') else None
    for name in names:
        pid = _pid_of(name)
        if pid is None:
            continue
        path = os.path.join(directory, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid):
            continue
        if now - st.st_mtime < min_age or _alive(pid) or path in _in_progress:
            continue
        out.append(path)
    out.sort()
    return out


def remove(directory, min_age=MIN_AGE):
    """Deletes the leftovers stale() finds; returns the paths removed."""
    done = []
    for path in stale(directory, min_age):
        try:
            os.unlink(path)
            done.append(path)
        except OSError:
            pass
    return done


_prefixes = set()  # NAME.tmp-PID of dumps creating their file right now


def track(path, prefix=False):
    """Remove ``path`` at exit; prefix=True: any NAME.tmp-PID-RANDOM file
    made from this prefix (its name is not known yet)."""
    (_prefixes if prefix else _in_progress).add(path)


def untrack(path):
    _in_progress.discard(path)
    _prefixes.discard(path)


def _at_exit():
    paths = list(_in_progress)
    for prefix in list(_prefixes):
        d, base = os.path.split(prefix)
        try:
            names = os.listdir(d or '.')
        except OSError:
            continue
        paths.extend(os.path.join(d, n) for n in names
                     if n.startswith(base + '-') and _TMP.match(n) and len(n) == len(base) + 17)
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass
    _in_progress.clear()
    _prefixes.clear()


atexit.register(_at_exit)
