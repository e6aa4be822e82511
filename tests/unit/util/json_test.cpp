#include "util/json.hpp"

#include <gtest/gtest.h>

#include <limits>
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

// dump_line/dump_pretty write what nlohmann's dump writes (UTF-8 raw, invalid UTF-8
// replaced by U+FFFD), byte for byte: answers, log lines and stored JSON keep their form.
TEST(Dump, WritesWhatNlohmannWrites) {
  Json doc = Json::object();
  doc["empty object"] = Json::object();
  doc["empty array"] = Json::array();
  doc["null"] = nullptr;
  doc["bools"] = Json::array({true, false});
  doc["ints"] = Json::array({0, -1, 42, std::numeric_limits<std::int64_t>::min(),
                             std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::uint64_t>::max()});
  doc["floats"] = Json::array({0.0, -0.0, 0.1, 12.0, 1e20, 1.5e-7, -3.25, 1e300,
                               std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()});
  doc["escapes"] = std::string("quote \" backslash \\ slash / \b\f\n\r\t ") + std::string(1, '\0') + "\x01\x1f\x7f";
  doc["utf8"] = "caf\xc3\xa9 \xe2\x9c\x85 \xf0\x9f\x94\x92";
  doc["invalid utf8"] =
      "a\xff"
      "b\xc3"
      "c\xe2\x9c"
      "d\xed\xa0\x80 e\xc0\xaf";
  doc["truncated"] = "end\xf0\x9f\x94";
  doc["key \"quoted\"\n\xfe"] = Json::array({Json::array(), Json::object({{"k", Json::array({1, Json::object()})}})});
  doc["nested"] = Json::array({Json::array({Json::array({"deep"})}), Json::object({{"a", {{"b", {{"c", 1}}}}}})});
  for (const Json& j : {doc, Json("top-level string"), Json(7), Json(2.5), Json(), Json::array(), Json::object()}) {
    EXPECT_EQ(dump_line(j), j.dump(-1, ' ', false, Json::error_handler_t::replace));
    EXPECT_EQ(dump_pretty(j), j.dump(2, ' ', false, Json::error_handler_t::replace));
  }
  EXPECT_EQ(dump_line(Json::binary({1, 2, 3})), Json::binary({1, 2, 3}).dump());
}

}  // namespace
}  // namespace pm
