#ifndef REFGRAPH_CZLIB_SHIM_H
#define REFGRAPH_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call macros. */
static inline int rg_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 15 + 32);
}
#endif
