"""refgraph_export: dump a CPython heap as a refgraph object graph.

    import refgraph_export
    refgraph_export.dump('heap.jsonl')                 # in-process
    refgraph_export.dump('heap.jsonl.gz', fork=True)   # pause = one fork
    refgraph_export.install()                          # kill -USR2 PID -> dump (through fork)
    refgraph_export.snapshot_series('dumps', every=60, count=10)
    with refgraph_export.leak_check() as check:        # in tests (pytest: --refgraph-leaks)
        check.run(fn)

See docs/EXPORTER.md and docs/FORMAT.md. Standard library only.
"""
from ._core import (DumpError, DumpResult, Installed, SnapshotSeries, dump, install,
                    snapshot_series, timestamped_path, fork_default, FORMAT_VERSION, _register_module)
from . import _plans as _p

_register_module(globals())
_register_module(_p.__dict__)
del _p


class LeakError(AssertionError):
    """A leak check failed. ``str(e)`` is the report; ``e.growth`` maps type
    names to objects leaked per run; ``e.dumps`` lists the dumps kept
    (``keep_dir``). Defined here so that ``except refgraph_export.LeakError``
    works before the first check has loaded refgraph_export.leakcheck."""

    def __init__(self, message, growth=None, dumps=()):
        AssertionError.__init__(self, message)
        self.growth = growth or {}
        self.dumps = list(dumps)


def leak_check(*args, **kw):
    """Leak checks for tests: see refgraph_export.leakcheck (imported on
    first use, so that a process that only dumps never loads it)."""
    from .leakcheck import leak_check as check
    return check(*args, **kw)


__version__ = '0.1.0'
__all__ = ['dump', 'install', 'snapshot_series', 'DumpError', 'DumpResult', 'Installed',
           'SnapshotSeries', 'timestamped_path', 'fork_default', 'FORMAT_VERSION', 'leak_check',
           'LeakError']
