# A debugging aid in the style of PySnooper: a Tracer installed with
# sys.settrace() watches a few functions and, to report their variables
# later, keeps every frame it saw a 'call' event for. A finished frame keeps
# its locals -- here each order's parsed lines and its rendered invoice --
# so every call of a watched function leaks. Nothing else refers to the
# Tracer: the interpreter's thread state holds the trace function in C.
#
# From the reports:
#   https://github.com/cool-RR/PySnooper/pull/111
#     ("Delete frames when exiting to free up memory": Tracer holds on to
#     every frame it has traced, including all its local variables)
#   https://github.com/python/cpython/issues/140798
#     (a global trace function that appends to a list for every event)
#
# applies: 2.7, 3.6, 3.7, 3.8, 3.9, 3.10, 3.11 (3.12+ passes too, but a global trace function makes each dump there take 14 s)
# usage: python x_settrace_snoop.py OUTDIR
import sys

import leakkit

out = leakkit.start()

ORDERS_PER_ROUND = 400


class Tracer(object):
    def __init__(self, *functions):
        self.watched = set(f.__code__ for f in functions)
        self.frames = []      # PySnooper kept these to read their f_locals later
        self.calls = 0

    def trace(self, frame, event, arg):
        if frame.f_code not in self.watched:
            return None
        if event == 'call':
            self.calls += 1
            self.frames.append(frame)
        return None


def parse_order(n):
    lines = ['SKU-%06d x%d %d.%02d' % (n * 13 + i, (n + i) % 9 + 1, (n * 7 + i) % 300, i)
             for i in range(4)]
    note = ('gift wrap, leave at the door, order %d; ' % n) * 120
    return lines, note


def render_invoice(n):
    lines, note = parse_order(n)
    body = '\n'.join(lines)
    invoice = ('INVOICE %08d\n' % n) + body + '\n' + note
    return len(invoice)


def process(first, count):
    total = 0
    for n in range(first, first + count):
        total += render_invoice(n)
    return total


tracer = Tracer(parse_order, render_invoice)
sys.settrace(tracer.trace)
tracer = None  # the thread state's trace function is the only reference left


for rnd in (1, 2, 3):
    process((rnd - 1) * ORDERS_PER_ROUND, ORDERS_PER_ROUND)
    leakkit.dump(out, rnd)


t = leakkit.finish(
    out, 'the trace function (sys.gettrace(), the bound method Tracer.trace, held in C by the thread state)',
    holder_objects=lambda: [sys.gettrace()],
    clear=lambda: sys.settrace(None),
    dropped=lambda: [sys.gettrace()],
    leak_types=['frame', 'list', 'str', '__main__.Tracer'])
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
