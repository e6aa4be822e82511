#include "engine/dependabot.hpp"

#include <utility>

#include "util/budget.hpp"

namespace pm::engine {
namespace {

using yaml::Node;

// Where a scalar's text starts: after the quote of a quoted one.
DependabotValue dependabot_scalar(const Node& n) {
  const bool quoted = n.style == yaml::ScalarStyle::kSingleQuoted || n.style == yaml::ScalarStyle::kDoubleQuoted;
  return DependabotValue{std::string(n.value()), Position{n.line, n.column + (quoted ? 1 : 0)}};
}

std::optional<DependabotValue> dependabot_field(const Node& map, std::string_view key) {
  const Node* v = map.get(key);
  if (v == nullptr || !v->is_scalar() || v->is_null()) return std::nullopt;
  return dependabot_scalar(*v);
}

// The position of `key`'s key node in `map`, when it is there.
std::optional<Position> dependabot_key_at(const Node& map, std::string_view key) {
  for (const auto& [k, v] : map.entries()) {
    if (k.is_scalar() && k.value() == key) return Position{k.line, k.column};
  }
  return std::nullopt;
}

// A scalar, or the scalars of a list (the shapes `directories:` and
// `registries:` take).
void dependabot_scalars(const Node& n, std::vector<DependabotValue>& out, Budget* budget) {
  if (n.is_scalar()) {
    if (!n.is_null()) out.push_back(dependabot_scalar(n));
    return;
  }
  for (const Node& item : n.items()) {
    if (budget != nullptr && !budget->step()) return;
    if (item.is_scalar() && !item.is_null()) out.push_back(dependabot_scalar(item));
  }
}

DependabotUpdate dependabot_update(const Node& n, Budget* budget) {
  DependabotUpdate u;
  u.at = Position{n.line, n.column};
  u.package_ecosystem = dependabot_field(n, "package-ecosystem");
  u.directory = dependabot_field(n, "directory");
  if (const Node* dirs = n.get("directories")) dependabot_scalars(*dirs, u.directories, budget);
  if (const Node* schedule = n.get("schedule"); schedule != nullptr && schedule->is_mapping()) {
    u.schedule_interval = dependabot_field(*schedule, "interval");
  }
  u.open_pull_requests_limit = dependabot_field(n, "open-pull-requests-limit");
  u.insecure_external_code_execution = dependabot_field(n, "insecure-external-code-execution");
  if (const Node* c = n.get("cooldown")) {
    DependabotCooldown cd;
    cd.at = dependabot_key_at(n, "cooldown").value_or(Position{c->line, c->column});
    cd.well_formed = c->is_mapping() || c->is_null();
    cd.default_days = dependabot_field(*c, "default-days");
    cd.semver_major_days = dependabot_field(*c, "semver-major-days");
    cd.semver_minor_days = dependabot_field(*c, "semver-minor-days");
    cd.semver_patch_days = dependabot_field(*c, "semver-patch-days");
    u.cooldown = std::move(cd);
  }
  if (const Node* r = n.get("registries"); r != nullptr && !r->is_null()) {
    u.registries_at = dependabot_key_at(n, "registries");
    dependabot_scalars(*r, u.registries, budget);
  }
  return u;
}

}  // namespace

bool is_dependabot_path(std::string_view relative) {
  for (const std::string_view name : {".github/dependabot.yml", ".github/dependabot.yaml"}) {
    if (relative == name) return true;
    if (relative.size() > name.size() && relative.ends_with(name) &&
        relative[relative.size() - name.size() - 1] == '/') {
      return true;
    }
  }
  return false;
}

DependabotFile parse_dependabot(const std::string& path, std::string_view text, Budget* budget) {
  return parse_dependabot(path, std::make_shared<const std::string>(text), budget);
}

DependabotFile parse_dependabot(const std::string& path, std::shared_ptr<const std::string> source, Budget* budget) {
  DependabotFile d;
  d.file.path = path;
  const yaml::ParseResult parsed = read_yaml_source(d.file, std::move(source), budget, "a Dependabot configuration");
  if (d.file.parse_error) return d;
  const Node* root = nullptr;
  for (const auto& doc : parsed.documents) {
    if (doc.root) {
      root = &*doc.root;
      break;
    }
  }
  if (root == nullptr || !root->is_mapping()) return d;
  d.version = dependabot_field(*root, "version");
  if (const Node* regs = root->get("registries")) {
    for (const auto& [k, v] : regs->entries()) {
      if (budget != nullptr && !budget->step()) return d;
      if (k.is_scalar()) d.registries.push_back(dependabot_scalar(k));
    }
  }
  if (const Node* updates = root->get("updates")) {
    for (const Node& item : updates->items()) {
      if (budget != nullptr && !budget->step()) return d;
      if (item.is_mapping()) d.updates.push_back(dependabot_update(item, budget));
    }
  }
  return d;
}

}  // namespace pm::engine
