# A "multiton" metaclass caches one instance per constructor arguments in a
# class-level dict, so that ApiClient('tenant-a') is created once. One caller
# passes the request id too -- ApiClient(tenant, request_id=...) -- and every
# request now gets its own cached client that is never evicted: the
# metaclass's _instances dict keeps each client, its session headers, its
# cookie jar and its small response cache.
#
# From the reports:
#   https://github.com/kenwoodjw/python_interview_question/issues/11
#     (a singleton implemented with a global instances dict: "aren't you
#     afraid of a memory leak with such a big global dict?")
#   https://github.com/pyccel/pyccel/pull/1760
#     (a metaclass that caches instances in cls._instances keyed by
#     (cls, *args, *sorted(kwargs.items())))
#
# applies: 2.7, 3.6+
# usage: python x_multiton_registry.py OUTDIR
import leakkit

out = leakkit.start()

REQUESTS_PER_ROUND = 2500


class Multiton(type):
    _instances = {}

    def __call__(cls, *args, **kwargs):
        key = (cls,) + args + tuple(sorted(kwargs.items()))
        try:
            return Multiton._instances[key]
        except KeyError:
            obj = Multiton._instances[key] = type.__call__(cls, *args, **kwargs)
            return obj


# Python 2 and 3 spell metaclasses differently; this works on both.
ClientBase = Multiton('ClientBase', (object,), {})


class ApiClient(ClientBase):
    def __init__(self, tenant, request_id=None):
        self.tenant = tenant
        self.request_id = request_id
        self.headers = {'Authorization': 'Bearer %s.%s' % (tenant, 'x' * 180),
                        'X-Request-Id': request_id, 'User-Agent': 'billing-svc/2.4',
                        'Accept': 'application/json'}
        self.cookies = dict(('c%02d' % i, '%s-%04d' % (tenant, i)) for i in range(12))
        self.responses = {}

    def get(self, path):
        body = '{"path": "%s", "tenant": "%s", "items": [%s]}' % (
            path, self.tenant, ', '.join(str(i) for i in range(60)))
        self.responses[path] = body
        return body


def handle_request(n):
    tenant = 'tenant-%03d' % (n % 50)
    client = ApiClient(tenant, request_id='req-%08d' % n)  # the bug: request_id in the key
    client.get('/v1/invoices?page=%d' % (n % 7))
    client.get('/v1/customer')


def serve(first, count):
    for n in range(first, first + count):
        handle_request(n)


for rnd in (1, 2, 3):
    serve((rnd - 1) * REQUESTS_PER_ROUND, REQUESTS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'Multiton._instances (the metaclass-level instance cache)',
    holder_objects=lambda: [Multiton._instances],
    clear=Multiton._instances.clear,
    dropped=lambda: list(Multiton._instances.keys()) + list(Multiton._instances.values()),
    container=lambda: Multiton._instances,
    leak_types=['__main__.ApiClient', 'tuple', 'dict', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
