// The catalogue, in order. A rule appears here once its file exists.
#include "engine/rules/rules.hpp"

namespace pm::engine {

namespace rules {

Finding make_finding(const RuleInfo& info, std::string severity, std::string message, std::string file, int line,
                     std::string evidence) {
  Finding f;
  f.rule_id = info.id;
  f.severity = std::move(severity);
  f.message = std::move(message);
  f.file = std::move(file);
  f.line = line;
  f.evidence = std::move(evidence);
  f.remediation = info.remediation;
  f.adr_refs = info.adr_refs;
  f.finding_id = finding_id(f.rule_id, f.file, f.evidence);
  return f;
}

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
    return r;
  }();
  return catalogue;
}

}  // namespace pm::engine
