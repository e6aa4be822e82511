#pragma once
// The output formats of `phase-mirror-mcp scan`, each over the one Report.
#include <functional>
#include <optional>
#include <string>

#include "cli/scan_report.hpp"
#include "util/json.hpp"

namespace pm::cli::scan {

// A file's line (1-based) as it was scanned, or nullopt.
using LineSource = std::function<std::optional<std::string>(const std::string& file, int line)>;

// For people: `file:line:col: severity rule [confidence] message`, the source
// line with a caret under the column, the remediation; then the suppressed
// findings, the notes and a summary. ANSI colours only when `color`.
std::string format_plain(const Report& report, const LineSource& lines, bool color);

// GitHub Actions workflow commands: one ::error/::warning/::notice annotation
// per finding and per error, then the summary line.
std::string format_github(const Report& report);

// A finding as the json format lists it (the tool payload's keys, plus `tool`,
// `adrId` and `suppression` where they apply).
Json finding_json(const Finding& f);

// SARIF 2.1.0 for GitHub code scanning: one run, the rules with help text,
// help links into docs/rules.md under `docs_url`, levels, security-severity,
// findingId fingerprints, suppressions, and the errors as notifications.
// `lines` gives each result the lines around it (contextRegion).
Json format_sarif(const Report& report, const LineSource& lines, const std::string& docs_url,
                  const std::string& version);

// The summary line the plain and github formats end with.
std::string summary_line(const Report& report);

}  // namespace pm::cli::scan
