"""What a leak check costs a test (issue 22): the same test body run plain
and under refgraph_export.leak_check, on a small heap (the interpreter and
pytest-sized imports) and a large one (plus OBJECTS_K thousand objects).

    python Benchmarks/leakcheck/cost.py [OBJECTS_K] [REPEATS]

Rows: the test body alone (one call); a clean check (warm-up 2 + 3 runs, a
census after the warm-up and after each run: no dump); a leaky check with
the pure-Python report (+2 confirmation runs, gc referrers); a leaky check
with the analyzer's report (+3 in-process dumps and refgraph diff; set
REFGRAPH, else the row is skipped). Best of REPEATS, each in the same
process. The multiple is the check's time over the body's."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'python'))
import refgraph_export  # noqa: E402
from refgraph_export.leakcheck import LeakCheck, LeakError  # noqa: E402

DOC = json.dumps([{'id': i, 'name': 'n%d' % i, 'tags': ['a', 'b']} for i in range(300)])
KEPT = []


def body():  # a unit test's worth of work: parse and index a document (about 2 ms)
    rows = json.loads(DOC)
    index = dict((r['id'], r) for r in rows)
    assert len(index) == 300


def leaky_body():
    body()
    KEPT.append(json.loads(DOC)[:10])


def best(fn, repeats):
    out = None
    for _ in range(repeats):
        t = time.time()
        fn()
        out = min(out or float('inf'), time.time() - t)
    return out


def check(fn, analyzer):
    def run():
        try:
            LeakCheck(analyzer=analyzer).run(fn)
        except LeakError:
            pass
    return run


def main():
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import gc
    ballast = []
    print('Python %s' % sys.version.split()[0])
    for label, extra in (('small heap', 0), ('large heap', k * 1000)):
        while len(ballast) < extra // 2:
            ballast.append([len(ballast)])  # a list and an int each
        n = len(gc.get_objects())
        base = best(body, repeats * 5)
        print('  %s (%d objects gc tracks): body %.1f ms' % (label, n, base * 1000))
        rows = [('clean check', check(body, False)), ('leaky check, pure Python', check(leaky_body, False))]
        if os.environ.get('REFGRAPH'):
            rows.append(('leaky check, analyzer', check(leaky_body, os.environ['REFGRAPH'])))
        for name, fn in rows:
            t = best(fn, repeats)
            print('    %-26s %8.1f ms  %7.0fx the body' % (name, t * 1000, t / base))


if __name__ == '__main__':
    main()
