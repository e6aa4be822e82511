#pragma once
// The repository config file, `.github/phase-mirror.yml`: what a team decided
// about the rules, reviewed with the code (docs/suppressions.md).
//
//   persona: regular              # regular | pedantic | auditor
//   min-confidence: medium        # low | medium | high
//   ignore-paths: [vendor/, "**/testdata/**"]
//   rules:
//     MD-105:
//       severity: high            # override: low | medium | high | critical
//       reason: tags of our own actions are protected
//       by: "@org/platform"
//       ignore:
//         - .github/workflows/release.yml        # a path or glob: the whole file
//         - ci.yml:42                            # a line (a name without '/' matches in any directory)
//         - path: ci.yml:42:15                   # a line and column, with its own reason
//           reason: pinned by digest upstream
//       config:                   # per-rule settings (MD-105: pin policies)
//         policies: {"actions/*": ref-pin, "*": hash-pin}
//     MD-101: {disable: true, reason: replaced by our org ruleset}
//
// Parsed with the project's YAML model; every problem is reported, each with
// a JSON pointer into the document (`/rules/MD-105/ignore/2`) and its line,
// never a crash. Bounded: the file, each list, each text and each glob are
// capped (the k* constants below), and so is the number of errors listed.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/finding.hpp"
#include "engine/path_glob.hpp"
#include "engine/workspace.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::engine {

inline constexpr const char* kDefaultRepoConfigPath = ".github/phase-mirror.yml";
inline constexpr const char* kDefaultRepoConfigPathYaml = ".github/phase-mirror.yaml";

inline constexpr std::size_t kMaxRepoConfigBytes = std::size_t{1024} * 1024;
inline constexpr std::size_t kMaxConfigListEntries = 1000;  // each ignore list, ignore-paths, policies
inline constexpr std::size_t kMaxConfigTextLength = 1000;   // reason, by
inline constexpr std::size_t kMaxConfigErrors = 50;         // listed; the message gives the total

// Where a config suppression applies: a glob (PathGlob placement rules), and
// optionally one line or one line and column ("ci.yml", "ci.yml:42",
// "ci.yml:42:15").
struct LocationPattern {
  PathGlob glob;
  int line = 0;      // 0: any line
  int column = 0;    // 0: any column
  std::string text;  // as written
  // `column` 0 (unknown) on the finding matches only patterns without a column.
  bool matches(std::string_view file, int finding_line, int finding_column) const;
};

// An entry of `ignore-paths` or `rules.<id>.ignore`.
struct IgnoreEntry {
  LocationPattern where;
  std::string reason;   // "" when the entry gives none (the payload flags it)
  std::string by;       // "" when the entry gives none
  int config_line = 0;  // line of the entry in the config file
};

// MD-105's settings: which `uses:` references must be pinned how.
enum class PinPolicy { kHashPin, kRefPin, kAny };
const char* to_string(PinPolicy p);

// A repository pattern for `uses:` clauses (the forms zizmor's users know),
// from the most to the least specific: `owner/repo[/path]@ref`,
// `owner/repo/path`, `owner/repo` (no subpath), `owner/repo/*`, `owner/*`, `*`.
// Owner and repository compare case-insensitively, path and ref exactly.
struct UsesPattern {
  enum class Kind { kExactRef, kPath, kRepo, kRepoAny, kOwnerAny, kAny };
  Kind kind = Kind::kAny;
  std::string owner;
  std::string repo;
  std::string path;  // subpath, "" for none
  std::string ref;   // kExactRef only
  std::string text;  // as written

  // INVALID_INPUT with a message that completes "invalid pattern '<text>': ".
  static Result<UsesPattern> parse(std::string_view text);
  // `uses` as written in a workflow ("owner/repo/path@ref"); false for local
  // (`./`), `docker://` and malformed references.
  bool matches(std::string_view uses) const;
  int specificity() const { return 5 - static_cast<int>(kind); }
};

struct PinPolicyEntry {
  UsesPattern pattern;
  PinPolicy policy = PinPolicy::kHashPin;
  int config_line = 0;
};

struct PinningSettings {
  std::vector<PinPolicyEntry> policies;
  // The entry of the most specific pattern that matches `uses`, nullptr when
  // none does (the implicit `"*": hash-pin` then applies).
  const PinPolicyEntry* entry_for(std::string_view uses) const;
  PinPolicy policy_for(std::string_view uses) const;
};

// Typed per-rule settings (`rules.<id>.config`); monostate for a rule that has none.
using RuleSettings = std::variant<std::monostate, PinningSettings>;

struct RuleConfig {
  std::string id;  // "MD-105"
  bool disabled = false;
  std::optional<Severity> severity;  // override of every finding's severity
  std::vector<IgnoreEntry> ignore;
  std::string reason;  // for `disable`, and for ignore entries that give none
  std::string by;      // likewise
  RuleSettings settings;
  int config_line = 0;  // line of the rule's key
};

struct RepoConfig {
  std::string path;  // workspace-relative path of the file
  std::optional<Persona> persona;
  std::optional<Confidence> min_confidence;
  std::vector<IgnoreEntry> ignore_paths;
  std::vector<RuleConfig> rules;  // in file order, one per id

  const RuleConfig* rule(std::string_view id) const;
  // The rule does not run at all.
  bool disabled(std::string_view id) const;
  std::optional<Severity> severity_override(std::string_view id) const;
  // The rule's typed settings, nullptr when the file gives none.
  template <class T>
  const T* settings(std::string_view id) const {
    const RuleConfig* r = rule(id);
    return r == nullptr ? nullptr : std::get_if<T>(&r->settings);
  }
  // For the payload: {"file", "persona"?, "minConfidence"?, "disabledRules",
  // "severityOverrides": {id: severity}}.
  Json summary_json() const;
};

// One validation problem of a config file.
struct ConfigIssue {
  std::string path;     // JSON pointer into the document, "" for the whole file
  std::string message;  // what is wrong, without the location
  std::string keyword;  // additionalProperties | propertyNames | type | enum | pattern | maxItems | maxLength |
                        // minimum | required | duplicateKey | syntax
  int line = 0;         // 1-based, 0 when unknown
  int column = 0;
};

struct RepoConfigCheck {
  RepoConfig config;                // meaningful only when issue_count is 0
  std::vector<ConfigIssue> issues;  // the first kMaxConfigErrors problems, in document order
  std::size_t issue_count = 0;      // all of them
  bool ok() const { return issue_count == 0; }
};

// The rule ids of the catalogue (all_rules()), the ids a config may name.
const std::vector<std::string>& catalogue_rule_ids();

// Validates and parses a config file's text. `path` (workspace-relative)
// names the file in the result.
RepoConfigCheck check_repo_config(std::string_view text, const std::string& path,
                                  const std::vector<std::string>& known_rule_ids = catalogue_rule_ids());

// The same as a Result: INVALID_INPUT naming the file, with
// details {"file", "validationErrors": [{path, message, keyword, line, column}]}
// (at most kMaxConfigErrors of them, the message gives the total).
Result<RepoConfig> parse_repo_config(std::string_view text, const std::string& path,
                                     const std::vector<std::string>& known_rule_ids = catalogue_rule_ids());

// The config of an analysis. `use_config` false: none, whatever `config_file`
// says. `config_file` empty: kDefaultRepoConfigPath (or its .yaml spelling), where a missing file means
// no config; a named file must exist (INVALID_INPUT with a validation error at
// /configFile). Paths obey the workspace rules (PATH_OUTSIDE_WORKSPACE,
// FILE_TOO_LARGE).
Result<std::optional<RepoConfig>> load_repo_config(
    const Workspace& ws, const std::optional<std::string>& config_file, bool use_config,
    const std::vector<std::string>& known_rule_ids = catalogue_rule_ids());

}  // namespace pm::engine
