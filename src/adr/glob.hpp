#pragma once
// Glob matching on workspace-relative, '/'-separated paths, as ADR rules
// write them: `**` (any number of directories), `*` and `?` (within one path
// segment), `[abc]`/`[a-z]`/`[!x]` classes and `{a,b}` alternatives (nestable).
// A pattern is anchored at the workspace root: `*.cpp` matches `main.cpp`
// but not `src/main.cpp`; write `**/*.cpp` for any depth.
#include <string>
#include <string_view>
#include <vector>

namespace pm::adr {

class Glob {
 public:
  explicit Glob(std::string_view pattern);
  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  // Brace-expanded alternatives, each split into '/' segments.
  std::vector<std::vector<std::string>> alternatives_;
};

// True when any of the globs matches.
bool matches_any(const std::vector<Glob>& globs, std::string_view path);

// Strips "./" prefixes and collapses "a/./b", "a//b" and "a/b/../c"; a path
// that climbs above its start keeps its leading "..".
std::string normalize_path(std::string_view path);

}  // namespace pm::adr
