"""Story 004: a local cache sized by guesswork. Entries are dict subclasses
{'result': value, 'expire': t}, kept in a WeakValueDictionary for lookup and
in a deque(maxlen=N) of strong references. Expired entries are freed only
when the deque pushes them out, so the cache always holds N entries.

    python localcache.py ENTRIES DUMP
"""
import collections
import sys
import time
import weakref


class Dict(dict):
    """A dict subclass, so that a weak reference can point at it."""
    pass


class LocalCache(object):
    def __init__(self, maxlen):
        self.weak = weakref.WeakValueDictionary()
        self.strong = collections.deque(maxlen=maxlen)

    def set(self, key, value, ttl):
        entry = Dict(result=value, expire=time.time() + ttl)
        self.weak[key] = entry
        self.strong.append(entry)

    def get(self, key):
        entry = self.weak.get(key)
        if entry is None or entry['expire'] < time.time():
            return None
        return entry['result']


cache = LocalCache(int(sys.argv[1]))


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    for i in range(2 * n):  # twice the capacity: the deque stays full
        cache.set('user:%d' % i, 'profile-%d-' % i + 'x' * 40, ttl=0.001)
    import refgraph_export
    result = refgraph_export.dump(path)
    print("dumped %d objects with %d cache entries" % (result.objects, len(cache.strong)))


if __name__ == "__main__":
    main()
