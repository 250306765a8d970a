# A dashboard server publishes price ticks on a module-level event bus. Every
# browser tab opens a Panel that subscribes a closure to 'tick' (it captures
# the Panel, which keeps a 6 kB rendered-chart cache); closing the tab drops
# the Panel but never unsubscribes, so the bus's subscriber list keeps every
# Panel ever opened. Beside it, a legitimate instrument table loaded at
# start-up (3,000 instruments with a 6,000-character description) is about
# twice as big as the leak by the last dump and never grows.
#
# From the reports:
#   https://github.com/pyepics/pyepics/issues/10
#     ("PV objects with callbacks are never garbage collected": callbacks
#     kept in a module-level cache hold their objects)
#   https://github.com/JurgenR/aioslsk/issues/314
#     ("Allow unregistering from an event": listeners that are object
#     methods keep their objects alive)
#
# applies: 2.7, 3.6+
# usage: python x_event_bus_static.py OUTDIR
import leakkit

out = leakkit.start()

TABS_PER_ROUND = 550


def load_instruments():
    text = 'Instrument %05d: a listed security with a long prospectus summary. '
    return dict(('ISIN%08d' % i, ((text % i) * 90)[:6000]) for i in range(3000))


INSTRUMENTS = load_instruments()


class EventBus(object):
    def __init__(self):
        self._subscribers = {}

    def subscribe(self, event, callback):
        self._subscribers.setdefault(event, []).append(callback)

    def publish(self, event, payload):
        for callback in self._subscribers.get(event, ()):
            callback(payload)


bus = EventBus()


class Panel(object):
    def __init__(self, tab_id, symbols):
        self.tab_id = tab_id
        self.symbols = symbols
        self.last = {}
        self.chart_cache = ('<svg id="chart-%d">' % tab_id) + '<path d="M0 0"/>' * 400 + '</svg>'

        def on_tick(tick):
            if tick['isin'] in self.symbols:
                self.last[tick['isin']] = tick['price']
        bus.subscribe('tick', on_tick)  # never unsubscribed


def open_tab(n):
    panel = Panel(n, ['ISIN%08d' % ((n * 7 + i) % 3000) for i in range(5)])
    bus.publish('tick', {'isin': panel.symbols[0], 'price': 100.0 + n % 50})


def serve(first, count):
    for n in range(first, first + count):
        open_tab(n)


for rnd in (1, 2, 3):
    serve((rnd - 1) * TABS_PER_ROUND, TABS_PER_ROUND)
    leakkit.dump(out, rnd)


def clear():
    del bus._subscribers['tick'][:]


t = leakkit.finish(
    out, "bus._subscribers['tick'] (the never-unsubscribed closures)",
    holder_objects=lambda: [bus._subscribers['tick']],
    clear=clear, dropped=lambda: list(bus._subscribers['tick']),
    container=lambda: bus._subscribers['tick'],
    leak_types=['function', 'cell', 'tuple', '__main__.Panel', 'dict', 'list', 'str', 'float'],
    note='INSTRUMENTS (3,000 texts, about 18 MB) is a legitimate start-up table, not the leak')
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
