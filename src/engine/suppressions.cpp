#include "engine/suppressions.hpp"

#include <algorithm>
#include <utility>

namespace pm::engine {

namespace {

std::string at_line(std::string_view file, int line) {
  std::string s(file);
  s += ':';
  s += std::to_string(line);
  return s;
}

// The zizmor audit of `ig` that names `rule_id`, as "zizmor:<audit>".
std::string zizmor_via(const InlineIgnore& ig, std::string_view rule_id) {
  for (const auto& name : ig.names) {
    const ZizmorAudit* a = find_zizmor_audit(name);
    if (a != nullptr && std::find(a->rules.begin(), a->rules.end(), rule_id) != a->rules.end()) {
      return "zizmor:" + name;
    }
  }
  return "zizmor";
}

// 3: path:line:column, 2: path:line, 1: a whole file or glob.
int entry_specificity(const IgnoreEntry& e) {
  if (e.where.column != 0) return 3;
  return e.where.line != 0 ? 2 : 1;
}

Suppression from_config(const RepoConfig& config, const IgnoreEntry& e, const std::string& default_reason,
                        const std::string& default_by) {
  Suppression s;
  s.kind = SuppressionKind::kConfig;
  s.reason = e.reason.empty() ? default_reason : e.reason;
  s.by = !e.by.empty() ? e.by : (!default_by.empty() ? default_by : config.path);
  s.location = at_line(config.path, e.config_line);
  return s;
}

bool has_yaml_extension(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  return ends_with(".yml") || ends_with(".yaml");
}

}  // namespace

const char* to_string(SuppressionKind k) {
  switch (k) {
    case SuppressionKind::kInline: return "inline";
    case SuppressionKind::kConfig: return "config";
    case SuppressionKind::kFpStore: return "fp-store";
  }
  return "config";
}

Json Suppression::to_json() const {
  Json j = Json::object();
  j["kind"] = to_string(kind);
  j["reason"] = reason;
  j["by"] = by;
  j["location"] = location;
  j["reasonMissing"] = reason_missing();
  if (!via.empty()) j["via"] = via;
  return j;
}

Suppression fp_store_suppression(const std::string& finding_id, std::string review_note, std::string reviewed_by) {
  Suppression s;
  s.kind = SuppressionKind::kFpStore;
  s.reason = std::move(review_note);
  s.by = std::move(reviewed_by);
  s.location = "fp-store:" + finding_id;
  return s;
}

void attach_suppression(Json& finding_json, const Suppression& s) {
  finding_json["suppression"] = s.to_json();
  if (s.kind == SuppressionKind::kFpStore) finding_json["reviewNote"] = s.reason;
}

std::optional<Suppression> find_suppression(const FindingRef& f, const RepoConfig* config,
                                            const InlineIgnores* inline_ignores) {
  if (inline_ignores != nullptr) {
    if (const InlineIgnore* ig = inline_ignores->find(f.rule_id, f.line)) {
      Suppression s;
      s.kind = SuppressionKind::kInline;
      s.reason = ig->reason;
      s.by = inline_ignores->path();
      s.location = at_line(inline_ignores->path(), ig->line);
      if (ig->syntax == IgnoreSyntax::kZizmor) s.via = zizmor_via(*ig, f.rule_id);
      return s;
    }
  }
  if (config == nullptr || f.file.empty()) return std::nullopt;
  if (const RuleConfig* rule = config->rule(f.rule_id)) {
    const IgnoreEntry* best = nullptr;
    for (const auto& e : rule->ignore) {
      if (e.where.matches(f.file, f.line, f.column) &&
          (best == nullptr || entry_specificity(e) > entry_specificity(*best))) {
        best = &e;
      }
    }
    if (best != nullptr) return from_config(*config, *best, rule->reason, rule->by);
  }
  for (const auto& e : config->ignore_paths) {
    if (e.where.matches(f.file, f.line, f.column)) return from_config(*config, e, "", "");
  }
  return std::nullopt;
}

Confidence default_min_confidence(Persona p) {
  return p == Persona::kAuditor ? Confidence::kLow : Confidence::kMedium;
}

Json AnalysisLevels::to_json() const {
  return Json{{"persona", to_string(persona)},
              {"minConfidence", to_string(min_confidence)},
              {"personaFrom", persona_from},
              {"minConfidenceFrom", min_confidence_from}};
}

AnalysisLevels resolve_levels(std::optional<Persona> input_persona, std::optional<Confidence> input_min_confidence,
                              const RepoConfig* config) {
  AnalysisLevels l;
  if (input_persona) {
    l.persona = *input_persona;
    l.persona_from = "input";
  } else if (config != nullptr && config->persona) {
    l.persona = *config->persona;
    l.persona_from = "config";
  }
  if (input_min_confidence) {
    l.min_confidence = *input_min_confidence;
    l.min_confidence_from = "input";
  } else if (config != nullptr && config->min_confidence) {
    l.min_confidence = *config->min_confidence;
    l.min_confidence_from = "config";
  } else {
    l.min_confidence = default_min_confidence(l.persona);
  }
  return l;
}

Suppressions::Suppressions(std::optional<RepoConfig> config, const std::vector<std::string>& known_rule_ids)
    : config_(std::move(config)), known_rule_ids_(known_rule_ids) {}

void Suppressions::add_file(const std::string& path, std::string_view text) {
  if (!has_yaml_extension(path)) return;
  files_.insert_or_assign(path, parse_inline_ignores(path, text, known_rule_ids_));
}

const InlineIgnores* Suppressions::inline_ignores(std::string_view path) const {
  const auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

std::optional<Suppression> Suppressions::match(const FindingRef& f) const {
  return find_suppression(f, config(), inline_ignores(f.file));
}

Json Suppressions::problems_json() const {
  Json out = Json::array();
  for (const auto& [path, ignores] : files_) {
    for (const auto& p : ignores.problems()) {
      out.push_back(Json{{"file", path}, {"line", p.line}, {"column", p.column}, {"message", p.message}});
    }
  }
  return out;
}

}  // namespace pm::engine
