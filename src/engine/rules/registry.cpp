// The catalogue, in order. A rule appears here once its file exists.
#include "engine/rules/rules.hpp"

namespace pm::engine {

namespace rules {

namespace {
constexpr std::string_view kParseFailureTags[] = {"correctness"};
}  // namespace

const RuleInfo kParseFailure{
    .id = "MD-000",
    .title = "Workflow could not be parsed",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A workflow (`.github/workflows/*.yml|yaml`), action (`action.yml`) or Dependabot configuration "
        "(`.github/dependabot.yml|yaml`) that is not valid YAML, is not UTF-8 "
        "text (invalid UTF-8 or a NUL byte, at its byte offset), or exceeds the parser's limits (nesting depth, alias "
        "expansion of YAML bombs). The finding gives the parser's line, column and message. A workflow that cannot "
        "be read cannot be checked, so the analysis fails closed: the decision is at least warn and names the files "
        "that could not be checked.",
    .not_reported = "Files that are not workflows, actions or Dependabot configurations (they are not parsed as YAML).",
    .remediation =
        "Fix the file so that GitHub (and this check) can read it: a workflow, action or Dependabot configuration that "
        "cannot be read cannot be checked.",
    .adr_refs = {},
    .tags = kParseFailureTags,
};

}  // namespace rules

const std::vector<std::unique_ptr<Rule>>& all_rules() {
  static const std::vector<std::unique_ptr<Rule>> catalogue = [] {
    std::vector<std::unique_ptr<Rule>> r;
    r.push_back(rules::make_md_001());
    r.push_back(rules::make_md_002());
    r.push_back(rules::make_md_003());
    r.push_back(rules::make_md_004());
    r.push_back(rules::make_md_005());
    r.push_back(rules::make_md_101());
    r.push_back(rules::make_md_102());
    r.push_back(rules::make_md_103());
    r.push_back(rules::make_md_104());
    r.push_back(rules::make_md_105());
    r.push_back(rules::make_md_106());
    r.push_back(rules::make_md_107());
    r.push_back(rules::make_md_108());
    r.push_back(rules::make_md_109());
    r.push_back(rules::make_md_110());
    r.push_back(rules::make_md_111());
    r.push_back(rules::make_md_112());
    r.push_back(rules::make_md_113());
    r.push_back(rules::make_md_114());
    r.push_back(rules::make_md_115());
    r.push_back(rules::make_md_116());
    r.push_back(rules::make_md_117());
    r.push_back(rules::make_md_118());
    r.push_back(rules::make_md_119());
    r.push_back(rules::make_md_120());
    r.push_back(rules::make_md_121());
    r.push_back(rules::make_md_122());
    r.push_back(rules::make_md_123());
    r.push_back(rules::make_md_124());
    return r;
  }();
  return catalogue;
}

}  // namespace pm::engine
