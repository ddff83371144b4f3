#ifndef CGAARA_ZLIB_SHIM_H
#define CGAARA_ZLIB_SHIM_H
#include <zlib.h>

/// deflateInit2 is a macro; this is a function Swift can call (gzip framing: windowBits 31).
static inline int gaara_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
}

/// inflateInit2 for gzip framing.
static inline int gaara_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 31);
}
#endif
