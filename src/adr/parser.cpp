#include "adr/parser.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "adr/checks.hpp"
#include "engine/yaml.hpp"
#include "util/json.hpp"

namespace pm::adr {

const char* to_string(Status s) {
  switch (s) {
    case Status::kApproved: return "approved";
    case Status::kProposed: return "proposed";
    case Status::kDeprecated: return "deprecated";
    case Status::kSuperseded: return "superseded";
    case Status::kRejected: return "rejected";
    case Status::kUnknown: return "unknown";
  }
  return "unknown";
}

const char* to_string(CheckKind k) {
  switch (k) {
    case CheckKind::kForbid: return "forbid";
    case CheckKind::kRequire: return "require";
    case CheckKind::kForbidImport: return "forbid-import";
    case CheckKind::kMaxPermissions: return "max-permissions";
  }
  return "forbid";
}

namespace {

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Lines split at CommonMark's line endings and at NEL, LS and PS, at which the
// YAML parser of front matter and check blocks also starts a line: the lines
// cited from YAML nodes stay equal to the ADR's.
std::vector<std::string> split_lines(std::string_view text, Budget& budget) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = start;
    while (end < text.size() && engine::yaml::line_break_length(text, end) == 0) ++end;
    if (!budget.step(end - start + 1)) break;
    lines.emplace_back(text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + engine::yaml::line_break_length(text, end);
  }
  return lines;
}

// Removes Markdown emphasis and inline decoration around status words etc.
std::string strip_markup(std::string_view s) {
  std::string r;
  for (char c : s) {
    if (c != '*' && c != '_' && c != '`') r.push_back(c);
  }
  return trim(r);
}

// A fenced code block.
struct Fence {
  std::string info;                 // first word of the info string
  int open_line = 0;                // 1-based
  std::size_t first = 0, last = 0;  // content line indexes [first, last)
  bool closed = false;
};

struct Heading {
  int level = 0;
  std::string text;
  std::size_t index = 0;  // line index
};

struct Document {
  std::vector<std::string> lines;
  std::vector<bool> code;  // line is part of a fenced block (fence lines included)
  std::vector<Fence> fences;
  std::vector<Heading> headings;
  std::size_t body_start = 0;  // first line after the front matter

  // Body of the first heading (level >= 2) named like one of `names`, nested
  // subsections included: [begin, end) line indexes.
  std::optional<std::pair<std::size_t, std::size_t>> section(std::initializer_list<const char*> names) const {
    for (std::size_t h = 0; h < headings.size(); ++h) {
      if (headings[h].level < 2) continue;
      const std::string name = lower(strip_markup(headings[h].text));
      bool hit = false;
      for (const char* n : names) hit = hit || name == n;
      if (!hit) continue;
      std::size_t end = lines.size();
      for (std::size_t k = h + 1; k < headings.size(); ++k) {
        if (headings[k].level <= headings[h].level) {
          end = headings[k].index;
          break;
        }
      }
      return std::make_pair(headings[h].index + 1, end);
    }
    return std::nullopt;
  }
};

// Opening fence: up to 3 spaces, then 3+ backticks or tildes.
bool fence_open(const std::string& line, char& ch, std::size_t& len, std::string& info) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return false;
  ch = line[i];
  std::size_t j = i;
  while (j < line.size() && line[j] == ch) ++j;
  len = j - i;
  if (len < 3) return false;
  std::string rest = trim(std::string_view(line).substr(j));
  if (ch == '`' && rest.find('`') != std::string::npos) return false;
  const auto sp = rest.find_first_of(" \t{");
  info = lower(rest.substr(0, sp));
  return true;
}

bool fence_close(const std::string& line, char ch, std::size_t len) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  std::size_t j = i;
  while (j < line.size() && line[j] == ch) ++j;
  if (j - i < len) return false;
  return trim(std::string_view(line).substr(j)).empty();
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// RE2's \s.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// An ATX heading as `^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$` reads
// it (level and text), by hand: a regex capturing a megabyte-long line costs
// a tenth of a second.
bool read_heading(std::string_view line, int& level, std::string& text) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  std::size_t n = 0;
  while (i + n < line.size() && line[i + n] == '#') ++n;
  if (n == 0) return false;
  std::string_view rest = line.substr(i + n);
  if (n > 6) {
    // The hashes after the sixth can only be the closing sequence.
    if (!std::all_of(rest.begin(), rest.end(), is_blank)) return false;
    level = 6;
    text.clear();
    return true;
  }
  if (!rest.empty() && !is_blank(rest.front())) return false;
  while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
  // The shortest text: without the closing blanks, hashes and blanks.
  while (!rest.empty() && is_blank(rest.back())) rest.remove_suffix(1);
  while (!rest.empty() && rest.back() == '#') rest.remove_suffix(1);
  while (!rest.empty() && is_blank(rest.back())) rest.remove_suffix(1);
  level = static_cast<int>(n);
  text = std::string(rest);
  return true;
}

// `- item`, `* item`, `+ item`, `1. item`, `1) item`, with an optional task
// box (`[ ]`, `[x]`): the item's text.
std::optional<std::string_view> list_item(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i >= s.size()) return std::nullopt;
  if (s[i] == '-' || s[i] == '*' || s[i] == '+') {
    ++i;
  } else if (std::isdigit(static_cast<unsigned char>(s[i]))) {
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size() || (s[i] != '.' && s[i] != ')')) return std::nullopt;
    ++i;
  } else {
    return std::nullopt;
  }
  if (i >= s.size() || !is_space(s[i])) return std::nullopt;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i + 3 < s.size() && s[i] == '[' && (s[i + 1] == ' ' || s[i + 1] == 'x' || s[i + 1] == 'X') && s[i + 2] == ']' &&
      is_space(s[i + 3])) {
    i += 3;
    while (i < s.size() && is_space(s[i])) ++i;
  }
  return s.substr(i);
}

// The text inside `> ` block-quote markers (nested ones too).
std::optional<std::string_view> quoted(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  if (i >= s.size() || s[i] != '>') return std::nullopt;
  while (i < s.size() && s[i] == '>') {
    ++i;
    if (i < s.size() && is_space(s[i])) ++i;
  }
  return s.substr(i);
}

Document scan(std::vector<std::string> lines, std::size_t body_start, Budget& budget) {
  Document d;
  d.lines = std::move(lines);
  d.body_start = body_start;
  d.code.assign(d.lines.size(), false);
  for (std::size_t i = body_start; i < d.lines.size(); ++i) {
    if (!budget.step(d.lines[i].size() + 1)) return d;
    char ch = 0;
    std::size_t len = 0;
    std::string info;
    if (fence_open(d.lines[i], ch, len, info)) {
      Fence f;
      f.info = info;
      f.open_line = static_cast<int>(i) + 1;
      f.first = i + 1;
      d.code[i] = true;
      std::size_t k = i + 1;
      for (; k < d.lines.size(); ++k) {
        if (!budget.step(d.lines[k].size() + 1)) return d;
        d.code[k] = true;
        if (fence_close(d.lines[k], ch, len)) {
          f.closed = true;
          break;
        }
      }
      f.last = std::min(k, d.lines.size());
      d.fences.push_back(f);
      i = k;
      continue;
    }
    int level = 0;
    std::string text;
    if (read_heading(d.lines[i], level, text)) d.headings.push_back(Heading{level, trim(text), i});
  }
  return d;
}

std::string join_lines(const std::vector<std::string>& lines, std::size_t b, std::size_t e) {
  std::string r;
  for (std::size_t i = b; i < e && i < lines.size(); ++i) {
    r += lines[i];
    r.push_back('\n');
  }
  return r;
}

// First non-empty, non-code line of a section body.
std::optional<std::pair<std::string, int>> first_text_line(const Document& d, std::size_t b, std::size_t e) {
  for (std::size_t i = b; i < e; ++i) {
    if (d.code[i]) continue;
    std::string t = trim(d.lines[i]);
    if (!t.empty()) return std::make_pair(t, static_cast<int>(i) + 1);
  }
  return std::nullopt;
}

std::string first_date(const std::string& value) {
  static const RE2 kDate(R"((\d{4}-\d{2}-\d{2}))");
  std::string d;
  if (RE2::PartialMatch(value, kDate, &d)) return d;
  return strip_markup(value);
}

// "ADR-010", "adr 10", or a link to "0010-x.md" inside a status/superseded text.
std::string referenced_adr(const std::string& text) {
  static const RE2 kId(R"((?i)\badr[-_ ]?(\d+))");
  static const RE2 kLink(R"(\]\(([^)\s]+)\))");
  std::string digits;
  if (RE2::PartialMatch(text, kId, &digits)) return normalize_adr_id(digits);
  std::string target;
  if (RE2::PartialMatch(text, kLink, &target)) {
    const auto slash = target.find_last_of('/');
    if (auto id = adr_id_from_filename(slash == std::string::npos ? target : target.substr(slash + 1))) return *id;
  }
  return "";
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string item = strip_markup(s.substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> yaml_strings(const engine::yaml::Node& n) {
  if (n.is_scalar()) return n.is_null() ? std::vector<std::string>{} : split_list(n.value());
  std::vector<std::string> out;
  if (n.is_sequence()) {
    for (const auto& item : n.items()) {
      if (item.is_scalar() && !item.value().empty()) out.push_back(trim(item.value()));
    }
  }
  return out;
}

struct Meta {
  std::optional<std::pair<std::string, int>> status, date, title, superseded_by;
  std::vector<std::string> deciders, tags;
};

void warn(Adr& adr, int line, std::string message, bool rule_ignored = false) {
  adr.warnings.push_back(ParseWarning{adr.id, adr.file, line, std::move(message), rule_ignored});
}

// YAML front matter between a first line "---" and the next "---"/"...".
std::size_t read_front_matter(Adr& adr, const std::vector<std::string>& lines, Meta& meta, Budget& budget) {
  if (lines.empty() || trim(lines[0]) != "---") return 0;
  std::size_t close = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (!budget.step(lines[i].size() + 1)) return 0;
    const std::string t = trim(lines[i]);
    if (t == "---" || t == "...") {
      close = i;
      break;
    }
  }
  if (close == 0) {
    warn(adr, 1, "Front matter opened at line 1 is never closed with '---'; it was ignored");
    return 0;
  }
  adr.format = "madr";
  const std::string yaml_text = join_lines(lines, 1, close);
  if (!budget.step(yaml_text.size() + 1)) return close + 1;
  auto parsed = engine::yaml::parse(yaml_text);
  if (parsed.error) {
    warn(adr, parsed.error->line + 1, "Front matter is not valid YAML: " + parsed.error->message);
    return close + 1;
  }
  if (parsed.documents.empty() || !parsed.documents[0].root || !parsed.documents[0].root->is_mapping()) {
    if (!trim(yaml_text).empty()) warn(adr, 1, "Front matter is not a YAML mapping; it was ignored");
    return close + 1;
  }
  const auto& root = *parsed.documents[0].root;
  auto scalar = [&](const char* key) -> std::optional<std::pair<std::string, int>> {
    const auto* n = root.get(key);
    if (n == nullptr || !n->is_scalar() || n->is_null()) return std::nullopt;
    return std::make_pair(trim(n->value()), n->line + 1);
  };
  meta.status = scalar("status");
  meta.date = scalar("date");
  meta.title = scalar("title");
  meta.superseded_by = scalar("superseded-by");
  if (!meta.superseded_by) meta.superseded_by = scalar("superseded_by");
  if (const auto* n = root.get("deciders")) meta.deciders = yaml_strings(*n);
  if (const auto* n = root.get("tags")) meta.tags = yaml_strings(*n);
  return close + 1;
}

// `**Name:** value`, `**Name**: value`, `- **Name:** value`, `Name: value`
// lines before the first level-2 heading (template metadata block).
void read_bold_metadata(const Document& d, Meta& meta) {
  static const RE2 kBold(R"((?i)^\s*(?:[-*+]\s+)?\*\*([A-Za-z ]+?)\s*:?\s*\*\*\s*:?\s*(.*?)\s*$)");
  static const RE2 kPlain(R"((?i)^(status|date|deciders|tags|superseded by)\s*:\s*(.+?)\s*$)");
  std::size_t end = d.lines.size();
  for (const auto& h : d.headings) {
    if (h.level == 2) {
      const std::string n = lower(h.text);
      if (n != "status" && n != "date") {
        end = h.index;
        break;
      }
    }
  }
  for (std::size_t i = d.body_start; i < end; ++i) {
    if (d.code[i] || d.lines[i].size() > kMaxMetadataLine) continue;
    std::string key, value;
    if (!RE2::FullMatch(d.lines[i], kBold, &key, &value) && !RE2::FullMatch(d.lines[i], kPlain, &key, &value)) {
      continue;
    }
    key = lower(trim(key));
    const int line = static_cast<int>(i) + 1;
    if (key == "status" && !meta.status) meta.status = std::make_pair(value, line);
    if (key == "date" && !meta.date) meta.date = std::make_pair(value, line);
    if ((key == "superseded by" || key == "superseded-by") && !meta.superseded_by) {
      meta.superseded_by = std::make_pair(value, line);
    }
    if ((key == "deciders" || key == "decision makers") && meta.deciders.empty()) meta.deciders = split_list(value);
    if (key == "tags" && meta.tags.empty()) meta.tags = split_list(value);
  }
}

void read_checks(Adr& adr, const Document& d, Budget& budget) {
  std::set<std::string> ids;
  int ordinal = 0;  // rules of the ADR's blocks so far: generated ids count across blocks
  for (const auto& f : d.fences) {
    if (!budget.step()) return;
    if (f.info != "phase-mirror") continue;
    if (!f.closed) {
      warn(adr, f.open_line,
           "Unterminated ```phase-mirror block opened at line " + std::to_string(f.open_line) +
               ": its rules were not loaded",
           true);
      continue;
    }
    auto rules = parse_check_block(adr.id, adr.file, join_lines(d.lines, f.first, f.last),
                                   static_cast<int>(f.first) + 1, adr.warnings, budget, &ordinal);
    for (auto& r : rules) {
      if (!ids.insert(r.id).second) {
        warn(adr, r.line, "Duplicate rule id '" + r.id + "'; the later rule was ignored", true);
        continue;
      }
      adr.checks.push_back(std::move(r));
    }
  }
}

// ---- RFC 2119 extraction ------------------------------------------------

struct Unit {
  std::string text;
  std::vector<std::pair<std::size_t, int>> starts;  // (offset in text, source line)
  void add(std::string_view s, int line) {
    std::string t = trim(s);
    if (t.empty()) return;
    if (!text.empty()) text.push_back(' ');
    starts.emplace_back(text.size(), line);
    text += t;
  }
  // Line of the text at `off`: the last start at or before it (starts are in
  // offset order).
  int line_at(std::size_t off) const {
    if (starts.empty()) return 0;
    auto it = std::upper_bound(starts.begin(), starts.end(), off,
                               [](std::size_t o, const std::pair<std::size_t, int>& s) { return o < s.first; });
    return it == starts.begin() ? starts.front().second : std::prev(it)->second;
  }
};

bool is_abbreviation(std::string_view word) {
  if (word.find('.') != std::string_view::npos) return true;  // "e.g", "i.e"
  const std::string w = lower(word);
  for (const char* a : {"vs", "cf", "approx", "incl", "fig", "no", "resp"}) {
    if (w == a) return true;
  }
  return false;
}

// Sentence ends: '.', '!' or '?' followed by whitespace or the end, unless the
// word before is an abbreviation ("e.g.", "i.e.", "vs.").
std::vector<std::pair<std::size_t, std::size_t>> sentences(const std::string& t) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t start = 0;
  bool in_code = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '`') in_code = !in_code;
    if (in_code || (t[i] != '.' && t[i] != '!' && t[i] != '?')) continue;
    if (i + 1 < t.size() && !std::isspace(static_cast<unsigned char>(t[i + 1]))) continue;
    std::size_t w = i;
    while (w > start && !std::isspace(static_cast<unsigned char>(t[w - 1]))) --w;
    const std::string_view word(t.data() + w, i - w);
    if (t[i] == '.' && is_abbreviation(word)) continue;
    out.emplace_back(start, i + 1);
    start = i + 1;
  }
  if (start < t.size()) out.emplace_back(start, t.size());
  return out;
}

void rules_of_unit(const Unit& u, const std::string& adr_id, std::vector<DecisionRule>& out, Budget& budget) {
  static const RE2 kKeyword(
      R"(\b(MUST NOT|MUST|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|REQUIRED|MAY|OPTIONAL)\b)");
  static const RE2 kBacktick("`([^`]+)`");
  static const RE2 kDouble("[\"\u201C]([^\"\u201D]+)[\"\u201D]");
  static const RE2 kSingle(R"((?:^|[\s(])'([^'\s][^']*?)'(?:$|[^\w]))");
  for (const auto& [b, e] : sentences(u.text)) {
    if (!budget.step(e - b + 1)) return;
    std::string raw = trim(std::string_view(u.text).substr(b, e - b));
    if (raw.empty()) continue;
    std::size_t lead = b;
    while (lead < e && std::isspace(static_cast<unsigned char>(u.text[lead]))) ++lead;
    // Drop emphasis markers so that **MUST** counts and the text reads clean.
    std::string clean;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if ((raw[i] == '*' || raw[i] == '_') && i + 1 < raw.size() && raw[i + 1] == raw[i]) {
        ++i;
        continue;
      }
      clean.push_back(raw[i]);
    }
    // Keywords inside `code` do not count.
    std::string masked = clean;
    bool code = false;
    for (char& c : masked) {
      if (c == '`') code = !code;
      if (code) c = ' ';
    }
    std::string keyword;
    if (!RE2::PartialMatch(masked, kKeyword, &keyword)) continue;
    DecisionRule r;
    r.id = adr_id + "-R" + std::to_string(out.size() + 1);
    r.keyword = keyword;
    r.text = trim(clean);
    r.line = u.line_at(lead);
    re2::StringPiece in(r.text);
    std::string lit;
    while (RE2::FindAndConsume(&in, kBacktick, &lit)) r.literals.push_back(lit);
    in = re2::StringPiece(r.text);
    while (RE2::FindAndConsume(&in, kDouble, &lit)) r.literals.push_back(lit);
    in = re2::StringPiece(r.text);
    while (RE2::FindAndConsume(&in, kSingle, &lit)) r.literals.push_back(lit);
    out.push_back(std::move(r));
  }
}

std::vector<DecisionRule> extract_from(const Document& d, std::size_t b, std::size_t e, const std::string& adr_id,
                                       int line_offset, Budget& budget) {
  std::vector<DecisionRule> out;
  Unit u;
  auto flush = [&] {
    if (!u.text.empty()) rules_of_unit(u, adr_id, out, budget);
    u = Unit{};
  };
  // Headings are in line order: one pass over them alongside the lines.
  auto heading = std::lower_bound(d.headings.begin(), d.headings.end(), b,
                                  [](const Heading& h, std::size_t i) { return h.index < i; });
  for (std::size_t i = b; i < e && i < d.lines.size(); ++i) {
    if (!budget.step(d.lines[i].size() + 1)) return out;
    while (heading != d.headings.end() && heading->index < i) ++heading;
    const bool is_heading = heading != d.headings.end() && heading->index == i;
    const int line = static_cast<int>(i) + line_offset;
    if (d.code[i]) {
      flush();
      continue;
    }
    std::string_view s = d.lines[i];
    if (auto inner = quoted(s)) s = *inner;
    const std::string t = trim(s);
    if (t.empty()) {
      flush();
      continue;
    }
    if (is_heading || t.front() == '|') {
      flush();
      u.add(is_heading ? std::string_view(heading->text) : s, line);
      flush();
    } else if (auto item = list_item(s)) {
      flush();
      u.add(*item, line);
    } else {
      u.add(s, line);
    }
  }
  flush();
  return out;
}

}  // namespace

std::string normalize_adr_id(std::string_view digits) {
  std::size_t z = 0;
  while (z + 1 < digits.size() && digits[z] == '0') ++z;
  std::string n(digits.substr(z));
  while (n.size() < 3) n.insert(n.begin(), '0');
  return "ADR-" + n;
}

std::optional<std::string> adr_id_from_filename(std::string_view filename) {
  // Latin-1 mode: `.` matches any byte, so a file name that is not valid UTF-8 is still
  // recognised (and reported with a warning by parse_adr) instead of silently skipped.
  static const RE2::Options kBytes = [] {
    RE2::Options o;
    o.set_encoding(RE2::Options::EncodingLatin1);
    return o;
  }();
  static const RE2 kAdr(R"((?i)^adr[-_ ]?(\d+)(?:[-_. ].*)?\.md$)", kBytes);
  static const RE2 kNum(R"(^(\d+)[-_].*\.md$)", kBytes);
  std::string digits;
  const std::string name(filename);
  if (RE2::FullMatch(name, kAdr, &digits) || RE2::FullMatch(name, kNum, &digits)) {
    if (digits.size() > 9) return std::nullopt;
    return normalize_adr_id(digits);
  }
  return std::nullopt;
}

std::optional<Status> map_status(std::string_view text) {
  const std::string t = lower(strip_markup(text));
  std::string word;
  for (char c : t) {
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      if (!word.empty()) break;
      continue;
    }
    word.push_back(c);
  }
  if (word == "accepted" || word == "approved" || word == "adopted") return Status::kApproved;
  if (word == "proposed" || word == "draft" || word == "public" || word == "review") return Status::kProposed;
  if (word == "deprecated") return Status::kDeprecated;
  if (word == "superseded" || word == "replaced") return Status::kSuperseded;
  if (word == "rejected" || word == "declined" || word == "withdrawn") return Status::kRejected;
  return std::nullopt;
}

std::vector<DecisionRule> extract_rules(std::string_view markdown, const std::string& adr_id, int first_line,
                                        Budget& budget) {
  Document d = scan(split_lines(markdown, budget), 0, budget);
  return extract_from(d, 0, d.lines.size(), adr_id, first_line, budget);
}

Adr parse_adr(const std::string& file, std::string_view text, const std::string& id, Budget& budget) {
  Adr adr;
  adr.file = file;
  adr.id = id;
  if (!is_valid_utf8(file)) warn(adr, 0, "File name is not valid UTF-8: it is shown with U+FFFD");
  if (text.find('\0') != std::string_view::npos) {
    adr.parsed = false;
    adr.title = adr.id;
    warn(adr, 0, "Binary content (NUL bytes): not parsed as an ADR");
    return adr;
  }
  if (!is_valid_utf8(text)) warn(adr, 0, "Not valid UTF-8: some characters may be shown as U+FFFD");

  // The model keeps a share of the text (titles, rules, their literals) and
  // the parse holds a copy of its lines.
  if (!budget.charge(text.size())) return adr;
  auto lines = split_lines(text, budget);
  Meta meta;
  const std::size_t body = read_front_matter(adr, lines, meta, budget);
  Document d = scan(std::move(lines), body, budget);

  // Id from the content when the file name had none.
  if (adr.id.empty()) {
    static const RE2 kHeadingId(R"((?i)^#\s+ADR[-_ ]?(\d+))");
    for (const auto& h : d.headings) {
      std::string digits;
      if (h.level == 1 && RE2::PartialMatch("# " + h.text, kHeadingId, &digits)) {
        adr.id = normalize_adr_id(digits);
        break;
      }
    }
    if (adr.id.empty()) {
      adr.parsed = false;
      warn(adr, 0, "No ADR id: the file name is not ADR-###*.md or NNNN-*.md and there is no '# ADR-###' heading");
      return adr;
    }
    for (auto& w : adr.warnings) w.adr_id = adr.id;
  }

  // Title: the first level-1 heading, else the front matter title.
  for (const auto& h : d.headings) {
    if (h.level == 1 && !h.text.empty()) {
      adr.title = h.text;
      break;
    }
  }
  if (adr.title.empty() && meta.title) adr.title = meta.title->first;
  if (adr.title.empty()) {
    adr.title = adr.id;
    warn(adr, 0, "No title: expected a level-1 heading ('# ADR-001: Title' or '# Title')");
  }

  read_bold_metadata(d, meta);
  if (!meta.status) {
    if (auto s = d.section({"status"})) meta.status = first_text_line(d, s->first, s->second);
  }
  if (!meta.date) {
    if (auto s = d.section({"date"})) meta.date = first_text_line(d, s->first, s->second);
  }
  if (meta.status) {
    adr.status_text = strip_markup(meta.status->first);
    if (auto st = map_status(adr.status_text)) {
      adr.status = *st;
    } else {
      adr.status = Status::kUnknown;
      warn(adr, meta.status->second,
           "Unrecognised status '" + adr.status_text.substr(0, 60) +
               "' (expected accepted, proposed, deprecated or superseded); the ADR is not enforced");
    }
  } else {
    warn(adr, 0, "No status found (front matter 'status:', '**Status:** X' or a '## Status' section); not enforced");
  }
  if (adr.status == Status::kSuperseded) adr.superseded_by = referenced_adr(meta.status->first);
  if (adr.superseded_by.empty() && meta.superseded_by) adr.superseded_by = referenced_adr(meta.superseded_by->first);
  if (meta.date) adr.date = first_date(meta.date->first);
  adr.deciders = meta.deciders;
  adr.tags = meta.tags;

  // Related catalogue rules mentioned anywhere.
  static const RE2 kRuleRef(R"(\b((?:MD|L0)-\d{3})\b)");
  std::set<std::string> related;
  re2::StringPiece in(text.data(), text.size());
  std::string ref;
  while (RE2::FindAndConsume(&in, kRuleRef, &ref)) related.insert(ref);
  adr.related_rules.assign(related.begin(), related.end());

  for (const auto& f : d.fences) {
    if (!f.closed && f.info != "phase-mirror") {
      warn(adr, f.open_line,
           "Unterminated code fence opened at line " + std::to_string(f.open_line) +
               "; the rest of the file is read as code");
    }
  }

  if (auto s = d.section({"decision", "decision outcome"})) {
    adr.rules = extract_from(d, s->first, s->second, adr.id, 1, budget);
  } else {
    warn(adr, 0, "No '## Decision' or '## Decision Outcome' section: no RFC 2119 rules extracted");
  }
  adr.has_compliance_section = d.section({"compliance checks", "compliance", "validation", "confirmation"}).has_value();
  read_checks(adr, d, budget);
  return adr;
}

}  // namespace pm::adr
