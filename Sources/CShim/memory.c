#include "CShim.h"

// <stdlib.h> first: it is what defines __GLIBC__ (through <features.h>); testing the macro before any C library
// header is included finds it undefined, and the tuning silently compiles to nothing.
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int CShim_limit_malloc_arenas(int count) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, count) == 1 ? 1 : 0;
#else
    (void)count;
    return 0;
#endif
}

void CShim_trim_heap(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
