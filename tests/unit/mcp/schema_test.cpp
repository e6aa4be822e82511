#include "mcp/schema.hpp"

#include <gtest/gtest.h>

namespace pm::mcp {
namespace {

const Json kSchema = Json::parse(R"({
  "type": "object",
  "properties": {
    "files": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1, "maxItems": 3},
    "mode": {"type": "string", "enum": ["pull_request", "issue"]},
    "daysBack": {"type": "integer", "minimum": 1, "maximum": 365},
    "rate": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "id": {"type": "string", "pattern": "^ADR-\\d{3,}$"},
    "when": {"type": "string", "format": "date-time"},
    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
    "nested": {"type": "object", "properties": {"a/b": {"type": "boolean"}}, "required": ["a/b"]}
  },
  "required": ["files"]
})");

std::vector<std::string> paths(const std::vector<ValidationIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.path + ":" + i.keyword);
  return out;
}

TEST(Schema, ValidInstancePasses) {
  EXPECT_TRUE(validate(kSchema, Json::parse(R"({"files":["a"],"mode":"issue","daysBack":30,"extra":1})")).empty());
}

TEST(Schema, EveryFailingFieldIsReportedWithPointerAndKeyword) {
  auto issues = validate(kSchema, Json::parse(R"({
    "files": ["", 3], "mode": "nope", "daysBack": 0.5, "rate": 1, "id": "ADR-1",
    "when": "yesterday", "tags": ["x", "x"], "nested": {}})"));
  EXPECT_EQ(paths(issues), (std::vector<std::string>{"/files/0:minLength", "/files/1:type", "/mode:enum",
                                                     "/daysBack:type", "/rate:exclusiveMaximum", "/id:pattern",
                                                     "/when:format", "/tags:uniqueItems", "/nested/a~1b:required"}));
}

TEST(Schema, MissingRequiredAndWrongRootType) {
  EXPECT_EQ(paths(validate(kSchema, Json::object())), (std::vector<std::string>{"/files:required"}));
  auto root = validate(kSchema, Json::array());
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0].path, "");
  EXPECT_EQ(root[0].message, "Expected object, received array");
  EXPECT_EQ(validate(kSchema, nullptr)[0].message, "Expected object, received null");
}

TEST(Schema, IntegerAcceptsWholeFloatsAndRangesAreChecked) {
  EXPECT_TRUE(validate(kSchema, Json::parse(R"({"files":["a"],"daysBack":2.0})")).empty());
  auto big = validate(kSchema, Json::parse(R"({"files":["a"],"daysBack":400})"));
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0].message, "Must be less than or equal to 365");
  EXPECT_EQ(paths(validate(kSchema, Json::parse(R"({"files":["a","b","c","d"]})"))),
            (std::vector<std::string>{"/files:maxItems"}));
}

TEST(Schema, FormatOnNonStringIsATypeErrorNotACrash) {
  auto issues = validate(kSchema, Json::parse(R"({"files":["a"],"when":12})"));
  EXPECT_EQ(paths(issues), (std::vector<std::string>{"/when:type"}));
}

TEST(Schema, UnsupportedKeywordsAreDetected) {
  EXPECT_TRUE(check_supported(kSchema).empty());
  auto bad = check_supported(Json::parse(R"({"type":"object","oneOf":[],"properties":{"x":{"$ref":"#/a"}}})"));
  EXPECT_EQ(bad, (std::vector<std::string>{"/oneOf", "/properties/x/$ref"}));
  EXPECT_EQ(check_supported(Json::parse(R"({"type":"string","pattern":"(unclosed"})")),
            (std::vector<std::string>{"/pattern"}));
}

TEST(Schema, AdditionalPropertiesFalse) {
  Json s = Json::parse(R"({"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false})");
  EXPECT_EQ(paths(validate(s, Json::parse(R"({"a":"x","b":1})"))),
            (std::vector<std::string>{"/b:additionalProperties"}));
}

}  // namespace
}  // namespace pm::mcp
