"""Story 002, big objects: a coroutine appends 'hi' * randint(10000, 20000)
to a local list on every tick. tracemalloc is on, so the dump carries the
line that allocated each string.

    python leaky_coroutine.py TICKS DUMP
"""
import asyncio
import random
import sys
import tracemalloc

tracemalloc.start(5)


async def leaking_coro(stop):
    data = []
    while not stop.is_set():
        await asyncio.sleep(0)
        data.append('hi' * random.randint(10000, 20000))  # the leak


async def dump_after(ticks, stop, path):
    for _ in range(ticks):
        await asyncio.sleep(0)
    import refgraph_export
    result = refgraph_export.dump(path)
    print("dumped %d objects after %d ticks" % (result.objects, ticks))
    stop.set()


async def main():
    ticks, path = int(sys.argv[1]), sys.argv[2]
    stop = asyncio.Event()
    task = asyncio.ensure_future(leaking_coro(stop))
    await dump_after(ticks, stop, path)
    await task


if __name__ == "__main__":
    random.seed(2)
    asyncio.run(main())
