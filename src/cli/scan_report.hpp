#pragma once
// What `phase-mirror-mcp scan` reports, built from the tools' JSON payloads
// (analyze_dissonance's findings and suppressed findings, check_adr_compliance's
// violations) and the rule catalogue of `rules --json`. The formats (plain,
// json, sarif, github) all print this one model, so a finding means the same
// wherever it is seen.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/json.hpp"

namespace pm::cli::scan {

// critical > high > medium > low; -1 for anything else.
int severity_rank(const std::string& severity);
// high > medium > low; -1 for anything else.
int confidence_rank(const std::string& confidence);

struct Location {
  std::string file;  // workspace-relative
  int line = 0;      // 0: not tied to a line
  int column = 0;    // 1-based; 0: not known
  std::string message;
};

// analyze_dissonance's `suppression` of a suppressed finding (docs/suppressions.md).
struct Suppression {
  std::string kind;  // inline | config | fp-store
  std::string reason;
  std::string by;
  std::string location;
  bool reason_missing = false;
  std::string via;  // "zizmor:<audit>" for a zizmor comment, else ""
};

struct Finding {
  std::string tool;     // analyze_dissonance | check_adr_compliance
  std::string rule_id;  // MD-105; ADR rules as "<adrId>/<ruleId>" unless the rule id names its ADR already
  std::string adr_id;   // the ADR of an ADR violation
  std::string severity;
  std::string confidence = "high";
  std::string message;
  Location where;
  std::string evidence;
  std::string remediation;
  std::string finding_id;
  std::vector<Location> related;
  std::optional<Suppression> suppression;
};

// Rule metadata for the formats that describe rules (SARIF).
struct RuleMeta {
  std::string id;
  std::string title;
  std::string description;
  std::string remediation;
  std::string default_severity;
  std::string default_confidence = "high";
  std::vector<std::string> tags;
  std::string not_reported;  // what the rule deliberately does not report
  std::string example;       // a workflow excerpt the rule reports (YAML), or empty
  std::string help_anchor;   // fragment of docs/rules.md; empty for ADR rules
  std::string adr_id;
  std::string adr_file;
};

// An error that makes the scan incomplete (exit code 2).
struct ScanError {
  std::string path;  // file concerned, or empty
  std::string code;
  std::string message;
};

struct Thresholds {
  std::string min_severity = "low";
  std::string min_confidence = "low";
  bool admits(const Finding& f) const;
};

struct Report {
  std::string root;               // absolute workspace root
  std::vector<Finding> findings;  // at or above the thresholds, not suppressed, in file/line order
  std::vector<Finding> suppressed;
  std::size_t below_thresholds = 0;
  std::vector<RuleMeta> rules;  // the catalogue, then the ADR rules seen
  std::vector<ScanError> errors;
  std::vector<std::string> notes;  // one line each: what was scanned, degraded stores, ...
  Thresholds thresholds;
  int exit_code() const;  // 0 clean, 1 findings, 2 errors
};

// Adds analyze_dissonance's findings and suppressed findings from its payload
// (`data.analysis`), and its file errors.
void add_analysis(Report& report, const Json& analysis);
// Adds check_adr_compliance's violations (`data.compliance`), its file errors
// (`data.fileErrors`) and the rules it had to ignore.
void add_adr_compliance(Report& report, const Json& compliance, const Json& file_errors);
// The rule metadata: the catalogue (`rules --json`) plus one entry per ADR rule
// and per rule id of a finding the catalogue does not list.
void add_rules(Report& report, const Json& catalogue, const Json& adr_details);
// Sorts findings by file, line, column and rule; moves findings below the
// thresholds out (counted) and fills columns from the evidence when a payload
// gave none. `line_of` returns a file's line (1-based) for that, or nullopt.
void finish(Report& report,
            const std::function<std::optional<std::string>(const std::string& file, int line)>& line_of);

// GitHub's heading anchor of "## <id> — <title>" in docs/rules.md.
std::string rules_doc_anchor(const std::string& id, const std::string& title);

}  // namespace pm::cli::scan
