#pragma once
// Path patterns of the repository config (.github/phase-mirror.yml) over
// workspace-relative, '/'-separated paths. The syntax is that of ADR globs:
// `**` (any number of directories, a whole segment), `*` and `?` (within one
// segment), `[abc]`/`[a-z]`/`[!x]` classes and `{a,b}` alternatives; the
// placement is what .gitignore users expect: a pattern without '/' matches a
// file name in any directory (`ci.yml`, `*.yml`), one with '/' is anchored at
// the repository root (a leading '/' only anchors), and a pattern that
// matches a directory matches every file below it (`vendor/`, `docs`).
//
// Unlike ADR globs, a pattern is validated when it is compiled (unclosed `[`,
// unbalanced braces, `**` inside a segment, `.`/`..` segments, `\`), its
// length and brace alternatives are capped, and matching is iterative:
// quadratic at worst in the pattern and path lengths, whatever the input.
// (adr/glob.hpp cannot serve here: the adr module depends on the engine.)
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace pm::engine {

class PathGlob {
 public:
  static constexpr std::size_t kMaxLength = 512;       // characters of the pattern
  static constexpr std::size_t kMaxAlternatives = 64;  // after brace expansion

  // INVALID_INPUT with a message that completes "invalid glob '<pattern>': ".
  static Result<PathGlob> compile(std::string_view pattern);

  PathGlob() = default;  // matches nothing

  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  // Each alternative as segments; "**" is the any-directories segment.
  std::vector<std::vector<std::string>> alternatives_;
};

}  // namespace pm::engine
