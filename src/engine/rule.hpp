#pragma once
// The rule interface of analyze_dissonance. One rule per file in
// src/engine/rules/, listed in rules/registry.cpp. A rule's metadata
// (RuleInfo) is one static constant next to its code; docs/rules.md,
// `rules --json` and get_server_info derive from it. Rules build findings with
// FindingBuilder; rules over workflows derive from WorkflowRule (walk.hpp).
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/dependabot.hpp"
#include "engine/finding.hpp"
#include "engine/workflow.hpp"
#include "engine/workspace.hpp"
#include "util/budget.hpp"
#include "util/json.hpp"

namespace pm::engine {

struct RepoConfig;
class Suppressions;

struct Repository {
  std::string owner = "unknown";
  std::string name = "unknown";
  std::string branch;
};

// Policy file (.github/.phase-mirror/policy.json), PRODUCT.md §8.
struct Policy {
  std::string schema_version = "1.0.0";
  bool required_for_default_branch = true;
  bool allow_bypass_for_admins = false;
  bool require_linear_history = false;
  bool allow_direct_pushes = false;
  // scope -> "read" | "write" | "none"; scopes not listed default to "read".
  std::vector<std::pair<std::string, std::string>> workflow_permissions;
  // The file has `workflowPermissions`: MD-101 holds every level to this
  // ceiling (opt-in strictness) instead of the default semantics.
  bool workflow_permissions_set = false;
  bool loaded = false;  // false: defaults (no file)
  std::string path;     // workspace-relative, when loaded
  std::string permission_ceiling(std::string_view scope) const;
};

struct AnalysisInput {
  std::string mode = "pull_request";  // pull_request | issue | merge_group | drift (issue analysed as pull_request)
  bool strict = false;
  Persona persona = Persona::kRegular;           // findings of later personas are not reported
  Confidence min_confidence = Confidence::kLow;  // findings of less confidence are not reported
  // The repository config (.github/phase-mirror.yml) and the analysis'
  // suppressions built on it, owned by the caller; nullptr: none. Rules read
  // their settings from `config` (RepoConfig::settings<T>(id)).
  const RepoConfig* config = nullptr;
  const Suppressions* suppressions = nullptr;
  bool dry_run = false;
  std::vector<FileData> files;             // files read successfully (path, kind, hash; bytes not kept)
  std::vector<WorkflowFile> workflows;     // parsed from files of kind workflow (and composite actions)
  std::vector<DependabotFile> dependabot;  // parsed from .github/dependabot.y{a,}ml files
  Policy policy;
  std::optional<Json> branch_protection;  // GitHub REST snapshot; nullopt = protection disabled/absent
  bool branch_protection_given = false;   // a branchProtectionFile was named (nullopt then = disabled)
  std::string branch_protection_path;     // workspace-relative, when given
  std::optional<Json> baseline;           // baseline file content (drift)
  std::string baseline_path;              // workspace-relative, when given
  // Workspace-relative paths known not to exist (given files that were not
  // found; in drift mode also baseline entries that are gone).
  std::vector<std::string> absent_paths;
  Repository repository;
  std::optional<std::string> commit_sha;
  std::optional<std::string> author;
  std::optional<long long> pr_number;
  std::string context;  // free text from the client
};

// A rule's metadata, declared once as a constant next to its code.
struct RuleInfo {
  std::string_view id;  // "MD-101"
  std::string_view title;
  Severity severity;  // default: most of its findings
  Confidence confidence;
  Persona persona;                // the least persona any of its findings belongs to
  std::string_view description;   // what it finds
  std::string_view not_reported;  // what it deliberately does not report, and why
  std::string_view remediation;
  std::span<const std::string_view> adr_refs;
  std::span<const std::string_view> tags;  // "security", "supply-chain", "governance", ...
  // A short workflow excerpt the rule reports (YAML); "" when the rule has none.
  std::string_view example = {};
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  // Appends findings. Asks `budget` (the call's) in every loop whose length
  // the input decides, and returns early once it has stopped: the findings
  // are then incomplete and the analyzer answers the stop, never them. May
  // throw: the engine turns a throwing rule into a critical finding
  // (fail-closed); a budget stop is not an exception, so that cannot hide it.
  virtual void evaluate(const AnalysisInput& input, std::vector<Finding>& out, Budget& budget) const = 0;
  // The same without limits.
  void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const {
    Budget unlimited;
    evaluate(input, out, unlimited);
  }
};

// Where a workflow rule's findings go. Each one is charged to the call's
// budget as it is added (its strings and context), so a visit that would build
// millions of findings stops at the memory allowance rather than after it;
// once the budget has stopped, findings are dropped and the rule's loops end
// at their next step.
//
// With `levels` (the analysis' persona and minConfidence), a finding the call
// will not report is counted in `*unreported` and not built at all: a rule that
// reports every checkout for the pedantic persona costs a regular call nothing
// per checkout but the count.
class FindingSink {
 public:
  FindingSink(std::vector<Finding>& out, Budget& budget, const AnalysisInput* levels = nullptr,
              std::size_t* unreported = nullptr)
      : out_(out), budget_(budget), levels_(levels), unreported_(unreported) {}
  void push_back(Finding f);
  std::size_t size() const { return out_.size(); }
  // The budget the findings are charged to, for helpers that loop.
  Budget& budget() const { return budget_; }
  // Whether a finding of this persona and confidence is reported; counts it
  // as not reported when it is not.
  bool reports(Persona persona, Confidence confidence);

 private:
  std::vector<Finding>& out_;
  Budget& budget_;
  const AnalysisInput* levels_;
  std::size_t* unreported_;
};

// The one way rules (and the analyzer) build a finding: defaults from the
// rule's metadata, a place in a file, then build(), which fills the
// remediation, ADR references and findingId.
//   FindingBuilder(info()).at(wf, step.uses).message("...").emit(out);
class FindingBuilder {
 public:
  explicit FindingBuilder(const RuleInfo& info);

  FindingBuilder& severity(Severity s);
  FindingBuilder& confidence(Confidence c);
  FindingBuilder& persona(Persona p);
  // One sentence: what is wrong here, and why.
  FindingBuilder& message(std::string m);
  // The place in a workflow; the evidence is its trimmed source line.
  FindingBuilder& at(const WorkflowFile& wf, Position p);
  FindingBuilder& at(const WorkflowFile& wf, const Located& l) { return at(wf, wf.position(l)); }
  // Where the offending span ends (same file).
  FindingBuilder& until(Position p);
  // A finding about a file as a whole, or about the call (file ""), with its evidence.
  FindingBuilder& in_file(std::string file, std::string evidence);
  FindingBuilder& related(const WorkflowFile& wf, Position p, std::string message);
  FindingBuilder& related(const WorkflowFile& wf, const Located& l, std::string message) {
    return related(wf, wf.position(l), std::move(message));
  }
  FindingBuilder& context(Json c);

  Finding build();
  void emit(std::vector<Finding>& out) { out.push_back(build()); }
  void emit(FindingSink& out) {
    if (out.reports(f_.persona, f_.confidence)) out.push_back(build());
  }

 private:
  const RuleInfo& info_;
  Finding f_;
};

// All rules, in catalogue order (MD-001..MD-005, then MD-101 onwards).
const std::vector<std::unique_ptr<Rule>>& all_rules();

}  // namespace pm::engine
