#pragma once
// What a rule reports: a finding with its severity, how certain it is
// (confidence), the least persona that reports it, where it is (line, column,
// an optional end, related places) and a stable id.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::engine {

// The project's one severity scale (pm::Severity of util/error.hpp: kLow,
// kMedium, kHigh, kCritical), shared with ADR violations and errors so that a
// severity means the same everywhere. to_string gives "low".."critical".
using Severity = pm::Severity;
std::optional<Severity> parse_severity(std::string_view text);

// How certain the weakness is: high = certain from the text; medium =
// likely; low = depends on what cannot be seen from the files (a repository
// setting, what a caller passes).
enum class Confidence : std::uint8_t { kLow, kMedium, kHigh };
const char* to_string(Confidence c);
std::optional<Confidence> parse_confidence(std::string_view text);

// Who asks: regular (the default: what the established linters report by
// default), pedantic (adds style and hardening findings), auditor
// (everything). Ordered: a finding is reported in the persona it belongs to
// and every later one.
enum class Persona : std::uint8_t { kRegular, kPedantic, kAuditor };
const char* to_string(Persona p);
std::optional<Persona> parse_persona(std::string_view text);
inline bool reported_in(Persona finding, Persona requested) {
  return finding <= requested;
}

// Another place that explains a finding (the trigger line of a dangerous
// checkout, the matrix value an image expands to).
struct RelatedLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
};

struct Finding {
  std::string rule_id;  // "MD-101"
  Severity severity = Severity::kMedium;
  Confidence confidence = Confidence::kHigh;
  Persona persona = Persona::kRegular;  // the least persona that reports it
  std::string message;
  std::string file;  // workspace-relative path
  int line = 0;      // 1-based, 0 when not tied to a line
  int column = 0;    // 1-based (characters), 0 when not tied to a position
  int end_line = 0;  // where the span ends (exclusive column), 0 when not known
  int end_column = 0;
  std::string evidence;           // the offending snippet (the trimmed source line)
  bool evidence_clipped = false;  // the line was longer than the snippet kept
  std::string remediation;
  std::string finding_id;             // finding_id(rule_id, file, evidence)
  std::vector<std::string> adr_refs;  // e.g. "ADR-002"
  std::vector<RelatedLocation> related;
  Json context = Json::object();  // rule-specific extras
};

// PRODUCT.md §8: first 32 lowercase hex chars of SHA-256 over ruleId, the
// workspace-relative path and the whitespace-normalised evidence, joined by NUL.
std::string finding_id(const std::string& rule_id, const std::string& file, const std::string& evidence);

}  // namespace pm::engine
