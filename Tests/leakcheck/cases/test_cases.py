"""Issue 22's acceptance cases: eleven leaky tests (twelve on 2.7) that must fail with their
holder's name in the message (EXPECT) and seven clean cases (cache patterns, a fixture finalized per run) that must
pass. Run by Tests/leakcheck/run.sh with --refgraph-leaks; each leaky test
leaks on every call and each clean one reaches a steady state in the
warm-up. Python 2.7 and 3.6+ (no async syntax: asyncio is driven by hand)."""
import atexit
import collections
import functools
import io
import logging
import sys

# holder name each leaky test's failure must mention
EXPECT = {
    'test_leaky_module_list': 'SEEN_REQUESTS',
    'test_leaky_atexit_bound_method': 'atexit',
    'test_leaky_lru_cache_on_method': 'lookup',
    'test_leaky_logging_handler_per_call': 'handlers',
    'test_leaky_class_registry': 'registry',
    'test_leaky_asyncio_task_set': 'BACKGROUND',
    'test_leaky_fixture_per_run': 'LISTENERS',
    'test_leaky_thread_never_joined': 'threading',  # its running frame, or threading._active
    'test_leaky_copyreg_reducer': 'dispatch_table',
    'test_leaky_sys_modules': 'modules',
    'test_leaky_deep_chain': 'CHAIN',
}
if sys.version_info[0] == 2:  # 3.4+ collects cycles with __del__
    EXPECT['test_leaky_del_cycle'] = 'garbage'

try:
    import pytest
    per_run = pytest.mark.no_leaks(fixtures='run')  # fresh function-scoped fixtures in each run
except ImportError:  # check.py imports EXPECT without pytest
    def per_run(f):
        return f


class Request(object):
    def __init__(self, n):
        self.n = n
        self.headers = {'x-id': str(n)}


# -- leaky ------------------------------------------------------------------

SEEN_REQUESTS = []


def test_leaky_module_list():
    SEEN_REQUESTS.append(Request(len(SEEN_REQUESTS)))


class Connection(object):
    def __init__(self):
        self.buffer = bytearray(64)

    def close(self):
        pass


def test_leaky_atexit_bound_method():
    conn = Connection()
    atexit.register(conn.close)  # never unregistered: the bound method holds conn


if sys.version_info[0] > 2:
    class Catalog(object):
        def __init__(self):
            self.rows = [Request(i) for i in range(3)]

        @functools.lru_cache(maxsize=None)  # the cache holds every self
        def lookup(self, key):
            return len(self.rows) + key
else:
    def _memo(f):  # 2.7 has no lru_cache: a memo keyed on self, the same leak
        cache = {}

        @functools.wraps(f)
        def lookup(self, key):
            if (self, key) not in cache:
                cache[(self, key)] = f(self, key)
            return cache[(self, key)]
        lookup.cache = cache
        return lookup

    class Catalog(object):
        def __init__(self):
            self.rows = [Request(i) for i in range(3)]

        @_memo
        def lookup(self, key):
            return len(self.rows) + key


def test_leaky_lru_cache_on_method():
    assert Catalog().lookup(1) == 4


def test_leaky_logging_handler_per_call():
    log = logging.getLogger('leakcheck.service')
    log.addHandler(logging.StreamHandler(io.StringIO() if sys.version_info[0] > 2 else io.BytesIO()))
    log.propagate = False


class Plugin(object):
    registry = []

    def __init__(self, name):
        self.name = name
        Plugin.registry.append(self)


def test_leaky_class_registry():
    Plugin('p%d' % len(Plugin.registry))


BACKGROUND = set()
if sys.version_info >= (3, 5):  # async syntax: compiled only where it parses
    exec('async def _job(n):\n    return Request(n)\n')


def test_leaky_asyncio_task_set():
    if sys.version_info < (3, 5):  # 2.7: the same shape without asyncio
        BACKGROUND.add(Request(len(BACKGROUND)))
        return
    import asyncio
    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(_job(len(BACKGROUND)))
        BACKGROUND.add(task)  # the usual fix, task.add_done_callback(BACKGROUND.discard), is missing
        loop.run_until_complete(task)
    finally:
        loop.close()


LISTENERS = []
OPEN = set()


if 'pytest' in sys.modules:
    @pytest.fixture
    def subscriber():
        sub = Request(len(LISTENERS))
        LISTENERS.append(sub)  # subscribed in the setup, never unsubscribed
        yield sub

    @pytest.fixture
    def connection():
        conn = Connection()
        OPEN.add(conn)
        yield conn
        OPEN.discard(conn)  # closed in the teardown


@per_run
def test_leaky_fixture_per_run(subscriber):
    # fixtures='run': the fixture's setup runs each time, so its leak is seen;
    # with fixtures made once per check it would pass
    assert subscriber.n >= 0


def _park(event):
    event.wait()


STOP = None


def test_leaky_thread_never_joined():
    # a worker started per call and never stopped: threading keeps every
    # running Thread in threading._active
    global STOP
    import threading
    if STOP is None:
        STOP = threading.Event()
    t = threading.Thread(target=_park, args=(STOP,))
    t.daemon = True
    t.start()


def test_leaky_copyreg_reducer():
    # a class made per call and registered for pickling: copyreg's
    # dispatch_table keeps the class and its reducer
    try:
        import copyreg
    except ImportError:  # 2.7
        import copy_reg as copyreg
    cls = type('Message%d' % len(copyreg.dispatch_table), (object,), {})
    copyreg.pickle(cls, _reduce_message)


def _reduce_message(obj):
    return (type(obj), ())


def test_leaky_sys_modules():
    # a module made per call (a plugin loader that never unloads)
    import types
    name = 'leakcheck_plugin_%d' % len(sys.modules)
    sys.modules[name] = types.ModuleType(name)


class Link(object):
    def __init__(self, nxt=None):
        self.nxt = nxt


CHAIN = Link()
for _ in range(80):  # a long chain: the leak enters 80 objects deep
    CHAIN = Link(CHAIN)


def test_leaky_deep_chain():
    tail = CHAIN
    while tail.nxt is not None:
        tail = tail.nxt
    tail.nxt = Link()


class Resource(object):
    def __init__(self):
        self.me = self

    def __del__(self):
        pass


def test_leaky_del_cycle():
    if sys.version_info[0] > 2:
        pytest.skip('3.4+ collects a cycle with __del__: no leak to find')
    Resource()  # 2.7: an unreachable cycle with __del__ goes to gc.garbage for good


# -- clean: caches that fill during the warm-up, then stay flat --------------

@per_run
def test_clean_fixture_per_run(connection):
    # a fixture made and finalized in each run: nothing accumulates
    connection.buffer[0] = 1

if sys.version_info[0] > 2:
    @functools.lru_cache(maxsize=32)
    def _render(n):
        return ['row %d' % n]
else:
    def _render(n, _cache=collections.OrderedDict()):
        if n not in _cache:
            _cache[n] = ['row %d' % n]
            while len(_cache) > 32:
                _cache.popitem(last=False)
        return _cache[n]


def test_clean_bounded_lru_cache():
    for n in range(100):  # 100 keys through 32 slots: full after the first call
        _render(n)


REGISTRY = {}


def test_clean_setdefault_registry():
    for name in ('json', 'xml', 'csv'):
        REGISTRY.setdefault(name, [Request(0)])


RECENT = collections.deque(maxlen=16)


def test_clean_bounded_deque():
    for i in range(50):
        RECENT.append(Request(i))


def test_clean_interned_strings():
    names = [sys.intern('field_%d' % (i % 20)) if sys.version_info[0] > 2 else intern('field_%d' % (i % 20))
             for i in range(200)]
    assert len(set(names)) == 20


def test_clean_lazy_import():
    import colorsys  # imported by the first call only
    import decimal
    assert colorsys.rgb_to_hsv(0.1, 0.2, 0.3)
    assert decimal.Decimal('1.5') + 1


_TEMPLATES = {}


def test_clean_memo_of_fixed_keys():
    for key in ('a', 'b', 'c'):
        if key not in _TEMPLATES:
            _TEMPLATES[key] = [Request(1)] * 3
    temp = [Request(i) for i in range(100)]  # garbage: freed at the end of each call
    assert len(temp) == 100
