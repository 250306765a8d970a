"""objgraph on a live big heap vs refgraph on a dump of the same process.

    PYTHONPATH=python python Benchmarks/peers/objgraph_live.py OUTDIR [--timeout S]

Builds a realistic heap (numpy, scipy, sympy, botocore with several AWS
service models loaded: about 1-2M objects), picks a deep object (a member
shape deep inside a botocore service model cached by the session's loader,
the session held by a module global), then:

  1. writes a refgraph dump of this process (refgraph_export.dump) and
     records its time;
  2. times objgraph.find_backref_chain(obj, inspect.ismodule);
  3. times objgraph.show_backrefs([obj], max_depth=3, filename=...svg)
     (objgraph calls Graphviz `dot`).

The dump comes first, so both tools see the same heap (the target is
looked up after the dump, so no frame of this script holds it there). Prints one JSON
object on stdout (object address, counts, times); the caller runs
`refgraph path` and `refgraph render` on the dump.
"""
import gc
import inspect
import json
import os
import signal
import sys
import time

OUT = sys.argv[1]
TIMEOUT = int(sys.argv[sys.argv.index('--timeout') + 1]) if '--timeout' in sys.argv else 600

t0 = time.perf_counter()
import numpy  # noqa: E402
import scipy  # noqa: E402
import scipy.integrate, scipy.interpolate, scipy.linalg, scipy.optimize  # noqa: E401,E402
import scipy.signal, scipy.sparse.linalg, scipy.spatial, scipy.special, scipy.stats  # noqa: E401,E402
import sympy  # noqa: E402
import botocore.session  # noqa: E402

# Some sympy work fills its caches, as a real program would.
x, y = sympy.symbols('x y')
_expr = sympy.expand((x + y + 1) ** 12)
_int = sympy.integrate(sympy.sin(x) ** 3 * sympy.cos(x) ** 2, x)
_solved = sympy.solve(x ** 3 - 6 * x ** 2 + 11 * x - 6, x)

SESSION = botocore.session.get_session()
LOADER = SESSION.get_component('data_loader')
SERVICES = sorted(LOADER.list_available_services('service-2'))
# The loader caches every model it loads (Loader._cache): that is what holds
# them, as in a long-running program with many clients.
N_MODELS = 0
for name in ['ec2'] + SERVICES[:int(os.environ.get('BENCH_BOTO_MODELS', '250'))]:
    try:
        LOADER.load_service_model(name, 'service-2')
        N_MODELS += 1
    except Exception as exc:  # a botocore without one of them: fine
        print('skip %s: %s' % (name, exc), file=sys.stderr)
setup_s = time.perf_counter() - t0


def pick_target():
    # The deep object: a member of an EC2 shape inside the service model cached
    # by the session's loader: module __main__ -> SESSION -> components ->
    # loader -> cache -> model -> shapes -> shape -> members -> member.
    model = LOADER.load_service_model('ec2', 'service-2')
    return model['shapes']['RunInstancesRequest']['members']['ImageId']


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def main():
    gc.collect()
    n_objects = len(gc.get_objects())

    import refgraph_export  # noqa: E402

    dump_path = os.path.join(OUT, 'live.jsonl')
    t = time.perf_counter()
    res = refgraph_export.dump(dump_path)
    dump_s = time.perf_counter() - t
    # Picked after the dump, so no frame of ours holds it in the dump; the
    # loader's cache keeps it alive (same object, same address) throughout.
    target = pick_target()

    signal.signal(signal.SIGALRM, _alarm)

    result = {
        'python': sys.version.split()[0],
        'setup_s': setup_s,
        'gc_objects': n_objects,
        'botocore_models': N_MODELS,
        'dump_objects': res.objects,
        'dump_references': res.references,
        'dump_file_bytes': res.file_bytes,
        'dump_s': dump_s,
        'dump_path': dump_path,
        'target_address': id(target),
        'target_type': type(target).__name__,
        'timeout_s': TIMEOUT,
    }

    import objgraph  # noqa: E402

    signal.alarm(TIMEOUT)
    t = time.perf_counter()
    try:
        chain = objgraph.find_backref_chain(target, inspect.ismodule)
        result['find_backref_chain_s'] = time.perf_counter() - t
        result['find_backref_chain_len'] = len(chain)
        result['find_backref_chain_start'] = getattr(chain[0], '__name__', type(chain[0]).__name__)
    except Timeout:
        result['find_backref_chain_s'] = None
        result['find_backref_chain_timed_out'] = True
    signal.alarm(0)
    chain = None

    svg = os.path.join(OUT, 'objgraph_backrefs.svg')
    signal.alarm(TIMEOUT)
    t = time.perf_counter()
    try:
        objgraph.show_backrefs([target], max_depth=3, filename=svg)
        result['show_backrefs_s'] = time.perf_counter() - t
        with open(svg) as f:
            result['show_backrefs_nodes'] = f.read().count('class="node"')
    except Timeout:
        result['show_backrefs_s'] = None
        result['show_backrefs_timed_out'] = True
    signal.alarm(0)

    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                result['peak_rss_kb'] = int(line.split()[1])
    print(json.dumps(result))


main()
