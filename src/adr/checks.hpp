#pragma once
// Checkable ADR rules: reading them from a ```phase-mirror YAML block and
// evaluating them (and the literal-naming prose MUST NOT rules) on a file.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adr/adr.hpp"
#include "adr/imports.hpp"

namespace pm::adr {

struct Violation {
  std::string adr_id;
  std::string rule_id;
  std::string file;  // as the client gave it
  int line = 0;
  std::string message;
  Severity severity = Severity::kMedium;
  std::string remediation;
  std::string evidence;  // the offending line, trimmed, at most 200 bytes
};

// A file under check.
struct SourceFile {
  SourceFile(std::string g, std::string r, std::string_view c)
      : given(std::move(g)), relative(std::move(r)), content(c) {}
  std::string given;     // path as the client wrote it (reported)
  std::string relative;  // workspace-relative '/' path (matched against globs)
  std::string_view content;
  // Filled on first use by forbid-import rules.
  mutable std::optional<std::vector<ImportRef>> imports;
};

// Rules of one ```phase-mirror block whose body starts at ADR line
// `first_line`. The body is a YAML list of rules (or a mapping with `rules:`).
// Unusable rules (invalid regex, unknown kind, missing fields) are dropped
// with a warning naming the ADR and the line, marked rule_ignored. A rule
// without an `id` is named "<adrId>-C<n>", n counting the rules of the ADR's
// blocks in document order from 1; `ordinal` (when given) carries that count
// from one block of the ADR to the next.
std::vector<CheckRule> parse_check_block(const std::string& adr_id, const std::string& adr_file,
                                         std::string_view yaml_text, int first_line,
                                         std::vector<ParseWarning>& warnings, int* ordinal = nullptr);

// True when the rule looks at this workspace-relative path.
bool rule_applies(const CheckRule& rule, std::string_view relative);

// Appends the violations of one checkable rule on one file (the caller has
// checked rule_applies).
void evaluate_check(const Adr& adr, const CheckRule& rule, const SourceFile& file, std::vector<Violation>& out);

// A MUST NOT / SHALL NOT prose rule naming literals: the first line of the
// file containing one is a violation (severity high, as the reference).
// Rules of other keywords, or without literals, never produce violations.
void evaluate_prose(const Adr& adr, const DecisionRule& rule, const SourceFile& file, std::vector<Violation>& out);

// True when a prose rule can produce violations at all.
bool prose_rule_is_checkable(const DecisionRule& rule);

// Trimmed, clipped to 200 bytes on a UTF-8 boundary.
std::string evidence_of(std::string_view line);

}  // namespace pm::adr
