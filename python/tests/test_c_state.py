"""What C extension objects hold out of gc's and sys.getsizeof's sight:
the objects a reused pickle.Pickler (or Unpickler) keeps in its memo
('<memo>' edges: 3.6-3.10 do not traverse the memo), and the zlib / bz2
library state behind compressobj(), decompressobj() and BZ2Compressor
(counted in the object's size). Each case runs in a fresh interpreter: a
small heap, and a crash (a memo read without its checks) fails one test,
not the suite."""
import json
import unittest

from helpers import PY2, PYV, TempDirTest, run_script

PICKLE_APP = '''
import io, json, pickle, sys
import refgraph_export

p = pickle.Pickler(io.BytesIO(), 2)   # reused, the memo never cleared
for i in range(200):
    p.dump({'seq': i, 'payload': ('%05d|' % i).encode('ascii') * 40, 'tags': ['t%d' % i]})

u = pickle.Unpickler(io.BytesIO(pickle.dumps([['row', i] for i in range(30)], 2)))
rows = u.load()   # the Unpickler's memo keeps every row after load()
row_ids = [id(r) for r in rows]
del rows


class Spy(pickle.Pickler):
    calls = 0

    @property
    def memo(self):  # the exporter must use the C getter, never this
        Spy.calls += 1
        raise RuntimeError('memo property called')


spy = Spy(io.BytesIO(), 2)
spy.dump(['spy record'])

# no memo table: copy() of their memo proxy would crash the process
bare = pickle.Pickler.__new__(pickle.Pickler)
failed = pickle.Pickler(io.BytesIO(), 2)
failed.dump(['failed record'])
try:
    failed.__init__(io.BytesIO(), 99999)   # clears the memo, then fails
except ValueError:
    pass
ufailed = pickle.Unpickler(io.BytesIO(pickle.dumps([['x']], 2)))
ufailed.load()
try:
    ufailed.__init__(object())              # frees the memo array, then fails
except TypeError:
    pass
ubare = pickle.Unpickler.__new__(pickle.Unpickler)

memo = p.memo.copy()
records = sorted([v for v in memo.values() if type(v[1]) is dict], key=lambda v: v[0])
record_ids = [id(v[1]) for v in records]
payload_ids = [id(v[1]['payload']) for v in records]
spy_ids = [id(v[1]) for v in pickle.Pickler.__dict__['memo'].__get__(spy).copy().values()]
memo = records = None
sample = [v for v in pickle.Pickler.__dict__['memo'].__get__(p).copy().values()][:20]
sample = [v[1] for v in sample]
before = [sys.getrefcount(x) for x in sample]
refgraph_export.dump(sys.argv[1])
after = [sys.getrefcount(x) for x in sample]
print(json.dumps({'pickler': id(p), 'records': record_ids, 'payloads': payload_ids,
                  'unpickler': id(u), 'rows': row_ids, 'spy': id(spy), 'spy_objs': spy_ids,
                  'spy_calls': Spy.calls, 'no_memo': [id(bare), id(failed), id(ufailed), id(ubare)],
                  'refcounts_same': before == after}))
'''

ZLIB_APP = '''
import bz2, json, sys, zlib
import refgraph_export

enc = [zlib.compressobj() for i in range(50)]   # 256 kB of deflate state each
small = zlib.compressobj(1, zlib.DEFLATED, 9, 1)  # 2 kB window + prev, 1 kB head + pending
ended = zlib.compressobj()
ended.compress(b'last frame')
ended.flush()                                   # Z_FINISH: deflateEnd freed the state
fresh = zlib.decompressobj(-15)                 # no window until it keeps output
dec = zlib.decompressobj(-15)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
dec.decompress(c.compress(b'websocket frame ' * 4000) + c.flush(zlib.Z_SYNC_FLUSH))
c = None
zd = None
if hasattr(zlib, '_ZlibDecompressor'):          # 3.12+: gzip's decompressor
    zd = zlib._ZlibDecompressor(-15)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    zd.decompress(c.compress(b'gzip member ' * 4000) + c.flush(zlib.Z_SYNC_FLUSH))
    c = None
bz9 = bz2.BZ2Compressor(9)                      # 7.5 MB: arr1, arr2, ftab and the state


try:
    class LyingBZ(bz2.BZ2Compressor):  # 2.7 (3.x: not an acceptable base type)
        def __sizeof__(self):
            raise RuntimeError('__sizeof__ called')
    lying = [LyingBZ(1)]
except TypeError:
    lying = []
objs = dict(enc=enc, small=[small], ended=[ended], fresh=[fresh], dec=[dec], bz9=[bz9],
            lying=lying, zd=[zd] if zd is not None else [])
base = dict((k, [sys.getsizeof(x) if k != 'lying' else bz2.BZ2Compressor.__sizeof__(x) for x in v])
            for k, v in objs.items())
refgraph_export.dump(sys.argv[1])
print(json.dumps({'ids': dict((k, [id(x) for x in v]) for k, v in objs.items()), 'getsizeof': base}))
'''


def referrers_of(d, targets):
    """{target: [(address, label)]} in one pass over the dump."""
    want = set(targets)
    out = dict((a, []) for a in want)
    for a, o in d.objects.items():
        refs = o.get('refs', [])
        labels = o.get('labels') or [None] * len(refs)
        for lab, r in zip(labels, refs):
            if r in want:
                out[r].append((a, lab))
    return out


class PickleMemo(TempDirTest):

    @unittest.skipIf(PY2, "2.7: cPickle's memo is a dict that gc reports")
    def test_memo_edges(self):
        path = self.path('pickle.jsonl')
        rc, out, err = run_script(PICKLE_APP, [path])
        self.assertEqual(rc, 0, err[-3000:])
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        p = info['pickler']
        back = referrers_of(d, info['records'] + info['payloads'] + info['rows'] + info['spy_objs'])
        self.assertEqual(len(info['records']), 200)
        for a in info['records'] + info['payloads']:
            o = d[a]
            self.assertIn((p, '<memo>'), back[a])
            self.assertNotEqual(o.get('root'), 'external', o)
            self.assertNotIn('unexplained', o)
        memo_edges = [r for lab, r in d.edges(p) if lab == '<memo>']
        self.assertEqual(len(memo_edges), len(set(memo_edges)))
        self.assertTrue(set(info['records']) <= set(memo_edges))
        # the Unpickler's memo keeps the loaded rows
        for a in info['rows']:
            self.assertIn((info['unpickler'], '<memo>'), back[a])
            self.assertNotEqual(d[a].get('root'), 'external', d[a])
        # a subclass's own ``memo`` attribute is never used
        self.assertEqual(info['spy_calls'], 0)
        for a in info['spy_objs']:
            self.assertIn((info['spy'], '<memo>'), back[a])
        # no memo table (never initialised, or __init__ failed): no read
        for a in info['no_memo']:
            self.assertIn(a, d)
            self.assertNotIn('<memo>', [lab for lab, r in d.edges(a)])
        self.assertTrue(info['refcounts_same'])


class LibraryState(TempDirTest):

    def test_zlib_bz2_sizes(self):
        path = self.path('zlib.jsonl')
        rc, out, err = run_script(ZLIB_APP, [path])
        self.assertEqual(rc, 0, err[-3000:])
        info = json.loads(out.strip().splitlines()[-1])
        ids, base = info['ids'], info['getsizeof']
        d = self.check_dump(path)

        def sizes(k):
            return [d[a]['size'] for a in ids[k]]

        state = 8192  # deflate_state is about 6 kB, inflate_state 7 kB: counted up to the fields read
        enc = sizes('enc')
        self.assertGreaterEqual(sum(enc), 50 * 256 * 1024)
        for s, b in zip(enc, base['enc']):
            self.assertGreaterEqual(s, b + 262144)  # window, prev, head, pending_buf
            self.assertLess(s, b + 262144 + state)
        s, b = sizes('small')[0], base['small'][0]
        self.assertGreaterEqual(s, b + 2048 + 1024)
        self.assertLess(s, b + 2048 + 1024 + state)
        self.assertEqual(sizes('ended'), base['ended'])
        s, b = sizes('fresh')[0], base['fresh'][0]
        self.assertLess(s, b + state)  # the state, no window yet
        s, b = sizes('dec')[0], base['dec'][0]
        self.assertGreaterEqual(s, b + 32768)  # its 32 kB window
        self.assertLess(s, b + 32768 + state)
        if ids['zd']:
            s, b = sizes('zd')[0], base['zd'][0]
            self.assertGreaterEqual(s, b + 32768)
            self.assertLess(s, b + 32768 + state)
        s, b = sizes('bz9')[0], base['bz9'][0]
        self.assertGreaterEqual(s, b + 7200000 + 262148)  # arr1 + arr2 (4 B each per block byte), ftab
        self.assertLess(s, b + 7200000 + 262148 + 65536)  # EState is about 55 kB
        # a subclass with its own __sizeof__: the C base's (+ a gc header), plus the state
        for s, b in zip(sizes('lying'), base['lying']):
            self.assertGreaterEqual(s, b + 800000 + 262148)
            self.assertLess(s, b + 800000 + 262148 + 65536 + 64)


if __name__ == '__main__':
    unittest.main()
