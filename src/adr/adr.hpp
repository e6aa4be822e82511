#pragma once
// The ADR model: one parsed Architecture Decision Record with its metadata,
// its RFC 2119 decision rules, its checkable rules (```phase-mirror blocks)
// and the warnings found while reading it.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adr/glob.hpp"
#include "engine/gha/gha.hpp"
#include "util/error.hpp"

namespace re2 {
class RE2;
}

namespace pm::adr {

enum class Status { kApproved, kProposed, kDeprecated, kSuperseded, kRejected, kUnknown };
const char* to_string(Status s);

struct ParseWarning {
  std::string adr_id;  // may be empty when the file has no recognisable id
  std::string file;    // the ADR file, as a workspace path
  int line = 0;        // 1-based line in the ADR, 0 when not tied to a line
  std::string message;
  // The warning says a checkable rule (or a whole ```phase-mirror block) was
  // dropped: an ADR check that had to ignore one is never compliant.
  bool rule_ignored = false;
};

// An RFC 2119 / RFC 8174 requirement sentence from a Decision section.
struct DecisionRule {
  std::string id;       // "<adrId>-R<n>", numbered in document order
  std::string keyword;  // "MUST NOT", "SHOULD", "REQUIRED", ...
  std::string text;     // the whole sentence, emphasis markers removed
  int line = 0;         // line where the sentence starts
  // Literals named in backticks or quotes; with a MUST NOT / SHALL NOT keyword
  // a file containing one of them violates the rule.
  std::vector<std::string> literals;
};

enum class CheckKind { kForbid, kRequire, kForbidImport, kMaxPermissions };
const char* to_string(CheckKind k);

// The GitHub Actions model's permission levels and ranking (engine/gha).
using PermLevel = engine::gha::Level;

// A checkable rule from a ```phase-mirror block.
struct CheckRule {
  std::string id;  // as written, or "<adrId>-C<n>" for the n-th rule of the ADR's blocks when it has none
  CheckKind kind = CheckKind::kForbid;
  Severity severity = Severity::kMedium;
  std::string message;
  std::string remediation;
  int line = 0;               // line of the rule in the ADR
  std::vector<Glob> in;       // forbid/require: files; forbid-import: `from`
  std::vector<Glob> exclude;  // files never checked by this rule
  std::vector<Glob> to;       // forbid-import: imported files/modules
  // forbid/require: the pattern in multi-line mode. Run on one line it means
  // what the pattern means there; run on a run of whole lines it matches
  // whenever one of them matches, so runs without a hit skip the line scan.
  std::shared_ptr<const re2::RE2> pattern;
  bool runs_on_many_lines = false;  // false when \A, \z or (?-m) make that unsafe
  std::size_t match_window = 0;     // bytes per RE2 run (checks.hpp)
  std::string pattern_text;
  // max-permissions: ceiling per scope; `fallback` applies to unlisted scopes.
  std::vector<std::pair<std::string, PermLevel>> ceiling;
  std::optional<PermLevel> fallback;
};

struct Adr {
  std::string id;                   // "ADR-007"
  std::string file;                 // workspace path of the ADR as listed
  std::string format = "template";  // "template" (bold/heading metadata) or "madr" (front matter)
  std::string title;
  Status status = Status::kUnknown;
  std::string status_text;    // as written
  std::string superseded_by;  // "ADR-010" when given
  std::string date;
  std::vector<std::string> deciders;
  std::vector<std::string> tags;
  std::vector<std::string> related_rules;  // MD-###/L0-### mentioned anywhere
  bool has_compliance_section = false;
  bool parsed = true;  // false when the file could not be read as an ADR at all
  std::vector<DecisionRule> rules;
  std::vector<CheckRule> checks;
  std::vector<ParseWarning> warnings;
};

}  // namespace pm::adr
