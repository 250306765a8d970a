# A WSGI application memoizes a per-request lookup with
# @functools.lru_cache(maxsize=None) on a method of its per-request Handler.
# The cache key is (self,), so the cache keeps every Handler alive, and with it
# the request's environ (wsgi.input included) and its 8 kB request body.
#
# From the reports:
#   https://github.com/python/cpython/issues/102618
#     ("Add a functools.cache variant for methods to avoid keeping instances alive")
#   https://github.com/pytest-dev/pytest/pull/9148
#     ("Avoid @lru_cache on methods": it captures self and leaks it until evicted, if ever)
#
# applies: 3.6+ (Python 2.7 has no functools.lru_cache)
# usage: python lru_cache_handler.py OUTDIR
import functools
import io
import sys

import leakkit

out = leakkit.start()

REQUESTS_PER_ROUND = 700
BODY_FIELDS = 512  # 16 bytes each: an 8 kB form-encoded body


class Handler(object):
    def __init__(self, environ):
        self.environ = environ
        length = int(environ.get('CONTENT_LENGTH') or 0)
        self.body = environ['wsgi.input'].read(length)
        self.user_id = int(environ['HTTP_X_USER_ID'])

    @functools.lru_cache(maxsize=None)
    def user_profile(self):
        # stands for a database query the author wanted to run once per user
        return {'id': self.user_id, 'name': 'user%05d' % self.user_id,
                'groups': ('staff',) if self.user_id % 7 == 0 else ()}

    def handle(self):
        profile = self.user_profile()
        fields = self.body.count(b'&') + 1
        return '%s posted %d fields (%d bytes)' % (profile['name'], fields, len(self.body))


def application(environ, start_response):
    text = Handler(environ).handle().encode('ascii')
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(text)))])
    return [text]


def make_environ(n):
    body = b'&'.join(b'f%03d=%010d' % (i, n * 1000 + i) for i in range(BODY_FIELDS))
    return {
        'REQUEST_METHOD': 'POST', 'PATH_INFO': '/orders', 'QUERY_STRING': 'page=%d' % (n % 50),
        'SERVER_NAME': 'localhost', 'SERVER_PORT': '8000', 'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1', 'CONTENT_TYPE': 'application/x-www-form-urlencoded',
        'CONTENT_LENGTH': str(len(body)), 'HTTP_HOST': 'localhost:8000',
        'HTTP_USER_AGENT': 'loadgen/1.0', 'HTTP_COOKIE': 'sessionid=%032x' % n,
        'HTTP_X_USER_ID': str(n),
        'wsgi.version': (1, 0), 'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(body),
        'wsgi.errors': sys.stderr, 'wsgi.multithread': False, 'wsgi.multiprocess': False,
        'wsgi.run_once': False,
    }


def start_response(status, headers):
    pass


def serve(first, count):
    for n in range(first, first + count):
        b''.join(application(make_environ(n), start_response))


for rnd in (1, 2, 3):
    serve((rnd - 1) * REQUESTS_PER_ROUND, REQUESTS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'Handler.user_profile (the lru_cache wrapper and its cache)',
    holder_objects=lambda: [Handler.__dict__['user_profile']],
    clear=Handler.user_profile.cache_clear,
    leak_types=['__main__.Handler', 'dict', 'bytes', '_io.BytesIO'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
