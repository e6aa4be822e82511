#pragma once
// The paths a user gives to collect a repository's files from (`scan PATH...`
// and analyze_dissonance's `files`): a directory or file is walked or taken as
// it is, a glob (`*`, `?`, `[`, `{`) walks the directory before its first
// wildcard segment and takes the files it matches. Shared by the CLI and the
// tools; adr::Glob is the glob syntax, which the engine cannot depend on.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/collect.hpp"
#include "util/budget.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::tools {

bool has_glob_chars(const std::string& path);

// A glob as a collection pattern: its matches are charged to `budget`, which
// must outlive the request. INVALID_INPUT (completing "the glob X was
// refused: ") when the glob exceeds a cap.
Result<engine::CollectRequest::Pattern> collect_pattern(const std::string& glob, Budget& budget);

}  // namespace pm::tools

namespace pm::tools {

// analyze_dissonance's `files` expanded: directories and globs collected
// (workflows, composite actions, dependabot files, and the files a glob
// names), the other entries kept as given for the analysis to read.
struct CollectedFiles {
  std::vector<std::string> files;  // to analyse, in the order given, each once
  bool walked = false;             // a directory or glob was given
  engine::Collection collection;   // of every directory and glob, merged
  std::vector<std::string> empty;  // directories and globs that gave nothing to analyse
};

// Errors of the walk keep their codes: PATH_OUTSIDE_WORKSPACE, FILE_NOT_FOUND,
// INVALID_INPUT (a limit, a refused glob), the budget's (TIMEOUT).
Result<CollectedFiles> collect_files(const engine::Workspace& ws, const std::vector<std::string>& entries,
                                     Budget& budget);

// The answer's `collected`: counts per kind, the root's policy and config
// files, the entries that gave nothing, and the skipped paths with reasons
// (the first answer::kMaxListed unless `complete`, with skippedTotal and
// skippedTruncated).
Json collected_json(const CollectedFiles& c, std::size_t inline_files, bool complete);

}  // namespace pm::tools
