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

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92"));  // é € 🔒
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF\xF4\x8F\xBF\xBF"));               // U+D7FF, U+10FFFF
}

TEST(IsValidUtf8, RejectsMalformedText) {
  EXPECT_FALSE(is_valid_utf8("caf\xE9"));           // Latin-1 é
  EXPECT_FALSE(is_valid_utf8("\xFF"));              // never valid
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation byte
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated at the end
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xC3(x"));            // lead byte without continuation
}

}  // namespace
}  // namespace pm
