// The YAML scanner for the block style GitHub workflows are written in. It
// builds the same tree as the libyaml path (yaml.cpp) — same values, styles,
// lines and columns — for the subset below, and gives up (nullopt) on
// anything else, so that libyaml decides everything it does not handle,
// including every error message:
//
//   * block mappings whose keys are plain or quoted one-line scalars, block
//     sequences (also "- key: value" compact mappings and sequences at the
//     indentation of their key), comments, one leading "---";
//   * anchors and aliases on values, "<<" merge keys, with libyaml's limits
//     on alias expansion and depth (counted the way yaml.cpp counts them);
//   * plain and quoted scalars on one line, literal and folded block scalars
//     without an indentation indicator, one-line flow sequences of scalars,
//     the empty flow mapping "{}".
//
// Given up on: anchors on keys, tags, directives, multi-line plain or quoted
// scalars, other flow collections, tabs, CR/NEL/LS/PS line breaks, characters
// libyaml refuses, a byte-order mark, several documents, keys longer than libyaml allows, nesting deeper than
// kMaxDepth, and any shape that would be an error.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/yaml.hpp"
#include "engine/yaml_arena.hpp"
#include "util/budget.hpp"

namespace pm::engine::yaml::detail {
namespace {

constexpr std::size_t kMaxDepth = 64;        // deeper documents go to libyaml
constexpr std::size_t kMaxSimpleKey = 1000;  // libyaml refuses implicit keys over 1024 characters

// Thrown to give the text to libyaml; never leaves parse_fast.
struct Unsupported : std::exception {
  const char* what() const noexcept override { return "YAML outside the scanner's subset"; }
};

[[noreturn]] void give_up() {
  throw Unsupported{};
}

// Thrown when the call's budget stopped the parse; never leaves parse_fast.
struct Stopped : std::exception {
  const char* what() const noexcept override { return kStoppedMessage; }
};

// True when every character is one libyaml reads without complaint and the
// only line break is LF: printable ASCII, LF, and UTF-8 sequences of
// printable code points other than NEL, LS, PS and the byte-order mark.
bool plain_text(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7F) return false;
      ++p;
      continue;
    }
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1Fu, len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0Fu, len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07u, len = 4;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < len) return false;
    for (std::size_t i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF) return false;
    if (cp <= 0x9F || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE ||
        cp == 0xFFFF) {
      return false;
    }
    p += len;
  }
  return true;
}

bool is_blank_or_end(const char* p, const char* end) {
  return p == end || *p == ' ' || *p == '\n';
}

class FastParser {
 public:
  FastParser(std::string_view text, const Limits& limits, Arena& arena)
      : end_(text.data() + text.size()),
        p_(text.data()),
        line_start_(text.data()),
        max_depth_(std::min(limits.max_depth, kMaxDepth)),
        max_alias_nodes_(limits.max_alias_nodes),
        budget_(limits.budget),
        spent_to_(text.data()),
        arena_(arena) {}

  Node document() {
    next_content_line();
    if (indent_ == 0 && at_marker("---")) {
      p_ += 3;
      finish_line();
    }
    if (indent_ < 0) give_up();  // empty stream: no document
    const Node root = own_line_node(indent_, 0);
    if (indent_ >= 0) give_up();  // text left over after the root collection
    return root;
  }

 private:
  struct Anchored {
    Node node;
    std::size_t count = 0;
    std::size_t height = 0;
  };

  // --- positions ---------------------------------------------------------

  // Counted on from the last column asked on the same line: the nodes of a
  // line are asked left to right, so a line of many nodes (a long flow
  // sequence) costs its length once rather than once per node.
  int column_of(const char* p) {
    if (col_line_ != line_start_ || p < col_at_) {
      col_line_ = line_start_;
      col_at_ = line_start_;
      col_ = 1;
    }
    for (; col_at_ < p; ++col_at_) {
      if ((static_cast<unsigned char>(*col_at_) & 0xC0) != 0x80) ++col_;
    }
    return col_;
  }

  // Asks the budget for the bytes read since the last look and one unit for
  // the node or line at `p`.
  void spend(const char* p) {
    if (budget_ == nullptr) return;
    const auto cost = p > spent_to_ ? static_cast<std::uint64_t>(p - spent_to_) : 0;
    spent_to_ = std::max(spent_to_, p);
    if (!budget_->step(cost + 1)) throw Stopped{};
  }

  Node at(Kind kind, const char* p) {
    spend(p);
    Node n;
    n.kind = kind;
    n.line = line_;
    n.column = column_of(p);
    return n;
  }

  bool at_marker(const char* marker) const {
    return p_ == line_start_ && end_ - p_ >= 3 && std::string_view(p_, 3) == marker && is_blank_or_end(p_ + 3, end_);
  }

  // Moves to the first character of the next line that holds something other
  // than spaces and a comment; indent_ is its indentation, -1 at the end.
  void next_content_line() {
    for (;;) {
      const char* q = p_;
      while (q < end_ && *q == ' ') ++q;
      if (q == end_) {
        p_ = end_;
        indent_ = -1;
        return;
      }
      if (*q == '\n' || *q == '#') {
        while (q < end_ && *q != '\n') ++q;
        if (q == end_) {
          p_ = end_;
          indent_ = -1;
          return;
        }
        p_ = q + 1;
        line_start_ = p_;
        ++line_;
        continue;
      }
      p_ = q;
      indent_ = static_cast<int>(q - line_start_);
      if (indent_ == 0 && (at_marker("---") || at_marker("..."))) {
        if (line_ != 1 || at_marker("...")) give_up();  // document markers: libyaml's business
        if (seen_start_marker_) give_up();
        seen_start_marker_ = true;
      }
      return;
    }
  }

  // After a value on the current line: only spaces and a comment may follow.
  // Then moves on to the next content line.
  void finish_line() {
    const char* q = p_;
    while (q < end_ && *q == ' ') ++q;
    if (q < end_ && *q == '#') {
      if (q == p_) give_up();  // a comment needs a space before it
      while (q < end_ && *q != '\n') ++q;
    }
    if (q < end_ && *q != '\n') give_up();
    if (q == end_) {
      p_ = end_;
      indent_ = -1;
      return;
    }
    p_ = q + 1;
    line_start_ = p_;
    ++line_;
    next_content_line();
  }

  // --- structure ---------------------------------------------------------

  static bool is_entry(const char* p, const char* end) { return *p == '-' && is_blank_or_end(p + 1, end); }

  void check_depth(std::size_t depth) const {
    if (depth >= max_depth_) give_up();
  }

  // A collection that starts a line, at indentation `indent`.
  Node own_line_node(int indent, std::size_t depth) {
    check_depth(depth);
    if (is_entry(p_, end_)) return sequence(indent, depth);
    if (key_ahead()) return mapping(indent, depth);
    give_up();  // a scalar on a line of its own (possibly multi-line plain)
  }

  // Does the current line hold "key:" from p_ on?
  bool key_ahead() const {
    const char* q = p_;
    if (*q == '\'' || *q == '"') {
      const char quote = *q++;
      while (q < end_ && *q != '\n') {
        if (*q == quote) {
          if (quote == '\'' && q + 1 < end_ && q[1] == '\'') {
            q += 2;
            continue;
          }
          break;
        }
        if (quote == '"' && *q == '\\' && q + 1 < end_ && q[1] != '\n') ++q;
        ++q;
      }
      if (q == end_ || *q != quote) return false;
      ++q;
      while (q < end_ && *q == ' ') ++q;
      return q < end_ && *q == ':' && is_blank_or_end(q + 1, end_);
    }
    for (; q < end_ && *q != '\n'; ++q) {
      if (*q == ':' && is_blank_or_end(q + 1, end_)) return true;
      if (*q == '#' && q > p_ && q[-1] == ' ') return false;
    }
    return false;
  }

  Node mapping(int indent, std::size_t depth) {
    check_depth(depth);
    Node map = at(Kind::kMapping, p_);
    const std::size_t first = pending_.size();
    std::size_t count = 1;
    std::size_t height = 1;
    bool merges = false;
    for (;;) {
      if (is_entry(p_, end_)) give_up();  // "- " where a key belongs
      const Node k = key();               // leaves p_ just past the ':'
      merges = merges || (k.style == ScalarStyle::kPlain && k.value() == "<<");
      pending_.push_back(k);
      pending_.push_back(value_after_indicator(indent, depth + 1, /*in_sequence=*/false));
      count += 1 + count_;
      height = std::max(height, height_ + 1);
      if (indent_ < indent) break;
      if (indent_ > indent) give_up();
    }
    const std::size_t n = (pending_.size() - first) / 2;
    Entry* entries = arena_.array<Entry>(n);
    for (std::size_t i = 0; i < n; ++i) {
      entries[i].first = pending_[first + 2 * i];
      entries[i].second = pending_[first + 2 * i + 1];
    }
    pending_.resize(first);
    map.set_entries(entries, n);
    if (merges) resolve_merges(map, arena_);
    count_ = count;
    height_ = height;
    return map;
  }

  Node sequence(int indent, std::size_t depth) {
    check_depth(depth);
    Node seq = at(Kind::kSequence, p_);
    const std::size_t first = pending_.size();
    std::size_t count = 1;
    std::size_t height = 1;
    for (;;) {
      ++p_;  // past '-'
      pending_.push_back(value_after_indicator(indent, depth + 1, /*in_sequence=*/true));
      count += count_;
      height = std::max(height, height_ + 1);
      if (indent_ < indent) break;
      if (indent_ > indent) give_up();
      if (!is_entry(p_, end_)) break;  // the next key of the mapping this sequence is the value of
    }
    const std::size_t n = pending_.size() - first;
    Node* items = arena_.array<Node>(n);
    std::copy(pending_.begin() + static_cast<std::ptrdiff_t>(first), pending_.end(), items);
    pending_.resize(first);
    seq.set_items(items, n);
    count_ = count;
    height_ = height;
    return seq;
  }

  // An anchor or alias name: letters, digits, '-' and '_', then a space or
  // the end of the line (in a flow sequence also ',' or ']').
  std::string_view name(bool in_flow = false) {
    const char* start = p_;
    while (p_ < end_ && (std::isalnum(static_cast<unsigned char>(*p_)) != 0 || *p_ == '-' || *p_ == '_')) ++p_;
    const bool ends = is_blank_or_end(p_, end_) || (in_flow && (*p_ == ',' || *p_ == ']'));
    if (p_ == start || !ends) give_up();
    return {start, static_cast<std::size_t>(p_ - start)};
  }

  // The anchored node an alias (p_ past the '*') at `depth` stands for: it
  // shares the node, which keeps the line and column it was written at.
  Anchored alias(std::size_t depth, bool in_flow) {
    const auto it = anchors_.find(name(in_flow));
    if (it == anchors_.end()) give_up();  // undefined alias: libyaml says so
    const Anchored a = it->second;
    charge(a.count);
    if (depth + a.height > max_depth_) give_up();
    return a;
  }

  // Nodes produced by anchors and aliases count against the expansion limit
  // as in yaml.cpp; past it, libyaml reports the YAML bomb.
  void charge(std::size_t nodes) {
    alias_nodes_ += nodes;
    if (alias_nodes_ > max_alias_nodes_) give_up();
  }

  // The node after a mapping's ':' or a sequence's '-' (p_ just past it) in a
  // collection at indentation `indent`, with its anchor or as an alias.
  // Leaves p_ on the next content line, and count_/height_ set for the node.
  Node value_after_indicator(int indent, std::size_t depth, bool in_sequence) {
    check_depth(depth);
    const char* mark = p_;
    while (p_ < end_ && *p_ == ' ') ++p_;
    if (p_ < end_ && *p_ == '*') {
      if (p_ == mark) give_up();
      ++p_;
      const Anchored a = alias(depth, /*in_flow=*/false);
      finish_line();
      count_ = a.count;
      height_ = a.height;
      return a.node;
    }
    if (p_ < end_ && *p_ == '&') {
      if (p_ == mark) give_up();
      const int line = line_;
      const int column = column_of(p_);
      ++p_;
      const std::string_view anchor = name();
      Node n = value_body(indent, depth, in_sequence, /*anchored=*/true, p_);
      n.line = line;  // an anchored node starts at its anchor
      n.column = column;
      charge(count_);
      anchors_[anchor] = Anchored{n, count_, height_};
      return n;
    }
    return value_body(indent, depth, in_sequence, /*anchored=*/false, mark);
  }

  // The value itself, from p_ on (after any spaces); `mark` is where an empty
  // value is placed: just after the indicator (or anchor).
  Node value_body(int indent, std::size_t depth, bool in_sequence, bool anchored, const char* mark) {
    count_ = 1;
    height_ = 1;
    const int mark_line = line_;
    const char* mark_line_start = line_start_;
    while (p_ < end_ && *p_ == ' ') ++p_;
    if (p_ == end_ || *p_ == '\n' || *p_ == '#') {
      p_ = mark;
      finish_line();
      if (indent_ > indent) return own_line_node(indent_, depth);
      if (!in_sequence && indent_ == indent && is_entry(p_, end_)) return sequence(indent, depth);
      count_ = 1;
      height_ = 1;
      Node empty;
      empty.line = mark_line;
      empty.column = 1;
      for (const char* q = mark_line_start; q < mark; ++q) {
        if ((static_cast<unsigned char>(*q) & 0xC0) != 0x80) ++empty.column;
      }
      return empty;
    }
    if (p_ == mark) give_up();  // "key:value" or "-value" cannot get here, but never guess
    const int col = static_cast<int>(p_ - line_start_);
    // "- key: value" and "- - x" start a collection inside the item; after an
    // anchor, whether it names the collection or its first key is subtle.
    const bool compact = in_sequence && key_ahead();
    if (compact && anchored) give_up();
    switch (*p_) {
      case '|':
      case '>': return block_scalar(indent);
      case '[': {
        Node n = flow_sequence(depth);
        finish_line();
        return n;
      }
      case '{': {
        if (end_ - p_ < 2 || p_[1] != '}') give_up();
        Node n = at(Kind::kMapping, p_);
        p_ += 2;
        finish_line();
        return n;
      }
      case '-':
        if (is_entry(p_, end_)) {
          if (!in_sequence || anchored) give_up();  // "key: - x" is an error
          return sequence(col, depth);              // "- - x"
        }
        break;
      case '\'':
      case '"':
        if (compact) return mapping(col, depth);
        {
          Node n = quoted();
          finish_line();
          return n;
        }
      default: break;
    }
    if (compact) return mapping(col, depth);
    Node n = plain();
    finish_line();
    return n;
  }

  // --- scalars -----------------------------------------------------------

  static bool starts_plain(const char* p, const char* end) {
    switch (*p) {
      case '-':
      case '?':
      case ':': return !is_blank_or_end(p + 1, end);
      case ',':
      case '[':
      case ']':
      case '{':
      case '}':
      case '#':
      case '&':
      case '*':
      case '!':
      case '|':
      case '>':
      case '\'':
      case '"':
      case '%':
      case '@':
      case '`': return false;
      default: return true;
    }
  }

  // A plain scalar that must end on this line, in block context.
  Node plain() {
    if (!starts_plain(p_, end_)) give_up();
    Node n = at(Kind::kScalar, p_);
    const char* start = p_;
    const char* last = p_;  // one past the last non-space character
    for (; p_ < end_ && *p_ != '\n'; ++p_) {
      if (*p_ == ':' && is_blank_or_end(p_ + 1, end_)) give_up();  // "a: b: c"
      if (*p_ == '#' && p_[-1] == ' ') break;
      if (*p_ != ' ') last = p_ + 1;
    }
    p_ = last;
    n.set_value(std::string_view(start, static_cast<std::size_t>(last - start)));
    return n;
  }

  // A quoted scalar that must end on this line.
  Node quoted() {
    Node n = at(Kind::kScalar, p_);
    const char quote = *p_++;
    n.style = quote == '\'' ? ScalarStyle::kSingleQuoted : ScalarStyle::kDoubleQuoted;
    scratch_.clear();
    for (;;) {
      if (p_ == end_ || *p_ == '\n') give_up();  // multi-line: libyaml folds it
      const char c = *p_;
      if (c == quote) {
        if (quote == '\'' && p_ + 1 < end_ && p_[1] == '\'') {
          scratch_ += '\'';
          p_ += 2;
          continue;
        }
        ++p_;
        break;
      }
      if (quote == '"' && c == '\\') {
        if (p_ + 1 == end_) give_up();
        switch (p_[1]) {
          case '\\': scratch_ += '\\'; break;
          case '"': scratch_ += '"'; break;
          case '/': scratch_ += '/'; break;
          case 'n': scratch_ += '\n'; break;
          case 't': scratch_ += '\t'; break;
          case 'r': scratch_ += '\r'; break;
          default: give_up();  // the other escapes are rare: libyaml decodes them
        }
        p_ += 2;
        continue;
      }
      scratch_ += c;
      ++p_;
    }
    n.set_value(arena_.copy(scratch_.data(), scratch_.size()));
    return n;
  }

  // Flow sequence of plain or quoted scalars on one line: "[a, 'b', c]".
  Node flow_sequence(std::size_t depth) {
    Node seq = at(Kind::kSequence, p_);
    ++p_;  // '['
    const std::size_t first = pending_.size();
    std::size_t count = 1;
    std::size_t height = 1;
    auto skip_spaces = [&] {
      while (p_ < end_ && *p_ == ' ') ++p_;
    };
    skip_spaces();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
    } else {
      check_depth(depth + 1);
      for (;;) {
        if (p_ == end_ || *p_ == '\n') give_up();
        if (*p_ == '*') {
          ++p_;
          const Anchored a = alias(depth + 1, /*in_flow=*/true);
          pending_.push_back(a.node);
          count += a.count;
          height = std::max(height, a.height + 1);
        } else if (*p_ == '\'' || *p_ == '"') {
          pending_.push_back(quoted());
          count += 1;
          height = std::max<std::size_t>(height, 2);
        } else {
          if (!starts_plain(p_, end_) || *p_ == '-' || *p_ == '?' || *p_ == ':') give_up();
          Node n = at(Kind::kScalar, p_);
          const char* start = p_;
          const char* last = p_;
          for (; p_ < end_ && *p_ != ',' && *p_ != ']'; ++p_) {
            const char c = *p_;
            if (c == '\n' || c == ':' || c == '#' || c == '[' || c == '{' || c == '}') give_up();
            if (c != ' ') last = p_ + 1;
          }
          n.set_value(std::string_view(start, static_cast<std::size_t>(last - start)));
          pending_.push_back(n);
          count += 1;
          height = std::max<std::size_t>(height, 2);
        }
        skip_spaces();
        if (p_ == end_) give_up();
        if (*p_ == ']') {
          ++p_;
          break;
        }
        if (*p_ != ',') give_up();
        ++p_;
        skip_spaces();
        if (p_ == end_ || *p_ == ']') give_up();  // a trailing comma
      }
    }
    const std::size_t n = pending_.size() - first;
    Node* items = arena_.array<Node>(n);
    std::copy(pending_.begin() + static_cast<std::ptrdiff_t>(first), pending_.end(), items);
    pending_.resize(first);
    seq.set_items(items, n);
    count_ = count;
    height_ = height;
    return seq;
  }

  // A key: a plain or quoted scalar followed by ':'. Leaves p_ past the ':'.
  Node key() {
    Node k;
    if (*p_ == '\'' || *p_ == '"') {
      k = quoted();
      while (p_ < end_ && *p_ == ' ') ++p_;
    } else {
      if (!starts_plain(p_, end_)) give_up();
      k = at(Kind::kScalar, p_);
      const char* start = p_;
      const char* last = p_;
      for (; p_ < end_ && *p_ != '\n'; ++p_) {
        if (*p_ == ':' && is_blank_or_end(p_ + 1, end_)) break;
        if (*p_ == '#' && p_[-1] == ' ') give_up();
        if (*p_ != ' ') last = p_ + 1;
      }
      k.set_value(std::string_view(start, static_cast<std::size_t>(last - start)));
    }
    if (p_ == end_ || *p_ != ':') give_up();
    if (static_cast<std::size_t>(p_ - line_start_) > kMaxSimpleKey) give_up();
    ++p_;
    return k;
  }

  // A literal (|) or folded (>) block scalar in a collection at indentation
  // `indent`, folded the way libyaml folds it.
  Node block_scalar(int indent) {
    Node n = at(Kind::kScalar, p_);
    const bool literal = *p_ == '|';
    n.style = literal ? ScalarStyle::kLiteral : ScalarStyle::kFolded;
    ++p_;
    enum { kClip, kStrip, kKeep } chomp = kClip;
    if (p_ < end_ && (*p_ == '-' || *p_ == '+')) chomp = *p_++ == '-' ? kStrip : kKeep;
    if (p_ < end_ && *p_ != ' ' && *p_ != '\n') give_up();  // indentation indicator, or junk
    const char* q = p_;
    while (q < end_ && *q == ' ') ++q;
    if (q < end_ && *q == '#') {
      while (q < end_ && *q != '\n') ++q;
    }
    if (q == end_ || *q != '\n') give_up();
    q = q + 1;
    int line = line_ + 1;

    scratch_.clear();
    int block_indent = -1;
    std::size_t breaks = 0;       // blank lines since the last content line
    std::size_t max_leading = 0;  // widest blank line before the first content line
    bool leading_break = false;   // the previous content line ended with a line break
    bool leading_blank = false;   // the previous content line starts with a space
    for (;;) {
      spend(q);
      const char* ls = q;
      while (q < end_ && *q == ' ') ++q;
      const auto spaces = static_cast<std::size_t>(q - ls);
      const bool blank = q == end_ || *q == '\n';
      if (block_indent < 0) {
        if (blank) {
          if (q == end_) give_up();  // no content at all
          max_leading = std::max(max_leading, spaces);
          ++breaks;
          ++q;
          ++line;
          continue;
        }
        if (static_cast<int>(spaces) <= indent || max_leading > spaces) give_up();
        block_indent = static_cast<int>(spaces);
      }
      const auto bi = static_cast<std::size_t>(block_indent);
      if (blank && spaces <= bi) {  // an empty line
        if (q == end_) {
          q = ls;
          break;
        }
        ++breaks;
        ++q;
        ++line;
        continue;
      }
      if (spaces < bi) {  // the scalar ends before this line
        q = ls;
        break;
      }
      const char* content = ls + bi;
      const char* eol = content;
      while (eol < end_ && *eol != '\n') ++eol;
      const bool trailing_blank = *content == ' ';
      if (!literal && leading_break && !leading_blank && !trailing_blank) {
        if (breaks == 0) scratch_ += ' ';
      } else if (leading_break) {
        scratch_ += '\n';
      }
      scratch_.append(breaks, '\n');
      breaks = 0;
      leading_blank = trailing_blank;
      scratch_.append(content, eol);
      leading_break = eol < end_;
      if (eol == end_) {
        q = end_;
        break;
      }
      q = eol + 1;
      ++line;
    }
    if (chomp != kStrip && leading_break) scratch_ += '\n';
    if (chomp == kKeep) scratch_.append(breaks, '\n');
    n.set_value(arena_.copy(scratch_.data(), scratch_.size()));

    p_ = q;
    if (p_ == end_) {
      indent_ = -1;
      return n;
    }
    line_start_ = p_;
    line_ = line;
    next_content_line();
    return n;
  }

  const char* end_;
  const char* p_;
  const char* line_start_;
  int line_ = 1;
  int indent_ = -1;  // indentation of the line p_ is on (-1: end of text)
  bool seen_start_marker_ = false;
  std::size_t max_depth_;
  std::size_t max_alias_nodes_;
  std::size_t alias_nodes_ = 0;
  Budget* budget_;
  const char* spent_to_;            // the text up to here was charged to the budget
  const char* col_line_ = nullptr;  // column_of's last answer: the line, the place and its column
  const char* col_at_ = nullptr;
  int col_ = 1;
  Arena& arena_;
  std::unordered_map<std::string_view, Anchored> anchors_;
  std::size_t count_ = 1;      // nodes in the subtree last returned, aliases counted expanded
  std::size_t height_ = 1;     // and its levels
  std::vector<Node> pending_;  // children of the collections being built
  std::string scratch_;        // a quoted or block scalar's value being built
};

}  // namespace

std::optional<ParseResult> parse_fast(std::string_view text, const Limits& limits) {
  if (!plain_text(text)) return std::nullopt;
  ParseResult result;
  // The tree takes up to about twice as many bytes as the text (1.6 times
  // for the 1 MB workflow of the benchmarks; plain scalars are views into the
  // text). One chunk of that size is the whole tree, where a first chunk of
  // the text's size left a second, twice as large, mostly unused; the arena
  // still grows if it needs more.
  result.arena = std::make_unique<Arena>(text.size() * 2);
  try {
    FastParser parser(text, limits, *result.arena);
    result.documents.push_back(Document{parser.document()});
  } catch (const Unsupported&) {
    return std::nullopt;
  } catch (const Stopped&) {
    result.documents.clear();
    result.error = ParseError{kStoppedMessage, 1, 1};
    result.stopped = true;
  }
  return result;
}

}  // namespace pm::engine::yaml::detail
