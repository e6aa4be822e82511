#pragma once
// Just enough shell for rules that read `run:` scripts: logical lines (joined
// at `\` and PowerShell backtick continuations), the simple commands of a line
// with the pipes between them, and a command's own name past `sudo`, `env`
// and variable assignments. Not a shell parser: no expansion, no here-documents.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/budget.hpp"

namespace pm::engine::rules::shell {

// The lines of a script, continuation lines joined into one.
class LogicalLines {
 public:
  explicit LogicalLines(std::string_view script) : script_(script) {}
  // The next logical line and the offset of its first non-blank character in
  // the script; false at the end or once `budget` (one unit per byte) has stopped.
  bool next(Budget& budget, std::string& line, std::size_t& offset);

 private:
  std::string_view script_;
  std::size_t pos_ = 0;
};

// One simple command, and whether `|` feeds it the previous one's output.
struct Command {
  std::vector<std::string> words;  // quotes removed
  bool piped = false;
};

// The commands of a logical line: split at `|`, `||`, `&&`, `;` and `&`
// outside quotes, up to a `#` that starts a word (a comment).
std::vector<Command> commands(std::string_view line);

// The index of the command's own name in `words`, past `sudo` (and its
// flags), `env`, `time`, `command`, `exec` and variable assignments;
// words.size() when there is none.
std::size_t command_word(const std::vector<std::string>& words);

// The lower-case last path component of a command name (`/usr/bin/Curl` -> `curl`).
std::string base_name(std::string_view word);

std::string lower(std::string_view s);

}  // namespace pm::engine::rules::shell
