#include "engine/decision.hpp"

namespace pm::engine {

namespace {

// Names for a reason: the first few, then how many more.
std::string listed(const std::vector<std::string>& names) {
  constexpr std::size_t kNamed = 5;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < kNamed; ++i) out.append(i ? ", " : "").append(names[i]);
  if (names.size() > kNamed) out.append(" and ").append(std::to_string(names.size() - kNamed)).append(" more");
  return out;
}

constexpr const char* kBreakerReason = "Circuit breaker tripped - too many blocks in current hour";
constexpr const char* kDryRunReason = "Dry-run mode: would block but allowing with warning";
}  // namespace

Thresholds thresholds(bool strict) {
  Thresholds t;
  if (strict) {
    t.max_high = 0;
    t.max_medium = 5;
  }
  return t;
}

SeverityCounts count_severities(const std::vector<Finding>& findings) {
  SeverityCounts c;
  for (const auto& f : findings) {
    switch (f.severity) {
      case Severity::kCritical: ++c.critical; break;
      case Severity::kHigh: ++c.high; break;
      case Severity::kMedium: ++c.medium; break;
      case Severity::kLow: ++c.low; break;
    }
  }
  return c;
}

bool should_block(const SeverityCounts& c, const Thresholds& t) {
  return (t.block_on_critical && c.critical > t.max_critical) || c.high > t.max_high || c.medium > t.max_medium;
}

Decision make_decision(const std::vector<Finding>& findings, const DecisionInput& in) {
  Decision d;
  d.outcome = "allow";
  d.timestamp = in.timestamp;
  d.mode = in.mode;
  d.rules_evaluated = in.rules_evaluated;
  const SeverityCounts c = count_severities(findings);

  if (should_block(c, thresholds(in.strict))) {
    std::vector<std::string> errored;
    for (const auto& f : findings) {
      const auto it = f.context.find("isEvaluationError");
      if (it != f.context.end() && it->is_boolean() && it->get<bool>()) errored.push_back(f.rule_id);
    }
    std::string reason = "Critical violations: " + std::to_string(c.critical);
    if (!errored.empty()) {
      reason += " (including " + std::to_string(errored.size()) + " rule evaluation error(s): ";
      for (std::size_t i = 0; i < errored.size(); ++i) reason += (i ? ", " : "") + errored[i];
      reason += ")";
    }
    reason += ", High: " + std::to_string(c.high) + ", Medium: " + std::to_string(c.medium);
    d.reasons.push_back(reason);
    d.outcome = "block";
  }
  if (d.outcome == "block" && in.dry_run) {
    d.reasons.push_back(kDryRunReason);
    d.outcome = "warn";
  }
  // Too many blocks for this repository this hour: the gate degrades to warn
  // rather than stalling every merge (the reference only turned allow into warn).
  if (d.outcome == "block" && in.circuit_breaker_tripped) {
    d.reasons.push_back(kBreakerReason);
    d.outcome = "warn";
    d.degraded = true;
  }
  // A file that could not be read was not checked: never report a pass.
  if (in.file_errors > 0 && d.outcome == "allow") {
    d.reasons.push_back("Files not analysed: " + std::to_string(in.file_errors) + " (see fileErrors)");
    d.outcome = "warn";
  }
  // A workflow that could not be parsed was not checked either (fail closed):
  // say which, whatever the outcome, and never report a pass.
  if (!in.unchecked_files.empty()) {
    d.reasons.push_back((in.nothing_checked ? "Nothing could be checked: no file could be parsed: "
                                            : "Not checked, could not be parsed: ") +
                        listed(in.unchecked_files));
    if (d.outcome == "allow") d.outcome = "warn";
  }
  if (d.outcome == "allow") {
    // The reference prints only the low count, which reads "Low: 0" for an allowed high
    // finding; the same prefix, with the medium and high counts when there are any.
    std::string minor = "Minor violations within thresholds: Low: " + std::to_string(c.low);
    if (c.medium > 0) minor += ", Medium: " + std::to_string(c.medium);
    if (c.high > 0) minor += ", High: " + std::to_string(c.high);
    d.reasons.push_back(findings.empty() ? "No violations detected" : minor);
  }
  return d;
}

std::string envelope_decision(const std::string& outcome) {
  if (outcome == "block") return "block";
  if (outcome == "warn") return "warn";
  return "pass";
}

Json to_json(const Decision& d) {
  return Json{{"outcome", d.outcome},
              {"reasons", d.reasons},
              {"metadata", Json{{"timestamp", d.timestamp}, {"mode", d.mode}, {"rulesEvaluated", d.rules_evaluated}}}};
}

}  // namespace pm::engine
