"""Stories 001 and 002: a leak in C. Memory is malloc'ed outside Python
objects (as a Cython class that mallocs in __cinit__ with no __dealloc__, or
pandas' rolling window in C), so the Python heap stays flat while RSS grows.

    python cext_malloc.py MEGABYTES DUMP
"""
import ctypes
import sys

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]


def leak(megabytes):
    for _ in range(megabytes):
        p = libc.malloc(1 << 20)
        ctypes.memset(p, 1, 1 << 20)  # touch the pages so they count in RSS


def main():
    megabytes, path = int(sys.argv[1]), sys.argv[2]
    leak(megabytes)
    import refgraph_export
    result = refgraph_export.dump(path)
    print("leaked %d MB in C; dumped %d objects" % (megabytes, result.objects))


if __name__ == "__main__":
    main()
