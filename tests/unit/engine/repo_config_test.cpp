// The repository config file (.github/phase-mirror.yml): a full valid file,
// every validation error with its exact path, line and message, the Result a
// tool turns into INVALID_INPUT, MD-105's pin policies, and loading through
// the workspace.
#include "engine/repo_config.hpp"

#include <gtest/gtest.h>

#include <string>

#include "engine/rule_names.hpp"
#include "support/server_process.hpp"

namespace pm::engine {
namespace {

constexpr const char* kPath = ".github/phase-mirror.yml";

RepoConfig valid_config(const std::string& text) {
  auto r = parse_repo_config(text, kPath);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : RepoConfig{};
}

// The only issue of `text`, or a failure naming them all.
ConfigIssue single_issue(const std::string& text) {
  RepoConfigCheck c = check_repo_config(text, kPath);
  EXPECT_EQ(c.issue_count, 1u) << text;
  if (c.issue_count != 1) {
    for (const auto& i : c.issues) ADD_FAILURE() << i.path << " (line " << i.line << "): " << i.message;
  }
  return c.issues.empty() ? ConfigIssue{} : c.issues.front();
}

void expect_issue(const std::string& text, const std::string& path, int line, const std::string& message,
                  const std::string& keyword) {
  RepoConfigCheck c = check_repo_config(text, kPath);
  ASSERT_EQ(c.issue_count, 1u) << text;
  const ConfigIssue& i = c.issues.front();
  EXPECT_EQ(i.path, path) << text;
  EXPECT_EQ(i.line, line) << text;
  EXPECT_EQ(i.message, message) << text;
  EXPECT_EQ(i.keyword, keyword) << text;
}

TEST(RepoConfig, ReadsEverySetting) {
  const RepoConfig c = valid_config(R"(# team decisions
persona: pedantic
min-confidence: low
ignore-paths:
  - vendor/
  - path: "**/testdata/**"
    reason: fixtures are vulnerable on purpose
    by: "@org/qa"
rules:
  MD-105:
    severity: high
    reason: our own tags are protected
    by: "@org/platform"
    ignore:
      - .github/workflows/release.yml
      - ci.yml:42
      - path: ci.yml:42:15
        reason: digest pinned upstream
    config:
      policies:
        "actions/*": ref-pin
        "*": hash-pin
  MD-101:
    disable: true
    reason: replaced by the org ruleset
)");
  EXPECT_EQ(c.path, kPath);
  EXPECT_EQ(c.persona, Persona::kPedantic);
  EXPECT_EQ(c.min_confidence, Confidence::kLow);
  ASSERT_EQ(c.ignore_paths.size(), 2u);
  EXPECT_EQ(c.ignore_paths[0].where.text, "vendor/");
  EXPECT_EQ(c.ignore_paths[0].reason, "");
  EXPECT_EQ(c.ignore_paths[0].config_line, 5);
  EXPECT_EQ(c.ignore_paths[1].reason, "fixtures are vulnerable on purpose");
  EXPECT_EQ(c.ignore_paths[1].by, "@org/qa");
  EXPECT_EQ(c.ignore_paths[1].config_line, 6);

  const RuleConfig* md105 = c.rule("MD-105");
  ASSERT_NE(md105, nullptr);
  EXPECT_EQ(md105->config_line, 10);
  EXPECT_FALSE(c.disabled("MD-105"));
  EXPECT_EQ(c.severity_override("MD-105"), Severity::kHigh);
  EXPECT_EQ(md105->reason, "our own tags are protected");
  EXPECT_EQ(md105->by, "@org/platform");
  ASSERT_EQ(md105->ignore.size(), 3u);
  EXPECT_EQ(md105->ignore[0].where.line, 0);
  EXPECT_EQ(md105->ignore[1].where.line, 42);
  EXPECT_EQ(md105->ignore[1].where.column, 0);
  EXPECT_EQ(md105->ignore[2].where.line, 42);
  EXPECT_EQ(md105->ignore[2].where.column, 15);
  EXPECT_EQ(md105->ignore[2].reason, "digest pinned upstream");
  EXPECT_EQ(md105->ignore[2].config_line, 17);

  const auto* pins = c.settings<PinningSettings>("MD-105");
  ASSERT_NE(pins, nullptr);
  ASSERT_EQ(pins->policies.size(), 2u);
  EXPECT_EQ(pins->policy_for("actions/checkout@v4"), PinPolicy::kRefPin);
  EXPECT_EQ(pins->policy_for("someone/else@v1"), PinPolicy::kHashPin);

  EXPECT_TRUE(c.disabled("MD-101"));
  EXPECT_EQ(c.rule("MD-101")->reason, "replaced by the org ruleset");
  EXPECT_EQ(c.settings<PinningSettings>("MD-101"), nullptr);
  EXPECT_FALSE(c.disabled("MD-104"));
  EXPECT_EQ(c.severity_override("MD-104"), std::nullopt);

  EXPECT_EQ(c.summary_json(), Json::parse(R"({"file": ".github/phase-mirror.yml", "persona": "pedantic",
      "minConfidence": "low", "disabledRules": ["MD-101"], "severityOverrides": {"MD-105": "high"}})"));
}

TEST(RepoConfig, EmptyAndNullSectionsAreNoSettings) {
  for (const char* text :
       {"", "# nothing yet\n", "rules:\nignore-paths:\n", "rules: {}\nignore-paths: []\n", "rules:\n  MD-105:\n"}) {
    const RepoConfig c = valid_config(text);
    EXPECT_FALSE(c.persona.has_value()) << text;
    EXPECT_TRUE(c.ignore_paths.empty()) << text;
    EXPECT_FALSE(c.disabled("MD-105")) << text;
  }
}

TEST(RepoConfig, UnknownKeysAtEveryLevel) {
  expect_issue("persona: regular\nignore_paths: [a]\n", "/ignore_paths", 2,
               "unknown key 'ignore_paths' (expected persona, min-confidence, ignore-paths or rules)",
               "additionalProperties");
  expect_issue("rules:\n  MD-105:\n    ignor: [a]\n", "/rules/MD-105/ignor", 3,
               "unknown key 'ignor' (expected disable, severity, ignore, config, reason or by)",
               "additionalProperties");
  expect_issue("rules:\n  MD-105:\n    ignore:\n      - path: a.yml\n        reson: x\n",
               "/rules/MD-105/ignore/0/reson", 5, "unknown key 'reson' (expected path, reason or by)",
               "additionalProperties");
  expect_issue("rules:\n  MD-105:\n    config:\n      policy: {}\n", "/rules/MD-105/config/policy", 4,
               "unknown key 'policy' (expected policies)", "additionalProperties");
  expect_issue("rules:\n  MD-101:\n    config:\n      anything: 1\n", "/rules/MD-101/config", 4,
               "MD-101 has no settings", "additionalProperties");
}

// The catalogue's ids as the hint lists them.
std::string rule_list() {
  std::string out;
  for (const auto& id : catalogue_rule_ids()) out += (out.empty() ? "" : ", ") + id;
  return out;
}

TEST(RepoConfig, UnknownRuleIdsWithHints) {
  ASSERT_EQ(rule_list().rfind("MD-001, MD-002, MD-003, MD-004, MD-005, MD-101, MD-102", 0), 0u);
  expect_issue("rules:\n  MD-999: {disable: true}\n", "/rules/MD-999", 2,
               "unknown rule id 'MD-999' (rules: " + rule_list() + ")", "propertyNames");
  expect_issue("rules:\n  md-105: {disable: true}\n", "/rules/md-105", 2,
               "unknown rule id 'md-105' (did you mean MD-105?)", "propertyNames");
  expect_issue("rules:\n  unpinned-uses: {disable: true}\n", "/rules/unpinned-uses", 2,
               "unknown rule id 'unpinned-uses' (zizmor's unpinned-uses is MD-105 here)", "propertyNames");
  expect_issue("rules:\n  concurrency-limits: {disable: true}\n", "/rules/concurrency-limits", 2,
               "unknown rule id 'concurrency-limits' (zizmor's concurrency-limits has no counterpart here)",
               "propertyNames");
  expect_issue("rules:\n  MD-000: {disable: true}\n", "/rules/MD-000", 2,
               "unknown rule id 'MD-000' (rules: " + rule_list() + ")", "propertyNames");
}

TEST(RepoConfig, WrongTypes) {
  expect_issue("- persona\n", "", 1,
               "must be a mapping of settings (persona, min-confidence, ignore-paths, rules), not a list", "type");
  expect_issue("rules: [MD-105]\n", "/rules", 1, "must be a mapping of rule ids to settings, not a list", "type");
  expect_issue("rules:\n  MD-105: off\n", "/rules/MD-105", 2,
               "must be a mapping (disable, severity, ignore, config, reason, by), not 'off'", "type");
  expect_issue("rules:\n  MD-105:\n    disable: yes\n", "/rules/MD-105/disable", 3, "must be true or false, not 'yes'",
               "type");
  expect_issue("rules:\n  MD-105:\n    disable: \"true\"\n", "/rules/MD-105/disable", 3,
               "must be true or false, not 'true'", "type");
  expect_issue("ignore-paths: vendor/\n", "/ignore-paths", 1, "must be a list of paths or globs, not 'vendor/'",
               "type");
  expect_issue("rules:\n  MD-105:\n    ignore: {a: 1}\n", "/rules/MD-105/ignore", 3,
               "must be a list of paths, globs or path:line[:column] entries, not a mapping", "type");
  expect_issue("ignore-paths:\n  - [a, b]\n", "/ignore-paths/0", 2, "must be a path or glob, not a list", "type");
  expect_issue("rules:\n  MD-105:\n    reason: [a]\n", "/rules/MD-105/reason", 3, "must be a text, not a list", "type");
  expect_issue("persona:\n", "/persona", 1, "must be a persona (regular, pedantic or auditor), not null", "type");
  expect_issue("rules:\n  MD-105:\n    config: [policies]\n", "/rules/MD-105/config", 3,
               "must be a mapping (policies), not a list", "type");
  expect_issue("rules:\n  MD-105:\n    config:\n      policies: [a]\n", "/rules/MD-105/config/policies", 4,
               "must be a mapping of uses: patterns to hash-pin, ref-pin or any, not a list", "type");
  expect_issue("ignore-paths:\n  - path: a.yml\n    by: {x: 1}\n", "/ignore-paths/0/by", 3,
               "must be a name, not a mapping", "type");
}

TEST(RepoConfig, BadNamesOfLevels) {
  expect_issue("persona: expert\n", "/persona", 1, "'expert' is not a persona (regular, pedantic or auditor)", "enum");
  expect_issue("persona: Regular\n", "/persona", 1, "'Regular' is not a persona (regular, pedantic or auditor)",
               "enum");
  expect_issue("min-confidence: certain\n", "/min-confidence", 1, "'certain' is not a confidence (low, medium or high)",
               "enum");
  expect_issue("rules:\n  MD-104:\n    severity: hig\n", "/rules/MD-104/severity", 3,
               "'hig' is not a severity (low, medium, high or critical)", "enum");
  expect_issue("rules:\n  MD-105:\n    config:\n      policies:\n        \"*\": pinned\n",
               "/rules/MD-105/config/policies/*", 5, "'pinned' is not a pin policy (hash-pin, ref-pin or any)", "enum");
}

TEST(RepoConfig, IgnoreEntriesAndGlobs) {
  expect_issue("rules:\n  MD-105:\n    ignore:\n      - a.yml\n      - b.yml:3\n      - \"[abc\"\n",
               "/rules/MD-105/ignore/2", 6, "invalid glob '[abc': has a '[' that is not closed within its path segment",
               "pattern");
  expect_issue("rules:\n  MD-105:\n    ignore: [\"ci.yml:0\"]\n", "/rules/MD-105/ignore/0", 3,
               "line and column numbers start at 1 and have at most 9 digits ('ci.yml:0')", "minimum");
  expect_issue("rules:\n  MD-105:\n    ignore: [\"ci.yml:3:0\"]\n", "/rules/MD-105/ignore/0", 3,
               "line and column numbers start at 1 and have at most 9 digits ('ci.yml:3:0')", "minimum");
  expect_issue("rules:\n  MD-105:\n    ignore: [\"ci.yml:12345678901\"]\n", "/rules/MD-105/ignore/0", 3,
               "line and column numbers start at 1 and have at most 9 digits ('ci.yml:12345678901')", "minimum");
  expect_issue("ignore-paths: [\"ci.yml:12\"]\n", "/ignore-paths/0", 1,
               "'ci.yml:12' names a line; ignore-paths takes paths and globs (put line entries under "
               "rules.<id>.ignore)",
               "pattern");
  expect_issue("rules:\n  MD-105:\n    ignore:\n      - reason: no path\n", "/rules/MD-105/ignore/0/path", 4,
               "is required", "required");
  expect_issue("ignore-paths: [\"../outside\"]\n", "/ignore-paths/0", 1,
               "invalid glob '../outside': has a '..' segment (patterns name paths inside the repository)", "pattern");

  // A colon that is not followed by digits belongs to the glob.
  const RepoConfig c = valid_config("rules:\n  MD-105:\n    ignore: [\"odd:name.yml\", \"x.yml:7:9\"]\n");
  const auto& ig = c.rule("MD-105")->ignore;
  ASSERT_EQ(ig.size(), 2u);
  EXPECT_TRUE(ig[0].where.matches("odd:name.yml", 1, 1));
  EXPECT_EQ(ig[1].where.line, 7);
  EXPECT_EQ(ig[1].where.column, 9);
}

TEST(RepoConfig, LocationPatternMatching) {
  const RepoConfig c =
      valid_config("rules:\n  MD-105:\n    ignore: [release.yml, \"ci.yml:12\", \".github/workflows/x.yml:3:7\"]\n");
  const auto& ig = c.rule("MD-105")->ignore;
  EXPECT_TRUE(ig[0].where.matches(".github/workflows/release.yml", 99, 0));
  EXPECT_TRUE(ig[1].where.matches(".github/workflows/ci.yml", 12, 5));
  EXPECT_FALSE(ig[1].where.matches(".github/workflows/ci.yml", 13, 5));
  EXPECT_TRUE(ig[2].where.matches(".github/workflows/x.yml", 3, 7));
  EXPECT_FALSE(ig[2].where.matches(".github/workflows/x.yml", 3, 8));
  EXPECT_FALSE(ig[2].where.matches(".github/workflows/x.yml", 3, 0)) << "a finding without a column";
  EXPECT_FALSE(ig[2].where.matches("sub/.github/workflows/x.yml", 3, 7)) << "anchored at the root";
}

TEST(RepoConfig, DuplicateKeysNameTheFirst) {
  expect_issue("persona: regular\npersona: auditor\n", "/persona", 2, "duplicate key 'persona' (first on line 1)",
               "duplicateKey");
  expect_issue("rules:\n  MD-105: {}\n  MD-105: {disable: true}\n", "/rules/MD-105", 3,
               "duplicate key 'MD-105' (first on line 2)", "duplicateKey");
  expect_issue("rules:\n  MD-105:\n    config:\n      policies:\n        actions/*: any\n        Actions/*: hash-pin\n",
               "/rules/MD-105/config/policies/Actions~1*", 6,
               "duplicate pattern 'Actions/*' (the same as 'actions/*' on line 5)", "duplicateKey");
}

TEST(RepoConfig, SyntaxErrorsAndDocuments) {
  const ConfigIssue bad = single_issue("rules:\n  MD-105: [unclosed\n");
  EXPECT_EQ(bad.keyword, "syntax");
  EXPECT_EQ(bad.path, "");
  EXPECT_EQ(bad.message.rfind("is not valid YAML: ", 0), 0u) << bad.message;
  EXPECT_GT(bad.line, 1);

  const ConfigIssue alias = single_issue("ignore-paths:\n  - *.md\n");
  EXPECT_EQ(alias.line, 2);
  EXPECT_NE(alias.message.find("(quote patterns that start with '*')"), std::string::npos) << alias.message;

  expect_issue("persona: regular\n---\npersona: auditor\n", "", 3, "has 2 YAML documents; a config is one", "syntax");
}

TEST(RepoConfig, Bounds) {
  std::string many = "ignore-paths:\n";
  for (int i = 0; i <= 1000; ++i) many += "  - f" + std::to_string(i) + ".yml\n";
  expect_issue(many, "/ignore-paths", 2, "has 1001 entries; at most 1000 are allowed", "maxItems");

  expect_issue("rules:\n  MD-105:\n    reason: " + std::string(1001, 'r') + "\n", "/rules/MD-105/reason", 3,
               "is longer than 1000 characters", "maxLength");
  expect_issue("ignore-paths: [" + std::string(513, 'a') + "]\n", "/ignore-paths/0", 1,
               "invalid glob '" + std::string(513, 'a') + "': is longer than 512 characters", "pattern");
  expect_issue(std::string(kMaxRepoConfigBytes + 1, '#'), "", 0, "is larger than 1048576 bytes", "maxLength");

  std::string policies = "rules:\n  MD-105:\n    config:\n      policies:\n";
  for (int i = 0; i <= 1000; ++i) policies += "        o" + std::to_string(i) + "/*: any\n";
  expect_issue(policies, "/rules/MD-105/config/policies", 5, "has 1001 entries; at most 1000 are allowed", "maxItems");

  // A mapping as large as the file cap allows is checked in one pass.
  std::string keys = "rules:\n";
  for (int i = 0; i < 40000; ++i) keys += "  k" + std::to_string(i) + ": 1\n";
  EXPECT_EQ(check_repo_config(keys, kPath).issue_count, 40000u);

  // Every problem counts; only the first kMaxConfigErrors are listed.
  std::string bad = "rules:\n";
  for (int i = 0; i < 60; ++i) bad += "  X-" + std::to_string(i) + ": {}\n";
  const RepoConfigCheck c = check_repo_config(bad, kPath);
  EXPECT_EQ(c.issue_count, 60u);
  EXPECT_EQ(c.issues.size(), kMaxConfigErrors);
  EXPECT_EQ(c.issues.back().path, "/rules/X-49");
}

TEST(RepoConfig, ResultCarriesTheValidationErrors) {
  auto r = parse_repo_config("persona: expert\nrules:\n  MD-105:\n    ignore: [\"[x\"]\n", kPath);
  ASSERT_FALSE(r.ok());
  const Error& e = r.error();
  EXPECT_EQ(e.code, code::kInvalidInput);
  EXPECT_EQ(e.message,
            "Invalid repository config .github/phase-mirror.yml (2 errors): /persona (line 1): 'expert' is not a "
            "persona (regular, pedantic or auditor); /rules/MD-105/ignore/0 (line 4): invalid glob '[x': has a '[' "
            "that is not closed within its path segment");
  EXPECT_EQ(e.details["file"], kPath);
  ASSERT_EQ(e.details["validationErrors"].size(), 2u);
  EXPECT_EQ(e.details["validationErrors"][1],
            Json::parse(R"({"path": "/rules/MD-105/ignore/0", "message": "invalid glob '[x': has a '[' that is not )"
                        R"(closed within its path segment", "keyword": "pattern", "line": 4, "column": 14})"));
  EXPECT_FALSE(e.suggestions.empty());
}

TEST(RepoConfig, NeverCrashesOnOddDocuments) {
  for (const char* text :
       {"[]", "42", "\"just a string\"", "? [complex, key]\n: value\n", "rules:\n  ? [a]\n  : b\n", "a: &x [*x]\n",
        "rules: &r {MD-105: *r}\n", "\t- tab\n", "rules:\n  MD-105:\n    ignore: [~, null, \"\"]\n",
        "ignore-paths: [\"{\", \"}\", \"[\", \"**a\", \"/\", \".\"]\n", "persona: \xff\xfe\n"}) {
    const RepoConfigCheck c = check_repo_config(text, kPath);
    EXPECT_GT(c.issue_count, 0u) << text;
    for (const auto& i : c.issues) EXPECT_FALSE(i.message.empty()) << text;
  }
}

TEST(UsesPattern, FormsAndSpecificity) {
  auto p = [](const char* text) {
    auto r = UsesPattern::parse(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : UsesPattern{};
  };
  EXPECT_EQ(p("*").kind, UsesPattern::Kind::kAny);
  EXPECT_EQ(p("actions/*").kind, UsesPattern::Kind::kOwnerAny);
  EXPECT_EQ(p("github/codeql-action/*").kind, UsesPattern::Kind::kRepoAny);
  EXPECT_EQ(p("actions/cache").kind, UsesPattern::Kind::kRepo);
  EXPECT_EQ(p("github/codeql-action/init").kind, UsesPattern::Kind::kPath);
  EXPECT_EQ(p("actions/checkout@v4").kind, UsesPattern::Kind::kExactRef);

  EXPECT_TRUE(p("actions/cache").matches("actions/cache@v3"));
  EXPECT_TRUE(p("actions/cache").matches("Actions/Cache@v3")) << "owner and repo are case-insensitive";
  EXPECT_FALSE(p("actions/cache").matches("actions/cache/save@v3"));
  EXPECT_TRUE(p("github/codeql-action/*").matches("github/codeql-action/init@v2"));
  EXPECT_TRUE(p("github/codeql-action/*").matches("github/codeql-action@v2"));
  EXPECT_TRUE(p("github/codeql-action/init").matches("github/codeql-action/init@v2"));
  EXPECT_FALSE(p("github/codeql-action/init").matches("github/codeql-action@v2"));
  EXPECT_TRUE(p("actions/checkout@v4").matches("actions/checkout@v4"));
  EXPECT_FALSE(p("actions/checkout@v4").matches("actions/checkout@main"));
  EXPECT_TRUE(p("org/repo/.github/workflows/build.yml@main").matches("org/repo/.github/workflows/build.yml@main"));
  EXPECT_TRUE(p("*").matches("pypa/gh-action-pypi-publish@release/v1"));
  EXPECT_FALSE(p("*").matches("./local/action"));
  EXPECT_FALSE(p("*").matches("docker://alpine:3"));
  EXPECT_FALSE(p("actions/*").matches("pypa/x@v1"));

  auto bad = [](const char* text) {
    auto r = UsesPattern::parse(text);
    return r.ok() ? std::string("(parsed)") : r.error().message;
  };
  EXPECT_EQ(bad("actions"), "expected owner/*, owner/repo[/path][@ref], owner/repo/* or *");
  EXPECT_EQ(bad("actions/*@v1"), "a pattern with '*' cannot have an @ref");
  EXPECT_EQ(bad("act ions/x"), "contains a space or a control character");
  EXPECT_EQ(bad("docker://alpine"),
            "patterns name repositories (owner/repo...), not docker:// images or local actions");
  EXPECT_EQ(bad("a/b/c*"), "'*' is allowed only as a whole pattern, as owner/* or as owner/repo/*");
  EXPECT_EQ(bad("a/b@"), "has an empty ref after '@'");
  EXPECT_EQ(bad("a//b"), "'' is not a repository name");
  EXPECT_EQ(bad("o$/r"), "'o$' is not a repository owner");
}

TEST(PinningSettings, MostSpecificPatternWinsWhateverTheOrder) {
  const RepoConfig c = valid_config(R"(rules:
  MD-105:
    config:
      policies:
        "*": any
        "actions/*": ref-pin
        actions/checkout: hash-pin
        actions/checkout@v4: any
        "github/codeql-action/*": ref-pin
        github/codeql-action/upload-sarif: hash-pin
)");
  const auto* s = c.settings<PinningSettings>("MD-105");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->policy_for("actions/checkout@v4"), PinPolicy::kAny);
  EXPECT_EQ(s->policy_for("actions/checkout@v3"), PinPolicy::kHashPin);
  EXPECT_EQ(s->policy_for("actions/setup-node@v4"), PinPolicy::kRefPin);
  EXPECT_EQ(s->policy_for("github/codeql-action/init@v3"), PinPolicy::kRefPin);
  EXPECT_EQ(s->policy_for("github/codeql-action/upload-sarif@v3"), PinPolicy::kHashPin);
  EXPECT_EQ(s->policy_for("someone/action@v1"), PinPolicy::kAny);
  EXPECT_EQ(s->entry_for("actions/setup-node@v4")->config_line, 6);
  EXPECT_EQ(to_string(PinPolicy::kRefPin), std::string("ref-pin"));

  const PinningSettings none;
  EXPECT_EQ(none.policy_for("actions/checkout@v4"), PinPolicy::kHashPin) << "the implicit default";
  EXPECT_EQ(none.entry_for("actions/checkout@v4"), nullptr);
}

TEST(RepoConfigLoad, DefaultNamedAndDisabled) {
  test::TempDir dir;
  const Workspace ws({dir.path()}, 1 << 20);
  auto none = load_repo_config(ws, std::nullopt, true);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "no default file: no config";

  auto missing = load_repo_config(ws, std::string("conf/team.yml"), true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, code::kInvalidInput);
  EXPECT_EQ(missing.error().message, "Invalid configFile: no such file in the workspace: conf/team.yml");
  EXPECT_EQ(missing.error().details["validationErrors"],
            Json::parse(R"([{"path": "/configFile", "message": "no such file in the workspace: conf/team.yml",
                            "keyword": "exists"}])"));

  dir.write(".github/phase-mirror.yaml", "persona: pedantic\n");
  auto yaml = load_repo_config(ws, std::nullopt, true);
  ASSERT_TRUE(yaml.ok() && yaml->has_value()) << "the default in its other spelling";
  EXPECT_EQ((*yaml)->path, ".github/phase-mirror.yaml");

  dir.write(".github/phase-mirror.yml", "persona: auditor\n");
  dir.write("conf/team.yml", "persona: pedantic\n");
  auto def = load_repo_config(ws, std::nullopt, true);
  ASSERT_TRUE(def.ok() && def->has_value());
  EXPECT_EQ((*def)->persona, Persona::kAuditor);
  EXPECT_EQ((*def)->path, ".github/phase-mirror.yml");
  auto named = load_repo_config(ws, std::string("conf/team.yml"), true);
  ASSERT_TRUE(named.ok() && named->has_value());
  EXPECT_EQ((*named)->persona, Persona::kPedantic);
  auto off = load_repo_config(ws, std::string("conf/team.yml"), false);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->has_value()) << "useConfig false ignores the file";

  auto outside = load_repo_config(ws, std::string("../elsewhere.yml"), true);
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, code::kPathOutsideWorkspace);

  dir.write(".github/phase-mirror.yml", "persona: nobody\n");
  auto invalid = load_repo_config(ws, std::nullopt, true);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, code::kInvalidInput);
  EXPECT_EQ(invalid.error().details["validationErrors"][0]["path"], "/persona");
}

}  // namespace
}  // namespace pm::engine
