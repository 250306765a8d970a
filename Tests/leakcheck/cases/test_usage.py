"""How the plugin fails a test it cannot check (Tests/leakcheck/check.py,
USAGE): a bad no_leaks option fails that test alone (the session goes on),
and a test that cannot run twice in a row says that the check repeated it.
Python 2.7 and 3.6+."""
try:
    import pytest
except ImportError:  # check.py imports USAGE without pytest
    pytest = None

# text each test's failure must hold
USAGE = {
    'test_usage_runs_too_few': 'runs=1: a whole number, at least 2',
    'test_usage_unknown_option': 'unknown option(s) repeat',
    'test_usage_fixtures_value': "fixtures='each'",
    'test_usage_not_repeatable': 'cannot run twice in a row',
    'test_usage_not_repeatable_per_run': 'cannot run twice in a row',
}

if pytest is not None:
    no_leaks = pytest.mark.no_leaks
else:  # pragma: no cover
    class _Marks(object):
        def __call__(self, *a, **k):
            return lambda f: f
    no_leaks = _Marks()


@no_leaks(runs=1)
def test_usage_runs_too_few():
    pass


@no_leaks(repeat=3, fixtures='run')
def test_usage_unknown_option():
    pass


@no_leaks(fixtures='each')
def test_usage_fixtures_value():
    pass


DONE = []


def test_usage_not_repeatable():
    assert not DONE, 'this test runs once only'
    DONE.append(1)


DONE_PER_RUN = []


@no_leaks(fixtures='run')
def test_usage_not_repeatable_per_run():
    assert not DONE_PER_RUN, 'this test runs once only'
    DONE_PER_RUN.append(1)
