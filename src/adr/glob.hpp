#pragma once
// Glob matching on workspace-relative, '/'-separated paths, as ADR rules
// write them: `**` (any number of directories), `*` and `?` (within one path
// segment), `[abc]`/`[a-z]`/`[!x]` classes and `{a,b}` alternatives (nestable).
// A pattern is anchored at the workspace root: `*.cpp` matches `main.cpp`
// but not `src/main.cpp`; write `**/*.cpp` for any depth.
//
// Globs come from ADRs, which a pull request may change, so what one glob may
// cost is capped (the caps below, documented in docs/adr-rules.md) and every
// loop asks the call's Budget: matching is iterative (no stack frame per
// segment or per `**`), linear in the path per `**` backtrack.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/budget.hpp"
#include "util/error.hpp"

namespace pm::adr {

inline constexpr std::size_t kMaxGlobLength = 1024;           // bytes of the pattern as written
inline constexpr std::size_t kMaxGlobSegments = 64;           // '/'-separated segments of one alternative
inline constexpr int kMaxBraceDepth = 8;                      // nesting of `{a,{b,c}}`
inline constexpr std::size_t kMaxBraceAlternatives = 256;     // patterns after brace expansion
inline constexpr std::size_t kMaxBraceExpandedBytes = 65536;  // their total length

class Glob {
 public:
  // The compiled glob, or INVALID_INPUT saying which cap it exceeds. The
  // expansion is charged to `budget`; a stopped budget is an error too (the
  // caller reports the budget's error rather than this one).
  static Result<Glob> compile(std::string_view pattern, Budget& budget);

  // False when the path does not match or the budget stopped (check
  // budget.stopped() before trusting a false).
  bool matches(std::string_view path, Budget& budget) const;
  const std::string& pattern() const { return pattern_; }
  std::size_t alternatives() const { return alternatives_.size(); }

 private:
  Glob() = default;
  std::string pattern_;
  // Brace-expanded alternatives, each split into '/' segments.
  std::vector<std::vector<std::string>> alternatives_;
};

// True when any of the globs matches (false also when the budget stopped).
bool matches_any(const std::vector<Glob>& globs, std::string_view path, Budget& budget);

// Strips "./" prefixes and collapses "a/./b", "a//b" and "a/b/../c"; a path
// that climbs above its start keeps its leading "..".
std::string normalize_path(std::string_view path);

}  // namespace pm::adr
