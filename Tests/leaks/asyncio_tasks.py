# A webhook dispatcher fires one asyncio task per event and, as the asyncio
# docs advise, keeps a strong reference to it in a module-level set so the
# loop's weak reference is not the only one -- but it never discards finished
# tasks. Every done Task keeps its result (the delivery receipt, with the
# event and the response body) for the life of the process.
#
# From the reports:
#   https://github.com/python/cpython/issues/88831
#     (keep references to tasks; the docs' fix adds
#     task.add_done_callback(background_tasks.discard))
#   https://github.com/ETS-Next-Gen/writing_observer/pull/192
#     (review: "When tasks finish, ideally, they'd be removed from the set()
#     so it doesn't keep growing forever")
#
# applies: 3.6+
# usage: python asyncio_tasks.py OUTDIR
import asyncio

import leakkit

out = leakkit.start()

EVENTS_PER_ROUND = 600
background_tasks = set()


async def deliver(event):
    await asyncio.sleep(0)  # the HTTP POST to the subscriber
    body = ('{"event": %d, "status": "accepted", "echo": "%s"}' % (
        event['id'], event['payload'][:3000])).encode('ascii')
    return {'event': event, 'status': 202, 'body': body,
            'headers': {'Content-Type': 'application/json', 'Content-Length': str(len(body)),
                        'X-Delivery': '%032x' % event['id']}}


async def dispatch(first, count):
    for n in range(first, first + count):
        event = {'id': n, 'type': 'order.paid', 'payload': ('%06d,' % n) * 300}
        task = asyncio.ensure_future(deliver(event))
        background_tasks.add(task)  # never discarded
        if n % 50 == 49:
            await asyncio.sleep(0)
    while not all(t.done() for t in background_tasks):
        await asyncio.sleep(0)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
for rnd in (1, 2, 3):
    loop.run_until_complete(dispatch((rnd - 1) * EVENTS_PER_ROUND, EVENTS_PER_ROUND))
    leakkit.dump(out, rnd)

t = leakkit.finish(
    out, 'background_tasks (the set of finished Tasks)',
    holder_objects=lambda: [background_tasks],
    clear=background_tasks.clear,
    leak_types=['_asyncio.Task', 'dict', 'bytes', 'str'])
loop.close()
print('%s frees %d bytes (%s)' % (t['holder'], t['freed_bytes'], t['method']))
