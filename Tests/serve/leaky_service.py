"""The browser test's heap: a session cache that never evicts (the leak),
plus a class and a function whose names are HTML, to prove the explorer
shows them as text. Dumps after 300 requests and after 900.

    python leaky_service.py BEFORE.jsonl AFTER.jsonl
"""
import sys
import tracemalloc

tracemalloc.start(3)
import refgraph_export  # noqa: E402


class Session(object):
    def __init__(self, n):
        self.n = n
        self.payload = bytearray(2000)


class SessionCache(object):
    def __init__(self):
        self.sessions = {}

    def get(self, n):
        if n not in self.sessions:
            self.sessions[n] = Session(n)  # the leak: nothing ever evicts
        return self.sessions[n]


def handler():
    pass


# Names are dumped (string contents are not): a class and a function named in HTML.
handler.__qualname__ = '<img src=x onerror="window.pwned=2">'
Hostile = type('<script>window.pwned=1</script>', (object,), {})
REGISTRY = {'hostile': Hostile(), 'handler': handler}
CACHE = SessionCache()


def main(before, after):
    for i in range(300):
        CACHE.get(i)
    refgraph_export.dump(before)
    for i in range(300, 900):
        CACHE.get(i)
    refgraph_export.dump(after)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
