"""pytest plugin (issue 22), registered through the ``pytest11`` entry point:

    pytest --refgraph-leaks                 # check every test
    @pytest.mark.no_leaks                   # check one test
    @pytest.mark.no_leaks(runs=4, warmup=3, allow=['dict'])
    pytest --refgraph-leaks-dir DIR         # keep the dumps of failing tests

A checked test's body runs warm-up + measured runs times with the same
fixture values (fixtures are created once per check); the test fails with
refgraph_export.leakcheck's report when objects it creates stay alive and
keep accumulating. Async tests, and tests another plugin runs itself, are
left to that plugin and not checked. Without pip, load it with
``-p refgraph_export.pytest_plugin``.
"""
import inspect
import sys

import pytest

_OPTIONS = ('runs', 'warmup', 'confirm', 'allow')


def pytest_addoption(parser):
    group = parser.getgroup('refgraph', 'refgraph leak checks')
    group.addoption('--refgraph-leaks', action='store_true', default=False,
                    help='check every test for leaks: run its body several times and fail when the objects '
                         'it creates stay alive and accumulate, with the retention path')
    group.addoption('--refgraph-leaks-dir', default=None, metavar='DIR',
                    help='keep the three heap dumps of each failing leak check in DIR')


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'no_leaks(runs=3, warmup=2, confirm=2, allow=()): fail when the objects this test creates '
                   'stay alive and accumulate over repeated runs (refgraph); allow: type names whose growth '
                   'is expected, or a dict of type name -> objects per run')


def _checked(item):
    marker = item.get_closest_marker('no_leaks')
    if marker is None and not item.config.getoption('refgraph_leaks'):
        return None
    opts = dict(marker.kwargs) if marker is not None else {}
    unknown = set(opts) - set(_OPTIONS)
    if unknown:
        raise pytest.UsageError('no_leaks: unknown option(s) %s (known: %s)'
                                % (', '.join(sorted(unknown)), ', '.join(_OPTIONS)))
    return opts


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    opts = _checked(pyfuncitem)
    if opts is None:
        return None
    fn = pyfuncitem.obj
    if getattr(inspect, 'iscoroutinefunction', lambda f: False)(fn) or \
            getattr(inspect, 'isasyncgenfunction', lambda f: False)(fn):
        return None  # an async plugin runs these
    funcargs = pyfuncitem.funcargs
    args = dict((name, funcargs[name]) for name in pyfuncitem._fixtureinfo.argnames)
    # imported here: a pytest run that checks nothing never loads the exporter
    from .leakcheck import LeakCheck, LeakError
    check = LeakCheck(keep_dir=pyfuncitem.config.getoption('refgraph_leaks_dir'),
                      name=pyfuncitem.nodeid, **opts)
    try:
        check.run(fn, **args)
    except LeakError as e:
        message = str(e)
    else:
        return True
    check = e = None  # pytest keeps this frame with the failure: nothing big in it
    if hasattr(sys, 'exc_clear'):
        sys.exc_clear()  # 2.7: the handled exception (and its frames) stays in sys.exc_info otherwise
    pytest.fail(message, pytrace=False)  # outside the except: no "during handling" chain
