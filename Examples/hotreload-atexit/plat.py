"""Story 000: a platform that hot-reloads business code by deleting, after
every request, each module the request imported. The business module imports
logging.handlers; every import of logging registers logging.shutdown with
atexit, so every copy of logging stays alive.

    python plat.py REQUESTS DUMP
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def call_one():
    before = set(sys.modules)
    try:
        import busi
        busi.run()
    finally:
        # Unload what the request imported, so the next request reloads it.
        for name in list(sys.modules.keys()):
            if name not in before:
                del sys.modules[name]


def main():
    requests, path = int(sys.argv[1]), sys.argv[2]
    for _ in range(requests):
        call_one()
    import refgraph_export
    result = refgraph_export.dump(path)
    print("dumped %d objects after %d requests to %s" % (result.objects, requests, os.path.basename(path)))


if __name__ == "__main__":
    main()
