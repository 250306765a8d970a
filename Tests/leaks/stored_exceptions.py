# A nightly importer keeps every failed record's sys.exc_info() to report at
# the end of the run. Each traceback keeps its frames alive, and each frame its
# locals: the raw record, its split fields, the decoded attachment, the parsed
# row and, through the frame of the loop that caught it, the whole batch.
#
# From the reports:
#   https://github.com/ipython/ipython/pull/11572
#     ("fix a memory leak on exception (caused by the stored traceback)": the
#     saved traceback keeps locals() of every frame alive)
#   https://github.com/torproject/stem/pull/156
#     (cached exception objects accumulate frames and tracebacks: linear growth)
#
# applies: 2.7, 3.6+
# usage: python stored_exceptions.py OUTDIR
import base64
import sys

import leakkit

out = leakkit.start()

RECORDS_PER_ROUND = 400
failures = []  # (type, value, traceback) of every record that failed


class ValidationError(ValueError):
    pass


def load_batch(first, count):
    """The day's export: one line per order, with a scanned invoice in base64."""
    batch = []
    for n in range(first, first + count):
        invoice = base64.b64encode((('%08d' % n) * 768).encode('ascii'))  # 6 kB scanned
        if not isinstance(invoice, str):
            invoice = invoice.decode('ascii')  # Python 3: str, as 2.7's lines are
        batch.append('order-%06d;customer-%04d;%d.%02d;%s' % (n, n % 997, n % 500, n % 100, invoice))
    return batch


def validate(row):
    if int(row['order'][-6:]) % 4 == 0:  # every fourth order lacks its tax number
        raise ValidationError('%s: no tax number for %s' % (row['order'], row['customer']))


def parse(raw):
    fields = raw.split(';')
    invoice = base64.b64decode(fields[3])
    row = {'order': fields[0], 'customer': fields[1], 'amount': fields[2],
           'invoice': invoice, 'pages': invoice.count(b'0') // 1000 + 1}
    validate(row)
    return row


def import_batch(batch):
    imported = 0
    for raw in batch:
        try:
            parse(raw)
            imported += 1
        except ValidationError:
            failures.append(sys.exc_info())
    return imported


def clear():
    del failures[:]


for rnd in (1, 2, 3):
    import_batch(load_batch((rnd - 1) * RECORDS_PER_ROUND, RECORDS_PER_ROUND))
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'failures (the list of stored sys.exc_info() tuples)',
    holder_objects=lambda: [failures],
    clear=clear, dropped=lambda: list(failures), container=lambda: failures,
    leak_types=['tuple', 'traceback', 'frame', '__main__.ValidationError', 'str', 'bytes', 'dict', 'list'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
