"""Hostile objects: the exporter must never run user code. Each scenario runs
in a subprocess with a timeout, so a hang fails the test instead of hanging."""
import json
import unittest

from helpers import PY2, PYV, TempDirTest, run_script

HOSTILE = '''
import sys, json, time, weakref, gc
import refgraph_export

ARMED = [False]
CALLS = []

def trap(name):
    if ARMED[0]:
        CALLS.append(name)

class BadRepr(object):
    def __repr__(self):
        trap('repr'); raise RuntimeError('repr called')
    __str__ = __repr__

class HangEqHash(object):
    def __init__(self, n):
        self.n = n
    def __hash__(self):
        if ARMED[0]:
            trap('hash'); time.sleep(3600)
        return self.n
    def __eq__(self, other):
        if ARMED[0]:
            trap('eq'); time.sleep(3600)
        return self is other

class AnyAttr(object):
    def __getattr__(self, name):
        trap('getattr:' + name)
        return 42

class NoAttr(object):
    def __getattribute__(self, name):
        trap('getattribute:' + name)
        if ARMED[0]:
            time.sleep(3600)
        return object.__getattribute__(self, name)

class SideEffect(object):
    counter = 0
    @property
    def value(self):
        trap('property'); SideEffect.counter += 1
        return SideEffect.counter
    @property
    def __dict__(self):
        trap('property __dict__'); raise RuntimeError('__dict__ property')

class SizeRaises(object):
    def __sizeof__(self):
        trap('sizeof'); raise RuntimeError('sizeof')

class SizeNonsense(object):
    def __sizeof__(self):
        trap('sizeof'); return -7

class SizeHuge(list):
    def __sizeof__(self):
        trap('sizeof'); return 10 ** 30

class HangLen(list):
    def __len__(self):
        trap('len'); time.sleep(3600)
    def __iter__(self):
        trap('iter'); time.sleep(3600)

class HangDict(dict):
    def __iter__(self):
        trap('dict iter'); time.sleep(3600)
    def items(self):
        trap('dict items'); time.sleep(3600)
    def keys(self):
        trap('dict keys'); time.sleep(3600)

import collections

class HangOD(collections.OrderedDict):
    def __iter__(self):
        trap('od iter'); time.sleep(3600)
    def items(self):
        trap('od items'); time.sleep(3600)
    def keys(self):
        trap('od keys'); time.sleep(3600)
    def __len__(self):
        trap('od len'); time.sleep(3600)

class LyingMeta(type):
    def __getattribute__(cls, name):
        trap('meta getattribute:' + name)
        if ARMED[0]:
            time.sleep(3600)
        return type.__getattribute__(cls, name)
    def __subclasscheck__(cls, sub):
        trap('subclasscheck'); time.sleep(3600)
    def __instancecheck__(cls, inst):
        trap('instancecheck'); time.sleep(3600)
    def __repr__(cls):
        trap('meta repr'); raise RuntimeError('meta repr')
    def __eq__(cls, other):
        trap('meta eq')
        if ARMED[0]:
            time.sleep(3600)
        return type.__eq__(cls, other)
    def __ne__(cls, other):
        trap('meta ne')
        if ARMED[0]:
            time.sleep(3600)
        return type.__ne__(cls, other)
    def __hash__(cls):
        trap('meta hash')
        if ARMED[0]:
            time.sleep(3600)
        return type.__hash__(cls)

Lying = LyingMeta('Lying', (object,), {
    '__class__': property(lambda self: (trap('__class__'), int)[1]),
    '__module__': '__main__'})

# builtin bases under a metaclass with __eq__/__hash__: type checks must
# compare classes by identity ('x in tuple_of_types' would call __eq__)
LyingDict = LyingMeta('LyingDict', (dict,), {'__module__': '__main__'})
LyingList = LyingMeta('LyingList', (list,), {'__module__': '__main__'})
LyingStr = LyingMeta('LyingStr', (str,), {'__module__': '__main__'})

class Dead(object):
    pass

class Weird(int):
    def __repr__(self):
        trap('int repr'); raise RuntimeError('int repr')
    def __index__(self):
        trap('index'); raise RuntimeError
    __int__ = __index__

class WeirdStr(str):
    def __repr__(self):
        trap('str repr'); raise RuntimeError
    def __getitem__(self, i):
        trap('str getitem'); raise RuntimeError
    def __len__(self):
        trap('str len'); raise RuntimeError

objs = {
    'badrepr': BadRepr(),
    'hang': HangEqHash(7),
    'anyattr': AnyAttr(),
    'noattr': NoAttr(),
    'side': SideEffect(),
    'size_raises': SizeRaises(),
    'size_nonsense': SizeNonsense(),
    'size_huge': SizeHuge([1, 2, 3]),
    'hanglen': HangLen([1, 2]),
    'hangdict': HangDict(a=1, b=[2]),
    'lying': Lying(),
    'weird_int': Weird(5),
    'weird_str': WeirdStr('weird'),
    'lying_dict': LyingDict(a=[1]),
    'hang_od': HangOD([(HangEqHash(9), ['under-hostile-key']), ('s', ['under-str'])]),
    'plain_od': collections.OrderedDict([('s', ['under-str']), (HangEqHash(10), ['hostile'])]),
    'lying_list': LyingList([[2]]),
    'lying_str': LyingStr('lying'),
}
keyed = {objs['hang']: 'value-under-hostile-key', HangEqHash(8): 'other'}
dead = Dead()
objs['dead_ref'] = weakref.ref(dead)
objs['dead_proxy'] = weakref.proxy(dead)
live = Dead()
objs['live_proxy'] = weakref.proxy(live)
del dead

sizes_before = SideEffect.counter
ARMED[0] = True
res = refgraph_export.dump(sys.argv[1], values=True)
ARMED[0] = False
print(json.dumps({'ids': dict((k, id(v)) for k, v in objs.items()), 'keyed': id(keyed),
                  'calls': CALLS, 'counter': SideEffect.counter, 'objects': res.objects}))
'''

# Issue 18 item 19: str-subclass keys whose hash is that of a name the
# exporter looks up ('__module__', '__sizeof__', '_asyncio', 'atexit', ...):
# a dict lookup of the name compares with them, and the subclass's __eq__ is
# tried first. And a module whose __name__ is such a str (3.6-3.9 atexit check).
COLLIDING = '''
import os, sys, types, json
import refgraph_export

ARMED = [False]
CALLS = []
RAISE = 'RAISE_FLAG' == 'RAISE_FLAG'

class Evil(str):
    def __new__(cls, text, like):
        s = str.__new__(cls, text)
        s.like = like
        return s
    def __hash__(self):
        if ARMED[0]:
            CALLS.append('hash ' + self.like)
            if RAISE:
                raise RuntimeError('__hash__ called')
        return hash(self.like)
    def __eq__(self, other):
        if ARMED[0]:
            CALLS.append('eq ' + self.like)
            if RAISE:
                raise RuntimeError('__eq__ called')
        return str.__eq__(self, other)
    def __ne__(self, other):
        if ARMED[0]:
            CALLS.append('ne ' + self.like)
            if RAISE:
                raise RuntimeError('__ne__ called')
        return str.__ne__(self, other)
    def __add__(self, other):
        if ARMED[0]:
            CALLS.append('add ' + self.like)
            if RAISE:
                raise RuntimeError('__add__ called')
        return str.__add__(self, other)
    def startswith(self, *a):
        if ARMED[0]:
            CALLS.append('startswith ' + self.like)
            if RAISE:
                raise RuntimeError('startswith called')
        return str.startswith(self, *a)

NAMES = ['__module__', '__sizeof__', '_asyncio', 'atexit', '__name__', '__wrapped__', 'Task',
         '_exithandlers', '_get_registered_callbacks', 'builtins', '__builtin__', 'zlib',
         'bz2', '_bz2', '_pickle', 'io', '__dict__', '__get__', '__qualname__']
ns = dict((Evil('x' + n, n), 1) for n in NAMES)
C = type('C', (object,), ns)
inst = C()
for n in NAMES:
    sys.modules[Evil('zz' + n, n)] = types.ModuleType('zz')
named = types.ModuleType('m')
named.__dict__['__name__'] = Evil('atexit', 'atexit')
m2 = types.ModuleType('m2')
for n in NAMES:
    m2.__dict__[Evil('y' + n, n)] = 1
def f():
    pass
for n in NAMES:
    f.__dict__[Evil('w' + n, n)] = 1
userdict = dict((Evil('v' + n, n), 1) for n in NAMES)
class D(object):
    __module__ = Evil('mod', 'x')
d_inst = D()
ARMED[0] = True
err = None
try:
    res = refgraph_export.dump(sys.argv[1], **OPTS)
except BaseException as e:
    err = repr(e)
ARMED[0] = False
print(json.dumps({'calls': CALLS, 'err': err, 'inst': id(inst), 'cls': id(C), 'named': id(named),
                  'd_inst': id(d_inst)}))
sys.stdout.flush()
os._exit(0)  # 2.7's interpreter shutdown loops for ever on these sys.modules keys
'''


class CollidingStrKeys(TempDirTest):
    def run_colliding(self, opts, raise_=True):
        path = self.path('colliding.jsonl')
        code = COLLIDING.replace('**OPTS', opts)
        if not raise_:  # record only: the dump goes on and meets every lookup
            code = code.replace("'RAISE_FLAG' == 'RAISE_FLAG'", 'False')
        rc, out, err = run_script(code, [path], timeout=120)
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(info['calls'], [])
        self.assertIsNone(info['err'])
        d = self.check_dump(path)
        self.assertEqual(d[info['inst']]['type'], '__main__.C')
        self.assertTrue(0 < d[info['inst']]['size'] < 1000)
        self.assertEqual(d[info['named']].get('name'), 'atexit')
        self.assertEqual(d[info['d_inst']]['type'], 'mod.D')
        return d

    def test_user_eq_never_called(self):
        self.run_colliding('')

    def test_user_eq_never_called_record_only(self):
        self.run_colliding('', raise_=False)

    def test_user_eq_never_called_fork(self):
        if not hasattr(__import__('os'), 'fork'):
            self.skipTest('no fork')
        d = self.run_colliding('fork=True')
        self.assertTrue(d.header['fork'])


class HostileObjects(TempDirTest):
    def run_hostile(self, fork=False):
        path = self.path('hostile.jsonl')
        code = HOSTILE
        if fork:
            code = code.replace('values=True)', 'values=True, fork=True)')
        rc, out, err = run_script(code, [path], timeout=120)
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        return info, self.check_dump(path)

    def test_no_user_code_called(self):
        info, d = self.run_hostile()
        self.assertEqual(info['calls'], [])
        self.assertEqual(info['counter'], 0)
        ids = info['ids']
        self.assertEqual(d[ids['badrepr']]['type'], '__main__.BadRepr')
        self.assertEqual(d[ids['lying']]['type'], '__main__.Lying')  # not int
        self.assertEqual(d[ids['anyattr']]['type'], '__main__.AnyAttr')
        # sizes: the builtin part only, never the user's __sizeof__
        for k in ('size_raises', 'size_nonsense', 'size_huge'):
            s = d[ids[k]]['size']
            self.assertTrue(0 <= s < 10000, (k, s))
        self.assertEqual(d[ids['size_huge']]['len'], 3)
        self.assertEqual(d[ids['hanglen']]['len'], 2)
        self.assertEqual(d[ids['hangdict']]['len'], 2)
        self.assertIsNotNone(d.edge(ids['hangdict'], "['b']"))
        self.assertEqual(d[ids['weird_int']]['value'], 5)
        self.assertEqual(d[ids['weird_str']]['value'], 'weird')
        self.assertEqual(d[ids['weird_str']]['len'], 5)
        self.assertEqual(d[ids['lying_dict']]['type'], '__main__.LyingDict')
        self.assertIsNotNone(d.edge(ids['lying_dict'], "['a']"))
        self.assertIsNotNone(d.edge(ids['lying_list'], '[0]'))
        od_labels = [l for l, r in d.edges(ids['hang_od'])]
        self.assertIn('[<__main__.HangEqHash>]', od_labels)
        self.assertIn("['s']", od_labels)
        self.assertNotIn(None, od_labels)
        od_labels = [l for l, r in d.edges(ids['plain_od'])]
        self.assertIn('[<__main__.HangEqHash>]', od_labels)
        self.assertNotIn(None, od_labels)
        self.assertEqual(d[ids['lying_str']]['value'], 'lying')
        # the dict keyed by hostile objects: labelled by type, never hashed
        labels = [l for l, r in d.edges(info['keyed'])]
        self.assertIn('[<__main__.HangEqHash>]', labels)
        self.assertIn(ids['dead_proxy'], d)
        self.assertIn(ids['live_proxy'], d)
        self.assertEqual([l for l in (d[ids['dead_ref']].get('labels') or []) if l == '<weakref>'], [])

    def test_no_user_code_called_fork(self):
        if not hasattr(__import__('os'), 'fork'):
            self.skipTest('no fork')
        info, d = self.run_hostile(fork=True)
        self.assertEqual(info['calls'], [])
        self.assertTrue(d.header['fork'])


if __name__ == '__main__':
    unittest.main()
