"""Story 002, many small objects: an endless doubly linked list of dicts
{'prev', 'next', 'id'} hangs from a global root dict; a coroutine adds a node
per tick and keeps a pointer to the newest. Three snapshots are taken while
it runs; between them, transient objects come and go.

    python linked_list.py TICKS OUTDIR
"""
import asyncio
import os
import sys

root = {'prev': None, 'next': None, 'id': 0}


async def leaking_func(stop):
    current = root
    n = 0
    while not stop.is_set():
        n += 1
        _next = {'prev': current, 'next': None, 'id': n}
        current['next'] = _next
        current = _next
        await asyncio.sleep(0)


async def main():
    ticks, outdir = int(sys.argv[1]), sys.argv[2]
    import refgraph_export
    stop = asyncio.Event()
    task = asyncio.ensure_future(leaking_func(stop))
    transient = []
    for name in ('baseline', 'target', 'final'):
        for _ in range(ticks):
            await asyncio.sleep(0)
        if name == 'target':
            transient = [[i] for i in range(ticks)]  # alive in target only
        else:
            del transient[:]
        refgraph_export.dump(os.path.join(outdir, name + '.jsonl'))
    stop.set()
    await task
    print("three snapshots written to %s" % os.path.basename(outdir))


if __name__ == "__main__":
    asyncio.run(main())
