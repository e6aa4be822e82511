#pragma once
// Which findings a team suppressed, and how: the repository config
// (repo_config.hpp), inline ignore comments (inline_ignores.hpp) and the FP
// store's reviewed false positives. A suppressed finding is listed in the
// payload's `suppressed` with its `suppression` and never counts toward the
// decision; a disabled rule does not run at all.
//
// Precedence (one suppression per finding, the first that matches):
//   1. an inline ignore on the finding's line or above it (closest to the code);
//   2. the config's `rules.<id>.ignore`, the most specific entry first
//      (path:line:column, then path:line, then a whole file or glob; file order among equals);
//   3. the config's `ignore-paths`;
//   4. the FP store (by findingId; the analyzer asks it for what is left).
// Persona and minConfidence: the call's inputs, else the config's, else the
// defaults (regular; medium, or low for auditor), each setting on its own.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.hpp"
#include "engine/inline_ignores.hpp"
#include "engine/repo_config.hpp"
#include "util/json.hpp"

namespace pm::engine {

enum class SuppressionKind { kInline, kConfig, kFpStore };
const char* to_string(SuppressionKind k);  // "inline" | "config" | "fp-store"

struct Suppression {
  SuppressionKind kind = SuppressionKind::kConfig;
  std::string reason;    // "" when none was given: still suppressed, and flagged
  std::string by;        // who answers for it: a config entry's (or rule's) `by`, else the file that carries it;
                         // the reviewer for the FP store
  std::string location;  // "<file>:<line>" of the comment or config entry; "fp-store:<findingId>"
  std::string via;       // "zizmor:<audit>" when a zizmor comment matched, else ""

  bool reason_missing() const { return reason.empty(); }
  // {"kind", "reason", "by", "location", "reasonMissing"[, "via"]}
  Json to_json() const;
};

// A reviewed false positive of the FP store as a suppression.
Suppression fp_store_suppression(const std::string& finding_id, std::string review_note, std::string reviewed_by);

// A suppressed finding's payload entry: the finding's JSON with "suppression"
// added, and "reviewNote" kept for FP-store entries.
void attach_suppression(Json& finding_json, const Suppression& s);

// What the matcher needs of a finding.
struct FindingRef {
  std::string_view rule_id;
  std::string_view file;  // workspace-relative; "" when not tied to a file
  int line = 0;           // 1-based; 0 when not tied to a line
  int column = 0;         // 1-based; 0 when unknown
};

// Steps 1-3 of the precedence above; either source may be null.
std::optional<Suppression> find_suppression(const FindingRef& f, const RepoConfig* config,
                                            const InlineIgnores* inline_ignores);

// minConfidence when neither the call nor the repository config sets one:
// medium for regular and pedantic, low for auditor (which reports everything).
Confidence default_min_confidence(Persona p);

// Persona and minConfidence of an analysis, and where each came from.
struct AnalysisLevels {
  Persona persona = Persona::kRegular;
  Confidence min_confidence = Confidence::kMedium;
  const char* persona_from = "default";         // "input" | "config" | "default"
  const char* min_confidence_from = "default";  // likewise
  // Whether the analysis reports a finding of `finding_persona` with
  // `confidence`; what it does not report is neither listed nor counted.
  bool reports(Persona finding_persona, Confidence confidence) const {
    return reported_in(finding_persona, persona) && confidence >= min_confidence;
  }
  // {"persona", "minConfidence", "personaFrom", "minConfidenceFrom"}
  Json to_json() const;
};
AnalysisLevels resolve_levels(std::optional<Persona> input_persona, std::optional<Confidence> input_min_confidence,
                              const RepoConfig* config);

// The suppressions of one analysis: the config (if any) and the inline
// ignores of the files it reads.
class Suppressions {
 public:
  explicit Suppressions(std::optional<RepoConfig> config = std::nullopt,
                        const std::vector<std::string>& known_rule_ids = catalogue_rule_ids());

  const RepoConfig* config() const { return config_ ? &*config_ : nullptr; }

  // Reads the inline ignores of a file the analysis reads; only YAML files
  // (.yml, .yaml) have them. Once per path; a second call replaces the first.
  void add_file(const std::string& path, std::string_view text);
  const InlineIgnores* inline_ignores(std::string_view path) const;

  bool rule_disabled(std::string_view rule_id) const { return config_ && config_->disabled(rule_id); }
  std::optional<Severity> severity_override(std::string_view rule_id) const {
    return config_ ? config_->severity_override(rule_id) : std::nullopt;
  }
  std::optional<Suppression> match(const FindingRef& f) const;

  // Ignore comments that could not be used, for the payload:
  // [{"file", "line", "column", "message"}], by file and line.
  Json problems_json() const;

 private:
  std::optional<RepoConfig> config_;
  std::vector<std::string> known_rule_ids_;
  std::map<std::string, InlineIgnores, std::less<>> files_;
};

}  // namespace pm::engine
