#include "engine/repo_config.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "engine/rule_names.hpp"
#include "engine/yaml.hpp"

namespace pm::engine {

namespace {

using yaml::Node;

constexpr const char* kPinPolicyNames[] = {"hash-pin", "ref-pin", "any"};

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "a, b or c"
std::string or_list(std::initializer_list<std::string_view> names) {
  std::string out;
  std::size_t i = 0;
  for (const std::string_view n : names) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out.append(n);
    ++i;
  }
  return out;
}

bool is_plain_bool(const Node& n, bool& value) {
  if (!n.is_scalar() || n.style != yaml::ScalarStyle::kPlain) return false;
  const std::string_view v = n.value();
  if (v == "true" || v == "True" || v == "TRUE") {
    value = true;
    return true;
  }
  if (v == "false" || v == "False" || v == "FALSE") {
    value = false;
    return true;
  }
  return false;
}

// How a node is described in "must be X, not Y".
std::string describe_node(const Node& n) {
  if (n.is_mapping()) return "a mapping";
  if (n.is_sequence()) return "a list";
  if (n.is_null()) return "null";
  std::string v(n.value().substr(0, 60));
  return "'" + v + (n.value().size() > 60 ? "...'" : "'");
}

// A run of at most 9 digits as an int; -1 for anything else.
int parse_positive(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return -1;
  int v = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

bool valid_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_name_char) && s != "." && s != "..";
}

bool has_space_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; });
}

std::vector<std::string_view> split_slash(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

Error pattern_error(std::string why) {
  return Error::invalid_input(std::move(why));
}

// Reads a parsed document into a RepoConfig, collecting every problem.
class ConfigReader {
 public:
  ConfigReader(const std::vector<std::string>& known_rule_ids, RepoConfigCheck& out)
      : known_(known_rule_ids), out_(out) {}

  void read(const Node& root) {
    if (root.is_null()) return;  // an empty file: no settings
    if (!root.is_mapping()) {
      issue(root, "",
            "must be a mapping of settings (persona, min-confidence, ignore-paths, rules), not " + describe_node(root),
            "type");
      return;
    }
    each_entry(root, "", [&](std::string_view key, const Node& k, const Node& v, const std::string& path) {
      if (key == "persona") {
        if (auto p = level(v, path, "persona", &parse_persona, {"regular", "pedantic", "auditor"})) {
          out_.config.persona = *p;
        }
      } else if (key == "min-confidence") {
        if (auto c = level(v, path, "confidence", &parse_confidence, {"low", "medium", "high"})) {
          out_.config.min_confidence = *c;
        }
      } else if (key == "ignore-paths") {
        ignore_list(v, path, false, out_.config.ignore_paths);
      } else if (key == "rules") {
        rules(v, path);
      } else {
        unknown_key(k, path, key, "persona, min-confidence, ignore-paths or rules");
      }
    });
  }

  void issue(const Node& at, std::string path, std::string message, const char* keyword) {
    ++out_.issue_count;
    if (out_.issues.size() < kMaxConfigErrors) {
      out_.issues.push_back({std::move(path), std::move(message), keyword, at.line, at.column});
    }
  }

 private:
  using EntryFn = std::function<void(std::string_view key, const Node& k, const Node& v, const std::string& path)>;

  // Calls `fn` for each entry of a mapping whose key is a scalar seen for the
  // first time; reports the others.
  void each_entry(const Node& map, const std::string& path, const EntryFn& fn) {
    std::unordered_map<std::string_view, int> seen;  // key -> its line
    for (const yaml::Entry& entry : map.entries()) {
      const Node& k = entry.first;
      if (!k.is_scalar() || k.is_null()) {
        issue(k, path, "has a key that is not a name", "type");
        continue;
      }
      const std::string child = path + "/" + pointer_token(k.value());
      const auto [first, inserted] = seen.emplace(k.value(), k.line);
      if (!inserted) {
        issue(k, child,
              "duplicate key '" + std::string(k.value()) + "' (first on line " + std::to_string(first->second) + ")",
              "duplicateKey");
        continue;
      }
      fn(k.value(), k, entry.second, child);
    }
  }

  // `path` is the key's own pointer.
  void unknown_key(const Node& k, const std::string& path, std::string_view key, const char* expected) {
    issue(k, path, "unknown key '" + std::string(key) + "' (expected " + expected + ")", "additionalProperties");
  }

  template <class T>
  std::optional<T> level(const Node& v, const std::string& path, const char* what,
                         std::optional<T> (*parse)(std::string_view), std::initializer_list<std::string_view> names) {
    if (!v.is_scalar() || v.is_null()) {
      issue(v, path, std::string("must be a ") + what + " (" + or_list(names) + "), not " + describe_node(v), "type");
      return std::nullopt;
    }
    auto parsed = parse(v.value());
    if (!parsed) issue(v, path, describe_node(v) + " is not a " + what + " (" + or_list(names) + ")", "enum");
    return parsed;
  }

  // A scalar's text within kMaxConfigTextLength; nullopt (reported) otherwise.
  std::optional<std::string> text(const Node& v, const std::string& path, const char* what) {
    if (!v.is_scalar() || v.is_null()) {
      issue(v, path, std::string("must be ") + what + ", not " + describe_node(v), "type");
      return std::nullopt;
    }
    if (v.value().size() > kMaxConfigTextLength) {
      issue(v, path, "is longer than " + std::to_string(kMaxConfigTextLength) + " characters", "maxLength");
      return std::nullopt;
    }
    return std::string(v.value());
  }

  bool list_size_ok(const Node& v, const std::string& path, std::size_t size) {
    if (size <= kMaxConfigListEntries) return true;
    issue(v, path,
          "has " + std::to_string(size) + " entries; at most " + std::to_string(kMaxConfigListEntries) + " are allowed",
          "maxItems");
    return false;
  }

  // "glob", "glob:line" or "glob:line:column"; lines only where `with_lines`.
  std::optional<LocationPattern> location(const Node& v, const std::string& path, bool with_lines) {
    auto t = text(v, path, with_lines ? "a path, glob or path:line[:column]" : "a path or glob");
    if (!t) return std::nullopt;
    LocationPattern lp;
    lp.text = *t;
    std::string_view glob = lp.text;
    // Up to two trailing ":<digits>" groups: the last is the column when there are two.
    std::vector<std::string_view> numbers;
    while (numbers.size() < 2) {
      const std::size_t colon = glob.rfind(':');
      if (colon == std::string_view::npos) break;
      const std::string_view digits = glob.substr(colon + 1);
      if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        break;
      }
      numbers.insert(numbers.begin(), digits);
      glob = glob.substr(0, colon);
    }
    if (!numbers.empty()) {
      if (!with_lines) {
        issue(v, path,
              "'" + lp.text +
                  "' names a line; ignore-paths takes paths and globs (put line entries under "
                  "rules.<id>.ignore)",
              "pattern");
        return std::nullopt;
      }
      lp.line = parse_positive(numbers[0]);
      lp.column = numbers.size() > 1 ? parse_positive(numbers[1]) : 0;
      if (lp.line <= 0 || (numbers.size() > 1 && lp.column <= 0)) {
        issue(v, path, "line and column numbers start at 1 and have at most 9 digits ('" + lp.text + "')", "minimum");
        return std::nullopt;
      }
    }
    auto g = PathGlob::compile(glob);
    if (!g) {
      issue(v, path, "invalid glob '" + std::string(glob) + "': " + g.error().message, "pattern");
      return std::nullopt;
    }
    lp.glob = std::move(*g);
    return lp;
  }

  void ignore_list(const Node& v, const std::string& path, bool with_lines, std::vector<IgnoreEntry>& out) {
    if (v.is_null()) return;
    if (!v.is_sequence()) {
      issue(v, path,
            std::string("must be a list of ") +
                (with_lines ? "paths, globs or path:line[:column] entries" : "paths or globs") + ", not " +
                describe_node(v),
            "type");
      return;
    }
    if (!list_size_ok(v, path, v.items().size())) return;
    std::size_t i = 0;
    for (const Node& item : v.items()) {
      const std::string item_path = path + "/" + std::to_string(i++);
      if (item.is_mapping()) {
        ignore_entry_mapping(item, item_path, with_lines, out);
        continue;
      }
      if (auto where = location(item, item_path, with_lines)) out.push_back({std::move(*where), "", "", item.line});
    }
  }

  // {path: ..., reason: ..., by: ...}
  void ignore_entry_mapping(const Node& item, const std::string& path, bool with_lines, std::vector<IgnoreEntry>& out) {
    IgnoreEntry e;
    e.config_line = item.line;
    bool have_where = false;
    bool bad = false;
    each_entry(item, path, [&](std::string_view key, const Node& k, const Node& v, const std::string& p) {
      if (key == "path") {
        auto where = location(v, p, with_lines);
        have_where = where.has_value();
        bad = bad || !have_where;
        if (where) e.where = std::move(*where);
      } else if (key == "reason" || key == "by") {
        auto t = text(v, p, key == "reason" ? "a text" : "a name");
        bad = bad || !t;
        if (t) (key == "reason" ? e.reason : e.by) = std::move(*t);
      } else {
        unknown_key(k, p, key, "path, reason or by");
        bad = true;
      }
    });
    if (!have_where && !bad) issue(item, path + "/path", "is required", "required");
    if (have_where && !bad) out.push_back(std::move(e));
  }

  void rules(const Node& v, const std::string& path) {
    if (v.is_null()) return;
    if (!v.is_mapping()) {
      issue(v, path, "must be a mapping of rule ids to settings, not " + describe_node(v), "type");
      return;
    }
    each_entry(v, path, [&](std::string_view id, const Node& k, const Node& settings, const std::string& p) {
      if (std::find(known_.begin(), known_.end(), id) == known_.end()) {
        std::string msg = "unknown rule id '" + std::string(id) + "'";
        const std::string hint = rule_id_hint(id, known_);
        std::string ids;
        for (const auto& r : known_) ids += (ids.empty() ? "" : ", ") + r;
        msg += hint.empty() ? " (rules: " + ids + ")" : " (" + hint + ")";
        issue(k, p, std::move(msg), "propertyNames");
        return;
      }
      rule(std::string(id), k, settings, p);
    });
  }

  void rule(std::string id, const Node& key, const Node& v, const std::string& path) {
    RuleConfig rc;
    rc.id = std::move(id);
    rc.config_line = key.line;
    if (!v.is_mapping() && !v.is_null()) {
      issue(v, path, "must be a mapping (disable, severity, ignore, config, reason, by), not " + describe_node(v),
            "type");
      return;
    }
    each_entry(v, path, [&](std::string_view k, const Node& kn, const Node& val, const std::string& p) {
      if (k == "disable") {
        bool b = false;
        if (is_plain_bool(val, b)) {
          rc.disabled = b;
        } else {
          issue(val, p, "must be true or false, not " + describe_node(val), "type");
        }
      } else if (k == "severity") {
        rc.severity = level(val, p, "severity", &parse_severity, {"low", "medium", "high", "critical"});
      } else if (k == "ignore") {
        ignore_list(val, p, true, rc.ignore);
      } else if (k == "reason") {
        if (auto t = text(val, p, "a text")) rc.reason = std::move(*t);
      } else if (k == "by") {
        if (auto t = text(val, p, "a name")) rc.by = std::move(*t);
      } else if (k == "config") {
        rule_settings(rc, val, p);
      } else {
        unknown_key(kn, p, k, "disable, severity, ignore, config, reason or by");
      }
    });
    out_.config.rules.push_back(std::move(rc));
  }

  // The per-rule settings table: one entry per rule that has settings.
  void rule_settings(RuleConfig& rc, const Node& v, const std::string& path) {
    if (rc.id == "MD-105") {
      rc.settings = pinning(v, path);
      return;
    }
    issue(v, path, rc.id + " has no settings", "additionalProperties");
  }

  PinningSettings pinning(const Node& v, const std::string& path) {
    PinningSettings s;
    if (v.is_null()) return s;
    if (!v.is_mapping()) {
      issue(v, path, "must be a mapping (policies), not " + describe_node(v), "type");
      return s;
    }
    each_entry(v, path, [&](std::string_view key, const Node& k, const Node& val, const std::string& p) {
      if (key != "policies") {
        unknown_key(k, p, key, "policies");
        return;
      }
      if (val.is_null()) return;
      if (!val.is_mapping()) {
        issue(val, p, "must be a mapping of uses: patterns to hash-pin, ref-pin or any, not " + describe_node(val),
              "type");
        return;
      }
      if (!list_size_ok(val, p, val.entries().size())) return;
      // lower-cased pattern -> the pattern as first written, and its line
      std::unordered_map<std::string, std::pair<std::string, int>> normalised;
      each_entry(val, p, [&](std::string_view pattern, const Node& pk, const Node& pv, const std::string& pp) {
        auto parsed = UsesPattern::parse(pattern);
        if (!parsed) {
          issue(pk, pp, "invalid pattern '" + std::string(pattern) + "': " + parsed.error().message, "pattern");
          return;
        }
        const auto [first, inserted] = normalised.try_emplace(lower_ascii(pattern), std::string(pattern), pk.line);
        if (!inserted) {
          issue(pk, pp,
                "duplicate pattern '" + std::string(pattern) + "' (the same as '" + first->second.first + "' on line " +
                    std::to_string(first->second.second) + ")",
                "duplicateKey");
          return;
        }
        std::optional<PinPolicy> policy;
        if (pv.is_scalar()) {
          for (std::size_t i = 0; i < std::size(kPinPolicyNames); ++i) {
            if (pv.value() == kPinPolicyNames[i]) policy = static_cast<PinPolicy>(i);
          }
        }
        if (!policy) {
          issue(pv, pp, describe_node(pv) + " is not a pin policy (hash-pin, ref-pin or any)", "enum");
          return;
        }
        s.policies.push_back({std::move(*parsed), *policy, pk.line});
      });
    });
    return s;
  }

  const std::vector<std::string>& known_;
  RepoConfigCheck& out_;
};

bool equal_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const char* to_string(PinPolicy p) {
  return kPinPolicyNames[static_cast<std::size_t>(p)];
}

bool LocationPattern::matches(std::string_view file, int finding_line, int finding_column) const {
  if (line != 0 && line != finding_line) return false;
  if (column != 0 && column != finding_column) return false;
  return glob.matches(file);
}

Result<UsesPattern> UsesPattern::parse(std::string_view text) {
  UsesPattern p;
  p.text = std::string(text);
  if (text == "*") return p;
  if (text.empty()) return pattern_error("is empty");
  if (text.size() > PathGlob::kMaxLength) {
    return pattern_error("is longer than " + std::to_string(PathGlob::kMaxLength) + " characters");
  }
  if (text.rfind("docker://", 0) == 0 || text.rfind("./", 0) == 0) {
    return pattern_error("patterns name repositories (owner/repo...), not docker:// images or local actions");
  }
  if (has_space_or_control(text)) return pattern_error("contains a space or a control character");
  const std::size_t at = text.find('@');
  const std::string_view target = text.substr(0, at);
  const auto segs = split_slash(target);
  if (at != std::string_view::npos) {
    p.ref = std::string(text.substr(at + 1));
    if (p.ref.empty()) return pattern_error("has an empty ref after '@'");
  }
  if (segs.size() < 2) return pattern_error("expected owner/*, owner/repo[/path][@ref], owner/repo/* or *");
  const bool owner_any = segs.size() == 2 && segs[1] == "*";
  const bool repo_any = segs.size() == 3 && segs[2] == "*";
  if ((owner_any || repo_any) && at != std::string_view::npos) {
    return pattern_error("a pattern with '*' cannot have an @ref");
  }
  if (!valid_name(segs[0])) return pattern_error("'" + std::string(segs[0]) + "' is not a repository owner");
  p.owner = std::string(segs[0]);
  if (owner_any) {
    p.kind = Kind::kOwnerAny;
    return p;
  }
  if (!valid_name(segs[1])) return pattern_error("'" + std::string(segs[1]) + "' is not a repository name");
  p.repo = std::string(segs[1]);
  if (repo_any) {
    p.kind = Kind::kRepoAny;
    return p;
  }
  for (std::size_t i = 2; i < segs.size(); ++i) {
    if (segs[i].empty() || segs[i] == "." || segs[i] == "..")
      return pattern_error("has an empty, '.' or '..' path segment");
    if (segs[i].find('*') != std::string_view::npos) {
      return pattern_error("'*' is allowed only as a whole pattern, as owner/* or as owner/repo/*");
    }
    if (!p.path.empty()) p.path += '/';
    p.path.append(segs[i]);
  }
  if (at != std::string_view::npos) {
    p.kind = Kind::kExactRef;
  } else {
    p.kind = p.path.empty() ? Kind::kRepo : Kind::kPath;
  }
  return p;
}

bool UsesPattern::matches(std::string_view uses) const {
  if (uses.empty() || uses.rfind("./", 0) == 0 || uses.rfind("docker://", 0) == 0) return false;
  const std::size_t at = uses.find('@');
  const std::string_view ref = at == std::string_view::npos ? std::string_view() : uses.substr(at + 1);
  const std::string_view target = uses.substr(0, at);
  const std::size_t slash = target.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const std::string_view owner_part = target.substr(0, slash);
  const std::string_view rest = target.substr(slash + 1);
  const std::size_t slash2 = rest.find('/');
  const std::string_view repo_part = rest.substr(0, slash2);
  const std::string_view path_part = slash2 == std::string_view::npos ? std::string_view() : rest.substr(slash2 + 1);
  if (repo_part.empty()) return false;
  if (kind == Kind::kAny) return true;
  if (!equal_ci(owner_part, owner)) return false;
  if (kind == Kind::kOwnerAny) return true;
  if (!equal_ci(repo_part, repo)) return false;
  switch (kind) {
    case Kind::kRepoAny: return true;
    case Kind::kRepo: return path_part.empty();
    case Kind::kPath: return path_part == path;
    case Kind::kExactRef: return path_part == path && ref == this->ref;
    default: return false;
  }
}

const PinPolicyEntry* PinningSettings::entry_for(std::string_view uses) const {
  const PinPolicyEntry* best = nullptr;
  for (const auto& e : policies) {
    if (e.pattern.matches(uses) && (best == nullptr || e.pattern.specificity() > best->pattern.specificity())) {
      best = &e;
    }
  }
  return best;
}

PinPolicy PinningSettings::policy_for(std::string_view uses) const {
  const PinPolicyEntry* e = entry_for(uses);
  return e == nullptr ? PinPolicy::kHashPin : e->policy;
}

const RuleConfig* RepoConfig::rule(std::string_view id) const {
  const auto it = std::find_if(rules.begin(), rules.end(), [&](const RuleConfig& r) { return r.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

bool RepoConfig::disabled(std::string_view id) const {
  const RuleConfig* r = rule(id);
  return r != nullptr && r->disabled;
}

std::optional<Severity> RepoConfig::severity_override(std::string_view id) const {
  const RuleConfig* r = rule(id);
  return r == nullptr ? std::nullopt : r->severity;
}

Json RepoConfig::summary_json() const {
  Json j = Json::object();
  j["file"] = path;
  if (persona) j["persona"] = to_string(*persona);
  if (min_confidence) j["minConfidence"] = to_string(*min_confidence);
  Json disabled_rules = Json::array();
  Json overrides = Json::object();
  for (const auto& r : rules) {
    if (r.disabled) disabled_rules.push_back(r.id);
    if (r.severity) overrides[r.id] = to_string(*r.severity);
  }
  j["disabledRules"] = std::move(disabled_rules);
  j["severityOverrides"] = std::move(overrides);
  return j;
}

RepoConfigCheck check_repo_config(std::string_view text, const std::string& path,
                                  const std::vector<std::string>& known_rule_ids) {
  RepoConfigCheck out;
  out.config.path = path;
  ConfigReader reader(known_rule_ids, out);
  if (text.size() > kMaxRepoConfigBytes) {
    reader.issue(Node{}, "", "is larger than " + std::to_string(kMaxRepoConfigBytes) + " bytes", "maxLength");
    return out;
  }
  const yaml::ParseResult parsed = yaml::parse(text);
  if (parsed.error) {
    std::string msg = "is not valid YAML: " + parsed.error->message;
    // A plain scalar cannot start with '*' (an alias): the usual slip with globs.
    if (msg.find("alias") != std::string::npos) msg += " (quote patterns that start with '*')";
    Node at;
    at.line = parsed.error->line;
    at.column = parsed.error->column;
    reader.issue(at, "", std::move(msg), "syntax");
    return out;
  }
  if (parsed.documents.size() > 1) {
    Node at;
    at.line = parsed.documents[1].root ? parsed.documents[1].root->line : 0;
    reader.issue(at, "", "has " + std::to_string(parsed.documents.size()) + " YAML documents; a config is one",
                 "syntax");
    return out;
  }
  if (parsed.documents.empty() || !parsed.documents.front().root) return out;
  reader.read(*parsed.documents.front().root);
  return out;
}

Result<RepoConfig> parse_repo_config(std::string_view text, const std::string& path,
                                     const std::vector<std::string>& known_rule_ids) {
  RepoConfigCheck check = check_repo_config(text, path, known_rule_ids);
  if (check.ok()) return std::move(check.config);
  Json errors = Json::array();
  std::string listed;
  for (const auto& i : check.issues) {
    errors.push_back(
        Json{{"path", i.path}, {"message", i.message}, {"keyword", i.keyword}, {"line", i.line}, {"column", i.column}});
    if (listed.size() < 400) {
      listed += (listed.empty() ? "" : "; ") + (i.path.empty() ? std::string("(file)") : i.path) +
                (i.line > 0 ? " (line " + std::to_string(i.line) + ")" : "") + ": " + i.message;
    }
  }
  const std::string count = check.issue_count == 1 ? "1 error" : std::to_string(check.issue_count) + " errors";
  Error e = Error::invalid_input("Invalid repository config " + path + " (" + count + "): " + listed,
                                 Json{{"file", path}, {"validationErrors", std::move(errors)}});
  e.suggestions.push_back("Fix the listed entries; docs/suppressions.md describes the format");
  e.suggestions.push_back("Pass useConfig: false to analyse without the repository config");
  return e;
}

Result<std::optional<RepoConfig>> load_repo_config(const Workspace& ws, const std::optional<std::string>& config_file,
                                                   bool use_config, const std::vector<std::string>& known_rule_ids) {
  if (!use_config) return std::optional<RepoConfig>{};
  std::string given = config_file ? *config_file : kDefaultRepoConfigPath;
  auto file = ws.read(given);
  if (!file && !config_file && file.error().code == code::kFileNotFound) {
    // The default is either spelling, .yml first (as for workflows and dependabot.yml).
    given = kDefaultRepoConfigPathYaml;
    file = ws.read(given);
  }
  if (!file) {
    if (file.error().code != code::kFileNotFound) return file.take_error();
    if (!config_file) return std::optional<RepoConfig>{};
    // The argument is wrong, not the analysed files: FILE_NOT_FOUND would read
    // as "the files to analyse are missing".
    const std::string message = "no such file in the workspace: " + given;
    Error e = Error::invalid_input(
        "Invalid configFile: " + message,
        Json{{"file", given},
             {"validationErrors",
              Json::array({Json{{"path", "/configFile"}, {"message", message}, {"keyword", "exists"}}})}});
    e.suggestions.push_back("Name a file relative to the workspace root, or leave configFile out to use " +
                            std::string(kDefaultRepoConfigPath) + " when it exists");
    return e;
  }
  auto parsed = parse_repo_config(file->bytes, file->path.relative, known_rule_ids);
  if (!parsed) return parsed.take_error();
  return std::optional<RepoConfig>(std::move(*parsed));
}

}  // namespace pm::engine
