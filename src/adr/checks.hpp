#pragma once
// Checkable ADR rules: reading them from a ```phase-mirror YAML block and
// evaluating them (and the literal-naming prose MUST NOT rules) on a file.
// Every loop asks the call's Budget; a rule's regular expression is capped in
// size and run on bounded pieces of text, so no single match runs long.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adr/adr.hpp"
#include "adr/imports.hpp"

namespace pm::adr {

// Caps on a rule's regular expression (docs/adr-rules.md).
// RE2 instructions of the compiled pattern: the cost of matching grows with
// it, up to ~25 ns per instruction and byte when RE2's DFA gives up.
inline constexpr int kMaxRegexProgramSize = 1000;
// RE2's memory for one pattern (program and DFA cache).
inline constexpr std::int64_t kRegexMaxMem = std::int64_t{512} * 1024;
// One RE2 run covers at most this many bytes x program instructions (well
// under 100 ms even on RE2's slowest path), so a stop is seen between runs.
inline constexpr std::uint64_t kRegexWorkPerRun = std::uint64_t{1} << 21;
// The text of one run: kRegexWorkPerRun / program size, within these bounds.
// A line longer than the window is matched in windows overlapping by half, so
// a match up to half a window long is always found.
inline constexpr std::size_t kMinMatchWindow = 2048;
inline constexpr std::size_t kMaxMatchWindow = 65536;
// Pattern matching on one file (every rule together) stops after this; the
// file is then reported as not fully checked.
inline constexpr std::chrono::milliseconds kMaxMatchTimePerFile{2000};

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
// Unusable rules (invalid or too complex regex, a glob over its caps, unknown
// kind, missing fields) are dropped with a warning naming the ADR and the
// line, marked rule_ignored. A rule without an `id` is named "<adrId>-C<n>", n
// counting the rules of the ADR's blocks in document order from 1; `ordinal`
// (when given) carries that count from one block of the ADR to the next.
std::vector<CheckRule> parse_check_block(const std::string& adr_id, const std::string& adr_file,
                                         std::string_view yaml_text, int first_line,
                                         std::vector<ParseWarning>& warnings, Budget& budget, int* ordinal = nullptr);

// True when the rule looks at this workspace-relative path.
bool rule_applies(const CheckRule& rule, std::string_view relative, Budget& budget);

// Appends the violations of one checkable rule on one file (the caller has
// checked rule_applies). Stops early when the budget does; the caller checks
// budget.stopped() (or its Scope) before trusting the result.
void evaluate_check(const Adr& adr, const CheckRule& rule, const SourceFile& file, std::vector<Violation>& out,
                    Budget& budget);

// A MUST NOT / SHALL NOT prose rule naming literals: the first line of the
// file containing one is a violation (severity high, as the reference).
// Rules of other keywords, or without literals, never produce violations.
void evaluate_prose(const Adr& adr, const DecisionRule& rule, const SourceFile& file, std::vector<Violation>& out,
                    Budget& budget);

// True when a prose rule can produce violations at all.
bool prose_rule_is_checkable(const DecisionRule& rule);

// Trimmed, clipped to 200 bytes on a UTF-8 boundary.
std::string evidence_of(std::string_view line);

}  // namespace pm::adr
