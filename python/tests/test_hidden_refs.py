"""References held in C fields that gc does not report, exported as edges
that explain the referent's refcount: an io.BytesIO's buffer, an
io.StringIO's chunk lists (and the text it keeps in C, in its size), the
per-thread dicts of a threading.local, the links of a bounded lru_cache."""
import io
import json
import sys
import threading
import unittest

from helpers import PY2, PYV, TempDirTest, run_script

import refgraph_export

WSGI_APP = '''
import sys, json, io, functools
import refgraph_export

class Handler(object):
    def __init__(self, environ):
        self.environ = environ
        self.body = environ['wsgi.input'].read()

    @functools.lru_cache(maxsize=None)
    def parsed(self):
        return [self.body[:10]]

handlers = []
for i in range(50):
    body_bytes = ('{"request": %d, "padding": "%s"}' % (i, 'x' * 200)).encode('ascii')
    environ = {'REQUEST_METHOD': 'POST', 'wsgi.input': io.BytesIO(body_bytes)}
    h = Handler(environ)
    h.parsed()
    handlers.append(h)
del body_bytes, environ, h
refgraph_export.dump(sys.argv[1])
print(json.dumps({'bodies': [id(h.body) for h in handlers],
                  'inputs': [id(h.environ['wsgi.input']) for h in handlers]}))
'''


class HiddenRefs(TempDirTest):

    def dump(self):
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        return self.check_dump(p)

    @unittest.skipIf(PY2, '2.7 BytesIO keeps a char buffer, no object')
    def test_bytesio_buffer(self):
        data = b'shared initial bytes ' * 10
        shared = io.BytesIO(data)
        own = io.BytesIO()
        own.write(b'y' * 5000)  # a buffer of its own (refcount 1)
        d = self.dump()
        self.assertEqual(d.edge(id(shared), '<buffer>'), id(data))
        self.assertNotEqual(d[id(data)].get('root'), 'external', d[id(data)])
        buf = d.edge(id(own), '<buffer>')
        self.assertIsNotNone(buf, d.edges(id(own)))
        self.assertEqual(d[buf]['type'], 'bytes')
        self.assertGreaterEqual(d[buf]['size'], 5000)
        self.assertEqual(d[buf]['refcount'], 1)
        self.assertNotIn('root', d[buf])
        # the BytesIO's own size leaves out the buffer, which has its line
        self.assertLess(d[id(own)]['size'], 1000)
        self.assertGreater(sys.getsizeof(own), 5000)

    # io.StringIO keeps its text in C: 3.6-3.11 a list of written str while
    # it accumulates (not traversed), 3.12+ a str its writer is building
    # (no object in gc's sight), and once realized (read, seek-and-write) a
    # malloc'd array of 4-byte characters; sys.getsizeof counts none of it.
    MB = 1 << 20

    def fill(self, s, n=1024):
        for i in range(n):  # 1024 str of 1024 characters, each its own
            s.write(u'%07d ' % i + u'x' * 1016)

    def stringio_facts(self, *objs):
        """Per StringIO: its exported size, its text (the size plus its
        '<buffer>' lists and their str), the number of those lists, whether
        one is an external root, its edge labels. Plain values: a failing
        assertion keeps no dump alive for the next test's heap."""
        d = self.dump()
        out = []
        for s in objs:
            o = d[id(s)]
            f = {'size': o['size'], 'text': o['size'], 'lists': 0, 'bad': [],
                 'labels': [lab for lab, a in d.edges(id(s))]}
            for lab, a in d.edges(id(s)):
                if lab == '<buffer>':
                    f['lists'] += 1
                    if d[a]['type'] != 'list' or d[a].get('root') == 'external' or 'unexplained' in d[a]:
                        f['bad'].append(d[a])
                    f['text'] += d[a]['size'] + sum(d[r]['size'] for r in d[a].get('refs', []))
            out.append(f)
        return out

    def test_stringio_accumulating(self):
        """Many write() calls: the text is the StringIO's (its size, or its
        '<buffer>' chunk lists on 3.6-3.11), counted once."""
        s = io.StringIO()
        self.fill(s)
        f, = self.stringio_facts(s)
        self.assertGreaterEqual(f['text'], self.MB, f)
        if PY2:  # always realized: 4-byte (or 2-byte) units
            self.assertLess(f['text'], 6 * self.MB)
        else:  # 1-byte str chunks, or a writer overallocated by up to 1/4
            self.assertLess(f['text'], 1.4 * self.MB)
        self.assertEqual(f['bad'], [])
        if (3, 6) <= PYV < (3, 12):
            self.assertEqual(f['lists'], 1, f)
            self.assertLess(f['size'], 1000)  # the chunks are not counted twice
        else:
            self.assertEqual(f['lists'], 0, f)

    def test_stringio_after_getvalue(self):
        """getvalue() while accumulating (the logging pattern: a handler
        writes, the request reads what was logged, more is written)."""
        s = io.StringIO()
        self.fill(s, 512)
        self.assertEqual(len(s.getvalue()), 512 * 1024)
        self.fill(s, 512)
        f, = self.stringio_facts(s)
        self.assertGreaterEqual(f['text'], self.MB, f)
        self.assertLess(f['text'], 6 * self.MB if PY2 else 1.6 * self.MB)
        self.assertEqual(f['bad'], [])

    def test_stringio_realized(self):
        """seek(0) and a partial read realize it: 4 bytes a character in a
        malloc'd buffer, counted in the StringIO's size."""
        s = io.StringIO()
        self.fill(s)
        s.seek(0)
        self.assertEqual(len(s.read(10)), 10)
        t = io.StringIO(u'y' * (256 * 1024))  # an initial value is copied into the buffer
        f, g = self.stringio_facts(s, t)
        unit = 2 if PY2 and sys.maxunicode == 0xffff else 4
        self.assertGreaterEqual(f['size'], unit * self.MB, f)
        self.assertLess(f['size'], (unit + 1) * self.MB)
        self.assertEqual(f['lists'], 0, f)
        self.assertGreaterEqual(g['size'], unit * 256 * 1024, g)
        self.assertLess(sys.getsizeof(s), 1000)  # what the dump adds

    def test_stringio_subclass(self):
        """A subclass with a __dict__ and a __sizeof__ of its own (never
        called): the text is counted all the same."""
        class LogBuffer(io.StringIO):
            def __sizeof__(self):
                raise AssertionError('user code called')
        s = LogBuffer()
        s.tag = 'captured'
        self.fill(s)
        f, = self.stringio_facts(s)
        self.assertGreaterEqual(f['text'], self.MB, f)
        self.assertEqual(f['bad'], [])
        if not PY2:
            self.assertIn('__dict__', f['labels'])

    @unittest.skipIf(PY2, 'no functools.lru_cache on 2.7')
    def test_wsgi_request_bodies_are_explained(self):
        """Handlers keeping their environ (with its BytesIO) and the body
        read from it (the BytesIO's own buffer), memoised by an unbounded
        lru_cache: every body's references are found."""
        path = self.path('wsgi.jsonl')
        rc, out, err = run_script(WSGI_APP, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        d = self.check_dump(path)
        for body, bio in zip(info['bodies'], info['inputs']):
            o = d[body]
            self.assertNotEqual(o.get('root'), 'external', o)
            self.assertNotIn('unexplained', o)
            self.assertIn((bio, '<buffer>'), d.referrers(body))

    def test_thread_local_dicts(self):
        """Each thread's dict of a threading.local: retained by the local
        object, not an external root (up to 3.12 each thread's localdummy
        holds one more reference, out of gc's sight)."""
        loc = threading.local()
        loc.value = ['main thread value']
        ready = threading.Event()
        done = threading.Event()
        box = {}

        def worker():
            loc.value = ['worker value']
            box['value'] = id(loc.value)
            ready.set()
            done.wait(30)

        th = threading.Thread(target=worker)
        th.start()
        try:
            ready.wait(10)
            d = self.dump()
        finally:
            done.set()
            th.join()
        dicts = []
        for a in (id(loc.value), box['value']):
            holders = [h for h, lab in d.referrers(a) if d[h]['type'] == 'dict']
            self.assertTrue(holders, d.referrers(a))
            dicts.extend(holders)
        for a in dicts:
            o = d[a]
            self.assertNotEqual(o.get('root'), 'external', o)
            if PYV < (3, 13):
                self.assertIn((id(loc), '__dict__ (thread)'), d.referrers(a))


class Slotted(object):
    __slots__ = ('zeta', 'alpha')


class TypeSlots(TempDirTest):

    def test_heap_type_slot_names(self):
        """A class with __slots__ keeps its slot names in a tuple of its own
        (ht_slots, sorted) that type_traverse does not visit."""
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        d = self.check_dump(p)
        names = d.edge(id(Slotted), '__slots__ (names)')
        self.assertIsNotNone(names, d.edges(id(Slotted)))
        self.assertEqual(d[names]['type'], 'tuple')
        self.assertEqual(d[names]['len'], 2)
        self.assertNotEqual(d[names].get('root'), 'external', d[names])
