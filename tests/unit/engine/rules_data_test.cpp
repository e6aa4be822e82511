// Every workflow rule against its test data: tests/data/rules/<RULE>/ holds
// workflows and actions (realistic shapes of public practice), each next to
// `<name>.expected.json`, the findings that rule must report for it — line,
// column, severity, confidence and persona of each, in any order; [] for a
// negative case. A rule author adds a file, not test code.
//
// <name>.yml is read as .github/workflows/<name>.yml, <name>.action.yml as
// .github/actions/<name>/action.yml, <name>.dependabot.yml as
// .github/dependabot.yml. The expected file is either the list of
// findings or {"policy": <policy file JSON>, "findings": [...]}. The rule runs
// alone, in the auditor persona (every finding); a finding's persona is
// "regular" when the expected entry leaves it out.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/policy.hpp"
#include "engine/rules/rules.hpp"

namespace pm::engine {
namespace {

namespace fs = std::filesystem;

const fs::path kDataDir = fs::path(PM_SOURCE_DIR) / "tests/data/rules";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  std::string rule;  // directory name
  fs::path file;     // the workflow or action
  std::string name() const {
    std::string n = rule + "_" + file.stem().string();
    std::replace_if(
        n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return n;
  }
};

std::vector<Case> cases() {
  std::vector<Case> out;
  if (!fs::is_directory(kDataDir)) return out;
  for (const auto& dir : fs::directory_iterator(kDataDir)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() == ".yml") out.push_back({dir.path().filename().string(), f.path()});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.file < b.file; });
  return out;
}

const Rule* rule_named(const std::string& id) {
  for (const auto& r : all_rules()) {
    if (r->info().id == id) return r.get();
  }
  return nullptr;
}

// "line:column severity/confidence persona", comparable and readable in a failure.
std::string describe(int line, int column, std::string_view severity, std::string_view confidence,
                     std::string_view persona) {
  return std::to_string(line) + ":" + std::to_string(column) + " " + std::string(severity) + "/" +
         std::string(confidence) + " " + std::string(persona);
}

class RuleData : public ::testing::TestWithParam<Case> {};

TEST_P(RuleData, ReportsExactlyTheExpectedFindings) {
  const Case& c = GetParam();
  const Rule* rule = rule_named(c.rule);
  ASSERT_NE(rule, nullptr) << "no rule " << c.rule << " for " << c.file;
  const std::string file = c.file.filename().string();
  const bool action = file.ends_with(".action.yml");
  const bool dependabot = file.ends_with(".dependabot.yml");
  const std::string stem = file.substr(0, file.size() - (action ? 11 : 4));
  const std::string path = action       ? ".github/actions/" + stem + "/action.yml"
                           : dependabot ? std::string(".github/dependabot.yml")
                                        : ".github/workflows/" + stem + ".yml";
  fs::path expected_path = c.file;
  expected_path.replace_extension(".expected.json");
  if (action) expected_path = c.file.parent_path() / (stem + ".action.expected.json");
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing";
  const Json expected_doc = Json::parse(read(expected_path));

  AnalysisInput in;
  in.persona = Persona::kAuditor;
  if (dependabot) {
    in.dependabot.push_back(parse_dependabot(path, read(c.file)));
  } else {
    in.workflows.push_back(parse_workflow(path, read(c.file)));
  }
  const WorkflowFile& source = dependabot ? in.dependabot[0].file : in.workflows[0];
  ASSERT_FALSE(source.parse_error.has_value()) << source.parse_error->message;
  const Json* expected_findings = &expected_doc;
  if (expected_doc.is_object()) {
    if (expected_doc.contains("policy")) {
      auto policy = parse_policy(expected_doc["policy"].dump(), ".github/.phase-mirror/policy.json");
      ASSERT_TRUE(policy.ok()) << policy.error().message;
      in.policy = std::move(*policy);
    }
    expected_findings = &expected_doc["findings"];
  }

  std::vector<Finding> found;
  rule->evaluate(in, found);
  std::multiset<std::string> got, want;
  for (const auto& f : found) {
    EXPECT_EQ(f.rule_id, c.rule);
    EXPECT_EQ(f.file, path);
    EXPECT_FALSE(f.message.empty());
    EXPECT_EQ(f.message.find('\n'), std::string::npos) << f.message;
    EXPECT_EQ(f.finding_id.size(), 32u);
    // The evidence is the source line the finding cites.
    EXPECT_EQ(f.evidence, source.line_text(f.line)) << f.message;
    got.insert(describe(f.line, f.column, to_string(f.severity), to_string(f.confidence), to_string(f.persona)));
  }
  for (const auto& e : *expected_findings) {
    want.insert(describe(e.at("line").get<int>(), e.at("column").get<int>(), e.at("severity").get<std::string>(),
                         e.at("confidence").get<std::string>(), e.value("persona", std::string("regular"))));
  }
  std::string messages;
  for (const auto& f : found) messages += "\n  " + std::to_string(f.line) + ": " + f.message;
  EXPECT_EQ(got, want) << c.file << messages;
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleData, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name(); });

// Every rule over workflows or Dependabot configurations has test data with
// positives and negatives.
TEST(RuleDataCoverage, EveryWorkflowRuleHasPositiveAndNegativeCases) {
  for (const auto& r : all_rules()) {
    const auto& tags = r->info().tags;
    const bool over_dependabot = std::find(tags.begin(), tags.end(), "dependabot") != tags.end();
    if (dynamic_cast<const WorkflowRule*>(r.get()) == nullptr && !over_dependabot) continue;
    const std::string id(r->info().id);
    int positive = 0, negative = 0;
    for (const auto& c : cases()) {
      if (c.rule != id) continue;
      fs::path e = c.file;
      const std::string f = c.file.filename().string();
      e = f.ends_with(".action.yml") ? c.file.parent_path() / (f.substr(0, f.size() - 11) + ".action.expected.json")
                                     : e.replace_extension(".expected.json");
      const Json doc = Json::parse(read(e));
      const Json& list = doc.is_object() ? doc["findings"] : doc;
      (list.empty() ? negative : positive)++;
    }
    EXPECT_GT(positive, 0) << id;
    EXPECT_GT(negative, 0) << id;
  }
}

}  // namespace
}  // namespace pm::engine
