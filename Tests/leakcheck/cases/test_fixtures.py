"""fixtures='run' against pytest's own machinery: clean tests whose
function-scoped fixtures are made and finalized in every run, over a
module-scoped fixture, parametrized, in a class, with capsys, tmp_path and
captured logging. Each must pass (pytest keeps per-setup state of its own,
which the check must not report), and the module fixture is made once and
torn down once."""
import logging

import pytest

pytestmark = pytest.mark.no_leaks(fixtures='run')
CALLS = {'module': 0, 'setup': 0, 'teardown': 0}


@pytest.fixture(scope='module')
def shared():
    CALLS['module'] += 1
    yield {'config': 1}


@pytest.fixture
def session_state(shared):
    CALLS['setup'] += 1
    yield [shared['config']] * 3
    CALLS['teardown'] += 1


def test_clean_output_captured(session_state, capsys):
    print('hello ' * 10)
    logging.getLogger('leakcheck.fixtures').warning('a warning record')
    assert capsys.readouterr().out


@pytest.mark.parametrize('n', [1, 2])
def test_clean_parametrized(session_state, n):
    assert session_state[0] == 1


def test_clean_tmp_path(tmpdir, session_state):
    tmpdir.join('f').write('x')


class TestCleanInClass(object):
    @pytest.fixture
    def scratch(self):
        return {}

    def test_clean_class_fixture(self, scratch, session_state):
        scratch['a'] = session_state


def test_clean_fixture_counts():
    # under xdist a worker may run none of the above: at most one module set-up
    assert CALLS['module'] <= 1, CALLS
    assert CALLS['setup'] == CALLS['teardown'], CALLS
