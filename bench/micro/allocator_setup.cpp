// The micro-benchmarks run the server's code under the server's allocator
// settings (one arena, large buffers kept in the heap: src/util/memory.cpp), so
// that an in-process figure and the stdio harness's server time describe the same
// memory behaviour. Runs before benchmark_main's main().
#include "util/memory.hpp"

namespace {
const bool kServerAllocatorConfigured = (pm::configure_allocator(), true);
}  // namespace
