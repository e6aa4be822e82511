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

// Reads a glob or a list of globs; false when the node has another shape.
bool read_globs(const Node* n, std::vector<Glob>& out) {
  if (n == nullptr) return true;
  if (n->is_scalar() && !n->is_null()) {
    out.emplace_back(strip(n->value()));
    return true;
  }
  if (n->is_sequence()) {
    for (const auto& item : n->items()) {
      if (!item.is_scalar() || item.is_null()) return false;
      out.emplace_back(strip(item.value()));
    }
    return true;
  }
  return false;
}

constexpr const char* kKinds[] = {"forbid", "require", "forbid-import", "max-permissions"};
constexpr const char* kCommonKeys[] = {"id", "severity", "message", "remediation", "description", "title"};

class BlockReader {
 public:
  BlockReader(const std::string& adr_id, const std::string& adr_file, int first_line,
              std::vector<ParseWarning>& warnings, int& ordinal)
      : adr_id_(adr_id), adr_file_(adr_file), first_line_(first_line), warnings_(warnings), ordinal_(ordinal) {}

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
    auto re = std::make_shared<RE2>(r.pattern_text, opts);
    if (!re->ok()) {
      warn(line_of(*pattern), "Invalid regex in " + where + ": " + re->error());
      return false;
    }
    r.pattern = std::move(re);
    // \A and \z mean the line's ends per line but the file's ends on the
    // whole text: no prefilter for those.
    if (r.pattern_text.find("\\A") == std::string::npos && r.pattern_text.find("\\z") == std::string::npos) {
      auto pre = std::make_shared<RE2>("(?m)" + r.pattern_text, opts);
      if (pre->ok()) r.prefilter = std::move(pre);
    }
    if (k.is_mapping() && !read_file_globs(k, "in", r, where)) return false;
    return true;
  }

  bool read_import_rule(const Node& k, CheckRule& r, const std::string& where) {
    if (!k.is_mapping()) {
      warn(r.line, "'forbid-import' in " + where + " must be a mapping with 'from' and 'to'; ignored");
      return false;
    }
    if (!read_globs(k.get("to"), r.to) || r.to.empty()) {
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
      r.in.emplace_back(".github/workflows/*.{yml,yaml}");
    }
    return true;
  }

  bool read_file_globs(const Node& k, const char* key, CheckRule& r, const std::string& where) {
    if (!read_globs(k.get(key), r.in)) {
      warn(r.line, std::string("Invalid '") + key + "' in " + where + " (a glob or a list of globs); ignored");
      return false;
    }
    if (!read_globs(k.get("exclude"), r.exclude)) {
      warn(r.line, "Invalid 'exclude' in " + where + " (a glob or a list of globs); ignored");
      return false;
    }
    if (r.in.empty()) r.in.emplace_back("**");
    return true;
  }

  const std::string& adr_id_;
  const std::string& adr_file_;
  int first_line_;
  std::vector<ParseWarning>& warnings_;
  int& ordinal_;
};

// Calls fn(line_no, line) for each line.
template <class Fn>
void for_each_line(std::string_view content, Fn&& fn) {
  int n = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    auto nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!fn(++n, line)) return;
    if (nl == content.size()) return;
    pos = nl + 1;
  }
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

// Lines are matched without their '\r', the whole text is not: CRLF files
// (where `$` would not match before "\r\n") skip the prefilter.
bool use_prefilter(const CheckRule& rule, const SourceFile& file) {
  return rule.prefilter && file.content.find('\r') == std::string_view::npos;
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
                       const engine::Permissions& p, const std::string& where, std::vector<Violation>& out) {
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
      out.push_back(make(adr, r, f, p.line,
                         str_cat({where, " 'permissions: ", p.shorthand, "' exceeds the ceiling (", list, ")"}),
                         wf.line_text(p.line)));
    }
    return;
  }
  for (const auto& [scope, loc] : p.scopes) {
    auto ceiling = ceiling_for(r, scope);
    if (!ceiling) continue;
    const PermLevel granted = level_of(loc.value);
    if (granted > *ceiling) {
      out.push_back(make(adr, r, f, loc.line,
                         std::string(where)
                             .append(" grants '")
                             .append(scope)
                             .append(": ")
                             .append(loc.value)
                             .append("' above the ceiling '")
                             .append(level_name(*ceiling))
                             .append("'"),
                         wf.line_text(loc.line)));
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
                                         std::vector<ParseWarning>& warnings, int* ordinal) {
  int local_ordinal = 0;
  BlockReader reader(adr_id, adr_file, first_line, warnings, ordinal != nullptr ? *ordinal : local_ordinal);
  std::vector<CheckRule> rules;
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
    if (auto rule = reader.read_counted_rule(item)) rules.push_back(std::move(*rule));
  }
  return rules;
}

bool rule_applies(const CheckRule& rule, std::string_view relative) {
  return matches_any(rule.in, relative) && !matches_any(rule.exclude, relative);
}

void evaluate_check(const Adr& adr, const CheckRule& rule, const SourceFile& file, std::vector<Violation>& out) {
  switch (rule.kind) {
    case CheckKind::kForbid:
      if (use_prefilter(rule, file) && !RE2::PartialMatch(file.content, *rule.prefilter)) return;
      for_each_line(file.content, [&](int n, std::string_view line) {
        if (RE2::PartialMatch(line, *rule.pattern)) {
          out.push_back(make(adr, rule, file, n, "forbidden pattern /" + rule.pattern_text + "/ found", line));
        }
        return true;
      });
      return;
    case CheckKind::kRequire: {
      bool found = false;
      if (!use_prefilter(rule, file) || RE2::PartialMatch(file.content, *rule.prefilter)) {
        for_each_line(file.content, [&](int, std::string_view line) {
          found = RE2::PartialMatch(line, *rule.pattern);
          return !found;
        });
      }
      if (!found) {
        out.push_back(
            make(adr, rule, file, 1, "required pattern /" + rule.pattern_text + "/ not found in the file", ""));
      }
      return;
    }
    case CheckKind::kForbidImport:
      if (!file.imports) file.imports = extract_imports(file.relative, file.content);
      for (const auto& imp : *file.imports) {
        for (const auto& c : imp.candidates) {
          if (matches_any(rule.to, c)) {
            out.push_back(make(adr, rule, file, imp.line, "forbidden import of '" + imp.spec + "'", imp.line_text));
            break;
          }
        }
      }
      return;
    case CheckKind::kMaxPermissions: {
      const auto wf = engine::parse_workflow(file.relative, file.content);
      if (!engine::gha::is_workflow(wf)) return;
      check_permissions(adr, rule, file, wf, wf.permissions, "workflow", out);
      for (const auto& job : wf.jobs) {
        check_permissions(adr, rule, file, wf, job.permissions, str_cat({"job '", job.id, "'"}), out);
        if (!wf.permissions.present && !job.permissions.present && !job.uses) {
          out.push_back(
              make(adr, rule, file, job.line,
                   str_cat({"job '", job.id,
                            "' has no permissions block and inherits the repository default token permissions"}),
                   wf.line_text(job.line)));
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

void evaluate_prose(const Adr& adr, const DecisionRule& rule, const SourceFile& file, std::vector<Violation>& out) {
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
  if (std::none_of(literals.begin(), literals.end(),
                   [&](std::string_view l) { return file.content.find(l) != std::string_view::npos; })) {
    return;
  }
  for_each_line(file.content, [&](int n, std::string_view line) {
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
      out.push_back(std::move(v));
      return false;
    }
    return true;
  });
}

}  // namespace pm::adr
