# A download pipeline caches the outcome of every media download by URL
# fingerprint, successes and failures alike, so that duplicates are not
# fetched twice. A failed download is cached as the FileException raised
# inside the handler of the previous error; its __context__ is that error,
# which carries the Response (and its body) and the traceback of the
# attempt, whose frames hold the response too. With two retries each failure
# is a chain of three exceptions, and every chain stays in the cache.
#
# From the reports:
#   https://github.com/scrapy/scrapy/pull/3813
#     ("Fix a memory leak on the Media Pipeline": the FileException raised in
#     the except block keeps the Response through __context__ and the
#     cached failures keep the exceptions)
#   https://github.com/python/cpython/pull/20543
#     (__context__ is set implicitly on every exception raised while
#     another one is handled)
#
# applies: 3.6+ (Python 2.7 has no exception chaining)
# usage: python x_media_failures_context.py OUTDIR
import hashlib

import leakkit

out = leakkit.start()

DOWNLOADS_PER_ROUND = 240
RETRIES = 2


class Response(object):
    def __init__(self, url, status, body):
        self.url, self.status, self.body = url, status, body
        self.headers = {'Content-Type': 'image/jpeg', 'Content-Length': str(len(body))}


class HttpError(Exception):
    def __init__(self, response):
        Exception.__init__(self, 'HTTP %d for %s' % (response.status, response.url))
        self.response = response


class FileException(Exception):
    pass


class MediaPipeline(object):
    def __init__(self):
        self.downloaded = {}  # fingerprint -> result or failure, never pruned

    def fetch(self, url, attempt):
        body = (('%s#%d ' % (url, attempt)) * 400).encode('ascii')[:6000]  # a 6 kB error page
        response = Response(url, 503, body)
        raise HttpError(response)

    def download(self, url, attempt=0):
        try:
            return self.fetch(url, attempt)
        except HttpError as e:
            if attempt < RETRIES:
                return self.download(url, attempt + 1)  # raised inside the handler: chained
            raise FileException('download-error: %s' % e)

    def media_to_download(self, url):
        fp = hashlib.sha1(url.encode('ascii')).hexdigest()
        if fp in self.downloaded:
            return self.downloaded[fp]
        try:
            result = self.download(url)
        except FileException as exc:
            result = exc
        self.downloaded[fp] = result
        return result


pipeline = MediaPipeline()


def crawl(first, count):
    for n in range(first, first + count):
        pipeline.media_to_download('https://img.example.com/products/%06d/large.jpg' % n)


for rnd in (1, 2, 3):
    crawl((rnd - 1) * DOWNLOADS_PER_ROUND, DOWNLOADS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'pipeline.downloaded (cached failures and their __context__ chains)',
    holder_objects=lambda: [pipeline.downloaded],
    clear=pipeline.downloaded.clear,
    leak_types=['FileException', 'HttpError', 'traceback', 'frame', 'Response', 'bytes'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
