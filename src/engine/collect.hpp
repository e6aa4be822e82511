#pragma once
// Repository collection: which files of a repository an analysis reads when
// it is given a root, directories, files or globs instead of a file list.
// Walks are bounded (the limits below and the caller's Budget) and never
// follow symbolic links: every directory is listed through the Workspace,
// opened beneath the root without following any link; what was left out is
// reported with the reason.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/workspace.hpp"
#include "util/budget.hpp"
#include "util/error.hpp"

namespace pm::engine {

struct CollectLimits {
  std::size_t max_files = 50000;     // files collected; more is an error (narrow the paths)
  std::size_t max_entries = 500000;  // directory entries looked at; more is an error
  int max_depth = 32;                // directory levels below a walked path; deeper ones are skipped
};

// Directory names never walked into: version control, dependency and virtual
// environment trees. docs/CI.md lists them.
const std::vector<std::string>& skipped_directory_names();

struct CollectRequest {
  // Workspace paths of files or directories; empty = the workspace root.
  std::vector<std::string> paths;
  // A glob: `base` (a directory) is walked and the files `match` accepts are
  // taken as if named. `text` is the glob as written, for messages.
  struct Pattern {
    std::string text;
    std::string base;
    std::function<bool(std::string_view relative)> match;
  };
  std::vector<Pattern> patterns;
  // Also list every file walked (the source tree an ADR check reads).
  bool source_tree = false;
  // Workspace-relative directories not walked (e.g. the ADR directory).
  std::vector<std::string> excluded_dirs;
  // Files and directories the user excluded (workspace-relative path).
  std::function<bool(std::string_view relative)> exclude;
  CollectLimits limits;
};

struct SkippedPath {
  std::string path;  // workspace-relative
  std::string reason;
};

// Every list holds workspace-relative '/' paths, sorted bytewise, each once.
struct Collection {
  std::vector<std::string> workflows;      // */.github/workflows/*.y{a,}ml
  std::vector<std::string> actions;        // **/action.y{a,}ml
  std::vector<std::string> dependabot;     // */.github/dependabot.y{a,}ml
  std::vector<std::string> other_files;    // named or matched, of none of the kinds above
  std::optional<std::string> policy_file;  // .github/.phase-mirror/policy.json at the root
  std::optional<std::string> config_file;  // .github/phase-mirror.y{a,}ml at the root
  std::vector<std::string> source_files;   // with source_tree: every file walked, named or matched
  std::vector<SkippedPath> skipped;
  std::size_t entries_seen = 0;

  // What analyze_dissonance reads: workflows, actions, dependabot files and
  // the other named files, sorted.
  std::vector<std::string> analysis_files() const;
};

// FILE_NOT_FOUND / PATH_OUTSIDE_WORKSPACE for a path that does not exist or
// leaves the workspace (a glob's base alike); INVALID_INPUT naming the limit
// when a walk passes max_files or max_entries; the budget's error (TIMEOUT)
// when it stops (each directory entry is a step). Literal entries of the
// root's .gitignore (`build/`, `/dist`, `compile_commands.json`) are not walked.
Result<Collection> collect(const Workspace& ws, const CollectRequest& request, Budget& budget);

}  // namespace pm::engine
