#ifndef REFGRAPH_CZLIB_SHIM_H
#define REFGRAPH_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot call macros. */
static inline int rg_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 15 + 32);
}
/* A gzip-wrapped deflater (fuzzing the gzip layer with valid streams). */
static inline int rg_deflate_init_gzip(z_stream *strm, int level) {
    return deflateInit2(strm, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
