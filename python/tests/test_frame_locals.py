"""Frame locals are read without writing: never through the f_locals getter
(on 2.7-3.12 it rewrites the frame's locals dict, taking references of its
own), but from the frame's fast-locals slots, and frames get a place."""
import json
import os
import sys
import threading

from helpers import PYV, TempDirTest, run_script

import refgraph_export

STORED_EXCEPTIONS = '''
import sys, json
import refgraph_export

class Payload(object):
    pass

payloads = [Payload() for _ in range(200)]
failures = []

def work(i):
    local_payload = payloads[i]
    local_list = [i, 'item %d' % i]
    raise ValueError(i)

for i in range(200):
    try:
        work(i)
    except ValueError:
        failures.append(sys.exc_info())

if hasattr(sys, 'exc_clear'):
    sys.exc_clear()  # 2.7: the thread state keeps the last exception handled
before = [sys.getrefcount(p) for p in payloads]
refgraph_export.dump(sys.argv[1])
after = [sys.getrefcount(p) for p in payloads]
print(json.dumps({'before': before, 'after': after, 'payloads': [id(p) for p in payloads],
                  'failures': id(failures)}))
'''


def found_refs(d):
    """{address: number of references to it in the dump}"""
    n = {}
    for o in d.objects.values():
        for r in o.get('refs', ()):
            n[r] = n.get(r, 0) + 1
    return n


class FrameLocals(TempDirTest):

    def test_stored_exceptions_are_explained(self):
        """200 exceptions kept with their tracebacks (sys.exc_info()): their
        frames, tracebacks, exceptions and locals are explained by the dump's
        references, none is an external root, and the dump changes no
        refcount of a local."""
        path = self.path('exc.jsonl')
        rc, out, err = run_script(STORED_EXCEPTIONS, [path])
        self.assertEqual(rc, 0, err)
        info = json.loads(out.strip().splitlines()[-1])
        self.assertEqual(info['before'], info['after'], 'the dump changed refcounts of frame locals')
        d = self.check_dump(path)
        n = found_refs(d)
        payloads = set(info['payloads'])
        frames = []
        for o in d.by_type('frame'):
            if d.edge(o['address'], '.local_payload') in payloads:
                frames.append(o['address'])
        self.assertEqual(len(frames), 200, 'frames of work() labelling .local_payload')
        watched = set(frames) | payloads
        for f in frames:
            watched.add(d.edge(f, '.local_list'))
        for o in d.objects.values():
            if o['type'] in ('ValueError', 'exceptions.ValueError', 'traceback'):
                watched.add(o['address'])
        self.assertGreaterEqual(len(watched), 1000)
        bad = []
        for a in watched:
            o = d[a]
            if o.get('root') == 'external' or o['refcount'] > n.get(a, 0):
                bad.append((o['type'], o['refcount'], n.get(a, 0), o.get('unexplained')))
        self.assertEqual(bad, [])

    def test_running_frames_of_this_thread(self):
        """The caller's own running frame: its locals by name."""
        marker_in_caller = ['caller-marker']
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        d = self.check_dump(p)
        me = sys._getframe()
        self.assertIn(id(me), d)
        self.assertEqual(d.edge(id(me), '.marker_in_caller'), id(marker_in_caller))
        self.assertEqual(d.edge(id(me), '.self'), id(self))

    def test_cell_variables_labelled_by_name(self):
        """A cell variable's slot holds the cell: frame -.name-> cell
        -cell_contents-> object."""
        box = {}

        def outer():
            kept = ['in-a-cell']
            box['kept'] = id(kept)
            box['frame'] = sys._getframe()

            def inner():
                return kept
            return inner
        inner = outer()
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        d = self.check_dump(p)
        f = id(box.pop('frame'))
        cell = d.edge(f, '.kept')
        self.assertIsNotNone(cell, d.edges(f))
        self.assertEqual(d[cell]['type'], 'cell')
        self.assertEqual(d.edge(cell, 'cell_contents'), box['kept'])
        self.assertTrue(inner)

    def test_other_thread_running_frame(self):
        ev = threading.Event()
        ready = threading.Event()
        box = {}

        def worker():
            other_thread_local = ['other-thread']
            box['id'] = id(other_thread_local)
            box['frame'] = id(sys._getframe())
            ready.set()
            ev.wait(30)

        th = threading.Thread(target=worker)
        th.start()
        try:
            ready.wait(10)
            p = self.path('d.jsonl')
            refgraph_export.dump(p)
        finally:
            ev.set()
            th.join()
        d = self.check_dump(p)
        self.assertEqual(d.edge(box['frame'], '.other_thread_local'), box['id'])
        self.assertNotEqual(d[box['id']].get('root'), 'external')

    def test_frame_names(self):
        """A frame's name is 'function file:line' (qualname where the
        version has it, the file's base name, the current line)."""
        p = self.path('d.jsonl')
        line = sys._getframe().f_lineno + 1
        refgraph_export.dump(p)
        d = self.check_dump(p)
        name = d[id(sys._getframe())].get('name')
        qual = 'FrameLocals.test_frame_names' if PYV >= (3, 11) else 'test_frame_names'
        self.assertEqual(name, '%s %s:%d' % (qual, os.path.basename(__file__.replace('.pyc', '.py')), line))

    def test_lambda_names(self):
        f = lambda x: x  # noqa: E731
        line = sys._getframe().f_lineno - 1
        p = self.path('d.jsonl')
        refgraph_export.dump(p)
        d = self.check_dump(p)
        name = d[id(f)].get('name')
        qual = 'FrameLocals.test_lambda_names.<locals>.<lambda>' if PYV >= (3, 3) else '<lambda>'
        self.assertEqual(name, '%s.%s %s:%d' % (__name__, qual, os.path.basename(__file__.replace('.pyc', '.py')),
                                                line))
