#include "util/memory.hpp"

#include <malloc.h>

namespace pm {

// Memory between large calls (a 1 MB workflow, 100 files, 200 ADRs), measured by
// the memory check of make bench (docs/PERFORMANCE.md):
// - One malloc arena for all threads. With one per worker (or two), each arena
//   kept its own copy of a large call's freed working set, and which worker ran a
//   call decided where the next one landed, so a busy session ratcheted up (to
//   ~39 MiB) instead of reusing one working set (~25 MiB). The price: small calls
//   share one allocator lock, ~30 % less throughput with 8 calls in flight.
//   That is the right trade for one client on stdio; a team server over HTTP
//   (32 clients' calls in flight) lost half its throughput to that lock, so it
//   takes an arena per worker and one for the event loop instead.
// - Freed memory stays in the heap while the server is busy: megabyte buffers
//   come from the heap (mmap threshold 32 MiB instead of glibc's sliding one) and
//   a freed heap top is not handed back at once (trim threshold 64 MiB). Handing
//   pages back after every call and faulting them in again cost a 1 MB workflow
//   ~2 000 page faults, 10 to 25 ms on a VM where a fault costs ~10 µs.
// The server gives the memory back once it is idle (release_free_memory), so a
// server at rest is back to its live data.
void configure_allocator(int arenas) {
  // NOLINTBEGIN(concurrency-mt-unsafe): called before any other thread starts
  mallopt(M_ARENA_MAX, arenas < 1 ? 1 : arenas);
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  // NOLINTEND(concurrency-mt-unsafe)
}

void release_free_memory() {
  malloc_trim(0);
}

}  // namespace pm
