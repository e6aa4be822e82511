#include "auth/resource_server.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <set>

#include "util/crypto.hpp"

namespace pm::auth {

namespace {

constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;

// Equal without an early exit: how much of a hash matched must not show in the time taken.
bool same_hex(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) || (c >= 'a' && c <= 'f'); });
}

Error field_error(const std::string& path, const std::string& field, const std::string& why) {
  return Error::invalid_input(path + ": " + field + " " + why, Json{{"file", path}, {"field", field}});
}

Result<std::vector<std::string>> string_list(const Json& j, const std::string& path, const std::string& field) {
  if (!j.is_array()) return field_error(path, field, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string() || v.get<std::string>().empty()) return field_error(path, field, "must hold non-empty strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// "https://host:port/path" -> {"https://host:port", "/path"}.
std::pair<std::string, std::string> split_uri(const std::string& uri) {
  const auto scheme = uri.find("://");
  const auto slash = uri.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {uri, ""};
  std::string path = uri.substr(slash);
  if (path == "/") path.clear();
  return {uri.substr(0, slash), path};
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool Principal::has_scope(const std::string& scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

Result<AuthConfig> parse_auth_config(std::string_view text, const std::string& path) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::invalid_input(path + ": not a JSON object");
  static const std::set<std::string> known = {"resource", "authorizationServers", "staticTokens", "toolScopes"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (known.count(it.key()) == 0) return field_error(path, it.key(), "is not a setting (misspelt?)");
  }
  AuthConfig c;
  if (!j.contains("resource") || !j["resource"].is_string()) {
    return field_error(path, "resource", "is required: this server's URI, e.g. https://mcp.example.com/mcp");
  }
  c.resource = j["resource"].get<std::string>();
  if (c.resource.rfind("https://", 0) != 0 && c.resource.rfind("http://", 0) != 0) {
    return field_error(path, "resource", "must be an http(s) URI");
  }
  if (c.resource.find('#') != std::string::npos) return field_error(path, "resource", "must not have a fragment");
  if (j.contains("authorizationServers")) {
    auto list = string_list(j["authorizationServers"], path, "authorizationServers");
    if (!list) return list.take_error();
    c.authorization_servers = std::move(*list);
  }
  if (j.contains("staticTokens")) {
    const Json& tokens = j["staticTokens"];
    if (!tokens.is_array()) return field_error(path, "staticTokens", "must be an array");
    std::set<std::string> names;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const Json& t = tokens[i];
      const std::string at = "staticTokens[" + std::to_string(i) + "]";
      if (!t.is_object()) return field_error(path, at, "must be an object");
      StaticToken s;
      if (!t.contains("name") || !t["name"].is_string() || t["name"].get<std::string>().empty()) {
        return field_error(path, at + ".name", "is required (a name for the logs)");
      }
      s.name = t["name"].get<std::string>();
      if (!names.insert(s.name).second) return field_error(path, at + ".name", "repeats another token's name");
      if (!t.contains("sha256") || !t["sha256"].is_string() || !is_hex64(t["sha256"].get<std::string>())) {
        return field_error(path, at + ".sha256",
                           "must be the token's SHA-256 in lowercase hex (printf %s \"$TOKEN\" | sha256sum)");
      }
      s.sha256 = t["sha256"].get<std::string>();
      if (t.contains("scopes")) {
        auto list = string_list(t["scopes"], path, at + ".scopes");
        if (!list) return list.take_error();
        s.scopes = std::move(*list);
      }
      if (t.contains("org")) {
        if (!t["org"].is_string()) return field_error(path, at + ".org", "must be a string");
        s.org = t["org"].get<std::string>();
      }
      for (auto it = t.begin(); it != t.end(); ++it) {
        if (it.key() != "name" && it.key() != "sha256" && it.key() != "scopes" && it.key() != "org") {
          return field_error(path, at + "." + it.key(), "is not a setting of a token");
        }
      }
      c.static_tokens.push_back(std::move(s));
    }
  }
  if (j.contains("toolScopes")) {
    const Json& m = j["toolScopes"];
    if (!m.is_object()) return field_error(path, "toolScopes", "must map tool names to scopes");
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (!it.value().is_string() || it.value().get<std::string>().empty()) {
        return field_error(path, "toolScopes." + it.key(), "must be a scope (a non-empty string)");
      }
      c.tool_scopes[it.key()] = it.value().get<std::string>();
    }
  }
  if (c.static_tokens.empty()) {
    return field_error(path, "staticTokens", "is empty: no token could ever be accepted");
  }
  return c;
}

Result<AuthConfig> load_auth_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{code::kFileNotFound, "Cannot read the authentication configuration " + path};
  std::string text;
  text.resize(kMaxConfigBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) return Error::invalid_input(path + ": larger than 1 MiB");
  return parse_auth_config(text, path);
}

ResourceServer::ResourceServer(AuthConfig config) : config_(std::move(config)) {}

std::variant<Principal, Denial> ResourceServer::authenticate(const std::string* authorization) const {
  if (authorization == nullptr) return Denial{401, "", "Authorization required: send a Bearer token", ""};
  // RFC 6750 §2.1: the scheme is case-insensitive; one space, then the token.
  std::string_view value = *authorization;
  constexpr std::string_view kBearer = "bearer ";
  std::string scheme(value.substr(0, std::min(value.size(), kBearer.size())));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != kBearer) {
    return Denial{401, "invalid_request", "The Authorization header must use the Bearer scheme", ""};
  }
  const std::string_view token = value.substr(kBearer.size());
  if (token.empty()) return Denial{401, "invalid_request", "The Bearer token is empty", ""};
  const std::string hash = sha256_hex(token);
  for (const auto& t : config_.static_tokens) {
    if (same_hex(hash, t.sha256)) return Principal{t.name, t.scopes, t.org};
  }
  return Denial{401, "invalid_token", "The access token is not valid for this server", ""};
}

std::string ResourceServer::required_scope(const std::string& method, const Json& params) const {
  if (method == "tools/call") {
    const std::string tool = params.is_object() ? params.value("name", std::string()) : std::string();
    if (auto it = config_.tool_scopes.find(tool); it != config_.tool_scopes.end()) return it->second;
    return kDefaultScope;
  }
  if (method.rfind("prompts/", 0) == 0 || method.rfind("resources/", 0) == 0 || method == "completion/complete") {
    return kDefaultScope;
  }
  return {};
}

Json ResourceServer::metadata() const {
  std::set<std::string> scopes = {kDefaultScope};
  for (const auto& [tool, scope] : config_.tool_scopes) scopes.insert(scope);
  Json m = {{"resource", config_.resource},
            {"scopes_supported", std::vector<std::string>(scopes.begin(), scopes.end())},
            {"bearer_methods_supported", {"header"}},
            {"resource_name", "Phase Mirror MCP"}};
  if (!config_.authorization_servers.empty()) m["authorization_servers"] = config_.authorization_servers;
  return m;
}

std::string ResourceServer::metadata_path() const {
  return "/.well-known/oauth-protected-resource" + split_uri(config_.resource).second;
}

std::string ResourceServer::metadata_url() const {
  return split_uri(config_.resource).first + metadata_path();
}

std::string ResourceServer::challenge(const Denial& d) const {
  std::string v = "Bearer resource_metadata=" + quoted(metadata_url());
  if (!d.error.empty()) v += ", error=" + quoted(d.error) + ", error_description=" + quoted(d.description);
  if (!d.scope.empty()) v += ", scope=" + quoted(d.scope);
  return v;
}

}  // namespace pm::auth
