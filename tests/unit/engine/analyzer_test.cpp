// The analyze_dissonance engine: decision thresholds, summary text, finding
// ids, policy and protection parsing, MD-001/004/005/102, fail-closed rules
// and per-file errors, on real files in a temporary workspace.
#include "engine/analyzer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "engine/baseline.hpp"
#include "engine/decision.hpp"
#include "engine/policy.hpp"
#include "engine/report.hpp"
#include "engine/rules/rules.hpp"
#include "support/server_process.hpp"
#include "util/crypto.hpp"

namespace pm::engine {
namespace {

std::vector<Finding> of(int critical, int high, int medium, int low) {
  std::vector<Finding> v;
  auto add = [&](int n, Severity sev) {
    for (int i = 0; i < n; ++i) {
      Finding f;
      f.rule_id = "MD-900";
      f.severity = sev;
      f.message = "m";
      v.push_back(f);
    }
  };
  add(critical, Severity::kCritical);
  add(high, Severity::kHigh);
  add(medium, Severity::kMedium);
  add(low, Severity::kLow);
  return v;
}

std::string outcome(const std::vector<Finding>& f, bool strict = false, bool dry = false) {
  DecisionInput in;
  in.mode = "pull_request";
  in.strict = strict;
  in.dry_run = dry;
  return make_decision(f, in).outcome;
}

TEST(Decision, DefaultThresholdBoundaries) {
  EXPECT_EQ(outcome(of(0, 0, 0, 0)), "allow");
  EXPECT_EQ(outcome(of(1, 0, 0, 0)), "block");
  EXPECT_EQ(outcome(of(0, 3, 0, 0)), "allow");
  EXPECT_EQ(outcome(of(0, 4, 0, 0)), "block");
  EXPECT_EQ(outcome(of(0, 0, 10, 0)), "allow");
  EXPECT_EQ(outcome(of(0, 0, 11, 0)), "block");
  EXPECT_EQ(outcome(of(0, 0, 0, 100)), "allow");
}

TEST(Decision, StrictThresholdBoundaries) {
  EXPECT_EQ(outcome(of(0, 0, 0, 0), true), "allow");
  EXPECT_EQ(outcome(of(1, 0, 0, 0), true), "block");
  EXPECT_EQ(outcome(of(0, 1, 0, 0), true), "block");
  EXPECT_EQ(outcome(of(0, 0, 5, 0), true), "allow");
  EXPECT_EQ(outcome(of(0, 0, 6, 0), true), "block");
  EXPECT_EQ(outcome(of(0, 0, 0, 50), true), "allow");
}

TEST(Decision, ReasonsFollowTheReference) {
  DecisionInput in;
  in.mode = "pull_request";
  auto d = make_decision(of(0, 0, 0, 0), in);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"No violations detected"});
  d = make_decision(of(0, 2, 1, 3), in);
  EXPECT_EQ(d.outcome, "allow");
  EXPECT_EQ(d.reasons, std::vector<std::string>{"Minor violations within thresholds: Low: 3, Medium: 1, High: 2"});
  d = make_decision(of(0, 0, 0, 2), in);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"Minor violations within thresholds: Low: 2"});
  d = make_decision(of(0, 1, 0, 0), in);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"Minor violations within thresholds: Low: 0, High: 1"});
  d = make_decision(of(1, 2, 3, 0), in);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"Critical violations: 1, High: 2, Medium: 3"});
}

TEST(Decision, DryRunTurnsBlockIntoWarnWithReason) {
  DecisionInput in;
  in.mode = "pull_request";
  in.dry_run = true;
  const auto d = make_decision(of(1, 0, 0, 0), in);
  EXPECT_EQ(d.outcome, "warn");
  ASSERT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(d.reasons[1], "Dry-run mode: would block but allowing with warning");
  EXPECT_EQ(outcome(of(0, 1, 0, 0), false, true), "allow");
}

TEST(Decision, CircuitBreakerDegradesOnlyABlock) {
  DecisionInput in;
  in.mode = "pull_request";
  in.circuit_breaker_tripped = true;
  auto d = make_decision(of(1, 0, 0, 0), in);
  EXPECT_EQ(d.outcome, "warn");
  EXPECT_TRUE(d.degraded);
  EXPECT_EQ(d.reasons.back(), "Circuit breaker tripped - too many blocks in current hour");
  d = make_decision(of(0, 0, 0, 0), in);
  EXPECT_EQ(d.outcome, "allow");
  EXPECT_FALSE(d.degraded);
}

TEST(Decision, FileErrorsAreNeverAPass) {
  DecisionInput in;
  in.mode = "pull_request";
  in.file_errors = 2;
  const auto d = make_decision({}, in);
  EXPECT_EQ(d.outcome, "warn");
  EXPECT_EQ(d.reasons, std::vector<std::string>{"Files not analysed: 2 (see fileErrors)"});
  EXPECT_EQ(envelope_decision("allow"), "pass");
  EXPECT_EQ(envelope_decision("warn"), "warn");
  EXPECT_EQ(envelope_decision("block"), "block");
}

TEST(Decision, EvaluationErrorsAreNamedInTheReason) {
  auto f = of(1, 0, 0, 0);
  f[0].rule_id = "MD-777";
  f[0].context = Json{{"isEvaluationError", true}};
  auto more = of(1, 0, 0, 0);
  f.push_back(more[0]);
  DecisionInput in;
  const auto d = make_decision(f, in);
  EXPECT_EQ(d.reasons[0], "Critical violations: 2 (including 1 rule evaluation error(s): MD-777), High: 0, Medium: 0");
}

TEST(Summary, ExactReferenceFormat) {
  Decision d;
  d.outcome = "block";
  d.timestamp = "2026-01-01T00:00:00.000Z";
  d.mode = "pull_request";
  d.reasons = {"Critical violations: 1, High: 0, Medium: 0"};
  auto f = of(1, 0, 0, 0);
  f[0].rule_id = "MD-004";
  f[0].message = "Missing audit trail";
  const std::string bar(60, '=');
  EXPECT_EQ(summary_text(d, f), bar + "\nMIRROR DISSONANCE PROTOCOL - ORACLE ANALYSIS\n" + bar +
                                    "\n\nDecision: BLOCK\nTimestamp: 2026-01-01T00:00:00.000Z\nMode: pull_request\n\n"
                                    "Reasons:\n  - Critical violations: 1, High: 0, Medium: 0\n\nViolations:\n"
                                    "  [CRITICAL] MD-004: Missing audit trail\n\n" +
                                    bar);
  d.outcome = "allow";
  d.reasons = {"No violations detected"};
  EXPECT_NE(summary_text(d, {}).find("Reasons:\n  - No violations detected\n\nNo violations detected.\n\n" + bar),
            std::string::npos);
}

TEST(FindingId, StableAcrossWhitespaceAndDistinctPerRuleFileEvidence) {
  const auto a = finding_id("MD-104", ".github/workflows/ci.yml", "run: echo ${{ github.head_ref }}");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, finding_id("MD-104", ".github/workflows/ci.yml", "  run:   echo\t${{ github.head_ref }}\n"));
  EXPECT_NE(a, finding_id("MD-103", ".github/workflows/ci.yml", "run: echo ${{ github.head_ref }}"));
  EXPECT_NE(a, finding_id("MD-104", ".github/workflows/other.yml", "run: echo ${{ github.head_ref }}"));
  EXPECT_NE(a, finding_id("MD-104", ".github/workflows/ci.yml", "run: echo ${{ github.base_ref }}"));
}

TEST(Report, CountsAndAdrReferences) {
  auto f = of(2, 1, 0, 0);
  f[0].adr_refs = {"ADR-010"};
  f[1].message = "see ADR-003 and ADR-003; not XADR-123 nor ADR-12";
  const auto r = make_report(11, f);
  EXPECT_EQ(to_json(r), (Json{{"rulesChecked", 11}, {"violationsFound", 3}, {"criticalIssues", 2}}));
  EXPECT_EQ(adr_references(f), (std::vector<std::string>{"ADR-003", "ADR-010"}));
}

TEST(Policy, ParsesFieldsAndCeiling) {
  auto p = parse_policy(R"({"schemaVersion":"1.0.0","mergeQueue":{"allowBypassForAdmins":true,
      "requireLinearHistory":true},"workflowPermissions":{"contents":"write","id-token":"none"}})",
                        "policy.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_TRUE(p->loaded);
  EXPECT_TRUE(p->allow_bypass_for_admins);
  EXPECT_TRUE(p->require_linear_history);
  EXPECT_TRUE(p->required_for_default_branch);
  EXPECT_EQ(p->permission_ceiling("contents"), "write");
  EXPECT_EQ(p->permission_ceiling("id-token"), "none");
  EXPECT_EQ(p->permission_ceiling("issues"), "read");
}

TEST(Policy, InvalidFilesNameTheField) {
  struct Case {
    const char* text;
    const char* field;
  };
  for (const auto& c :
       {Case{"not json", ""}, Case{"[]", ""}, Case{R"({"mergeQueue":{}})", "schemaVersion"},
        Case{R"({"schemaVersion":"2.0.0"})", "schemaVersion"},
        Case{R"({"schemaVersion":"1.0.0","mergeQueue":{"allowBypassForAdmins":"no"}})",
             "mergeQueue.allowBypassForAdmins"},
        Case{R"({"schemaVersion":"1.0.0","mergeQueue":{"typo":true}})", "mergeQueue.typo"},
        Case{R"({"schemaVersion":"1.0.0","workflowPermissions":{"contents":"admin"}})", "workflowPermissions.contents"},
        Case{R"({"schemaVersion":"1.0.0","workflowPermissions":{"kontents":"read"}})",
             "workflowPermissions.kontents"}}) {
    auto p = parse_policy(c.text, "p.json");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_EQ(p.error().code, code::kInvalidInput);
    EXPECT_EQ(p.error().details["field"], c.field) << c.text;
    if (*c.field != '\0') {
      EXPECT_NE(p.error().message.find(c.field), std::string::npos);
    }
  }
}

TEST(Protection, MappingOfTheGitHubSnapshot) {
  auto s = parse_branch_protection(R"({"url":"u","enforce_admins":{"enabled":true},
      "required_linear_history":{"enabled":true},"required_pull_request_reviews":{"required_approving_review_count":1},
      "required_status_checks":{"strict":true,"contexts":["ci/test"],"checks":[{"context":"ci/test"},{"context":"lint"}]}})",
                                   "bp.json");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->has_value());
  const auto bp = map_branch_protection(*s);
  EXPECT_TRUE(bp.enabled);
  EXPECT_FALSE(bp.allow_admins_bypass);
  EXPECT_TRUE(bp.require_pull_request);
  EXPECT_FALSE(bp.allow_direct_pushes);
  EXPECT_TRUE(bp.require_linear_history);
  EXPECT_TRUE(bp.strict_status_checks);
  EXPECT_EQ(bp.contexts, (std::vector<std::string>{"ci/test", "lint"}));

  const auto open = map_branch_protection(Json{{"url", "u"}, {"enforce_admins", {{"enabled", false}}}});
  EXPECT_TRUE(open.enabled);
  EXPECT_TRUE(open.allow_admins_bypass);
  EXPECT_TRUE(open.allow_direct_pushes);
  EXPECT_FALSE(open.has_status_checks);
}

TEST(Protection, NotFoundBodyMeansDisabledAndBadFieldsAreNamed) {
  auto s = parse_branch_protection(R"({"message":"Branch not protected","documentation_url":"x"})", "bp.json");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->has_value());
  EXPECT_FALSE(map_branch_protection(*s).enabled);
  auto bad = parse_branch_protection(R"({"url":"u","required_status_checks":{"strict":"yes"}})", "bp.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, code::kInvalidInput);
  EXPECT_EQ(bad.error().details["field"], "required_status_checks.strict");
  bad = parse_branch_protection("{", "bp.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, code::kInvalidInput);
}

// --- rules -----------------------------------------------------------------

std::vector<Finding> run_rule(const std::unique_ptr<Rule>& rule, const AnalysisInput& in) {
  std::vector<Finding> out;
  rule->evaluate(in, out);
  return out;
}

Json protection(bool strict_checks) {
  return Json{{"url", "u"},
              {"enforce_admins", {{"enabled", true}}},
              {"required_linear_history", {{"enabled", true}}},
              {"required_pull_request_reviews", Json::object()},
              {"required_status_checks", {{"strict", strict_checks}, {"contexts", {"build"}}}}};
}

TEST(MD001, MergeGroupNeedsStrictProtection) {
  const auto rule = rules::make_md_001();
  AnalysisInput in;
  in.mode = "merge_group";
  auto f = run_rule(rule, in);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_EQ(f[0].evidence, "branchProtectionFile: not given");

  in.branch_protection_given = true;
  in.branch_protection_path = "bp.json";
  f = run_rule(rule, in);  // given but disabled
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].file, "bp.json");
  EXPECT_EQ(f[0].evidence, "branch protection: disabled");

  in.branch_protection = protection(false);
  f = run_rule(rule, in);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].evidence, "required_status_checks.strict: false");

  in.branch_protection = protection(true);
  EXPECT_TRUE(run_rule(rule, in).empty());
  in.branch_protection = protection(false);
  in.mode = "pull_request";
  EXPECT_TRUE(run_rule(rule, in).empty());
}

TEST(MD004, StrictModeNeedsAuthorAndCommit) {
  const auto rule = rules::make_md_004();
  AnalysisInput in;
  EXPECT_TRUE(run_rule(rule, in).empty());
  in.strict = true;
  in.author = "octocat";
  auto f = run_rule(rule, in);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::kCritical);
  EXPECT_EQ(f[0].context["hasAuthor"], true);
  EXPECT_EQ(f[0].context["hasCommitSha"], false);
  in.commit_sha = "abc123";
  EXPECT_TRUE(run_rule(rule, in).empty());
}

FileData file(const std::string& rel, const std::string& content) {
  FileData d;
  d.path = ResolvedPath{rel, "/w/" + rel, rel};
  d.bytes = content;
  d.sha256 = sha256_hex(content);
  d.kind = classify(rel);
  return d;
}

TEST(MD005, DriftAgainstTheBaseline) {
  const auto rule = rules::make_md_005();
  AnalysisInput in;
  in.mode = "drift";
  auto f = run_rule(rule, in);
  ASSERT_EQ(f.size(), 1u);  // no baseline
  EXPECT_EQ(f[0].severity, Severity::kLow);

  const std::string same = "name: same\n";
  auto baseline = parse_baseline(Json{{"files",
                                       {{".github/workflows/same.yml", sha256_hex(same)},
                                        {".github/workflows/ci.yml", sha256_hex("old")},
                                        {"docs/adr/ADR-001-x.md", sha256_hex("adr")},
                                        {"src/main.cpp", sha256_hex("old code")}}}}
                                     .dump(),
                                 "baseline.json");
  ASSERT_TRUE(baseline.ok()) << baseline.error().message;
  in.baseline = *baseline;
  in.files = {file(".github/workflows/same.yml", same), file(".github/workflows/ci.yml", "new"),
              file(".github/CODEOWNERS", "* @team"), file("src/main.cpp", "new code")};
  in.absent_paths = {"docs/adr/ADR-001-x.md"};
  f = run_rule(rule, in);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].file, ".github/workflows/ci.yml");
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_EQ(f[0].context["change"], "modified");
  EXPECT_EQ(f[1].file, ".github/CODEOWNERS");
  EXPECT_EQ(f[1].severity, Severity::kLow);
  EXPECT_EQ(f[1].context["change"], "added");
  EXPECT_EQ(f[2].file, "docs/adr/ADR-001-x.md");
  EXPECT_EQ(f[2].context["change"], "removed");

  in.mode = "pull_request";
  EXPECT_TRUE(run_rule(rule, in).empty());
}

TEST(Baseline, InvalidBaselineNamesTheField) {
  auto b = parse_baseline(R"({"files":{"a.yml":"nothex"}})", "b.json");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().details["field"], "files.a.yml");
  b = parse_baseline(R"({"schemaVersion":"1.0.0"})", "b.json");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().details["field"], "files");
}

AnalysisInput md102_input() {
  AnalysisInput in;
  in.policy = *parse_policy(R"({"schemaVersion":"1.0.0","mergeQueue":{"requiredForDefaultBranch":true,
      "allowBypassForAdmins":false,"requireLinearHistory":true,"allowDirectPushes":false}})",
                            ".github/.phase-mirror/policy.json");
  in.branch_protection_given = true;
  in.branch_protection_path = "bp.json";
  Json bp = protection(true);
  bp["required_status_checks"]["contexts"] = {"ci/test", "ci/lint"};
  in.branch_protection = bp;
  WorkflowFile wf;
  wf.path = ".github/workflows/ci.yml";
  Job test;
  test.id = "test";
  test.name = Located{"ci/test", 5};
  Job lint;
  lint.id = "ci/lint";
  wf.jobs = {test, lint};
  in.workflows.push_back(wf);
  return in;
}

std::vector<std::string> checks(const std::vector<Finding>& f) {
  std::vector<std::string> c;
  for (const auto& x : f) c.push_back(x.context["check"].get<std::string>());
  return c;
}

TEST(MD102, SilentWhenProtectionMatchesPolicyOrInputsMissing) {
  const auto rule = rules::make_md_102();
  auto in = md102_input();
  EXPECT_TRUE(run_rule(rule, in).empty());
  in.branch_protection = std::nullopt;
  in.branch_protection_given = false;
  EXPECT_TRUE(run_rule(rule, in).empty());
  in = md102_input();
  in.policy = Policy{};  // no policy file
  in.branch_protection = std::nullopt;
  EXPECT_TRUE(run_rule(rule, in).empty());
}

TEST(MD102, EachOfTheFiveChecks) {
  const auto rule = rules::make_md_102();
  auto in = md102_input();
  (*in.branch_protection)["enforce_admins"]["enabled"] = false;
  auto f = run_rule(rule, in);
  ASSERT_EQ(checks(f), std::vector<std::string>{"admin-bypass"});
  EXPECT_EQ(f[0].severity, Severity::kHigh);
  EXPECT_NE(f[0].message.find("Admins can bypass"), std::string::npos);
  in.policy.allow_bypass_for_admins = true;
  EXPECT_TRUE(run_rule(rule, in).empty());

  in = md102_input();
  in.branch_protection->erase("required_pull_request_reviews");
  f = run_rule(rule, in);
  ASSERT_EQ(checks(f), std::vector<std::string>{"direct-push"});
  EXPECT_NE(f[0].message.find("Direct pushes"), std::string::npos);

  in = md102_input();
  (*in.branch_protection)["required_linear_history"]["enabled"] = false;
  f = run_rule(rule, in);
  ASSERT_EQ(checks(f), std::vector<std::string>{"linear-history"});
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  in.policy.require_linear_history = false;
  EXPECT_TRUE(run_rule(rule, in).empty());

  in = md102_input();
  (*in.branch_protection)["required_status_checks"]["contexts"] = {"ci/test", "ci/security-scan", "ci/deploy-preview"};
  f = run_rule(rule, in);
  ASSERT_EQ(checks(f), std::vector<std::string>{"orphaned-status-checks"});
  EXPECT_EQ(f[0].severity, Severity::kMedium);
  EXPECT_EQ(f[0].context["missingContexts"], (Json{"ci/security-scan", "ci/deploy-preview"}));
  EXPECT_EQ(f[0].context["knownJobs"], (Json{"ci/test", "ci/lint"}));

  in = md102_input();
  in.branch_protection = std::nullopt;  // file given, protection disabled
  f = run_rule(rule, in);
  EXPECT_EQ(checks(f),
            (std::vector<std::string>{"admin-bypass", "direct-push", "linear-history", "protection-disabled"}));
  for (const auto& x : f) EXPECT_EQ(x.rule_id, "MD-102");
}

// --- analyzer --------------------------------------------------------------

constexpr RuleInfo kThrowingInfo{.id = "MD-999",
                                 .title = "throws",
                                 .severity = Severity::kLow,
                                 .confidence = Confidence::kHigh,
                                 .persona = Persona::kRegular,
                                 .description = "",
                                 .not_reported = "",
                                 .remediation = "",
                                 .adr_refs = {},
                                 .tags = {}};

class ThrowingRule final : public Rule {
 public:
  const RuleInfo& info() const override { return kThrowingInfo; }
  void evaluate(const AnalysisInput&, std::vector<Finding>& out, Budget&) const override {
    FindingBuilder(kThrowingInfo).message("partial").emit(out);
    throw std::runtime_error("boom");
  }
};

// A workflow rule that throws at its second step: its findings so far are
// dropped for one critical finding, and the walk goes on for the others.
class ThrowingWorkflowRule final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kThrowingInfo; }
  void visit_step(const StepNode& n, FindingSink& out) const override {
    if (n.index == 1) throw std::logic_error("step two");
    FindingBuilder(kThrowingInfo).at(n.file(), *n.step.run).message("step").emit(out);
  }
};

TEST(Analyzer, ThrowingWorkflowRuleFailsClosedWhileTheWalkGoesOn) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<ThrowingWorkflowRule>());
  rules.push_back(rules::make_md_104());
  AnalysisInput in;
  in.workflows.push_back(parse_workflow(".github/workflows/w.yml",
                                        "on: issues\njobs:\n  a:\n    steps:\n      - run: echo one\n"
                                        "      - run: echo two\n      - run: echo ${{ github.event.issue.title }}\n"));
  AnalyzerOptions opt;
  opt.rules = &rules;
  const auto r = analyze(in, opt);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].rule_id, "MD-999");
  EXPECT_EQ(r.findings[0].severity, Severity::kCritical);
  EXPECT_EQ(r.findings[0].message, "Rule MD-999 failed during evaluate: step two");
  EXPECT_EQ(r.findings[1].rule_id, "MD-104");
  EXPECT_EQ(r.findings[1].line, 7);
}

TEST(Analyzer, ThrowingRuleIsACriticalFindingAndOthersStillRun) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<ThrowingRule>());
  rules.push_back(rules::make_md_004());
  AnalysisInput in;
  in.strict = true;
  AnalyzerOptions opt;
  opt.rules = &rules;
  opt.timestamp = "2026-01-01T00:00:00.000Z";
  const auto r = analyze(in, opt);
  ASSERT_EQ(r.findings.size(), 2u);
  const auto it = std::find_if(r.findings.begin(), r.findings.end(), [](auto& f) { return f.rule_id == "MD-999"; });
  ASSERT_NE(it, r.findings.end());
  EXPECT_EQ(it->severity, Severity::kCritical);
  EXPECT_EQ(it->message, "Rule MD-999 failed during evaluate: boom");
  EXPECT_EQ(it->context["isEvaluationError"], true);
  EXPECT_EQ(r.decision.outcome, "block");
  EXPECT_EQ(r.report.rules_checked, 2);
  EXPECT_EQ(r.rules_run, (std::vector<std::string>{"MD-999", "MD-004"}));
}

TEST(Analyzer, FalsePositivesAreSuppressedAndBreakerAndBlockHooksCalled) {
  AnalysisInput in;
  in.strict = true;
  in.repository = Repository{"acme", "widgets", ""};
  AnalyzerOptions opt;
  std::string recorded;
  opt.record_block = [&](const std::string& k) { recorded = k; };
  auto r = analyze(in, opt);
  EXPECT_EQ(r.decision.outcome, "block");
  EXPECT_EQ(recorded, "acme/widgets");

  opt.circuit_breaker_tripped = [](const std::string& k) { return k == "acme/widgets"; };
  recorded.clear();
  r = analyze(in, opt);
  EXPECT_EQ(r.decision.outcome, "warn");
  EXPECT_TRUE(r.degraded);
  EXPECT_TRUE(recorded.empty());

  opt.is_false_positive = [](const Finding& f) -> std::optional<Suppression> {
    if (f.rule_id == "MD-004") return fp_store_suppression(f.finding_id, "reviewed: bot commits", "carol");
    return std::nullopt;
  };
  r = analyze(in, opt);
  EXPECT_TRUE(r.findings.empty());
  ASSERT_EQ(r.suppressed.size(), 1u);
  EXPECT_EQ(r.suppressed[0].suppression.kind, SuppressionKind::kFpStore);
  EXPECT_EQ(r.suppressed[0].suppression.reason, "reviewed: bot commits");
  EXPECT_EQ(r.suppressed[0].suppression.by, "carol");
  EXPECT_EQ(r.decision.outcome, "allow");
  EXPECT_EQ(r.report.violations_found, 0);
}

TEST(Analyzer, StoreDegradationKeepsTheDecisionAndSaysWhy) {
  AnalysisInput in;
  in.strict = true;
  in.repository = Repository{"acme", "widgets", ""};
  AnalyzerOptions opt;
  opt.store_degradation = [] { return std::string(); };
  auto r = analyze(in, opt);
  EXPECT_EQ(r.decision.outcome, "block");
  EXPECT_FALSE(r.degraded);
  EXPECT_TRUE(r.degraded_reason.empty());

  opt.store_degradation = [] { return std::string("fp_store_unavailable: not checked"); };
  r = analyze(in, opt);
  EXPECT_EQ(r.decision.outcome, "block");  // a store failure never softens the verdict
  EXPECT_TRUE(r.degraded);
  EXPECT_EQ(r.degraded_reason, "fp_store_unavailable: not checked");

  // Both the breaker and a store failure: both reasons, breaker first.
  opt.circuit_breaker_tripped = [](const std::string&) { return true; };
  r = analyze(in, opt);
  EXPECT_EQ(r.decision.outcome, "warn");
  EXPECT_EQ(r.degraded_reason.rfind("circuit_breaker_triggered", 0), 0u) << r.degraded_reason;
  EXPECT_NE(r.degraded_reason.find("; fp_store_unavailable: not checked"), std::string::npos) << r.degraded_reason;
}

TEST(Analyzer, OrgOfAnAnalysis) {
  EXPECT_EQ(org_of(Repository{"acme", "w", ""}, "other/x"), "acme");
  EXPECT_EQ(org_of(std::nullopt, "acme/widgets"), "acme");
  EXPECT_EQ(org_of(std::nullopt, "fix the bug in a/b please"), "unknown");
  EXPECT_EQ(org_of(std::nullopt, ""), "unknown");
  EXPECT_EQ(org_repo_of(std::nullopt, "org/team/repo"), "org/team/repo");
}

TEST(RunAnalysis, FileErrorsKeepTheRestAndNeverPass) {
  test::TempDir dir;
  dir.write("src/a.txt", "hello\n");
  dir.write("blob.bin", std::string("PK\0\0binary", 10));
  Workspace ws({dir.path()}, 1024);
  dir.write("big.txt", std::string(2048, 'x'));
  AnalysisRequest req;
  req.files = {"src/a.txt", "missing.txt", "../../etc/passwd", "big.txt", "blob.bin", "src/a.txt"};
  std::vector<std::string> progress;
  AnalyzerOptions opt;
  opt.progress = [&](std::size_t d, std::size_t n, const std::string& p) {
    progress.push_back(std::to_string(d) + "/" + std::to_string(n) + " " + p);
  };
  auto run = run_analysis(req, ws, opt);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->files.size(), 2u);  // a.txt once, blob.bin
  EXPECT_EQ(run->binary_files, std::vector<std::string>{"blob.bin"});
  ASSERT_EQ(run->file_errors.size(), 3u);
  EXPECT_EQ(run->file_errors[0].code, code::kFileNotFound);
  EXPECT_EQ(run->file_errors[1].code, code::kPathOutsideWorkspace);
  EXPECT_EQ(run->file_errors[2].code, code::kFileTooLarge);
  EXPECT_EQ(run->result.decision.outcome, "warn");
  EXPECT_EQ(progress.size(), 6u);
  EXPECT_EQ(progress.back(), "6/6 src/a.txt");
  const Json a = analysis_json(*run);
  EXPECT_EQ(a["filesAnalyzed"], 2);
  EXPECT_EQ(a["fileErrors"][1]["path"], "../../etc/passwd");
  EXPECT_EQ(a["fileErrors"][1]["code"], "PATH_OUTSIDE_WORKSPACE");
}

TEST(RunAnalysis, NoReadableFileFailsTheCall) {
  test::TempDir dir;
  Workspace ws({dir.path()}, 1024);
  AnalysisRequest req;
  req.files = {"a.txt", "b.txt"};
  auto run = run_analysis(req, ws, {});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, code::kFileNotFound);
  req.files = {"../outside"};
  run = run_analysis(req, ws, {});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, code::kPathOutsideWorkspace);
}

TEST(RunAnalysis, PolicyFileDefaultsAndExplicitMissingAndInvalid) {
  test::TempDir dir;
  dir.write("a.txt", "x");
  Workspace ws({dir.path()}, 1024);
  AnalysisRequest req;
  req.files = {"a.txt"};
  EXPECT_TRUE(run_analysis(req, ws, {}).ok());  // default policy path absent: defaults
  req.policy_file = "custom/policy.json";
  auto run = run_analysis(req, ws, {});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, code::kFileNotFound);
  dir.write(".github/.phase-mirror/policy.json", R"({"schemaVersion":"1.0.0","mergeQueue":{"allowDirectPushes":1}})");
  req.policy_file.reset();
  run = run_analysis(req, ws, {});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, code::kInvalidInput);
  EXPECT_NE(run.error().message.find("mergeQueue.allowDirectPushes"), std::string::npos);
}

TEST(RunAnalysis, UnparsableWorkflowIsAHighFindingWithTheParserLine) {
  test::TempDir dir;
  dir.write(".github/workflows/bad.yml", "on: push\njobs:\n  a: [\n  b: c\n");
  Workspace ws({dir.path()}, 1 << 20);
  AnalysisRequest req;
  req.files = {".github/workflows/bad.yml"};
  auto run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok());
  const auto& f = run->result.findings;
  const auto it = std::find_if(f.begin(), f.end(), [](auto& x) { return x.rule_id == "MD-000"; });
  ASSERT_NE(it, f.end());
  EXPECT_EQ(it->severity, Severity::kHigh);
  EXPECT_EQ(it->file, ".github/workflows/bad.yml");
  EXPECT_GE(it->line, 3);
  EXPECT_EQ(it->context["title"], "Workflow could not be parsed");
}

TEST(RunAnalysis, DriftReportsRemovedBaselineEntries) {
  test::TempDir dir;
  dir.write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
  dir.write("CODEOWNERS", "* @a\n");
  Workspace ws({dir.path()}, 1 << 20);
  auto b = create_baseline(ws, {".github/workflows/ci.yml", "CODEOWNERS"}, "2026-01-01T00:00:00.000Z");
  ASSERT_TRUE(b.ok());
  dir.write("baseline.json", b->dump());
  std::filesystem::remove(dir.path() + "/CODEOWNERS");
  dir.write(".github/workflows/ci.yml", "on: pull_request\njobs: {}\n");
  AnalysisRequest req;
  req.mode = "drift";
  req.baseline_file = "baseline.json";
  req.files = {".github/workflows/ci.yml"};
  auto run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok()) << run.error().message;
  std::vector<std::string> changes;
  for (const auto& f : run->result.findings) {
    if (f.rule_id == "MD-005") changes.push_back(f.file + " " + f.context["change"].get<std::string>());
  }
  EXPECT_EQ(changes, (std::vector<std::string>{".github/workflows/ci.yml modified", "CODEOWNERS removed"}));
}

}  // namespace
}  // namespace pm::engine

namespace pm::engine {
namespace {

TEST(RunAnalysis, CancellationStopsBetweenFilesAndBeforeRules) {
  test::TempDir dir;
  std::vector<std::string> files;
  for (int i = 0; i < 5; ++i) files.push_back(dir.write("f" + std::to_string(i) + ".txt", "x"));
  Workspace ws({dir.path()}, 1024);
  AnalysisRequest req;
  req.files = files;
  int reads = 0;
  CancellationToken token;
  Budget budget(Budget::Limits{}, &token);
  AnalyzerOptions opt;
  opt.budget = &budget;
  opt.progress = [&](std::size_t, std::size_t, const std::string&) {
    if (++reads == 2) token.cancel(StopReason::kCancelled);
  };
  auto run = run_analysis(req, ws, opt);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->result.stopped);
  EXPECT_EQ(reads, 2) << "the third file is not read";
  EXPECT_EQ(budget.reason(), BudgetStop::kCancelled);

  CancellationToken timed_out;
  timed_out.cancel(StopReason::kTimeout);
  Budget before_rules(Budget::Limits{}, &timed_out);
  AnalyzerOptions between_rules;
  between_rules.budget = &before_rules;
  const auto r = analyze(AnalysisInput{}, between_rules);
  EXPECT_TRUE(r.stopped);
  EXPECT_TRUE(r.rules_run.empty());
  EXPECT_EQ(r.decision.outcome, "") << "a stopped analysis decides nothing";
  EXPECT_EQ(before_rules.reason(), BudgetStop::kDeadline);
}

TEST(RunAnalysis, TheBudgetStopsTheWalkAndTheRulesInsideAStep) {
  std::string text = "on: issues\npermissions: {}\njobs:\n";
  for (int j = 0; j < 50; ++j) {
    text += "  j" + std::to_string(j) + ":\n    steps:\n";
    for (int s = 0; s < 20; ++s) text += "      - run: echo ${{ github.event.issue.title }}\n";
  }
  AnalysisInput in;
  in.workflows.push_back(parse_workflow(".github/workflows/big.yml", text));
  Budget small(Budget::Limits{.time = std::nullopt, .max_steps = 20000, .max_bytes = Budget::kUnlimited});
  AnalyzerOptions opt;
  opt.budget = &small;
  const auto r = analyze(in, opt);
  EXPECT_TRUE(r.stopped);
  EXPECT_TRUE(r.findings.empty()) << "a stopped analysis reports nothing";
  EXPECT_EQ(small.reason(), BudgetStop::kSteps);
  AnalyzerOptions never;
  EXPECT_EQ(analyze(in, never).findings.size(), 50u * 20u);

  // One step whose script (about 900 KB) holds 20 000 expressions: MD-104
  // asks the budget for the script, then for each expression, so an allowance
  // of a bit more than the script stops it inside the step.
  std::string script = "on: issues\npermissions: {}\njobs:\n  a:\n    steps:\n      - run: |\n";
  for (int i = 0; i < 20000; ++i) script += "          echo \"${{ github.event.issue.title }}\"\n";
  AnalysisInput one;
  one.workflows.push_back(parse_workflow(".github/workflows/one.yml", script));
  Budget within(Budget::Limits{.time = std::nullopt, .max_steps = 1200000, .max_bytes = Budget::kUnlimited});
  std::vector<Finding> found;
  rules::make_md_104()->evaluate(one, found, within);
  EXPECT_EQ(within.reason(), BudgetStop::kSteps);
  EXPECT_GT(found.size(), 0u);
  EXPECT_LT(found.size(), 20000u);

  // Findings are charged to the memory allowance as they are built.
  Budget little_memory(Budget::Limits{.time = std::nullopt, .max_steps = Budget::kUnlimited, .max_bytes = 100000});
  std::vector<Finding> kept;
  rules::make_md_104()->evaluate(one, kept, little_memory);
  EXPECT_EQ(little_memory.reason(), BudgetStop::kMemory);
  EXPECT_LT(kept.size(), 200u);
}

TEST(RunAnalysis, UnparsableWorkflowNeverPassesAndIsNamed) {
  test::TempDir dir;
  dir.write(".github/workflows/bad.yml", "on: push\njobs:\n  a: [\n  b: c\n");
  dir.write(".github/workflows/nul.yml", std::string("on: push\njobs:\n  a:\n    steps:\n      - run: x\0y\n", 48));
  dir.write(".github/workflows/ok.yml", "on: push\npermissions: {}\njobs:\n  a:\n    steps:\n      - run: make\n");
  Workspace ws({dir.path()}, 1 << 20);
  AnalysisRequest req;
  req.files = {".github/workflows/bad.yml", ".github/workflows/nul.yml"};
  auto run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->binary_files.empty());
  ASSERT_EQ(run->result.findings.size(), 2u);
  EXPECT_EQ(run->result.findings[1].rule_id, "MD-000");
  EXPECT_EQ(run->result.findings[1].line, 5);
  EXPECT_EQ(run->result.findings[1].column, 15);
  EXPECT_EQ(run->result.decision.outcome, "warn");
  EXPECT_EQ(run->result.decision.reasons.back(),
            "Nothing could be checked: no file could be parsed: .github/workflows/bad.yml, .github/workflows/nul.yml");
  req.files.push_back(".github/workflows/ok.yml");
  run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->result.decision.outcome, "warn");
  EXPECT_EQ(run->result.decision.reasons.back(),
            "Not checked, could not be parsed: .github/workflows/bad.yml, .github/workflows/nul.yml");
}

TEST(RunAnalysis, OnlyTheRequestedPersonasFindingsAreReportedAndCounted) {
  test::TempDir dir;
  // A tag-pinned first-party action: pedantic only.
  dir.write(".github/workflows/ci.yml",
            "on: push\npermissions:\n  contents: read\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n"
            "        with:\n          persist-credentials: false\n");
  Workspace ws({dir.path()}, 1 << 20);
  AnalysisRequest req;
  req.files = {".github/workflows/ci.yml"};
  auto run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->result.findings.empty());
  EXPECT_EQ(run->result.decision.reasons, std::vector<std::string>{"No violations detected"});
  req.persona = Persona::kPedantic;
  run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->result.findings.size(), 1u);
  EXPECT_EQ(run->result.findings[0].persona, Persona::kPedantic);
  EXPECT_EQ(run->result.findings[0].severity, Severity::kLow);
  const Json j = to_json(run->result.findings[0]);
  EXPECT_EQ(j["persona"], "pedantic");
}

TEST(RunAnalysis, NoIgnoreOrConfigEntrySuppressesAFileThatCouldNotBeParsed) {
  test::TempDir dir;
  dir.write(".github/workflows/bad.yml", "on: push\njobs: [\n");
  dir.write(".github/phase-mirror.yml", "ignore-paths:\n  - .github/workflows/\n");
  Workspace ws({dir.path()}, 1 << 20);
  AnalysisRequest req;
  req.files = {".github/workflows/bad.yml"};
  auto run = run_analysis(req, ws, {});
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(run->result.findings.size(), 1u);
  EXPECT_EQ(run->result.findings[0].rule_id, "MD-000");
  EXPECT_TRUE(run->result.suppressed.empty());
  EXPECT_EQ(run->result.decision.outcome, "warn");
}

}  // namespace
}  // namespace pm::engine
