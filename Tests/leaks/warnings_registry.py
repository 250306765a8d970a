# A database layer turns the server's warnings into Python warnings. Their
# text carries data ("Invalid utf8mb4 character string: 'BE17AE'"), so every
# one is new to the warnings machinery, which remembers each (text, category,
# line) it has shown in the __warningregistry__ dict of the module that warned,
# so as to show it only once. That dict never shrinks.
#
# From the reports:
#   https://github.com/farcepest/MySQLdb1/issues/108
#     ("Logging DB warnings to Python warnings module causes memory leak":
#     warnings with dynamic content stay in __warningregistry__ forever)
#   https://github.com/python/cpython/issues/97557
#     ("Memory leak: warnings module": warnings.warn(str(random.random())) grows)
#
# applies: 2.7, 3.6+
# usage: python warnings_registry.py OUTDIR
import logging
import warnings

import leakkit

out = leakkit.start()

QUERIES_PER_ROUND = 30000
logging.captureWarnings(True)  # warnings go to the 'py.warnings' logger...
logging.getLogger('py.warnings').addHandler(logging.NullHandler())  # ...which ships them nowhere here


class DatabaseWarning(UserWarning):
    pass


class Cursor(object):
    def execute(self, query, key):
        result = [('row', key)]  # stands for the server's answer
        if key % 3 == 0:  # the server could not read the bytes of one in three keys
            warnings.warn("Invalid utf8mb4 character string: '%06X' in %s" % (key * 2654435761 % 2 ** 24, query),
                          DatabaseWarning)
        return result


def run_queries(first, count):
    cursor = Cursor()
    for n in range(first, first + count):
        cursor.execute('SELECT * FROM device WHERE uuid = %s LIMIT 1', n)


def registry():
    return globals()['__warningregistry__']


for rnd in (1, 2, 3):
    run_queries((rnd - 1) * QUERIES_PER_ROUND, QUERIES_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, '__warningregistry__ of module __main__ (the warnings already shown from here)',
    holder_objects=lambda: [registry()],
    clear=lambda: registry().clear(),
    dropped=lambda: [x for kv in registry().items() for x in kv], container=registry,
    leak_types=['tuple', 'str'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
