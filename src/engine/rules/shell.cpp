#include "engine/rules/shell.hpp"

#include <utility>

namespace pm::engine::rules::shell {

bool LogicalLines::next(Budget& budget, std::string& line, std::size_t& offset) {
  line.clear();
  bool first = true;
  while (pos_ < script_.size()) {
    std::size_t end = script_.find('\n', pos_);
    if (end == std::string_view::npos) end = script_.size();
    std::string_view text = script_.substr(pos_, end - pos_);
    if (!budget.step(1 + text.size())) return false;
    if (first) {
      const std::size_t b = script_.find_first_not_of(" \t", pos_);
      offset = b == std::string_view::npos || b > end ? pos_ : b;
      first = false;
    }
    pos_ = end + 1;
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    const bool continued = !text.empty() && (text.back() == '\\' || text.back() == '`');
    line.append(continued ? text.substr(0, text.size() - 1) : text);
    line.push_back(' ');
    if (!continued) return true;
  }
  return !first;
}

std::vector<Command> commands(std::string_view line) {
  std::vector<Command> out(1);
  std::string word;
  char quote = 0;
  const auto end_word = [&] {
    if (!word.empty()) out.back().words.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word.push_back(c);
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && word.empty()) {
      break;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      end_word();
    } else if (c == '|' || c == ';' || c == '&') {
      if (c == '&' && !word.empty() && word.back() == '>') {  // `2>&1`: a redirection
        word.push_back(c);
        continue;
      }
      end_word();
      const bool doubled = i + 1 < line.size() && line[i + 1] == c;
      if (doubled) ++i;
      out.push_back(Command{{}, c == '|' && !doubled});
    } else {
      word.push_back(c);
    }
  }
  end_word();
  return out;
}

std::size_t command_word(const std::vector<std::string>& words) {
  std::size_t i = 0;
  bool wrapper = false;  // after sudo/env/...: its flags are skipped too
  while (i < words.size()) {
    const std::string& w = words[i];
    if (w == "sudo" || w == "env" || w == "time" || w == "command" || w == "exec") {
      wrapper = true;
    } else if (!(wrapper && w[0] == '-') && !(w[0] != '-' && w[0] != '=' && w.find('=') != std::string::npos)) {
      break;
    }
    ++i;
  }
  return i;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string base_name(std::string_view word) {
  const std::size_t slash = word.rfind('/');
  return lower(slash == std::string_view::npos ? word : word.substr(slash + 1));
}

}  // namespace pm::engine::rules::shell
