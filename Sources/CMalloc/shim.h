// glibc's malloc.h, for malloc_trim: Swift's Glibc module leaves it out.
// NewsCore's SystemMemory hands freed heap memory back to the kernel with it.
#ifndef GAZETTE_CMALLOC_SHIM_H
#define GAZETTE_CMALLOC_SHIM_H
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#endif
