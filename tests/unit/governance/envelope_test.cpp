#include "governance/envelope.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace pm::governance {
namespace {

struct Cell {
  Tier tier;
  Environment env;
  std::string tool_decision;  // what the tool asked for
  std::string want_decision;
  bool want_degraded;                 // degradedMode present and true
  std::optional<bool> want_is_error;  // when the tool set none
};

class EnvelopeMatrix : public ::testing::TestWithParam<Cell> {};

TEST_P(EnvelopeMatrix, FloorsMatchTheReferenceMatrix) {
  const Cell& c = GetParam();
  RawResponse raw;
  raw.decision = c.tool_decision;
  raw.data = Json{{"k", 1}};
  Json env = normalize(raw, {c.tier, c.env, "1-abc", "2026-01-01T00:00:00.000Z"});
  EXPECT_EQ(env["decision"], c.want_decision);
  EXPECT_EQ(env.contains("degradedMode"), c.want_degraded);
  if (c.want_degraded) {
    EXPECT_EQ(env["degradedMode"], true);
  }
  if (c.want_is_error) {
    ASSERT_TRUE(env.contains("isError"));
    EXPECT_EQ(env["isError"], *c.want_is_error);
  } else {
    EXPECT_FALSE(env.contains("isError"));
  }
  EXPECT_EQ(env["tier"], to_string(c.tier));
  EXPECT_EQ(env["environment"], to_string(c.env));
  EXPECT_EQ(env["data"], (Json{{"k", 1}}));
}

constexpr auto A = Tier::kAuthoritative;
constexpr auto X = Tier::kExperimental;
constexpr auto L = Environment::kLocal;
constexpr auto C = Environment::kCloud;

INSTANTIATE_TEST_SUITE_P(AllCells, EnvelopeMatrix,
                         ::testing::Values(
                             // authoritative + cloud: binding, unchanged
                             Cell{A, C, "block", "block", false, std::nullopt},
                             Cell{A, C, "warn", "warn", false, std::nullopt},
                             Cell{A, C, "pass", "pass", false, std::nullopt},
                             // authoritative + local: advisory, degraded, isError false
                             Cell{A, L, "block", "warn", true, false}, Cell{A, L, "warn", "warn", true, false},
                             Cell{A, L, "pass", "pass", true, false},
                             // experimental: never blocks; isError false only when a clamp happened
                             Cell{X, C, "block", "warn", false, false}, Cell{X, C, "warn", "warn", false, std::nullopt},
                             Cell{X, C, "pass", "pass", false, std::nullopt}, Cell{X, L, "block", "warn", false, false},
                             Cell{X, L, "warn", "warn", false, std::nullopt},
                             Cell{X, L, "pass", "pass", false, std::nullopt}));

TEST(Envelope, KeyOrderIsTheDocumentedOne) {
  RawResponse raw;
  raw.success = false;
  raw.code = "INVALID_INPUT";
  raw.message = "bad";
  raw.is_error = true;
  raw.decision = "warn";
  Json env = normalize(raw, {A, L, "r", "t"});
  std::vector<std::string> keys;
  for (auto it = env.begin(); it != env.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"success", "code", "message", "isError", "tier", "environment", "decision",
                                            "degradedMode", "tierBadge", "environmentBadge", "decisionBadge",
                                            "requestId", "timestamp", "data"}));
}

TEST(Envelope, ErrorKeepsIsErrorTrueInLocalMode) {
  // GAP-10 fix: the envelope and the MCP result agree.
  RawResponse raw;
  raw.success = false;
  raw.code = "INVALID_INPUT";
  raw.is_error = true;
  Json env = normalize(raw, {A, L, "r", "t"});
  EXPECT_EQ(env["isError"], true);
  EXPECT_FALSE(env.contains("decision"));
  EXPECT_FALSE(env.contains("decisionBadge"));
}

TEST(Envelope, ExperimentalStripsInvariantViolationButKeepsConsentRequired) {
  RawResponse inv;
  inv.code = "INVARIANT_VIOLATION";
  inv.decision = "block";
  Json e1 = normalize(inv, {X, C, "r", "t"});
  EXPECT_FALSE(e1.contains("code"));
  EXPECT_EQ(e1["decision"], "warn");

  RawResponse consent;
  consent.success = false;
  consent.code = "CONSENT_REQUIRED";
  consent.is_error = true;
  Json e2 = normalize(consent, {X, L, "r", "t"});
  EXPECT_EQ(e2["code"], "CONSENT_REQUIRED");
  EXPECT_EQ(e2["isError"], true);
}

TEST(Envelope, AuthoritativeKeepsL0Codes) {
  RawResponse raw;
  raw.code = "INVARIANT_VIOLATION";
  raw.decision = "block";
  EXPECT_EQ(normalize(raw, {A, L, "r", "t"})["code"], "INVARIANT_VIOLATION");
  EXPECT_EQ(normalize(raw, {A, C, "r", "t"})["code"], "INVARIANT_VIOLATION");
}

TEST(Envelope, Badges) {
  RawResponse raw;
  raw.decision = "block";
  Json e = normalize(raw, {A, C, "r", "t"});
  EXPECT_EQ(e["tierBadge"], "\xF0\x9F\x94\x92 Authoritative");
  EXPECT_EQ(e["environmentBadge"], "\xE2\x98\x81\xEF\xB8\x8F Cloud (binding)");
  EXPECT_EQ(e["decisionBadge"], "\xF0\x9F\x9B\x91 Block");
  raw.decision = "pass";
  Json l = normalize(raw, {X, L, "r", "t"});
  EXPECT_EQ(l["tierBadge"], "\xF0\x9F\xA7\xAA Experimental");
  EXPECT_EQ(l["environmentBadge"], "\xF0\x9F\x92\xBB Local (degraded)");
  EXPECT_EQ(l["decisionBadge"], "\xE2\x9C\x85 Pass");
  raw.decision = "warn";
  EXPECT_EQ(normalize(raw, {A, C, "r", "t"})["decisionBadge"], "\xE2\x9A\xA0\xEF\xB8\x8F Warn");
}

TEST(Envelope, UnknownDecisionPassesThroughWithoutBadge) {
  RawResponse raw;
  raw.decision = "maybe";
  Json e = normalize(raw, {A, C, "r", "t"});
  EXPECT_EQ(e["decision"], "maybe");
  EXPECT_FALSE(e.contains("decisionBadge"));
}

TEST(Envelope, RequestIdHasTheReferenceShape) {
  const std::string id = make_request_id();
  EXPECT_TRUE(std::regex_match(id, std::regex("^[0-9]{13}-[0-9a-z]{9}$"))) << id;
  EXPECT_NE(id, make_request_id());
}

}  // namespace
}  // namespace pm::governance
