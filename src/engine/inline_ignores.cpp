#include "engine/inline_ignores.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <utility>

#include "engine/yaml.hpp"

namespace pm::engine {

namespace {

constexpr std::string_view kOurMarker = "phase-mirror:";
constexpr std::string_view kZizmorMarker = "zizmor:";
constexpr std::string_view kIgnoreOpen = "ignore[";
constexpr std::size_t kMaxReasonBytes = 1000;

// A position as libyaml counts it: 1-based line and column in characters.
struct TextMark {
  int line = 0;
  int column = 0;
  bool operator<(const TextMark& o) const { return line != o.line ? line < o.line : column < o.column; }
};

// Where a scalar's text is: [begin, end). For a block scalar, begin is the
// start of its first content line (its header line may carry a comment).
struct TextSpan {
  TextMark begin;
  TextMark end;
};

TextSpan text_span(const yaml::ScalarSpan& s) {
  const bool block = s.style == yaml::ScalarStyle::kLiteral || s.style == yaml::ScalarStyle::kFolded;
  return {block ? TextMark{s.begin_line + 1, 1} : TextMark{s.begin_line, s.begin_column},
          TextMark{s.end_line, s.end_column}};
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The marker that follows the '#' at comment[i], if any, and where it ends.
std::optional<IgnoreSyntax> marker_at(std::string_view comment, std::size_t i, std::size_t& after) {
  std::size_t j = i + 1;
  while (j < comment.size() && is_blank(comment[j])) ++j;
  const std::string_view rest = comment.substr(j);
  if (rest.substr(0, kOurMarker.size()) == kOurMarker) {
    after = j + kOurMarker.size();
    return IgnoreSyntax::kPhaseMirror;
  }
  if (rest.substr(0, kZizmorMarker.size()) == kZizmorMarker) {
    after = j + kZizmorMarker.size();
    return IgnoreSyntax::kZizmor;
  }
  return std::nullopt;
}

// At most kMaxReasonBytes, cut at a character boundary.
std::string clip_reason(std::string_view r) {
  if (r.size() <= kMaxReasonBytes) return std::string(r);
  std::size_t n = kMaxReasonBytes;
  while (n > 0 && is_utf8_continuation(r[n])) --n;
  return std::string(r.substr(0, n)) + "...";
}

// Builds the ignores of one file from its comments.
class CommentReader {
 public:
  CommentReader(const std::vector<std::string>& known, std::vector<InlineIgnore>& ignores,
                std::vector<InlineIgnoreProblem>& problems)
      : known_(known), ignores_(ignores), problems_(problems) {}

  // `comment` starts at its '#', at 1-based `line` and `column`.
  void comment(std::string_view comment, int line, int column, bool own_line) {
    std::vector<std::pair<std::size_t, std::size_t>> markers;  // '#' index, index after the marker
    std::vector<IgnoreSyntax> syntaxes;
    for (std::size_t i = comment.find('#'); i != std::string_view::npos; i = comment.find('#', i + 1)) {
      std::size_t after = 0;
      if (auto syntax = marker_at(comment, i, after)) {
        markers.emplace_back(i, after);
        syntaxes.push_back(*syntax);
      }
    }
    for (std::size_t m = 0; m < markers.size(); ++m) {
      const std::size_t end = m + 1 < markers.size() ? markers[m + 1].first : comment.size();
      const std::string_view body = comment.substr(markers[m].second, end - markers[m].second);
      const std::string_view before = comment.substr(0, markers[m].first);
      const auto chars = std::count_if(before.begin(), before.end(), [](char c) { return !is_utf8_continuation(c); });
      one(body, syntaxes[m], line, column + static_cast<int>(chars), own_line);
    }
  }

  void inside_string(int line, int column) {
    problems_.push_back({line, column,
                         "'phase-mirror: ignore' inside a YAML string (such as a run: script) is not a YAML comment "
                         "and ignores nothing: put it on the line where the string starts, or above that line"});
  }

 private:
  void one(std::string_view body, IgnoreSyntax syntax, int line, int column, bool own_line) {
    const std::string_view b = trim_blanks(body);
    if (b.substr(0, kIgnoreOpen.size()) != kIgnoreOpen) {
      if (syntax == IgnoreSyntax::kPhaseMirror) {
        problems_.push_back(
            {line, column, "not an ignore comment: expected 'phase-mirror: ignore[RULE-ID,...] reason'"});
      }
      return;
    }
    const std::size_t close = b.find(']');
    if (close == std::string_view::npos) {
      if (syntax == IgnoreSyntax::kPhaseMirror) {
        problems_.push_back({line, column, "ignore comment without a closing ']'"});
      }
      return;
    }
    InlineIgnore ig;
    ig.line = line;
    ig.column = column;
    ig.own_line = own_line;
    ig.syntax = syntax;
    ig.reason = clip_reason(trim_blanks(b.substr(close + 1)));
    std::string_view list = b.substr(kIgnoreOpen.size(), close - kIgnoreOpen.size());
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      const std::string_view name = trim_blanks(list.substr(0, comma));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      if (!name.empty()) ig.names.emplace_back(name);
    }
    if (ig.names.empty()) {
      if (syntax == IgnoreSyntax::kPhaseMirror) problems_.push_back({line, column, "ignore comment names no rule"});
      return;
    }
    for (const auto& name : ig.names) {
      if (syntax == IgnoreSyntax::kPhaseMirror) {
        if (std::find(known_.begin(), known_.end(), name) != known_.end()) {
          add_rule(ig, name);
        } else {
          const std::string hint = rule_id_hint(name, known_);
          problems_.push_back(
              {line, column, "'" + name + "' is not a rule id" + (hint.empty() ? "" : " (" + hint + ")")});
        }
      } else if (const ZizmorAudit* audit = find_zizmor_audit(name)) {
        for (const std::string_view r : audit->rules) {
          if (!r.empty()) add_rule(ig, std::string(r));
        }
      }
    }
    if (!ig.rule_ids.empty()) ignores_.push_back(std::move(ig));
  }

  static void add_rule(InlineIgnore& ig, const std::string& id) {
    if (std::find(ig.rule_ids.begin(), ig.rule_ids.end(), id) == ig.rule_ids.end()) ig.rule_ids.push_back(id);
  }

  const std::vector<std::string>& known_;
  std::vector<InlineIgnore>& ignores_;
  std::vector<InlineIgnoreProblem>& problems_;
};

}  // namespace

InlineIgnores parse_inline_ignores(std::string path, std::string_view text,
                                   const std::vector<std::string>& known_rule_ids) {
  InlineIgnores out;
  out.path_ = std::move(path);
  // Most files have no ignore comment: they cost one search, not a second parse.
  if (text.find(kIgnoreOpen) == std::string_view::npos && text.find(kOurMarker) == std::string_view::npos) {
    return out;
  }
  const yaml::ScalarSpans scan = yaml::scalar_spans(text);
  if (scan.error) {
    out.problems_.push_back({scan.error->line, scan.error->column,
                             "not valid YAML, so its ignore comments are not read: " + scan.error->message});
    return out;
  }
  std::vector<TextSpan> spans;
  spans.reserve(scan.spans.size());
  for (const yaml::ScalarSpan& s : scan.spans) {
    spans.push_back(text_span(s));
    // A block scalar ends at the start of the line after its content.
    const bool block = s.style == yaml::ScalarStyle::kLiteral || s.style == yaml::ScalarStyle::kFolded;
    const int last = block && s.end_column == 1 ? s.end_line - 1 : s.end_line;
    if (last > s.begin_line) out.continuations_.push_back({s.begin_line + 1, last, s.begin_line});
  }

  CommentReader reader(known_rule_ids, out.ignores_, out.problems_);
  std::size_t span = 0;
  std::size_t line = 0;
  std::size_t pos = 0;
  // libyaml skips a byte order mark before it counts columns.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos <= text.size()) {
    std::size_t end = pos;
    while (end < text.size() && yaml::line_break_length(text, end) == 0) ++end;
    const std::string_view l = text.substr(pos, end - pos);
    std::size_t column = 0;  // in characters
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (is_utf8_continuation(l[i])) continue;
      const std::size_t col = column++;
      if (l[i] != '#' || (i > 0 && !is_blank(l[i - 1]))) continue;
      const int line1 = static_cast<int>(line) + 1;
      const int col1 = static_cast<int>(col) + 1;
      const TextMark here{line1, col1};
      while (span < spans.size() && !(here < spans[span].end)) ++span;
      const bool in_scalar = span < spans.size() && !(here < spans[span].begin);
      if (in_scalar) {
        std::size_t after = 0;
        if (marker_at(l, i, after) == IgnoreSyntax::kPhaseMirror) reader.inside_string(line1, col1);
        continue;
      }
      const bool own_line = trim_blanks(l.substr(0, i)).empty();
      if (own_line) out.comment_only_lines_.push_back(line1);
      reader.comment(l.substr(i), line1, col1, own_line);
      break;  // the rest of the line is the comment
    }
    if (end >= text.size()) break;
    pos = end + yaml::line_break_length(text, end);
    ++line;
  }
  return out;
}

bool InlineIgnores::comment_only(int line) const {
  return std::binary_search(comment_only_lines_.begin(), comment_only_lines_.end(), line);
}

const InlineIgnore* InlineIgnores::find_at(std::string_view rule_id, int line) const {
  auto it = std::lower_bound(ignores_.begin(), ignores_.end(), line,
                             [](const InlineIgnore& ig, int l) { return ig.line < l; });
  for (; it != ignores_.end() && it->line == line; ++it) {
    if (std::find(it->rule_ids.begin(), it->rule_ids.end(), rule_id) != it->rule_ids.end()) return &*it;
  }
  return nullptr;
}

const InlineIgnore* InlineIgnores::find(std::string_view rule_id, int line) const {
  if (line <= 0 || ignores_.empty()) return nullptr;
  auto at_or_above = [&](int l) -> const InlineIgnore* {
    if (const InlineIgnore* ig = find_at(rule_id, l)) return ig;
    for (int k = l - 1; k >= 1 && comment_only(k); --k) {
      if (const InlineIgnore* ig = find_at(rule_id, k)) return ig;
    }
    return nullptr;
  };
  if (const InlineIgnore* ig = at_or_above(line)) return ig;
  const auto it = std::upper_bound(continuations_.begin(), continuations_.end(), line,
                                   [](int l, const ScalarLines& s) { return l < s.first; });
  if (it == continuations_.begin()) return nullptr;
  const ScalarLines& s = *std::prev(it);
  return line <= s.last ? at_or_above(s.anchor) : nullptr;
}

}  // namespace pm::engine
