#include "engine/baseline.hpp"

#include <cctype>

#include "engine/gha/gha.hpp"
#include "engine/policy.hpp"

namespace pm::engine {

namespace {

bool starts_with(const std::string& s, const std::string& p) {
  return s.rfind(p, 0) == 0;
}
bool ends_with(const std::string& s, const std::string& x) {
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

bool is_sha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0 || std::isupper(static_cast<unsigned char>(c)) != 0) {
      return false;
    }
  }
  return true;
}

Error baseline_error(const std::string& path, const std::string& field, const std::string& why) {
  Error e = Error::invalid_input("Invalid baseline file " + path + ": " + (field.empty() ? "" : field + " ") + why);
  e.details = Json{{"path", path}, {"field", field}};
  e.suggestions.push_back("Create one with: phase-mirror-mcp baseline create --out <file> <files...>");
  return e;
}

}  // namespace

bool is_governance_file(const std::string& path) {
  if (gha::is_workflow_path(path)) return true;
  if (path == "CODEOWNERS" || path == ".github/CODEOWNERS" || path == "docs/CODEOWNERS") return true;
  if (path == kDefaultPolicyPath) return true;
  return starts_with(path, "docs/adr/") && ends_with(path, ".md") && path.find('/', 9) == std::string::npos;
}

Severity drift_severity(const std::string& path) {
  return gha::is_workflow_path(path) || path == kDefaultPolicyPath ? Severity::kMedium : Severity::kLow;
}

Result<Json> parse_baseline(std::string_view text, const std::string& path) {
  const Json j = parse_or_discard(text);
  if (j.is_discarded()) return baseline_error(path, "", json_refusal(text));
  if (!j.is_object()) return baseline_error(path, "", "must be a JSON object");
  Json out{{"schemaVersion", kBaselineSchemaVersion}, {"createdAt", ""}, {"files", Json::object()}};
  if (const auto sv = j.find("schemaVersion"); sv != j.end()) {
    if (!sv->is_string()) return baseline_error(path, "schemaVersion", "must be a string");
    out["schemaVersion"] = *sv;
  }
  if (const auto ca = j.find("createdAt"); ca != j.end()) {
    if (!ca->is_string()) return baseline_error(path, "createdAt", "must be a string");
    out["createdAt"] = *ca;
  }
  const auto files = j.find("files");
  if (files == j.end()) return baseline_error(path, "files", "is required");
  if (files->is_object()) {
    for (const auto& [p, h] : files->items()) {
      if (!h.is_string() || !is_sha256(h.get<std::string>())) {
        return baseline_error(path, "files." + p, "must be a lowercase hex SHA-256");
      }
      out["files"][p] = h;
    }
    return out;
  }
  if (!files->is_array()) return baseline_error(path, "files", "must be an object {path: sha256}");
  for (std::size_t i = 0; i < files->size(); ++i) {
    const Json& e = (*files)[i];
    const std::string field = "files[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("path") || !e["path"].is_string()) {
      return baseline_error(path, field + ".path", "must be a string");
    }
    const bool exists = !e.contains("exists") || (e["exists"].is_boolean() && e["exists"].get<bool>());
    std::string hash;
    if (exists) {
      if (!e.contains("hash") || !e["hash"].is_string() || !is_sha256(e["hash"].get<std::string>())) {
        return baseline_error(path, field + ".hash", "must be a lowercase hex SHA-256");
      }
      hash = e["hash"].get<std::string>();
    }
    std::string p = e["path"].get<std::string>();
    if (starts_with(p, "./")) p = p.substr(2);
    out["files"][p] = hash;
  }
  return out;
}

Result<Json> create_baseline(const Workspace& ws, const std::vector<std::string>& files,
                             const std::string& created_at) {
  Json out{{"schemaVersion", kBaselineSchemaVersion}, {"createdAt", created_at}, {"files", Json::object()}};
  for (const auto& f : files) {
    auto data = ws.read(f);
    if (!data) return data.take_error();
    out["files"][data->path.relative] = data->sha256;
  }
  return out;
}

}  // namespace pm::engine
