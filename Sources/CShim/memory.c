#include "CShim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void CShim_limit_malloc_arenas(int count) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, count);
#else
    (void)count;
#endif
}

void CShim_trim_heap(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}
