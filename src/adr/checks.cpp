#include "adr/checks.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "adr/imports.hpp"
#include "engine/gha/gha.hpp"
#include "engine/workflow.hpp"
#include "engine/yaml.hpp"
#include "util/strings.hpp"

namespace pm::adr {
namespace {

using engine::yaml::Node;

std::string strip(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lowercase(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::optional<Severity> parse_severity(std::string_view s) {
  const std::string l = lowercase(strip(s));
  if (l == "critical") return Severity::kCritical;
  if (l == "high") return Severity::kHigh;
  if (l == "medium") return Severity::kMedium;
  if (l == "low") return Severity::kLow;
  return std::nullopt;
}

std::optional<PermLevel> parse_level(std::string_view s) {
  return engine::gha::parse_level(lowercase(strip(s)));
}

const char* level_name(PermLevel l) {
  return engine::gha::to_string(l);
}

// A pattern as a warning shows it: never more than 80 bytes of it.
std::string shown(std::string_view pattern) {
  if (pattern.size() <= 80) return std::string(pattern);
  std::size_t cut = 80;
  while (cut > 0 && (static_cast<unsigned char>(pattern[cut]) & 0xC0) == 0x80) --cut;
  return std::string(pattern.substr(0, cut)) + "...";
}

// Bytes per RE2 run for a program of `size` instructions.
std::size_t match_window(int size) {
  const std::uint64_t w = kRegexWorkPerRun / static_cast<std::uint64_t>(std::max(size, 1));
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(w, kMinMatchWindow, kMaxMatchWindow));
}

// Whether a pattern means the same on a run of lines as on each line: not
// with \A / \z (the text's ends) or a flag group switching multi-line off.
bool safe_on_many_lines(std::string_view p) {
  if (p.find("\\A") != std::string_view::npos || p.find("\\z") != std::string_view::npos) return false;
  for (std::size_t i = p.find("(?"); i != std::string_view::npos; i = p.find("(?", i + 2)) {
    bool off = false;
    for (std::size_t j = i + 2; j < p.size() && (std::isalpha(static_cast<unsigned char>(p[j])) || p[j] == '-'); ++j) {
      off = off || p[j] == '-';
      if (off && p[j] == 'm') return false;
    }
  }
  return true;
}

enum class GlobsRead { kOk, kBadShape, kRefused };

constexpr const char* kKinds[] = {"forbid", "require", "forbid-import", "max-permissions"};
constexpr const char* kCommonKeys[] = {"id", "severity", "message", "remediation", "description", "title"};

class BlockReader {
 public:
  BlockReader(const std::string& adr_id, const std::string& adr_file, int first_line,
              std::vector<ParseWarning>& warnings, Budget& budget, int& ordinal)
      : adr_id_(adr_id),
        adr_file_(adr_file),
        first_line_(first_line),
        warnings_(warnings),
        budget_(budget),
        ordinal_(ordinal) {}

  int line_of(const Node& n) const { return first_line_ + std::max(n.line, 1) - 1; }

  void warn(int line, const std::string& message, bool rule_ignored = false) {
    warnings_.push_back(ParseWarning{adr_id_, adr_file_, line, message, rule_ignored});
  }

  // read_rule, with the warning that says why a rule was dropped marked as such.
  std::optional<CheckRule> read_counted_rule(const Node& n) {
    auto rule = read_rule(n);
    if (!rule && !warnings_.empty()) warnings_.back().rule_ignored = true;
    return rule;
  }

 private:
  std::optional<CheckRule> read_rule(const Node& n) {
    ++ordinal_;
    const int line = line_of(n);
    if (!n.is_mapping()) {
      warn(line, "Rule at line " + std::to_string(line) + " of " + adr_id_ + " is not a mapping; ignored");
      return std::nullopt;
    }
    CheckRule r;
    r.line = line;
    const Node* id = n.get("id");
    if (id != nullptr && !id->is_scalar()) {
      warn(line,
           "Rule at line " + std::to_string(line) + " of " + adr_id_ + " has an 'id' that is not a string; ignored");
      return std::nullopt;
    }
    r.id = id == nullptr || id->is_null() ? std::string() : strip(id->value());
    if (r.id.empty()) r.id = adr_id_ + "-C" + std::to_string(ordinal_);
    const std::string where = "rule '" + r.id + "' of " + adr_id_ + " (line " + std::to_string(line) + ")";

    const Node* kind_node = nullptr;
    std::string kind;
    std::vector<std::string> unknown;
    for (const auto& [k, v] : n.entries()) {
      const std::string key = k.is_scalar() ? std::string(k.value()) : std::string();
      if (std::find(std::begin(kKinds), std::end(kKinds), key) != std::end(kKinds)) {
        if (kind_node != nullptr) {
          std::string msg = "Two rule kinds ('";
          msg.append(kind).append("', '").append(key).append("') in ").append(where).append("; ignored");
          warn(line, msg);
          return std::nullopt;
        }
        kind_node = &v;
        kind = key;
      } else if (std::find(std::begin(kCommonKeys), std::end(kCommonKeys), key) == std::end(kCommonKeys)) {
        unknown.push_back(key);
      }
    }
    if (kind_node == nullptr) {
      std::string msg = "Unknown rule kind in " + where;
      if (!unknown.empty()) msg += ": '" + unknown.front() + "'";
      warn(line, msg + " (expected forbid, require, forbid-import or max-permissions); ignored");
      return std::nullopt;
    }
    for (const auto& u : unknown) {
      std::string msg = "Unknown key '";
      msg.append(u).append("' in ").append(where).append(" was ignored");
      warn(line, msg);
    }

    if (const Node* s = n.get("severity")) {
      auto sev = s->is_scalar() ? parse_severity(s->value()) : std::nullopt;
      if (sev) {
        r.severity = *sev;
      } else {
        warn(line_of(*s), "Invalid severity in " + where + " (expected critical, high, medium or low); medium used");
      }
    }
    if (const Node* m = n.get("message"); m && m->is_scalar()) r.message = strip(m->value());
    if (const Node* m = n.get("remediation"); m && m->is_scalar()) r.remediation = strip(m->value());

    bool ok = false;
    if (kind == "forbid" || kind == "require") {
      r.kind = kind == "forbid" ? CheckKind::kForbid : CheckKind::kRequire;
      ok = read_pattern_rule(*kind_node, r, where);
    } else if (kind == "forbid-import") {
      r.kind = CheckKind::kForbidImport;
      ok = read_import_rule(*kind_node, r, where);
    } else {
      r.kind = CheckKind::kMaxPermissions;
      ok = read_permissions_rule(*kind_node, r, where);
    }
    if (!ok) return std::nullopt;
    return r;
  }

  bool read_pattern_rule(const Node& k, CheckRule& r, const std::string& where) {
    const Node* pattern = k.is_mapping() ? k.get("pattern") : &k;
    if (pattern == nullptr || !pattern->is_scalar() || pattern->is_null()) {
      warn(r.line, "Missing 'pattern' in " + where + "; ignored");
      return false;
    }
    r.pattern_text = std::string(pattern->value());
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_max_mem(kRegexMaxMem);
    // Charged before compiling: RE2 may use up to max_mem for this pattern.
    if (!budget_.charge(static_cast<std::uint64_t>(kRegexMaxMem) + r.pattern_text.size())) return false;
    auto re = std::make_shared<RE2>("(?m)" + r.pattern_text, opts);
    const std::string too_complex = "Regex in " + where + " is too complex: ";
    if (!re->ok() && re->error_code() == RE2::ErrorPatternTooLarge) {
      warn(line_of(*pattern), too_complex + "it does not fit RE2's " + std::to_string(kRegexMaxMem / 1024) +
                                  " KiB program limit (counted repetitions such as {1,1000} multiply its size); "
                                  "ignored");
      return false;
    }
    if (!re->ok()) {
      // Compiled as written for RE2's message, which quotes the pattern.
      const RE2 as_written(r.pattern_text, opts);
      warn(line_of(*pattern), "Invalid regex in " + where + ": " + shown(as_written.error()));
      return false;
    }
    if (re->ProgramSize() > kMaxRegexProgramSize) {
      warn(line_of(*pattern), too_complex + "its program has " + std::to_string(re->ProgramSize()) +
                                  " instructions (limit " + std::to_string(kMaxRegexProgramSize) +
                                  "; counted repetitions such as {1,1000} multiply it); ignored");
      return false;
    }
    r.match_window = match_window(re->ProgramSize());
    r.runs_on_many_lines = safe_on_many_lines(r.pattern_text);
    r.pattern = std::move(re);
    if (k.is_mapping() && !read_file_globs(k, "in", r, where)) return false;
    if (!k.is_mapping()) return default_globs(r);
    return true;
  }

  bool read_import_rule(const Node& k, CheckRule& r, const std::string& where) {
    if (!k.is_mapping()) {
      warn(r.line, "'forbid-import' in " + where + " must be a mapping with 'from' and 'to'; ignored");
      return false;
    }
    const GlobsRead to = read_globs(k.get("to"), r.to, "to", where, r.line);
    if (to == GlobsRead::kRefused) return false;
    if (to == GlobsRead::kBadShape || r.to.empty()) {
      warn(r.line, "Missing or invalid 'to' (a glob or a list of globs) in " + where + "; ignored");
      return false;
    }
    return read_file_globs(k, "from", r, where);
  }

  bool read_permissions_rule(const Node& k, CheckRule& r, const std::string& where) {
    if (!k.is_mapping()) {
      warn(r.line, "'max-permissions' in " + where + " must map scopes to read, write or none; ignored");
      return false;
    }
    for (const auto& [key, v] : k.entries()) {
      const std::string scope = key.is_scalar() ? strip(key.value()) : "";
      if (scope == "in" || scope == "exclude") continue;
      auto level = v.is_scalar() ? parse_level(v.value()) : std::nullopt;
      if (!level) {
        std::string msg = "Invalid level for '";
        msg.append(scope).append("' in ").append(where).append(" (expected read, write or none); ignored");
        warn(line_of(v), msg);
        return false;
      }
      if (scope == "default" || scope == "*") {
        r.fallback = *level;
      } else {
        r.ceiling.emplace_back(scope, *level);
      }
    }
    if (r.ceiling.empty() && !r.fallback) {
      warn(r.line, "'max-permissions' in " + where + " names no scope; ignored");
      return false;
    }
    if (!read_file_globs(k, "in", r, where)) return false;
    if (k.get("in") == nullptr) {
      r.in.clear();
      return add_glob(".github/workflows/*.{yml,yaml}", r.in);
    }
    return true;
  }

  bool read_file_globs(const Node& k, const char* key, CheckRule& r, const std::string& where) {
    const GlobsRead in = read_globs(k.get(key), r.in, key, where, r.line);
    if (in == GlobsRead::kBadShape) {
      warn(r.line, std::string("Invalid '") + key + "' in " + where + " (a glob or a list of globs); ignored");
    }
    if (in != GlobsRead::kOk) return false;
    const GlobsRead exclude = read_globs(k.get("exclude"), r.exclude, "exclude", where, r.line);
    if (exclude == GlobsRead::kBadShape) {
      warn(r.line, "Invalid 'exclude' in " + where + " (a glob or a list of globs); ignored");
    }
    if (exclude != GlobsRead::kOk) return false;
    return default_globs(r);
  }

  // A rule without `in` looks at every file.
  bool default_globs(CheckRule& r) { return !r.in.empty() || add_glob("**", r.in); }

  // One of our own globs: it compiles unless the budget stopped.
  bool add_glob(std::string_view pattern, std::vector<Glob>& out) {
    auto g = Glob::compile(pattern, budget_);
    if (!g) return false;
    out.push_back(std::move(*g));
    return true;
  }

  // A glob or a list of globs; each one over a cap is refused with a warning.
  GlobsRead read_globs(const Node* n, std::vector<Glob>& out, const char* key, const std::string& where, int line) {
    if (n == nullptr) return GlobsRead::kOk;
    std::vector<std::string_view> patterns;
    if (n->is_scalar() && !n->is_null()) {
      patterns.push_back(n->value());
    } else if (n->is_sequence()) {
      for (const auto& item : n->items()) {
        if (!item.is_scalar() || item.is_null()) return GlobsRead::kBadShape;
        patterns.push_back(item.value());
      }
    } else {
      return GlobsRead::kBadShape;
    }
    for (const auto p : patterns) {
      const std::string text = strip(p);
      auto g = Glob::compile(text, budget_);
      if (!g) {
        if (!budget_.stopped()) {
          warn(line, str_cat({"Glob '", shown(text), "' in '", key, "' of ", where, " was refused: ", g.error().message,
                              "; the rule is ignored"}));
        }
        return GlobsRead::kRefused;
      }
      out.push_back(std::move(*g));
    }
    return GlobsRead::kOk;
  }

  const std::string& adr_id_;
  const std::string& adr_file_;
  int first_line_;
  std::vector<ParseWarning>& warnings_;
  Budget& budget_;
  int& ordinal_;
};

// Calls fn(line_no, line) for each line (without its '\n' or a CRLF's '\r')
// until fn returns false or the budget stops.
template <class Fn>
void for_each_line(std::string_view content, Budget& budget, std::uint64_t cost_per_byte, Fn&& fn) {
  int n = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    auto nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!budget.step((line.size() + 1) * cost_per_byte)) return;
    if (!fn(++n, line)) return;
    if (nl == content.size()) return;
    pos = nl + 1;
  }
}

// Whether `re` matches in `line`: one RE2 run when the line fits the window,
// else runs over windows that overlap by half (RE2::Match with the whole line
// as context, so ^, $ and \b keep their meaning at window edges).
bool line_matches(const RE2& re, std::string_view line, std::size_t window, Budget& budget) {
  if (line.size() <= window) {
    return budget.step(line.size() + 1) && re.Match(line, 0, line.size(), RE2::UNANCHORED, nullptr, 0);
  }
  const std::size_t stride = window / 2;
  for (std::size_t start = 0;; start += stride) {
    const std::size_t end = std::min(line.size(), start + window);
    if (!budget.step(end - start)) return false;
    if (re.Match(line, start, end, RE2::UNANCHORED, nullptr, 0)) return true;
    if (end == line.size()) return false;
  }
}

// Calls on_match(line_no, line) for each line on which the rule's pattern
// matches, until it returns false or the budget stops. Runs of whole lines
// that fit the window are matched together first, and line by line only when
// that run matched; a CRLF file (where `$` would not match before "\r\n")
// is matched line by line.
template <class Fn>
void for_each_matching_line(const CheckRule& rule, std::string_view text, Budget& budget, Fn&& on_match) {
  const RE2& re = *rule.pattern;
  const std::size_t window = rule.match_window;
  const bool runs = rule.runs_on_many_lines && text.find('\r') == std::string_view::npos;
  int line_no = 0;
  std::size_t pos = 0;
  bool last = false;
  while (!last) {
    // [begin, end): whole lines from `pos` (at least one), within the window.
    const std::size_t begin = pos;
    std::size_t end = begin;
    int lines = 0;
    while (!last) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      if (lines > 0 && nl - begin > window) break;
      end = nl;
      ++lines;
      last = nl == text.size();
      pos = nl + 1;
    }
    if (runs && end - begin <= window) {
      if (!budget.step(end - begin + 1)) return;
      if (!re.Match(text, begin, end, RE2::UNANCHORED, nullptr, 0)) {
        line_no += lines;
        continue;
      }
    }
    std::size_t at = begin;
    for (int i = 0; i < lines; ++i) {
      std::size_t nl = text.find('\n', at);
      if (nl == std::string_view::npos || nl > end) nl = end;
      std::string_view line = text.substr(at, nl - at);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no;
      if (line_matches(re, line, window, budget)) {
        if (!on_match(line_no, line)) return;
      } else if (budget.stopped()) {
        return;
      }
      at = nl + 1;
    }
  }
}

// Keeps a violation, charged to the budget (a file can hold millions).
void keep(std::vector<Violation>& out, Violation v, Budget& budget) {
  const std::uint64_t bytes = sizeof(Violation) + v.adr_id.size() + v.rule_id.size() + v.file.size() +
                              v.message.size() + v.remediation.size() + v.evidence.size();
  if (budget.charge(bytes)) out.push_back(std::move(v));
}

std::string default_remediation(const CheckRule& r) {
  switch (r.kind) {
    case CheckKind::kForbid: return "Remove the forbidden pattern, as the ADR decides";
    case CheckKind::kRequire: return "Add the required pattern, as the ADR decides";
    case CheckKind::kForbidImport: return "Remove the import; depend on the allowed module instead, as the ADR decides";
    case CheckKind::kMaxPermissions: return "Lower the permission to the ceiling set by the ADR";
  }
  return "";
}

Violation make(const Adr& adr, const CheckRule& r, const SourceFile& f, int line, const std::string& detail,
               std::string_view evidence) {
  Violation v;
  v.adr_id = adr.id;
  v.rule_id = r.id;
  v.file = f.given;
  v.line = line;
  v.message = r.message.empty() ? adr.id + ": " + detail : adr.id + ": " + r.message + " (" + detail + ")";
  v.severity = r.severity;
  v.remediation = r.remediation.empty() ? default_remediation(r) : r.remediation;
  v.evidence = evidence_of(evidence);
  return v;
}

PermLevel level_of(std::string_view s) {
  return engine::gha::level_of(s);
}

std::optional<PermLevel> ceiling_for(const CheckRule& r, std::string_view scope) {
  for (const auto& [s, l] : r.ceiling) {
    if (s == scope) return l;
  }
  return r.fallback;
}

void check_permissions(const Adr& adr, const CheckRule& r, const SourceFile& f, const engine::WorkflowFile& wf,
                       const engine::Permissions& p, const std::string& where, std::vector<Violation>& out,
                       Budget& budget) {
  if (!p.present) return;
  if (!p.shorthand.empty()) {
    const PermLevel granted = engine::gha::broadest(p);
    std::vector<std::string> exceeded;
    for (const auto& [scope, l] : r.ceiling) {
      if (granted > l) exceeded.push_back(scope + ": " + level_name(l));
    }
    if (r.fallback && granted > *r.fallback)
      exceeded.push_back(std::string("other scopes: ") + level_name(*r.fallback));
    if (!exceeded.empty()) {
      std::string list;
      for (const auto& e : exceeded) list += (list.empty() ? "" : ", ") + e;
      keep(out,
           make(adr, r, f, p.line,
                str_cat({where, " 'permissions: ", p.shorthand, "' exceeds the ceiling (", list, ")"}),
                wf.line_text(p.line)),
           budget);
    }
    return;
  }
  for (const auto& [scope, loc] : p.scopes) {
    if (!budget.step()) return;
    auto ceiling = ceiling_for(r, scope);
    if (!ceiling) continue;
    const PermLevel granted = level_of(loc.value);
    if (granted > *ceiling) {
      keep(out,
           make(adr, r, f, loc.line,
                str_cat(
                    {where, " grants '", scope, ": ", loc.value, "' above the ceiling '", level_name(*ceiling), "'"}),
                wf.line_text(loc.line)),
           budget);
    }
  }
}

}  // namespace

std::string evidence_of(std::string_view line) {
  std::string t = strip(line);
  if (t.size() <= 200) return t;
  std::size_t cut = 200;
  while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
  return t.substr(0, cut);
}

std::vector<CheckRule> parse_check_block(const std::string& adr_id, const std::string& adr_file,
                                         std::string_view yaml_text, int first_line,
                                         std::vector<ParseWarning>& warnings, Budget& budget, int* ordinal) {
  int local_ordinal = 0;
  BlockReader reader(adr_id, adr_file, first_line, warnings, budget, ordinal != nullptr ? *ordinal : local_ordinal);
  std::vector<CheckRule> rules;
  if (!budget.step(yaml_text.size() + 1)) return rules;
  auto parsed = engine::yaml::parse(yaml_text);
  if (parsed.error) {
    const int line = first_line + std::max(parsed.error->line, 1) - 1;
    reader.warn(line,
                "Invalid YAML in the ```phase-mirror block of " + adr_id + " (line " + std::to_string(line) +
                    "): " + parsed.error->message + "; its rules were not loaded",
                true);
    return rules;
  }
  if (parsed.documents.empty() || !parsed.documents[0].root) return rules;
  const Node& root = *parsed.documents[0].root;
  const Node* list = &root;
  if (root.is_mapping()) {
    if (const Node* r = root.get("rules")) {
      list = r;
    } else if (root.get("id") != nullptr) {
      if (auto rule = reader.read_counted_rule(root)) rules.push_back(std::move(*rule));
      return rules;
    }
  }
  if (!list->is_sequence()) {
    reader.warn(first_line,
                "The ```phase-mirror block of " + adr_id + " (line " + std::to_string(first_line) +
                    ") must be a list of rules or a mapping with 'rules:'; ignored",
                true);
    return rules;
  }
  for (const auto& item : list->items()) {
    if (!budget.step()) return rules;
    if (auto rule = reader.read_counted_rule(item)) rules.push_back(std::move(*rule));
  }
  return rules;
}

bool rule_applies(const CheckRule& rule, std::string_view relative, Budget& budget) {
  return matches_any(rule.in, relative, budget) && !matches_any(rule.exclude, relative, budget);
}

void evaluate_check(const Adr& adr, const CheckRule& rule, const SourceFile& file, std::vector<Violation>& out,
                    Budget& budget) {
  switch (rule.kind) {
    case CheckKind::kForbid: {
      const std::string detail = "forbidden pattern /" + shown(rule.pattern_text) + "/ found";
      for_each_matching_line(rule, file.content, budget, [&](int n, std::string_view line) {
        keep(out, make(adr, rule, file, n, detail, line), budget);
        return true;
      });
      return;
    }
    case CheckKind::kRequire: {
      bool found = false;
      for_each_matching_line(rule, file.content, budget, [&](int, std::string_view) {
        found = true;
        return false;
      });
      // A search the budget cut short proves nothing: the caller reports it.
      if (!found && !budget.stopped()) {
        keep(out,
             make(adr, rule, file, 1, "required pattern /" + shown(rule.pattern_text) + "/ not found in the file", ""),
             budget);
      }
      return;
    }
    case CheckKind::kForbidImport:
      if (!file.imports) file.imports = extract_imports(file.relative, file.content, budget);
      for (const auto& imp : *file.imports) {
        for (const auto& c : imp.candidates) {
          if (matches_any(rule.to, c, budget)) {
            keep(out, make(adr, rule, file, imp.line, "forbidden import of '" + imp.spec + "'", imp.line_text), budget);
            break;
          }
          if (budget.stopped()) return;
        }
      }
      return;
    case CheckKind::kMaxPermissions: {
      // The workflow model's own loops are bounded by the YAML limits; the
      // parse is charged by the size of the file.
      if (!budget.step(file.content.size() + 1)) return;
      const auto wf = engine::parse_workflow(file.relative, file.content);
      if (!engine::gha::is_workflow(wf)) return;
      check_permissions(adr, rule, file, wf, wf.permissions, "workflow", out, budget);
      for (const auto& job : wf.jobs) {
        if (!budget.step()) return;
        check_permissions(adr, rule, file, wf, job.permissions, str_cat({"job '", job.id, "'"}), out, budget);
        if (!wf.permissions.present && !job.permissions.present && !job.uses) {
          keep(out,
               make(adr, rule, file, job.line,
                    str_cat({"job '", job.id,
                             "' has no permissions block and inherits the repository default token permissions"}),
                    wf.line_text(job.line)),
               budget);
        }
      }
      return;
    }
  }
}

bool prose_rule_is_checkable(const DecisionRule& rule) {
  if (rule.keyword != "MUST NOT" && rule.keyword != "SHALL NOT") return false;
  if (lowercase(rule.text).find("write-all") != std::string::npos) return true;
  return std::any_of(rule.literals.begin(), rule.literals.end(), [](const std::string& l) { return l.size() >= 2; });
}

void evaluate_prose(const Adr& adr, const DecisionRule& rule, const SourceFile& file, std::vector<Violation>& out,
                    Budget& budget) {
  if (rule.keyword != "MUST NOT" && rule.keyword != "SHALL NOT") return;
  std::vector<std::string_view> literals;
  for (const auto& l : rule.literals) {
    if (l.size() >= 2) literals.emplace_back(l);
  }
  // The reference's one prose check: a rule mentioning write-all.
  constexpr std::string_view kWriteAll = "write-all";
  if (std::find(literals.begin(), literals.end(), kWriteAll) == literals.end() &&
      lowercase(rule.text).find(kWriteAll) != std::string::npos) {
    literals.push_back(kWriteAll);
  }
  // Every file meets every approved ADR's prose rules, and most name none of
  // the literals: one search of the whole file settles those.
  if (!budget.step((file.content.size() + 1) * literals.size())) return;
  if (std::none_of(literals.begin(), literals.end(),
                   [&](std::string_view l) { return file.content.find(l) != std::string_view::npos; })) {
    return;
  }
  for_each_line(file.content, budget, literals.size(), [&](int n, std::string_view line) {
    for (const auto& l : literals) {
      if (line.find(l) == std::string_view::npos) continue;
      Violation v;
      v.adr_id = adr.id;
      v.rule_id = rule.id;
      v.file = file.given;
      v.line = n;
      v.message = "Violation of " + adr.id + ": " + rule.text;
      v.severity = Severity::kHigh;
      v.remediation = "Remove prohibited pattern as specified in ADR";
      v.evidence = evidence_of(line);
      keep(out, std::move(v), budget);
      return false;
    }
    return true;
  });
}

}  // namespace pm::adr
