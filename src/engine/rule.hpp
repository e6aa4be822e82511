#pragma once
// The rule interface of analyze_dissonance. One rule per file in
// src/engine/rules/, listed in rules/registry.cpp. A rule's id, title,
// severity and remediation live next to its code and feed docs/rules.md.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/workflow.hpp"
#include "engine/workspace.hpp"
#include "util/json.hpp"

namespace pm::engine {

struct Finding {
  std::string rule_id;   // "MD-101"
  std::string severity;  // "critical" | "high" | "medium" | "low"
  std::string message;
  std::string file;      // workspace-relative path
  int line = 0;          // 1-based, 0 when not tied to a line
  std::string evidence;  // the offending snippet
  std::string remediation;
  std::string finding_id;             // finding_id(rule_id, file, evidence)
  std::vector<std::string> adr_refs;  // e.g. "ADR-002"
  Json context = Json::object();      // rule-specific extras
};

// PRODUCT.md §8: first 32 lowercase hex chars of SHA-256 over ruleId, the
// workspace-relative path and the whitespace-normalised evidence, joined by NUL.
std::string finding_id(const std::string& rule_id, const std::string& file, const std::string& evidence);

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
  bool loaded = false;  // false: defaults (no file)
  std::string path;     // workspace-relative, when loaded
  std::string permission_ceiling(std::string_view scope) const;
};

struct AnalysisInput {
  std::string mode = "pull_request";  // pull_request | issue | merge_group | drift (issue analysed as pull_request)
  bool strict = false;
  bool dry_run = false;
  std::vector<FileData> files;          // files read successfully (path, kind, hash; bytes not kept)
  std::vector<WorkflowFile> workflows;  // parsed from files of kind workflow (and composite actions)
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

struct RuleInfo {
  std::string id;
  std::string title;
  std::string default_severity;
  std::string description;  // what it finds (docs/rules.md)
  std::string remediation;
  std::vector<std::string> adr_refs;
};

class Rule {
 public:
  virtual ~Rule() = default;
  virtual const RuleInfo& info() const = 0;
  // Appends findings. May throw: the engine turns a throwing rule into a
  // critical finding (fail-closed).
  virtual void evaluate(const AnalysisInput& input, std::vector<Finding>& out) const = 0;
};

// All rules, in catalogue order (MD-001..MD-005, MD-101..MD-106).
const std::vector<std::unique_ptr<Rule>>& all_rules();

}  // namespace pm::engine
