#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "util/time.hpp"

namespace pm {
namespace {

// Dates beyond system_clock's range (years 1677..2262) overflowed the
// nanosecond count: "4052-01-01T00:00:00Z" (a nonce timestamp found by the
// tool_args fuzzer) wrapped to an arbitrary instant. They now clamp, so a
// far-future date stays in the future and a far-past one in the past.
TEST(TimeRange, FarFutureDateStaysInTheFuture) {
  const auto now = parse_iso8601("2026-11-25T00:00:00Z");
  const auto far = parse_iso8601("4052-01-01T00:00:00Z");
  const auto last = parse_iso8601("9999-12-31T23:59:59.999Z");
  ASSERT_TRUE(now && far && last);
  EXPECT_GT(*far, *now);
  EXPECT_GE(*last, *far);
  EXPECT_EQ(*far, SysTime::max() - SysTime::max().time_since_epoch() % std::chrono::milliseconds(1));
}

TEST(TimeRange, FarPastDateStaysInThePast) {
  const auto epoch = parse_iso8601("1970-01-01T00:00:00Z");
  const auto old = parse_iso8601("0001-01-01T00:00:00Z", /*allow_date_only=*/false);
  const auto old_date = parse_iso8601("1066-10-14", /*allow_date_only=*/true);
  ASSERT_TRUE(epoch && old && old_date);
  EXPECT_LT(*old, *epoch);
  EXPECT_LT(*old_date, *epoch);
}

TEST(TimeRange, EpochMillisecondsAtTheLimitsDoNotOverflow) {
  EXPECT_GT(from_epoch_ms(std::numeric_limits<std::int64_t>::max()), from_epoch_ms(0));
  EXPECT_LT(from_epoch_ms(std::numeric_limits<std::int64_t>::min()), from_epoch_ms(0));
  EXPECT_EQ(to_epoch_ms(from_epoch_ms(1795594633344)), 1795594633344);
}

}  // namespace
}  // namespace pm
