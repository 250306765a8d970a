# With DEBUG = True, Django's database wrapper (CursorDebugWrapper) appends
# every executed query -- its SQL with the parameters filled in, and its
# duration -- to the connection's query log, kept per thread. A long-running
# worker that never calls django.db.reset_queries() keeps every query it ever
# ran. Beside it lives a legitimate table loaded at start-up: a message catalog
# of 1,200 texts of 8,000 characters (about 10 MB) that is big but never grows.
#
# From the reports:
#   https://github.com/Uninett/nav/issues/97
#     ("ipdevpoll leaks memory": Django's query log, stored as thread-local
#     data, grows while DEBUG is on)
#   https://github.com/django/django/pull/2772
#     ("Fixed #3711, #6734, #12581 -- Bounded connection.queries": unlimited
#     memory use by background tasks with DEBUG=True)
#
# applies: 2.7, 3.6+
# usage: python django_debug_queries.py OUTDIR
import threading

import leakkit

out = leakkit.start()

DEBUG = True
REQUESTS_PER_ROUND = 1000
_local = threading.local()  # Django keeps connections (and their query logs) per thread


def load_catalog():
    text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit %04d. '
    return dict(('msg%04d' % i, ((text % i) * 130)[:8000]) for i in range(1200))


CATALOG = load_catalog()

ORDER_COLUMNS = ', '.join('"shop_order"."%s"' % c for c in (
    'id', 'customer_id', 'created', 'status', 'total', 'currency', 'shipping_address_id',
    'billing_address_id', 'notes', 'coupon_id'))
QUERIES = [
    'SELECT "django_session"."session_key", "django_session"."session_data", "django_session"."expire_date" '
    'FROM "django_session" WHERE ("django_session"."expire_date" > \'2024-01-01\' AND "django_session"."session_key" = \'%032x\') LIMIT 21',
    'SELECT "auth_user"."id", "auth_user"."password", "auth_user"."last_login", "auth_user"."is_superuser", '
    '"auth_user"."username", "auth_user"."email", "auth_user"."is_staff" FROM "auth_user" WHERE "auth_user"."id" = %d LIMIT 21',
    'SELECT ' + ORDER_COLUMNS + ' FROM "shop_order" WHERE "shop_order"."customer_id" = %d ORDER BY "shop_order"."created" DESC LIMIT 21',
    'SELECT COUNT(*) AS "__count" FROM "shop_order" WHERE "shop_order"."customer_id" = %d',
    'SELECT "shop_orderline"."id", "shop_orderline"."order_id", "shop_orderline"."product_id", "shop_orderline"."quantity", '
    '"shop_orderline"."price" FROM "shop_orderline" WHERE "shop_orderline"."order_id" IN (%d, %d, %d, %d)',
    'SELECT "shop_product"."id", "shop_product"."name", "shop_product"."slug", "shop_product"."price" '
    'FROM "shop_product" WHERE "shop_product"."id" IN (%d, %d, %d)',
    'UPDATE "django_session" SET "session_data" = \'%s\', "expire_date" = \'2024-02-01\' WHERE "django_session"."session_key" = \'%032x\'',
    'INSERT INTO "shop_pageview" ("customer_id", "path", "created") VALUES (%d, \'/orders/?page=%d\', \'2024-01-01\') RETURNING "shop_pageview"."id"',
]


class CursorDebugWrapper(object):
    def execute(self, sql, params):
        sql = sql % params  # Django logs the query with its parameters
        duration = (len(sql) % 17) / 1000.0  # stands for the database's time
        if DEBUG:
            if not hasattr(_local, 'queries'):
                _local.queries = []
            _local.queries.append({'sql': sql, 'time': '%.3f' % duration})


def handle_request(cursor, n):
    customer = n % 997
    cursor.execute(QUERIES[0], (n,))
    cursor.execute(QUERIES[1], (customer,))
    cursor.execute(QUERIES[2], (customer,))
    cursor.execute(QUERIES[3], (customer,))
    cursor.execute(QUERIES[4], (n, n + 1, n + 2, n + 3))
    cursor.execute(QUERIES[5], (n % 50, n % 50 + 1, n % 50 + 2))
    cursor.execute(QUERIES[6], ('%x' % (n * 7919) * 8, n))
    cursor.execute(QUERIES[7], (customer, n % 20))
    return CATALOG['msg%04d' % (n % 1200)][:40]


def serve(first, count):
    cursor = CursorDebugWrapper()
    for n in range(first, first + count):
        handle_request(cursor, n)


def clear():
    del _local.queries[:]  # what django.db.reset_queries() does


for rnd in (1, 2, 3):
    serve((rnd - 1) * REQUESTS_PER_ROUND, REQUESTS_PER_ROUND)
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, '_local.queries (the main thread\'s query log)',
    holder_objects=lambda: [_local.queries],
    clear=clear, dropped=lambda: list(_local.queries), container=lambda: _local.queries,
    leak_types=['dict', 'str'],
    note='CATALOG (1,200 texts, about 10 MB) is a legitimate start-up table, not the leak')
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
