#include "util/time.hpp"

#include <gtest/gtest.h>

namespace pm {
namespace {

TEST(Time, FormatsWithMillisecondsAndZ) {
  EXPECT_EQ(iso8601_ms(from_epoch_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(from_epoch_ms(1795594633344)), "2026-11-25T08:17:13.344Z");
}

TEST(Time, ParsesRfc3339) {
  auto t = parse_iso8601("2026-11-25T08:17:13.344Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(to_epoch_ms(*t), 1795594633344);
  auto off = parse_iso8601("2026-11-25T10:17:13.344+02:00");
  ASSERT_TRUE(off);
  EXPECT_EQ(to_epoch_ms(*off), 1795594633344);
  EXPECT_TRUE(parse_iso8601("2026-02-01T06:00Z"));  // seconds optional
}

TEST(Time, RejectsInvalidDates) {
  EXPECT_FALSE(parse_iso8601("2026-02-29T00:00:00Z"));  // not a leap year
  EXPECT_TRUE(parse_iso8601("2024-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-01-01"));
  EXPECT_TRUE(parse_iso8601("2026-01-01", /*allow_date_only=*/true));
  EXPECT_FALSE(parse_iso8601("yesterday"));
  EXPECT_FALSE(parse_iso8601("2026-01-01T00:00:00"));  // no zone
  EXPECT_FALSE(parse_iso8601("2026-01-01T00:00:00Zjunk"));
}

TEST(Time, UtcDatetimeOnlyAcceptsZ) {
  EXPECT_TRUE(is_utc_datetime("2026-01-01T00:00:00Z"));
  EXPECT_FALSE(is_utc_datetime("2026-01-01T00:00:00+02:00"));
}

}  // namespace
}  // namespace pm
