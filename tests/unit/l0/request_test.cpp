#include "l0/request.hpp"

#include <gtest/gtest.h>

namespace pm::l0 {
namespace {

Error error_of(const Json& args) {
  auto r = parse_request(args);
  EXPECT_FALSE(r.ok()) << dump_line(args);
  return r.ok() ? Error{} : r.error();
}

TEST(Request, EmptyInputIsMissingParameterNamingEveryInvariantsInputs) {
  const Error e = error_of(Json::object());
  EXPECT_EQ(e.code, code::kMissingParameter);
  for (const char* needle : {"schemaFile and expectedSchemaHash", "workflowFiles", "driftCheck", "nonceValidation",
                             "contractionCheck", "L0-001", "L0-005"}) {
    EXPECT_NE(e.message.find(needle), std::string::npos) << needle << " in " << e.message;
  }
}

TEST(Request, ContextAloneIsNotAnInput) {
  EXPECT_EQ(error_of(Json{{"context", "owner/repo"}}).code, code::kMissingParameter);
  EXPECT_EQ(error_of(Json{{"checks", {"drift_magnitude"}}}).code, code::kMissingParameter);
}

TEST(Request, SchemaFileWithoutHashNamesTheMissingField) {
  const Error e = error_of(Json{{"schemaFile", "schema.json"}});
  EXPECT_EQ(e.code, code::kMissingParameter);
  EXPECT_EQ(e.message.rfind("schemaFile is given without expectedSchemaHash", 0), 0u) << e.message;
}

TEST(Request, HashWithoutSchemaFileNamesTheMissingField) {
  const Error e = error_of(Json{{"expectedSchemaHash", "deadbeef"}});
  EXPECT_EQ(e.code, code::kMissingParameter);
  EXPECT_EQ(e.message.rfind("expectedSchemaHash is given without schemaFile", 0), 0u) << e.message;
}

TEST(Request, OrgWithoutRuleNamesTheMissingField) {
  const Error e = error_of(Json{{"orgId", "acme"}, {"contractionCheck", {{"previousFPR", 0.2}, {"currentFPR", 0.1}}}});
  EXPECT_EQ(e.code, code::kMissingParameter);
  EXPECT_NE(e.message.find("without ruleId"), std::string::npos) << e.message;
}

TEST(Request, ContractionNeedsACountSource) {
  const Error e = error_of(Json{{"contractionCheck", {{"previousFPR", 0.2}, {"currentFPR", 0.1}}}});
  EXPECT_EQ(e.code, code::kMissingParameter);
  EXPECT_NE(e.message.find("witnessEventCount"), std::string::npos);
  auto ok = parse_request(
      Json{{"orgId", "acme"}, {"ruleId", "MD-101"}, {"contractionCheck", {{"previousFPR", 0.2}, {"currentFPR", 0.1}}}});
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->contraction->witness_event_count);
  EXPECT_EQ(ok->contraction->min_required, kDefaultMinWitnessEvents);
}

TEST(Request, DriftAcceptsReferenceMetricsAndBareValues) {
  auto ref = parse_request(Json::parse(
      R"({"driftCheck":{"currentMetric":{"name":"v","value":200},"baselineMetric":{"name":"v","value":100}}})"));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->drift->current, 200);
  EXPECT_EQ(ref->drift->threshold, 0.5);
  EXPECT_EQ(ref->drift->current_evidence, Json::parse(R"({"name":"v","value":200})"));
  auto bare = parse_request(Json::parse(R"({"driftCheck":{"currentValue":3,"baselineValue":0,"threshold":0.2}})"));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->drift->baseline, 0);
  EXPECT_EQ(bare->drift->threshold, 0.2);
  const Error e = error_of(Json::parse(R"({"driftCheck":{"currentValue":3}})"));
  EXPECT_EQ(e.code, code::kMissingParameter);
  EXPECT_NE(e.message.find("baselineMetric"), std::string::npos);
}

TEST(Request, RequestedCheckWithoutItsInputIsMissingParameter) {
  const Error e = error_of(
      Json::parse(R"({"checks":["drift_magnitude","L0-004"],"driftCheck":{"currentValue":1,"baselineValue":1}})"));
  EXPECT_EQ(e.code, code::kMissingParameter);
  EXPECT_NE(e.message.find("L0-004 nonce_freshness"), std::string::npos) << e.message;
}

TEST(Request, ChecksFilterSelectsByNameOrId) {
  auto r = parse_request(Json::parse(
      R"({"checks":["L0-003"],"driftCheck":{"currentValue":1,"baselineValue":1},"nonceValidation":{"nonce":"n","timestamp":"2026-01-01T00:00:00Z"}})"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->wants(Invariant::kDriftMagnitude));
  EXPECT_FALSE(r->wants(Invariant::kNonceFreshness));
}

TEST(Request, FilesAloneIsAnInput) {
  auto r = parse_request(Json{{"files", Json::array()}, {"context", "x"}});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->files.has_value());
}

}  // namespace
}  // namespace pm::l0
