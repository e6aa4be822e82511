#include "engine/report.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace pm::engine {

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "ADR-" followed by at least three digits, not preceded by a word character.
void collect_adr_ids(const std::string& text, std::set<std::string>& out) {
  for (std::size_t pos = text.find("ADR-"); pos != std::string::npos; pos = text.find("ADR-", pos + 4)) {
    if (pos > 0 && (std::isalnum(static_cast<unsigned char>(text[pos - 1])) != 0 || text[pos - 1] == '_')) continue;
    std::size_t end = pos + 4;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) ++end;
    if (end - (pos + 4) >= 3) out.insert(text.substr(pos, end - pos));
  }
}

}  // namespace

Report make_report(int rules_checked, const std::vector<Finding>& findings) {
  Report r;
  r.rules_checked = rules_checked;
  r.violations_found = static_cast<int>(findings.size());
  r.critical_issues = static_cast<int>(
      std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == "critical"; }));
  return r;
}

Json to_json(const Report& r) {
  return Json{{"rulesChecked", r.rules_checked},
              {"violationsFound", r.violations_found},
              {"criticalIssues", r.critical_issues}};
}

std::string summary_text(const Decision& d, const std::vector<Finding>& findings) {
  const std::string rule(60, '=');
  std::vector<std::string> lines = {rule,
                                    "MIRROR DISSONANCE PROTOCOL - ORACLE ANALYSIS",
                                    rule,
                                    "",
                                    "Decision: " + upper(d.outcome),
                                    "Timestamp: " + d.timestamp,
                                    "Mode: " + d.mode,
                                    "",
                                    "Reasons:"};
  for (const auto& r : d.reasons) lines.push_back("  - " + r);
  lines.emplace_back();
  if (findings.empty()) {
    lines.emplace_back("No violations detected.");
  } else {
    lines.emplace_back("Violations:");
    for (const auto& f : findings) lines.push_back("  [" + upper(f.severity) + "] " + f.rule_id + ": " + f.message);
  }
  lines.emplace_back();
  lines.push_back(rule);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out.push_back('\n');
    out += lines[i];
  }
  return out;
}

Json to_json(const Finding& f) {
  Json j = Json::object();
  j["ruleId"] = f.rule_id;
  j["severity"] = f.severity;
  j["message"] = f.message;
  j["file"] = f.file;
  j["line"] = f.line;
  j["evidence"] = f.evidence;
  j["remediation"] = f.remediation;
  j["findingId"] = f.finding_id;
  j["adrRefs"] = f.adr_refs;
  if (f.context.is_object() && !f.context.empty()) j["context"] = f.context;
  return j;
}

std::vector<std::string> adr_references(const std::vector<Finding>& findings) {
  std::set<std::string> ids;
  for (const auto& f : findings) {
    for (const auto& r : f.adr_refs) collect_adr_ids(r, ids);
    collect_adr_ids(f.message, ids);
  }
  return {ids.begin(), ids.end()};
}

}  // namespace pm::engine
