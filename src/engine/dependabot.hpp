#pragma once
// Dependabot configuration (.github/dependabot.yml) model built from the YAML
// model: the keys the rules judge, each with where it is written. Values are
// copies (the files are small), so the model does not depend on the parse.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/workflow.hpp"

namespace pm {
class Budget;
}

namespace pm::engine {

// A scalar value and where its text starts.
struct DependabotValue {
  std::string value;
  Position at;
};

// `cooldown:` of an `updates` entry (version updates only; security updates
// are never delayed).
struct DependabotCooldown {
  Position at;              // of the cooldown: key
  bool well_formed = true;  // a mapping (or empty); Dependabot rejects any other value
  std::optional<DependabotValue> default_days;
  std::optional<DependabotValue> semver_major_days;
  std::optional<DependabotValue> semver_minor_days;
  std::optional<DependabotValue> semver_patch_days;
};

// One entry of `updates:`.
struct DependabotUpdate {
  Position at;  // of the entry's first key
  // Required: Dependabot rejects the file without it, so rules skip such entries.
  std::optional<DependabotValue> package_ecosystem;
  std::optional<DependabotValue> directory;
  std::vector<DependabotValue> directories;
  std::optional<DependabotValue> schedule_interval;
  std::optional<DependabotValue> open_pull_requests_limit;
  std::optional<DependabotValue> insecure_external_code_execution;
  std::optional<DependabotCooldown> cooldown;
  // `registries:` of the entry: names of top-level registries, or "*" (all).
  std::optional<Position> registries_at;
  std::vector<DependabotValue> registries;
};

struct DependabotFile {
  // The path, the source with its lines, and parse_error when the text is not
  // UTF-8 YAML; no jobs. Findings cite it as they cite a workflow.
  WorkflowFile file;
  std::optional<DependabotValue> version;
  // Entries of `updates:` that are mappings; other items are skipped.
  std::vector<DependabotUpdate> updates;
  // Names of the top-level `registries:`, each at its key.
  std::vector<DependabotValue> registries;
};

// Where GitHub reads the configuration: .github/dependabot.yml|yaml (at the
// root of the repository, or of a repository nested in the workspace).
bool is_dependabot_path(std::string_view relative);

// Builds the model. Never throws on bad input: text that is not UTF-8 YAML
// lands in file.parse_error (reported as MD-000); a shape Dependabot would
// reject (a top level that is not a mapping, `updates` not a list, keys of
// the wrong type) is left out of the model, which then holds nothing to judge.
// `budget` as for parse_workflow.
DependabotFile parse_dependabot(const std::string& path, std::shared_ptr<const std::string> source,
                                Budget* budget = nullptr);
DependabotFile parse_dependabot(const std::string& path, std::string_view text, Budget* budget = nullptr);

}  // namespace pm::engine
