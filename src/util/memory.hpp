#pragma once

namespace pm {

// Sets up glibc's allocator the way a long-running server with a few worker
// threads and occasional megabyte-sized calls needs it (reasons and figures in
// memory.cpp and docs/PERFORMANCE.md): at most `arenas` malloc arenas. Call
// once, before any thread starts.
void configure_allocator(int arenas = 1);

// Returns the heap's free pages to the system (malloc_trim). The server calls
// it once it has been idle for a while after a large call.
void release_free_memory();

}  // namespace pm
