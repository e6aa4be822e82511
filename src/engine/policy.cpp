#include "engine/policy.hpp"

#include "engine/gha/gha.hpp"

namespace pm::engine {

namespace {

Error invalid(const std::string& what, const std::string& path, const std::string& field, const std::string& why) {
  Error e = Error::invalid_input("Invalid " + what + " " + path + ": " + (field.empty() ? "" : field + " ") + why);
  e.details = Json{{"path", path}, {"field", field}};
  return e;
}

Error policy_error(const std::string& path, const std::string& field, const std::string& why) {
  Error e = invalid("policy file", path, field, why);
  e.suggestions.push_back(
      "Expected {\"schemaVersion\": \"1.0.0\", \"mergeQueue\": {<booleans>}, \"workflowPermissions\": "
      "{\"<scope>\": \"read\"|\"write\"|\"none\"}} (see docs/rules.md)");
  return e;
}

Error protection_error(const std::string& path, const std::string& field, const std::string& why) {
  Error e = invalid("branch protection snapshot", path, field, why);
  e.suggestions.push_back(
      "Save the JSON of GitHub's GET /repos/{owner}/{repo}/branches/{branch}/protection (see docs/rules.md)");
  return e;
}

}  // namespace

std::string Policy::permission_ceiling(std::string_view scope) const {
  for (const auto& [s, level] : workflow_permissions) {
    if (s == scope) return level;
  }
  return "read";
}

Result<Policy> parse_policy(std::string_view text, const std::string& path) {
  const Json j = parse_or_discard(text);
  if (j.is_discarded()) return policy_error(path, "", json_refusal(text));
  if (!j.is_object()) return policy_error(path, "", "must be a JSON object");
  Policy p;
  p.loaded = true;
  p.path = path;
  const auto sv = j.find("schemaVersion");
  if (sv == j.end()) return policy_error(path, "schemaVersion", "is required (\"1.0.0\")");
  if (!sv->is_string()) return policy_error(path, "schemaVersion", "must be a string");
  p.schema_version = sv->get<std::string>();
  if (p.schema_version.rfind("1.", 0) != 0) {
    return policy_error(path, "schemaVersion", "\"" + p.schema_version + "\" is not supported (expected 1.x)");
  }
  if (const auto mq = j.find("mergeQueue"); mq != j.end()) {
    if (!mq->is_object()) return policy_error(path, "mergeQueue", "must be an object");
    for (const auto& [key, value] : mq->items()) {
      bool* target = nullptr;
      if (key == "requiredForDefaultBranch") target = &p.required_for_default_branch;
      if (key == "allowBypassForAdmins") target = &p.allow_bypass_for_admins;
      if (key == "requireLinearHistory") target = &p.require_linear_history;
      if (key == "allowDirectPushes") target = &p.allow_direct_pushes;
      if (target == nullptr) return policy_error(path, "mergeQueue." + key, "is not a known field");
      if (!value.is_boolean()) return policy_error(path, "mergeQueue." + key, "must be a boolean");
      *target = value.get<bool>();
    }
  }
  if (const auto wp = j.find("workflowPermissions"); wp != j.end()) {
    if (!wp->is_object()) return policy_error(path, "workflowPermissions", "must be an object");
    p.workflow_permissions_set = true;
    for (const auto& [scope, level] : wp->items()) {
      const std::string field = "workflowPermissions." + scope;
      if (!gha::is_scope(scope)) return policy_error(path, field, "is not a GitHub token permission scope");
      if (!level.is_string()) return policy_error(path, field, "must be \"read\", \"write\" or \"none\"");
      const auto l = level.get<std::string>();
      if (!gha::parse_level(l)) return policy_error(path, field, "must be \"read\", \"write\" or \"none\"");
      p.workflow_permissions.emplace_back(scope, l);
    }
  }
  return p;
}

Result<Policy> load_policy(const Workspace& ws, const std::optional<std::string>& given) {
  const std::string path = given ? *given : kDefaultPolicyPath;
  auto file = ws.read(path);
  if (!file) {
    if (!given && file.error().code == code::kFileNotFound) return Policy{};
    return file.take_error();
  }
  return parse_policy(file->bytes, file->path.relative);
}

Result<std::optional<Json>> parse_branch_protection(std::string_view text, const std::string& path) {
  Json j = parse_or_discard(text);
  if (j.is_discarded()) return protection_error(path, "", json_refusal(text));
  if (!j.is_object()) return protection_error(path, "", "must be a JSON object");
  // GitHub answers 404 {"message": "Branch not protected", "documentation_url": ...}.
  const bool looks_like_protection = j.contains("url") || j.contains("required_status_checks") ||
                                     j.contains("enforce_admins") || j.contains("required_pull_request_reviews") ||
                                     j.contains("required_linear_history");
  if (!looks_like_protection && j.contains("message")) return std::optional<Json>{};

  for (const char* key : {"enforce_admins", "required_linear_history"}) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    if (!it->is_object()) return protection_error(path, key, "must be an object");
    const auto en = it->find("enabled");
    if (en != it->end() && !en->is_boolean())
      return protection_error(path, std::string(key) + ".enabled", "must be a boolean");
  }
  if (const auto pr = j.find("required_pull_request_reviews"); pr != j.end() && !pr->is_null() && !pr->is_object()) {
    return protection_error(path, "required_pull_request_reviews", "must be an object");
  }
  if (const auto sc = j.find("required_status_checks"); sc != j.end() && !sc->is_null()) {
    if (!sc->is_object()) return protection_error(path, "required_status_checks", "must be an object");
    if (const auto st = sc->find("strict"); st != sc->end() && !st->is_boolean()) {
      return protection_error(path, "required_status_checks.strict", "must be a boolean");
    }
    if (const auto ctx = sc->find("contexts"); ctx != sc->end()) {
      if (!ctx->is_array()) return protection_error(path, "required_status_checks.contexts", "must be an array");
      for (std::size_t i = 0; i < ctx->size(); ++i) {
        if (!(*ctx)[i].is_string()) {
          return protection_error(path, "required_status_checks.contexts[" + std::to_string(i) + "]",
                                  "must be a string");
        }
      }
    }
    if (const auto checks = sc->find("checks"); checks != sc->end()) {
      if (!checks->is_array()) return protection_error(path, "required_status_checks.checks", "must be an array");
      for (std::size_t i = 0; i < checks->size(); ++i) {
        const Json& c = (*checks)[i];
        if (!c.is_object() || !c.contains("context") || !c["context"].is_string()) {
          return protection_error(path, "required_status_checks.checks[" + std::to_string(i) + "].context",
                                  "must be a string");
        }
      }
    }
  }
  return std::optional<Json>(std::move(j));
}

Result<std::optional<Json>> load_branch_protection(const Workspace& ws, const std::string& given,
                                                   std::string& relative_path) {
  relative_path = given;
  auto file = ws.read(given);
  if (!file) {
    if (file.error().code == code::kFileNotFound) {
      if (auto r = ws.resolve(given); !r && r.error().code != code::kFileNotFound) return r.take_error();
      return std::optional<Json>{};
    }
    return file.take_error();
  }
  relative_path = file->path.relative;
  return parse_branch_protection(file->bytes, relative_path);
}

BranchProtection map_branch_protection(const std::optional<Json>& snapshot) {
  BranchProtection bp;
  if (!snapshot) return bp;
  const Json& j = *snapshot;
  bp.enabled = true;
  auto enabled = [&](const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return false;
    const auto en = it->find("enabled");
    return en != it->end() && en->is_boolean() && en->get<bool>();
  };
  bp.allow_admins_bypass = !enabled("enforce_admins");
  bp.require_linear_history = enabled("required_linear_history");
  const auto pr = j.find("required_pull_request_reviews");
  bp.require_pull_request = pr != j.end() && pr->is_object();
  bp.allow_direct_pushes = !bp.require_pull_request;
  const auto sc = j.find("required_status_checks");
  if (sc != j.end() && sc->is_object()) {
    bp.has_status_checks = true;
    const auto st = sc->find("strict");
    bp.strict_status_checks = st != sc->end() && st->is_boolean() && st->get<bool>();
    auto add = [&](const std::string& c) {
      if (std::find(bp.contexts.begin(), bp.contexts.end(), c) == bp.contexts.end()) bp.contexts.push_back(c);
    };
    if (const auto ctx = sc->find("contexts"); ctx != sc->end() && ctx->is_array()) {
      for (const auto& c : *ctx) {
        if (c.is_string()) add(c.get<std::string>());
      }
    }
    if (const auto checks = sc->find("checks"); checks != sc->end() && checks->is_array()) {
      for (const auto& c : *checks) {
        if (c.is_object() && c.contains("context") && c["context"].is_string()) add(c["context"].get<std::string>());
      }
    }
  }
  return bp;
}

}  // namespace pm::engine
