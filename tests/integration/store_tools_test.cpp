// query_fp_store, check_consent_requirements and the admin commands through the
// real binary, on a fresh embedded store (PHASE_MIRROR_DATA_DIR=<temp dir>).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "store/consent_policy.hpp"
#include "store/services.hpp"
#include "support/server_process.hpp"
#include "util/time.hpp"

namespace pm::test {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out;
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `phase-mirror-mcp <args>` with the data directory; stdout captured, stderr dropped.
CliResult cli(const std::string& data_dir, const std::vector<std::string>& args) {
  std::string cmd = "PHASE_MIRROR_DATA_DIR=" + shell_quote(data_dir) + " " + shell_quote(PM_SERVER_BINARY);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " 2>/dev/null";
  CliResult r;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
  int st = pclose(f);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::vector<std::string> store_env(const TempDir& dir) {
  return {"PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data", "PHASE_MIRROR_WORKSPACE=" + dir.path()};
}

std::int64_t now_ms() {
  return to_epoch_ms(std::chrono::system_clock::now());
}

TEST(StoreTools, SmokeSequenceConsentRequiredThenGrantThenEmptyRate) {
  TempDir dir;
  ServerProcess p({}, store_env(dir));
  p.initialize();
  const Json args{{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "acme"}};
  Json refused = p.call("query_fp_store", args);
  EXPECT_EQ(refused["result"]["isError"], true);
  Json env = envelope(refused);
  EXPECT_EQ(env["success"], false);
  EXPECT_EQ(env["code"], "CONSENT_REQUIRED");
  const std::string message = env["message"];
  EXPECT_NE(message.find("fp_metrics"), std::string::npos) << message;
  EXPECT_NE(message.find("phase-mirror-mcp consent grant --org acme --resources fp_metrics"), std::string::npos)
      << message;
  EXPECT_EQ(env["data"]["details"]["missingConsent"], Json::array({"fp_metrics"}));
  EXPECT_EQ(env["data"]["details"]["learnMore"], "https://phasemirror.com/docs/fp-store-consent");

  auto grant = cli(dir.path() + "/data", {"consent", "grant", "--org", "acme", "--resources", "fp_metrics"});
  ASSERT_EQ(grant.exit_code, 0) << grant.out;

  Json ok = p.call("query_fp_store", args);
  env = envelope(ok);
  EXPECT_EQ(env["success"], true) << env.dump(2);
  EXPECT_EQ(env["decision"], "pass");
  const Json& result = env["data"]["result"];
  EXPECT_EQ(result["totalEvents"], 0);
  EXPECT_EQ(result["confidence"], "low");
  EXPECT_EQ(result["recommendation"], "Insufficient data for reliable recommendation. Need more events.");
  EXPECT_EQ(env["data"]["compliance"]["consentVerified"], true);
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(StoreTools, FpRateIsFalsePositivesOverReviewedEventsInTheWindow) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(cli(data, {"consent", "grant", "--org", "acme", "--resources", "fp_metrics,fp_patterns"}).exit_code, 0);
  const std::string recent = iso8601_ms(from_epoch_ms(now_ms() - 2 * 86'400'000LL));
  const std::string old = iso8601_ms(from_epoch_ms(now_ms() - 40 * 86'400'000LL));
  auto rec = [&](const std::string& finding, const std::string& outcome, const std::string& at) {
    std::vector<std::string> a = {"fp",        "record", "--org",     "acme",  "--rule", "MD-101",
                                  "--finding", finding,  "--outcome", outcome, "--at",   at};
    if (outcome != "pending") {
      a.push_back("--reviewed-by");
      a.push_back("alice");
    }
    auto r = cli(data, a);
    EXPECT_EQ(r.exit_code, 0) << r.out;
  };
  rec("noise", "false_positive", recent);
  rec("noise", "false_positive", recent);
  rec("real-1", "true_positive", recent);
  rec("real-2", "true_positive", recent);
  rec("later", "pending", recent);
  rec("ancient", "false_positive", old);  // outside daysBack 30
  auto review = cli(data, {"fp", "review", "--org", "acme", "--finding", "later", "--outcome", "false_positive",
                           "--reviewed-by", "bob", "--note", "generated file", "--json"});
  ASSERT_EQ(review.exit_code, 0) << review.out;
  EXPECT_EQ(Json::parse(review.out)["updated"], 1);

  ServerProcess p({}, store_env(dir));
  p.initialize();
  Json env = envelope(
      p.call("query_fp_store", {{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "acme"}, {"daysBack", 30}}));
  ASSERT_EQ(env["success"], true) << env.dump(2);
  const Json& r = env["data"]["result"];
  EXPECT_EQ(r["totalEvents"], 5);
  EXPECT_EQ(r["reviewedEvents"], 5);
  EXPECT_EQ(r["falsePositives"], 3);
  EXPECT_EQ(r["truePositives"], 2);
  EXPECT_DOUBLE_EQ(r["fpr"].get<double>(), 0.6);
  EXPECT_EQ(r["confidence"], "low");

  Json patterns = envelope(p.call(
      "query_fp_store", {{"queryType", "recent_patterns"}, {"ruleId", "MD-101"}, {"orgId", "acme"}}))["data"]["result"];
  ASSERT_EQ(patterns["patternsFound"], 2) << patterns.dump(2);
  EXPECT_EQ(patterns["patterns"][0]["findingId"], "noise");
  EXPECT_EQ(patterns["patterns"][0]["frequency"], 2);

  // Another org sees none of it (and needs its own consent).
  Json other =
      envelope(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "globex"}}));
  EXPECT_EQ(other["code"], "CONSENT_REQUIRED");
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(StoreTools, ConsentStatesExpiryRevocationAndPolicyReconsent) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(cli(data, {"consent", "grant", "--org", "acme", "--resources", "fp_metrics,drift_baselines"}).exit_code, 0);
  ASSERT_EQ(cli(data, {"consent", "revoke", "--org", "acme", "--resources", "drift_baselines"}).exit_code, 0);
  {
    // Records the CLI cannot write: an already expired grant and a grant under policy 1.1.
    auto cfg = Config::from_env();
    ASSERT_TRUE(cfg.ok());
    Config c = *cfg;
    c.data_dir = data;
    store::Services services(c);
    auto key = services.org_key("acme");
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto cs = services.consent_store();
    ASSERT_TRUE(cs.ok());
    store::ConsentRecord expired;
    expired.resource = "fp_patterns";
    expired.policy_version = "1.2";
    expired.actor = "alice";
    expired.expires_at_ms = now_ms() - 60'000;
    expired.recorded_at_ms = now_ms() - 120'000;
    store::ConsentRecord older = expired;
    older.resource = "audit_logs";
    older.policy_version = "1.1";
    older.expires_at_ms.reset();
    ASSERT_TRUE((*cs)->append(*key, {expired, older}).ok());
  }
  ServerProcess p({}, store_env(dir));
  p.initialize();
  Json env = envelope(
      p.call("check_consent_requirements",
             {{"orgId", "acme"},
              {"checkType", "validate"},
              {"resources", {"fp_metrics", "fp_patterns", "audit_logs", "drift_baselines", "cross_org_benchmarks"}}}));
  ASSERT_EQ(env["success"], true) << env.dump(2);
  EXPECT_EQ(env["decision"], "warn");
  const Json& v = env["data"]["validation"];
  EXPECT_EQ(v["allValid"], false);
  EXPECT_EQ(v["resourceResults"]["fp_metrics"]["state"], "granted");
  EXPECT_EQ(v["resourceResults"]["fp_metrics"]["valid"], true);
  EXPECT_EQ(v["resourceResults"]["fp_patterns"]["state"], "expired");
  EXPECT_EQ(v["resourceResults"]["audit_logs"]["version"], "1.1");
  EXPECT_EQ(v["resourceResults"]["drift_baselines"]["state"], "revoked");
  EXPECT_EQ(v["resourceResults"]["cross_org_benchmarks"]["state"], "not_requested");
  EXPECT_EQ(v["issues"]["expiredConsents"], Json::array({"fp_patterns"}));
  EXPECT_EQ(v["issues"]["needsReconsent"], Json::array({"audit_logs"}));
  EXPECT_EQ(v["issues"]["missingConsents"], Json::array({"cross_org_benchmarks"}));
  EXPECT_EQ(v["issues"]["revokedConsents"], Json::array({"drift_baselines"}));

  Json summary = envelope(p.call("check_consent_requirements", {{"orgId", "acme"}, {"checkType", "summary"}}));
  const Json& s = summary["data"]["consentSummary"];
  EXPECT_EQ(s["statistics"]["grantedCount"], 1);
  EXPECT_EQ(s["statistics"]["expiredCount"], 1);
  EXPECT_EQ(s["statistics"]["revokedCount"], 1);
  EXPECT_EQ(s["statistics"]["coveragePercent"], 17);
  EXPECT_EQ(s["needsReconsent"], true);

  Json op = envelope(p.call("check_consent_requirements", {{"orgId", "acme"},
                                                           {"checkType", "required_for_operation"},
                                                           {"tool", "query_fp_store"},
                                                           {"operation", "cross_rule_comparison"}}));
  EXPECT_EQ(op["decision"], "warn") << "block, lowered to warn by the local-environment floor";
  EXPECT_EQ(op["data"]["canProceed"], false);
  EXPECT_EQ(op["data"]["requiredConsents"]["requiredResources"], Json::array({"fp_patterns", "cross_org_benchmarks"}));
  EXPECT_EQ(op["data"]["blockedReason"], "Missing consent for: fp_patterns, cross_org_benchmarks");

  Json fresh = envelope(p.call("check_consent_requirements", {{"orgId", "nobody"}, {"checkType", "summary"}}));
  EXPECT_EQ(fresh["data"]["consentSummary"]["hasAnyConsent"], false);
  EXPECT_EQ(fresh["data"]["consentSummary"]["statistics"]["notRequestedCount"], 6);
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(StoreTools, UnusableDataDirectoryIsStoreUnavailableNotACrash) {
  TempDir dir;
  const std::string file = dir.write("not-a-dir", "x");
  ServerProcess p({}, {"PHASE_MIRROR_DATA_DIR=" + file + "/data", "PHASE_MIRROR_WORKSPACE=" + dir.path()});
  p.initialize();
  Json env = envelope(p.call("check_consent_requirements",
                             {{"orgId", "acme"}, {"checkType", "validate"}, {"resources", {"fp_metrics"}}}));
  EXPECT_EQ(env["success"], false);
  EXPECT_EQ(env["code"], "STORE_UNAVAILABLE");
  Json q = envelope(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "acme"}}));
  EXPECT_EQ(q["code"], "STORE_UNAVAILABLE") << "consent is fail-closed";
  Json info = p.call("get_server_info", Json::object());
  EXPECT_FALSE(info["result"].contains("isError") && info["result"]["isError"] == true);
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
  auto r = cli(file + "/data", {"consent", "show", "--org", "acme", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Json::parse(r.out)["code"], "STORE_UNAVAILABLE");
}

TEST(StoreTools, AdminCommandsUsageErrorsExitTwo) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  EXPECT_EQ(cli(data, {"consent", "grant", "--org", "acme"}).exit_code, 2);
  EXPECT_EQ(cli(data, {"consent", "grant", "--org", "acme", "--resources", "bogus"}).exit_code, 2);
  EXPECT_EQ(cli(data, {"fp", "record", "--org", "acme"}).exit_code, 2);
  EXPECT_EQ(cli(data, {"fp", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(cli(data, {"store", "init", "--bogus"}).exit_code, 2);
  EXPECT_EQ(cli(data, {"fp", "--help"}).exit_code, 0);
  EXPECT_EQ(cli(data, {"nonce", "--help"}).exit_code, 0);
  auto unknown = cli(data, {"fp", "review", "--org", "acme", "--event", "00000000-0000-4000-8000-000000000000",
                            "--outcome", "false_positive", "--reviewed-by", "bob", "--json"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(Json::parse(unknown.out)["code"], "INVALID_INPUT");
  auto init = cli(data, {"store", "init", "--json"});
  ASSERT_EQ(init.exit_code, 0);
  EXPECT_EQ(Json::parse(init.out)["schemaVersion"], 1);
  auto rotate = cli(data, {"nonce", "rotate", "--kind", "org_salt", "--json"});
  ASSERT_EQ(rotate.exit_code, 0) << rotate.out;
  EXPECT_EQ(Json::parse(rotate.out)["version"], 2);
}

TEST(StoreTools, FiveOrgSaltRotationsKeepEveryEventAndGrantReachable) {
  // One FP event and one consent grant under each of six org-salt versions,
  // written and rotated by the CLI, then read by the server.
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const char* resources[] = {"fp_metrics",       "fp_patterns", "cross_org_benchmarks",
                             "rule_calibration", "audit_logs",  "drift_baselines"};
  for (int v = 0; v < 6; ++v) {
    if (v > 0) {
      auto rotate = cli(data, {"nonce", "rotate", "--kind", "org_salt", "--json"});
      ASSERT_EQ(rotate.exit_code, 0) << rotate.out;
      EXPECT_EQ(Json::parse(rotate.out)["version"], v + 1);
    }
    const std::string finding = "f-" + std::to_string(v);
    auto rec = cli(data, {"fp", "record", "--org", "acme", "--rule", "MD-101", "--finding", finding, "--outcome",
                          "false_positive", "--reviewed-by", "alice"});
    ASSERT_EQ(rec.exit_code, 0) << rec.out;
    ASSERT_EQ(cli(data, {"consent", "grant", "--org", "acme", "--resources", resources[v]}).exit_code, 0);
  }
  auto shown = cli(data, {"nonce", "show", "--kind", "org_salt", "--json"});
  ASSERT_EQ(shown.exit_code, 0);
  EXPECT_EQ(Json::parse(shown.out)["versions"].size(), 6u);

  ServerProcess p({}, store_env(dir));
  p.initialize();
  Json rate = envelope(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "acme"}}));
  ASSERT_EQ(rate["success"], true) << rate.dump(2);
  EXPECT_EQ(rate["data"]["result"]["totalEvents"], 6);
  EXPECT_EQ(rate["data"]["result"]["falsePositives"], 6);
  Json patterns = envelope(p.call(
      "query_fp_store", {{"queryType", "recent_patterns"}, {"ruleId", "MD-101"}, {"orgId", "acme"}}))["data"]["result"];
  EXPECT_EQ(patterns["patternsFound"], 6) << patterns.dump(2);
  Json summary = envelope(p.call("check_consent_requirements", {{"orgId", "acme"}, {"checkType", "summary"}}));
  EXPECT_EQ(summary["data"]["consentSummary"]["statistics"]["grantedCount"], 6) << summary.dump(2);
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(StoreTools, CrossRuleComparisonNeedsTenOrgsForCrossOrgResults) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(
      cli(data, {"consent", "grant", "--org", "org-0", "--resources", "fp_patterns,cross_org_benchmarks"}).exit_code,
      0);
  auto cfg = Config::from_env();
  ASSERT_TRUE(cfg.ok());
  Config c = *cfg;
  c.data_dir = data;
  auto record_orgs = [&](int from, int to) {
    store::Services services(c);
    auto fp = services.fp_store();
    ASSERT_TRUE(fp.ok());
    for (int i = from; i < to; ++i) {
      auto key = services.org_key("org-" + std::to_string(i));
      ASSERT_TRUE(key.ok());
      store::FpRecord r;
      r.rule_id = "MD-105";
      r.finding_id = "f" + std::to_string(i);
      r.outcome = i % 2 == 0 ? store::FpOutcome::kFalsePositive : store::FpOutcome::kTruePositive;
      r.reviewed_by = "alice";
      ASSERT_TRUE((*fp)->record(*key, r).ok());
    }
  };
  const Json args{{"queryType", "cross_rule_comparison"}, {"orgId", "org-0"}, {"ruleIds", {"MD-105", "MD-101"}}};
  record_orgs(0, 9);
  {
    ServerProcess p({}, store_env(dir));
    p.initialize();
    Json r = envelope(p.call("query_fp_store", args))["data"]["result"];
    EXPECT_EQ(r["scope"], "organization") << r.dump(2);
    EXPECT_NE(r["note"].get<std::string>().find("at least 10 distinct organisations"), std::string::npos);
    EXPECT_EQ(r["rules"][0]["ruleId"], "MD-105");
    EXPECT_EQ(r["rules"][0]["reviewedEvents"], 1) << "only org-0's own event";
    p.close_stdin();
    p.wait_exit();
  }
  record_orgs(9, 10);
  ServerProcess p({}, store_env(dir));
  p.initialize();
  Json r = envelope(p.call("query_fp_store", args))["data"]["result"];
  EXPECT_EQ(r["scope"], "cross_org") << r.dump(2);
  EXPECT_EQ(r["contributingOrganizations"], 10);
  EXPECT_EQ(r["rules"][0]["ruleId"], "MD-105");
  EXPECT_EQ(r["rules"][0]["reviewedEvents"], 10);
  EXPECT_EQ(r["rules"][0]["falsePositives"], 5);
  EXPECT_EQ(r["rules"][0]["needsCalibration"], true);
  EXPECT_EQ(r["rules"][1]["totalEvents"], 0);
  p.close_stdin();
  p.wait_exit();
}

TEST(StoreTools, FpStoreDownDegradesTheQueryWhileConsentStillGates) {
  // The FP store is DynamoDB at a port where nothing listens; consent stays local.
  TempDir dir;
  const std::string data = dir.path() + "/data";
  ASSERT_EQ(cli(data, {"consent", "grant", "--org", "acme", "--resources", "fp_metrics"}).exit_code, 0);
  std::vector<std::string> env = store_env(dir);
  for (const char* e :
       {"FP_TABLE_NAME=phase-mirror-fp", "AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_MAX_ATTEMPTS=1",
        "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_EC2_METADATA_DISABLED=true"}) {
    env.push_back(e);
  }
  ServerProcess p({}, env);
  p.initialize();
  Json ok = envelope(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "acme"}}));
  EXPECT_EQ(ok["success"], true) << ok.dump(2);
  EXPECT_EQ(ok["data"]["result"]["confidence"], "unavailable");
  ASSERT_TRUE(ok["data"].contains("degradedMode")) << ok.dump(2);
  EXPECT_NE(ok["data"]["degradedMode"]["reason"].get<std::string>().find("FP store unavailable"), std::string::npos);
  Json refused =
      envelope(p.call("query_fp_store", {{"queryType", "fp_rate"}, {"ruleId", "MD-101"}, {"orgId", "globex"}}));
  EXPECT_EQ(refused["code"], "CONSENT_REQUIRED");
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(StoreTools, ServerInfoShowsEachStoreWithoutOpeningIt) {
  TempDir dir;
  ServerProcess p({}, store_env(dir));
  p.initialize();
  Json info = p.call("get_server_info", Json::object())["result"]["structuredContent"];
  EXPECT_EQ(info["storage"]["backend"], "sqlite");
  EXPECT_EQ(info["storage"]["consentStore"]["backend"], "sqlite");
  EXPECT_EQ(info["storage"]["consentStore"]["status"], "not opened yet");
  EXPECT_EQ(info["storage"]["nonceSource"]["status"], "not opened yet");
  EXPECT_FALSE(std::ifstream(dir.path() + "/data/phase-mirror.db").good()) << "nothing is created before first use";
  p.call("check_consent_requirements", {{"orgId", "acme"}, {"checkType", "summary"}});
  info = p.call("get_server_info", Json::object())["result"]["structuredContent"];
  EXPECT_EQ(info["storage"]["consentStore"]["status"], "ok");
  EXPECT_EQ(info["storage"]["nonceSource"]["status"], "ok");
  EXPECT_EQ(info["storage"]["fpStore"]["status"], "not opened yet");
  p.close_stdin();
  EXPECT_EQ(p.wait_exit(), 0);

  const std::string file = dir.write("plain", "x");
  ServerProcess broken({}, {"PHASE_MIRROR_DATA_DIR=" + file + "/data", "PHASE_MIRROR_WORKSPACE=" + dir.path()});
  broken.initialize();
  broken.call("check_consent_requirements", {{"orgId", "acme"}, {"checkType", "summary"}});
  info = broken.call("get_server_info", Json::object())["result"]["structuredContent"];
  EXPECT_EQ(info["storage"]["nonceSource"]["status"], "unavailable");
  EXPECT_FALSE(info["storage"]["nonceSource"]["reason"].get<std::string>().empty());
  broken.close_stdin();
  EXPECT_EQ(broken.wait_exit(), 0);
}

}  // namespace
}  // namespace pm::test
