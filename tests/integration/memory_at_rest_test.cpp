// Memory at rest, through the real binary: after a message of megabytes the server goes
// back to about its size before it once it is idle, whatever the call did with the
// message. A 20 MB argument that a tool refuses in a millisecond used to leave 80-100 MB
// behind until the next long call (the parse's buffers sat in the allocator's free lists).
// The glibc allocator's figures only: under AddressSanitizer the allocator is another one.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <thread>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
TEST(MemoryAtRest, AHugeMessageIsGivenBackOnceTheServerIsIdle) {
  GTEST_SKIP() << "AddressSanitizer replaces the allocator whose trimming this checks";
}
#else
long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The lowest reading within `wait`, stopping early once at or below `goal`.
long settled_rss_kib(pid_t pid, long goal, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  long low = rss_kib(pid);
  while (low > goal && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    low = std::min(low, rss_kib(pid));
  }
  return low;
}

TEST(MemoryAtRest, AHugeMessageIsGivenBackOnceTheServerIsIdle) {
  TempDir dir;
  ServerProcess p({}, {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data",
                       "PHASE_MIRROR_WORKERS=1", "PHASE_MIRROR_RATE_LIMIT=0"});
  p.initialize();
  ASSERT_TRUE(p.call("get_server_info", Json::object())["result"].contains("structuredContent"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const long before = rss_kib(p.pid());
  ASSERT_GT(before, 0);

  // Sizes under the allocator's mmap threshold (32 MiB), where the parse's buffers come
  // from the heap, and one over it.
  for (const std::size_t mib : {8u, 20u, 40u}) {
    const Json r = p.request(
        "tools/call", {{"name", "check_consent_requirements"}, {"arguments", {{"orgId", std::string(mib << 20, 'o')}}}},
        "big", std::chrono::seconds(120));
    ASSERT_TRUE(r.contains("result")) << mib << " MiB: " << dump_line(r).substr(0, 300);
    EXPECT_EQ(r["result"]["isError"], true) << mib << " MiB";
    // A small call after it, as a client's next call would be.
    ASSERT_TRUE(p.call("get_server_info", Json::object())["result"].contains("structuredContent"));
    const long goal = before + 8 * 1024;
    const long at_rest = settled_rss_kib(p.pid(), goal, std::chrono::seconds(10));
    EXPECT_LE(at_rest, goal) << mib << " MiB message: " << at_rest << " KiB at rest, " << before << " KiB before it";
  }
}
#endif

}  // namespace
}  // namespace pm::test
