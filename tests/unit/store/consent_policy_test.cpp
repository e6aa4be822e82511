// Consent states from the newest record, policy 1.2 constants and the grant command.
#include "store/consent_policy.hpp"

#include <gtest/gtest.h>

namespace pm::store::consent {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

ConsentRecord rec(ConsentAction a, const std::string& version = "1.2", std::optional<std::int64_t> expires = {}) {
  ConsentRecord r;
  r.resource = "fp_metrics";
  r.action = a;
  r.policy_version = version;
  r.expires_at_ms = expires;
  r.recorded_at_ms = kNow - 1000;
  return r;
}

TEST(ConsentPolicy, StatesFollowTheNewestRecord) {
  EXPECT_EQ(evaluate("fp_metrics", nullptr, kNow).state, State::kNotRequested);
  auto g = rec(ConsentAction::kGranted);
  auto s = evaluate("fp_metrics", &g, kNow);
  EXPECT_EQ(s.state, State::kGranted);
  EXPECT_TRUE(s.granted);
  EXPECT_EQ(s.granted_at_ms, kNow - 1000);
  auto r = rec(ConsentAction::kRevoked);
  EXPECT_EQ(evaluate("fp_metrics", &r, kNow).state, State::kRevoked);
  auto p = rec(ConsentAction::kPending);
  EXPECT_EQ(evaluate("fp_metrics", &p, kNow).state, State::kPending);
}

TEST(ConsentPolicy, ExpiryIsInclusiveOfNow) {
  auto future = rec(ConsentAction::kGranted, "1.2", kNow + 1);
  EXPECT_TRUE(evaluate("fp_metrics", &future, kNow).granted);
  auto at_now = rec(ConsentAction::kGranted, "1.2", kNow);
  auto s = evaluate("fp_metrics", &at_now, kNow);
  EXPECT_EQ(s.state, State::kExpired);
  EXPECT_FALSE(s.granted);
}

TEST(ConsentPolicy, GrantUnderOlderPolicyNeedsReconsent) {
  auto old = rec(ConsentAction::kGranted, "1.1");
  auto s = evaluate("fp_metrics", &old, kNow);
  EXPECT_FALSE(s.granted);
  EXPECT_TRUE(s.needs_reconsent);
  EXPECT_EQ(s.version, "1.1");
  EXPECT_NE(s.reason.find("1.2"), std::string::npos);
}

TEST(ConsentPolicy, ToolRequirementsAndPolicyConstants) {
  EXPECT_EQ(required_resources("query_fp_store", "fp_rate"), std::vector<std::string>{"fp_metrics"});
  EXPECT_EQ(required_resources("query_fp_store", "cross_rule_comparison"),
            (std::vector<std::string>{"fp_patterns", "cross_org_benchmarks"}));
  EXPECT_TRUE(required_resources("query_fp_store", "calibration").empty());
  ASSERT_EQ(resources().size(), 6u);
  EXPECT_STREQ(resources()[0].name, "fp_patterns");
  Json p = policy_json();
  EXPECT_EQ(p["version"], "1.2");
  EXPECT_EQ(p["effectiveDate"], "2026-01-01");
  EXPECT_EQ(p["resources"]["cross_org_benchmarks"]["riskLevel"], "high");
}

TEST(ConsentPolicy, GrantCommandQuotesUnusualOrgNames) {
  EXPECT_EQ(grant_command("acme", {"fp_metrics"}), "phase-mirror-mcp consent grant --org acme --resources fp_metrics");
  EXPECT_EQ(grant_command("it's me", {"fp_metrics", "fp_patterns"}),
            "phase-mirror-mcp consent grant --org 'it'\\''s me' --resources fp_metrics,fp_patterns");
}

}  // namespace
}  // namespace pm::store::consent
