#include "util/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pm {
namespace {

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// A JSON-RPC line of a few megabytes of '[' crashed the server: nlohmann's
// copy and destruction recurse once per level and overflowed the stack.
TEST(ParseOrDiscard, RejectsNestingDeeperThanTheLimitWithoutCrashing) {
  const Json j =
      parse_or_discard(R"({"jsonrpc":"2.0","id":1,"params":{"arguments":{"x":)" + nested_arrays(2'000'000) + "}}}");
  EXPECT_TRUE(j.is_discarded());
}

TEST(ParseOrDiscard, AcceptsNestingUpToTheLimit) {
  const Json j = parse_or_discard(nested_arrays(kMaxJsonDepth));
  ASSERT_FALSE(j.is_discarded());
  EXPECT_TRUE(j.is_array());
  EXPECT_TRUE(parse_or_discard(nested_arrays(kMaxJsonDepth + 1)).is_discarded());
}

TEST(ParseOrDiscard, BracketsInsideStringsDoNotCountAsNesting) {
  const std::string deep_text = std::string(kMaxJsonDepth * 4, '[') + "\\\"" + std::string(kMaxJsonDepth * 4, '{');
  const Json j = parse_or_discard(R"({"context":")" + deep_text + R"("})");
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["context"].get<std::string>().size(), kMaxJsonDepth * 8 + 1);
}

TEST(ParseOrDiscard, InvalidJsonIsDiscarded) {
  EXPECT_TRUE(parse_or_discard("{\"a\":").is_discarded());
  EXPECT_TRUE(parse_or_discard("]]]]").is_discarded());
}

}  // namespace
}  // namespace pm
