#pragma once
// What a client reads: the summary text (reference format, engine.md §3.4),
// the report counters and the JSON of findings.
#include <string>
#include <vector>

#include "engine/decision.hpp"
#include "engine/rule.hpp"

namespace pm::engine {

struct Report {
  int rules_checked = 0;
  int violations_found = 0;
  int critical_issues = 0;
};

Report make_report(int rules_checked, const std::vector<Finding>& findings);
Json to_json(const Report& r);

// Multi-line text, lines joined by '\n', no trailing newline.
// `omitted` findings counted by the decision were left out of `findings`
// (the answer's maxFindings); a last line says so. `notes` (what was
// suppressed, what the persona does not report) follow, one line each.
std::string summary_text(const Decision& d, const std::vector<Finding>& findings, std::size_t omitted = 0,
                         const std::vector<std::string>& notes = {});

// {ruleId, severity, confidence, message, file, line, column[, endLine,
// endColumn], evidence, remediation, findingId, adrRefs[, persona][, related]
// [, context]}: persona only when not regular, related and context only when
// not empty.
Json to_json(const Finding& f);

// ADR-### ids named by the findings (adr_refs and messages), distinct, sorted.
std::vector<std::string> adr_references(const std::vector<Finding>& findings);

}  // namespace pm::engine
