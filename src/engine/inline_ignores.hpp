#pragma once
// Inline ignore comments of a YAML file (workflows, composite actions):
//
//   - uses: some/action@v3  # phase-mirror: ignore[MD-105] vendored, reviewed by security
//   # phase-mirror: ignore[MD-101,MD-106] the release job publishes packages
//   release:
//
// An ignore covers a finding of a named rule on the comment's own line, or,
// when the comment is alone on its line, on the next line (several comment
// lines may stack above a line; a blank line ends the stack). A finding on a
// continuation line of a multi-line scalar (a `run: |` script) is covered by
// an ignore on the scalar's first line or above it: a `#` inside the script is
// shell, not YAML, and never counts. The reason is the text after `]`; an
// ignore without one still works and is reported with an empty reason.
// `# zizmor: ignore[<audit>,...]` counts too, its audit names mapped to our
// rules by the table of rule_names.hpp (names we have no rule for cover
// nothing).
//
// Only YAML comments count. Which `#` starts one is decided by libyaml's own
// scanner: a `#` at the start of a line or after a space or tab, outside the
// span of every scalar (quoted, plain, or the content lines of a block
// scalar), is a comment. The YAML model's nodes carry only where a scalar
// starts; the spans come from yaml::scalar_spans, a second pass that runs
// only for a file that contains "ignore[" or "phase-mirror:" at all.
#include <string>
#include <string_view>
#include <vector>

#include "engine/rule_names.hpp"

namespace pm::engine {

enum class IgnoreSyntax { kPhaseMirror, kZizmor };

struct InlineIgnore {
  int line = 0;           // 1-based line of the comment
  int column = 0;         // 1-based column of its '#'
  bool own_line = false;  // nothing but the comment on its line: it also covers the next line
  IgnoreSyntax syntax = IgnoreSyntax::kPhaseMirror;
  std::vector<std::string> names;     // as written between the brackets
  std::vector<std::string> rule_ids;  // our rules they name (zizmor audits mapped)
  std::string reason;                 // text after ']', trimmed; "" when there is none
};

// A comment that looks like an ignore but cannot be one (unknown rule id,
// no closing bracket, written inside a script...): shown to the user, covers nothing.
struct InlineIgnoreProblem {
  int line = 0;
  int column = 0;
  std::string message;
};

class InlineIgnores {
 public:
  const std::string& path() const { return path_; }
  const std::vector<InlineIgnore>& ignores() const { return ignores_; }
  const std::vector<InlineIgnoreProblem>& problems() const { return problems_; }

  // The ignore that covers a finding of `rule_id` at `line` (1-based), nullptr
  // when none does: one on the line, then the stack of comment-only lines
  // right above it; for a continuation line of a multi-line scalar, the same
  // for the scalar's first line.
  const InlineIgnore* find(std::string_view rule_id, int line) const;

 private:
  friend InlineIgnores parse_inline_ignores(std::string path, std::string_view text,
                                            const std::vector<std::string>& known_rule_ids);
  struct ScalarLines {
    int first = 0;  // first continuation line
    int last = 0;
    int anchor = 0;  // the line the scalar starts on
  };

  const InlineIgnore* find_at(std::string_view rule_id, int line) const;
  bool comment_only(int line) const;

  std::string path_;
  std::vector<InlineIgnore> ignores_;  // by line
  std::vector<InlineIgnoreProblem> problems_;
  std::vector<int> comment_only_lines_;     // sorted
  std::vector<ScalarLines> continuations_;  // sorted, disjoint
};

// The ignores of one YAML file's text; `path` (workspace-relative) is kept for
// the suppression's location. Text that is not valid YAML yields no ignores
// and one problem saying so.
InlineIgnores parse_inline_ignores(std::string path, std::string_view text,
                                   const std::vector<std::string>& known_rule_ids = catalogue_rule_ids());

}  // namespace pm::engine
