// Snowball stemmers (Debian: libstemmer-dev). libstemmer ships no pkg-config
// file, so the header is found on the default include path.
#ifndef GAZETTE_CSTEMMER_SHIM_H
#define GAZETTE_CSTEMMER_SHIM_H
#include <libstemmer.h>
#endif
