#include "mcp/executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace pm::mcp {
namespace {

using Clock = Executor::Clock;
using std::chrono::milliseconds;

// The watchdog sleeps until the deadline it planned and is woken only for a sooner one; a
// timer armed after the one it planned for was disarmed must still fire at its own deadline.

TEST(ExecutorTimers, ASoonerDeadlineWakesTheWatchdogSleepingTowardsADisarmedOne) {
  Executor ex(1);
  const auto far = ex.arm(Clock::now() + std::chrono::seconds(30), [] {});
  std::this_thread::sleep_for(milliseconds(20));  // the watchdog now sleeps towards +30 s
  ex.disarm(far);
  std::promise<void> fired;
  ex.arm(Clock::now() + milliseconds(10), [&fired] { fired.set_value(); });
  EXPECT_EQ(fired.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(ExecutorTimers, ALaterDeadlineFiresAfterTheDisarmedOneTheWatchdogSleptTowards) {
  Executor ex(1);
  const auto first = ex.arm(Clock::now() + milliseconds(50), [] {});
  std::this_thread::sleep_for(milliseconds(10));
  ex.disarm(first);
  const auto deadline = Clock::now() + milliseconds(150);
  std::promise<Clock::time_point> fired;
  ex.arm(deadline, [&fired] { fired.set_value(Clock::now()); });
  auto when = fired.get_future();
  ASSERT_EQ(when.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_GE(when.get(), deadline);
}

TEST(ExecutorTimers, ADisarmedTimerNeverFires) {
  std::atomic<bool> fired{false};
  {
    Executor ex(1);
    const auto id = ex.arm(Clock::now() + milliseconds(30), [&fired] { fired = true; });
    ex.disarm(id);
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_FALSE(fired);
}

}  // namespace
}  // namespace pm::mcp
