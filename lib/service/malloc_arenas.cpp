#include "service/malloc_arenas.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace canhose::service {

void use_one_malloc_arena() {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 1);
#endif
}

}  // namespace canhose::service
