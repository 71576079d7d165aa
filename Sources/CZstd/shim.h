// Zstandard (Debian: libzstd-dev): the one-shot compression and decompression
// API of zstd.h, and the stable advanced parameters (level, frame checksum).
// IndexFormat compresses the stored documents with it.
#ifndef GAZETTE_CZSTD_SHIM_H
#define GAZETTE_CZSTD_SHIM_H
#include <zstd.h>
#endif
