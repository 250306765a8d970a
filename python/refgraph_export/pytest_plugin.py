"""pytest plugin (issue 22), registered through the ``pytest11`` entry point:

    pytest --refgraph-leaks                 # check every test
    @pytest.mark.no_leaks                   # check one test
    @pytest.mark.no_leaks(runs=4, warmup=3, allow=['dict'])
    @pytest.mark.no_leaks(fixtures='run')   # fresh function-scoped fixtures each run
    pytest --refgraph-leaks-dir DIR         # keep the dumps of failing tests

A checked test's body runs warm-up + measured runs times with the same
fixture values (fixtures are created once per check), or, with
``fixtures='run'`` (``--refgraph-leaks-fixtures=run`` for every test), the
whole setup, call and teardown of the test runs that many times, so
function-scoped fixtures are made and finalized in each run; the test fails with
refgraph_export.leakcheck's report when objects it creates stay alive and
keep accumulating. Async tests, and tests another plugin runs itself, are
left to that plugin and not checked. Without pip, load it with
``-p refgraph_export.pytest_plugin``.
"""
import functools
import inspect
import sys

import pytest

_OPTIONS = ('runs', 'warmup', 'confirm', 'allow', 'fixtures')
_FIXTURES = ('check', 'run')
_TEXT = (str, type(u''))
_PYTEST_MAJOR = int(pytest.__version__.split('.')[0]) if pytest.__version__[:1].isdigit() else 0


def pytest_addoption(parser):
    group = parser.getgroup('refgraph', 'refgraph leak checks')
    group.addoption('--refgraph-leaks', action='store_true', default=False,
                    help='check every test for leaks: run its body several times and fail when the objects '
                         'it creates stay alive and accumulate, with the retention path')
    group.addoption('--refgraph-leaks-dir', default=None, metavar='DIR',
                    help='keep the three heap dumps of each failing leak check in DIR')
    group.addoption('--refgraph-leaks-fixtures', default='check', choices=_FIXTURES,
                    help="'check' (default): function-scoped fixtures are made once per check and "
                         "shared by its runs; 'run': made and finalized in each run (setup, call and "
                         "teardown repeated)")


def pytest_configure(config):
    config.addinivalue_line(
        'markers', "no_leaks(runs=3, warmup=2, confirm=2, allow=(), fixtures='check'): fail when the objects "
                   "this test creates stay alive and accumulate over repeated runs (refgraph); allow: type names "
                   "whose growth is expected, or a dict of type name -> objects per run; fixtures='run': fresh "
                   "function-scoped fixtures in each run")


def _checked(item):
    """The test's check options, None when it is not checked. Options that
    make no sense give ``{'error': message}``: that test fails with it, the
    others run (a UsageError from a hook would end the whole session)."""
    marker = item.get_closest_marker('no_leaks')
    if marker is None and not item.config.getoption('refgraph_leaks'):
        return None
    opts = dict(marker.kwargs) if marker is not None else {}
    opts.setdefault('fixtures', item.config.getoption('refgraph_leaks_fixtures'))
    error = _bad_options(opts, marker)
    return {'error': 'no_leaks: ' + error} if error else opts


def _bad_options(opts, marker):
    """Why ``opts`` cannot run, or None."""
    unknown = set(opts) - set(_OPTIONS)
    if unknown:
        return 'unknown option(s) %s (known: %s)' % (', '.join(sorted(unknown)), ', '.join(_OPTIONS))
    if marker is not None and marker.args:
        return 'options are keywords: no_leaks(runs=3, warmup=2, ...), not %r' % (marker.args,)
    if opts['fixtures'] not in _FIXTURES:
        return "fixtures=%r (use 'check' or 'run')" % (opts['fixtures'],)
    for name, least in (('runs', 2), ('warmup', 0), ('confirm', 0)):
        v = opts.get(name, least)
        if type(v) is not int or v < least:
            return '%s=%r: a whole number, at least %d' % (name, v, least)
    allow = opts.get('allow', ())
    if not isinstance(allow, (list, tuple, set, frozenset, dict)) or \
            not all(isinstance(a, _TEXT) for a in allow):
        return "allow=%r: type names ('dict', 'mymod.Session'), or a dict of type name -> objects per run" % (allow,)
    return None


def _is_async(fn):
    return getattr(inspect, 'iscoroutinefunction', lambda f: False)(fn) or \
        getattr(inspect, 'isasyncgenfunction', lambda f: False)(fn)


def _new_check(item, opts):
    # imported here: a pytest run that checks nothing never loads the exporter
    from .leakcheck import LeakCheck
    opts = dict(opts)
    del opts['fixtures']
    return LeakCheck(keep_dir=item.config.getoption('refgraph_leaks_dir'), name=item.nodeid, **opts)


def _calls_pyfunc(item):
    """A test whose call goes through pytest_pyfunc_call (not a doctest or a
    unittest.TestCase method, which this plugin does not check)."""
    def f(m):
        return getattr(m, '__func__', m)
    return isinstance(item, pytest.Function) and f(type(item).runtest) is f(pytest.Function.runtest)


def _finalizer_lists(item):
    """The finalizer lists a run of ``item`` can append to and its teardown
    leaves: the fixture definitions' (pytest 8+) and the setup state's per
    node (node -> (list, exc) in pytest 7+, node -> list before)."""
    lists = []
    info = getattr(item, '_fixtureinfo', None)
    for defs in getattr(info, 'name2fixturedefs', {}).values():
        lists.extend(d._finalizers for d in defs if isinstance(getattr(d, '_finalizers', None), list))
    state = getattr(item.session, '_setupstate', None)
    stack = getattr(state, 'stack', None)
    if isinstance(stack, dict):
        lists.extend(v[0] for v in stack.values() if isinstance(v, tuple) and v and isinstance(v[0], list))
    old = getattr(state, '_finalizers', None)
    if isinstance(old, dict):
        lists.extend(v for v in old.values() if isinstance(v, list))
    return lists


def _fixturedef_of(fin):
    """The FixtureDef whose ``finish`` ``fin`` calls, or None."""
    f = fin.func if isinstance(fin, functools.partial) else fin
    fd = getattr(f, '__self__', None)
    if getattr(f, '__name__', None) == 'finish' and hasattr(fd, 'argname'):
        return fd  # partial(fixturedef.finish, request=...)
    code = getattr(f, '__code__', None)
    if code is not None and 'finish' in code.co_names:  # pytest 7: lambda: fixturedef.finish(request=...)
        for cell in getattr(f, '__closure__', None) or ():
            try:
                x = cell.cell_contents
            except ValueError:
                continue
            if hasattr(x, 'argname') and hasattr(x, 'finish'):
                return x
    return None


def _drop_spent(fins, n):
    """Drop what one run appended to ``fins`` (past ``n``) that is spent:
    finishing a function-scoped fixture (this run's teardown finished it),
    or a fixture an earlier entry finishes already (pytest 4.6-7 add one per
    request). A function-scoped fixture set up over a wider one leaves such
    entries on the wider one in every run; kept, each run would seem to
    leak a partial and a request."""
    seen = set(id(fd) for fd in map(_fixturedef_of, fins[:n]) if fd is not None)
    keep = []
    for fin in fins[n:]:
        fd = _fixturedef_of(fin)
        if fd is not None:
            if getattr(fd, 'scope', None) == 'function' or id(fd) in seen:
                continue
            seen.add(id(fd))
        keep.append(fin)
    fins[n:] = keep


class _RunFailed(Exception):
    """A run of the test itself failed (fixtures='run'): the check stops and
    the logged run shows the test's own failure."""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """fixtures='run': the check's runs are whole unlogged runs of the test
    (setup, call, teardown of the function-scoped fixtures only), then one
    logged run reports the test, failing its call with the leak report."""
    opts = _checked(item) if _calls_pyfunc(item) else None
    if opts is None or opts.get('fixtures') != 'run' or _is_async(item.obj):
        return None  # not checked here; a bad option fails the test's call (pytest_pyfunc_call)
    from _pytest.runner import runtestprotocol
    from .leakcheck import LeakError
    sections = list(getattr(item, '_report_sections', ()))
    # teardown towards the parent: the test's own fixtures are finalized,
    # the class's, module's and session's stay for the next run
    parent = item.parent

    runs = [0]

    def one_run():
        runs[0] += 1
        lists = [(x, len(x)) for x in _finalizer_lists(item)]
        reports = runtestprotocol(item, nextitem=parent, log=False)
        for x, n in lists:
            _drop_spent(x, n)
        if hasattr(item, '_report_sections'):
            item._report_sections[:] = sections  # captured output of the unlogged runs
        if any(r.failed for r in reports):
            raise _RunFailed()
    check = _new_check(item, opts)
    try:
        check.run(one_run)
    except _RunFailed:
        if runs[0] > 1:  # the logged run is one run more: say why it is run again
            item._refgraph_repeat = [runs[0] + 1]
    except LeakError as e:
        item._refgraph_leak = str(e)
    check = e = None
    if hasattr(sys, 'exc_clear'):
        sys.exc_clear()
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    runtestprotocol(item, nextitem=nextitem, log=True)
    if hasattr(item.ihook, 'pytest_runtest_logfinish'):
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    fn = pyfuncitem.obj
    funcargs = pyfuncitem.funcargs
    args = dict((name, funcargs[name]) for name in pyfuncitem._fixtureinfo.argnames)
    leak = getattr(pyfuncitem, '_refgraph_leak', None)
    if leak is not None:  # fixtures='run': the check ran; this is the logged run
        del pyfuncitem._refgraph_leak
        fn(**args)
        pytest.fail(leak, pytrace=False)
    repeat = getattr(pyfuncitem, '_refgraph_repeat', None)
    if repeat is not None:  # fixtures='run': a repeated run failed; the logged run shows why
        del pyfuncitem._refgraph_repeat
        with _explained(pyfuncitem, repeat):
            fn(**args)
        return True
    opts = _checked(pyfuncitem)
    if opts is not None and 'error' in opts:
        pytest.fail(opts['error'], pytrace=False)
    if opts is None or opts['fixtures'] == 'run' or _is_async(fn):
        return None  # not checked, checked by pytest_runtest_protocol, or left to an async plugin
    from .leakcheck import LeakError
    check = _new_check(pyfuncitem, opts)
    calls = [0]

    def counted(**kw):
        calls[0] += 1
        return fn(**kw)
    try:
        with _explained(pyfuncitem, calls):
            check.run(counted, **args)
    except LeakError as e:
        message = str(e)
    else:
        return True
    check = e = None  # pytest keeps this frame with the failure: nothing big in it
    if hasattr(sys, 'exc_clear'):
        sys.exc_clear()  # 2.7: the handled exception (and its frames) stays in sys.exc_info otherwise
    pytest.fail(message, pytrace=False)  # outside the except: no "during handling" chain


class _explained(object):
    """When the test body fails in a call after its first, says so: the
    check runs a test several times, and a test that cannot run twice (it
    asserts a fresh state, or consumes something) fails on the check, not
    on its own. The note goes on the exception (``__notes__``, which
    pytest 8+ prints), and in a report section for older pytest."""

    def __init__(self, item, calls):
        self.item, self.calls = item, calls

    def __enter__(self):
        return self

    def __exit__(self, t, e, tb):
        from .leakcheck import LeakError
        n = self.calls[0]
        if t is None or n < 2 or issubclass(t, (LeakError, pytest.skip.Exception)):
            return False
        note = ('refgraph leak check: the test failed in call %d of its body. The check runs a test several '
                'times (warm-up, then measured runs); a test that cannot run twice in a row fails here, not '
                'on a leak. Use @pytest.mark.no_leaks(fixtures=\'run\') for fresh fixtures in each run, or '
                'leave this test unchecked.' % n)
        try:  # PEP 678 notes: pytest 8+ shows them on every Python
            if hasattr(e, 'add_note'):
                e.add_note(note)
            else:
                e.__notes__ = list(getattr(e, '__notes__', None) or ()) + [note]
        except Exception:
            pass
        if _PYTEST_MAJOR < 8:  # which does not: a section of the failure's output
            self.item.add_report_section('call', 'refgraph leak check', note)
        return False
