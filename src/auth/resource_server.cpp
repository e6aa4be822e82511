#include "auth/resource_server.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "aws/http.hpp"
#include "util/config.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"
#include "util/secrets.hpp"

namespace pm::auth {

namespace {

constexpr std::size_t kMaxConfigBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxJwksBytes = std::size_t{1} << 20;
// A token read from a file or the environment must not be guessable.
constexpr std::size_t kMinTokenChars = 32;
constexpr long long kMaxLeewaySeconds = 300;

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

// At most `limit` bytes of a file; nullopt when it cannot be read or is larger.
std::optional<std::string> read_small_file(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  text.resize(limit + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > limit) return std::nullopt;
  return text;
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool loopback_url(const aws::Url& u) {
  return u.host == "127.0.0.1" || u.host == "localhost" || u.host == "[::1]";
}

Result<long long> seconds_setting(const Json& j, const char* key, const std::string& path, const std::string& field,
                                  long long fallback, long long min, long long max) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number_integer() || j[key].get<long long>() < min || j[key].get<long long>() > max) {
    return field_error(path, field,
                       "must be a whole number of seconds from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return j[key].get<long long>();
}

Result<AuthConfig::Jwt> parse_jwt(const Json& j, const std::string& path) {
  if (!j.is_object()) return field_error(path, "jwt", "must be an object");
  static const std::set<std::string> known = {
      "issuer", "jwksUri", "jwksFile", "clockSkewSeconds", "jwksCacheSeconds", "orgClaim", "jwksMinRefreshSeconds"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (known.count(it.key()) == 0) return field_error(path, "jwt." + it.key(), "is not a setting (misspelt?)");
  }
  AuthConfig::Jwt c;
  if (!j.contains("issuer") || !j["issuer"].is_string() || j["issuer"].get<std::string>().empty()) {
    return field_error(path, "jwt.issuer", "is required: the authorization server's issuer, as its tokens' iss");
  }
  c.issuer = j["issuer"].get<std::string>();
  const bool has_uri = j.contains("jwksUri");
  const bool has_file = j.contains("jwksFile");
  if (has_uri == has_file) return field_error(path, "jwt", "needs one of jwksUri and jwksFile");
  const std::string field = has_uri ? "jwt.jwksUri" : "jwt.jwksFile";
  const Json& where = has_uri ? j["jwksUri"] : j["jwksFile"];
  if (!where.is_string() || where.get<std::string>().empty()) return field_error(path, field, "must be a string");
  if (has_uri) {
    c.jwks_uri = where.get<std::string>();
    const auto url = aws::parse_url(c.jwks_uri);
    // Keys fetched in clear could be swapped on the way: HTTPS, or HTTP on loopback only.
    if (!url || !(url->scheme == "https" || (url->scheme == "http" && loopback_url(*url)))) {
      return field_error(path, field, "must be an https:// URL (http:// only on loopback)");
    }
  } else {
    c.jwks_file = where.get<std::string>();
  }
  auto leeway = seconds_setting(j, "clockSkewSeconds", path, "jwt.clockSkewSeconds", 60, 0, kMaxLeewaySeconds);
  if (!leeway) return leeway.take_error();
  auto cache = seconds_setting(j, "jwksCacheSeconds", path, "jwt.jwksCacheSeconds", 300, 1, 86400);
  if (!cache) return cache.take_error();
  auto min_refresh = seconds_setting(j, "jwksMinRefreshSeconds", path, "jwt.jwksMinRefreshSeconds", 30, 1, 3600);
  if (!min_refresh) return min_refresh.take_error();
  c.leeway = std::chrono::seconds(*leeway);
  c.jwks_cache = std::chrono::seconds(*cache);
  c.jwks_min_refresh = std::chrono::seconds(*min_refresh);
  if (j.contains("orgClaim")) {
    if (!j["orgClaim"].is_string() || j["orgClaim"].get<std::string>().empty()) {
      return field_error(path, "jwt.orgClaim", "must be a claim name");
    }
    c.org_claim = j["orgClaim"].get<std::string>();
  }
  return c;
}

// The token's hash, from exactly one of `sha256`, `tokenFile` and `tokenEnv`.
Result<std::string> static_token_hash(const Json& t, const std::string& path, const std::string& at) {
  const int given = static_cast<int>(t.contains("sha256")) + static_cast<int>(t.contains("tokenFile")) +
                    static_cast<int>(t.contains("tokenEnv"));
  if (given != 1) return field_error(path, at, "needs exactly one of sha256, tokenFile and tokenEnv");
  if (t.contains("sha256")) {
    if (!t["sha256"].is_string() || !is_hex64(t["sha256"].get<std::string>())) {
      return field_error(path, at + ".sha256",
                         "must be the token's SHA-256 in lowercase hex (printf %s \"$TOKEN\" | sha256sum)");
    }
    return t["sha256"].get<std::string>();
  }
  std::string token;
  if (t.contains("tokenFile")) {
    if (!t["tokenFile"].is_string() || t["tokenFile"].get<std::string>().empty()) {
      return field_error(path, at + ".tokenFile", "must be a file name");
    }
    std::filesystem::path file = t["tokenFile"].get<std::string>();
    if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
    auto text = read_small_file(file.string(), 4096);
    if (!text) return field_error(path, at + ".tokenFile", "cannot be read (or is over 4 KiB): " + file.string());
    token = trim(std::move(*text));
  } else {
    if (!t["tokenEnv"].is_string() || t["tokenEnv"].get<std::string>().empty()) {
      return field_error(path, at + ".tokenEnv", "must be an environment variable's name");
    }
    const std::string name = t["tokenEnv"].get<std::string>();
    auto value = env_var_exact(name.c_str());
    if (!value) return field_error(path, at + ".tokenEnv", "names " + name + ", which is not set");
    token = trim(std::move(*value));
  }
  if (token.size() < kMinTokenChars || std::any_of(token.begin(), token.end(), [](unsigned char c) {
        return std::isspace(c) != 0 || std::iscntrl(c) != 0;
      })) {
    return field_error(path, at,
                       "holds a token shorter than " + std::to_string(kMinTokenChars) +
                           " characters or with spaces (use e.g. openssl rand -hex 32)");
  }
  secrets::remember(token);
  return sha256_hex(token);
}

Result<std::string> fetch_jwks_file(const std::string& file) {
  auto text = read_small_file(file, kMaxJwksBytes);
  if (!text) return Error{code::kFileNotFound, "cannot read the JWKS file " + file + " (or it is over 1 MiB)"};
  return std::move(*text);
}

Result<std::string> fetch_jwks_url(const std::string& uri) {
  aws::HttpRequest req;
  req.url = uri;
  req.headers = {{"Accept", "application/json"}};
  req.connect_timeout = std::chrono::seconds(2);
  req.total_timeout = std::chrono::seconds(5);
  const aws::HttpResult r = aws::curl_http_client()->send(req);
  if (!r.ok()) return Error{code::kStoreUnavailable, "cannot fetch the JWKS: " + r.error_detail};
  if (r.response.status != 200) {
    return Error{code::kStoreUnavailable, "the JWKS URL answered HTTP " + std::to_string(r.response.status)};
  }
  if (r.response.body.size() > kMaxJwksBytes) return Error{code::kStoreUnavailable, "the JWKS is over 1 MiB"};
  return r.response.body;
}

}  // namespace

bool Principal::has_scope(const std::string& scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

Result<AuthConfig> parse_auth_config(std::string_view text, const std::string& path) {
  Json j = parse_or_discard(text);
  if (j.is_discarded()) return Error::invalid_input(path + " " + json_refusal(text));
  if (!j.is_object()) return Error::invalid_input(path + ": not a JSON object");
  static const std::set<std::string> known = {"resource", "authorizationServers", "staticTokens", "jwt", "toolScopes"};
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
      for (auto it = t.begin(); it != t.end(); ++it) {
        static const std::set<std::string> token_keys = {"name", "sha256", "tokenFile", "tokenEnv", "scopes", "org"};
        if (token_keys.count(it.key()) == 0)
          return field_error(path, at + "." + it.key(), "is not a setting of a token");
      }
      auto hash = static_token_hash(t, path, at);
      if (!hash) return hash.take_error();
      s.sha256 = std::move(*hash);
      if (t.contains("scopes")) {
        auto list = string_list(t["scopes"], path, at + ".scopes");
        if (!list) return list.take_error();
        s.scopes = std::move(*list);
      }
      if (t.contains("org")) {
        if (!t["org"].is_string()) return field_error(path, at + ".org", "must be a string");
        s.org = t["org"].get<std::string>();
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
  if (j.contains("jwt")) {
    auto jwt = parse_jwt(j["jwt"], path);
    if (!jwt) return jwt.take_error();
    c.jwt = std::move(*jwt);
    // The tokens' issuer is where clients get them, unless the file says otherwise.
    if (!j.contains("authorizationServers")) c.authorization_servers = {c.jwt->issuer};
  }
  if (c.static_tokens.empty() && !c.jwt) {
    return field_error(path, "staticTokens", "is empty and there is no jwt section: no token could ever be accepted");
  }
  return c;
}

Result<AuthConfig> load_auth_config(const std::string& path) {
  if (std::ifstream probe(path); !probe) {
    return Error{code::kFileNotFound, "Cannot read the authentication configuration " + path};
  }
  auto text = read_small_file(path, kMaxConfigBytes);
  if (!text) return Error::invalid_input(path + ": larger than 1 MiB");
  return parse_auth_config(*text, path);
}

ResourceServer::ResourceServer(AuthConfig config, const SignatureChecker* checker) : config_(std::move(config)) {
  if (!config_.jwt) return;
  const AuthConfig::Jwt& jwt = *config_.jwt;
  policy_ = TokenPolicy{jwt.issuer, config_.resource, jwt.leeway, jwt.org_claim};
  KeyCache::Fetch fetch;
  std::string source;
  if (!jwt.jwks_uri.empty()) {
    fetch = [uri = jwt.jwks_uri] { return fetch_jwks_url(uri); };
    source = jwt.jwks_uri;
  } else {
    fetch = [file = jwt.jwks_file] { return fetch_jwks_file(file); };
    source = jwt.jwks_file;
  }
  if (checker != nullptr) {
    keys_ = std::make_unique<KeyCache>(std::move(fetch), *checker, source, jwt.jwks_cache, jwt.jwks_min_refresh);
  }
}

Status ResourceServer::start() {
  if (!config_.jwt) return ok_status();
  if (!keys_) return Error::execution_failed("JWT access tokens need the HTTP module's signature checks");
  auto loaded = keys_->load_now();
  if (!loaded) {
    if (!config_.jwt->jwks_file.empty()) return loaded;
    log::warn("JWKS not loaded yet; JWT access tokens are refused until it is",
              {{"source", config_.jwt->jwks_uri}, {"error", loaded.error().message}});
  }
  keys_->start();
  return ok_status();
}

std::optional<std::string> ResourceServer::not_ready() const {
  if (keys_ && !keys_->keys()) return "the authorization server's keys (JWKS) are not loaded";
  return std::nullopt;
}

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
  // Static tokens first: a static token may have the shape of a JWT, and checking one costs
  // a hash. Every configured hash is compared, each in constant time: neither how much of
  // one matched nor which one did shows in the time taken.
  const std::string hash = sha256_hex(token);
  const StaticToken* match = nullptr;
  for (const auto& t : config_.static_tokens) {
    if (same_hex(hash, t.sha256)) match = &t;
  }
  if (match != nullptr) return Principal{match->name, "token:" + match->name, match->scopes, match->org};
  if (keys_ && looks_like_jwt(token)) {
    const auto keys = keys_->keys();
    if (!keys) return Denial{401, "invalid_token", "The authorization server's keys are not loaded yet; retry", ""};
    JwtVerdict v = verify_jwt(token, *keys, policy_, std::chrono::system_clock::now());
    if (v.unknown_key) keys_->request_refresh();
    return std::move(v.outcome);
  }
  return Denial{401, "invalid_token", "The access token is not valid for this server", ""};
}

std::optional<Denial> ResourceServer::authorize(const Principal& who, const std::string& method,
                                                const Json& params) const {
  const std::string scope = required_scope(method, params);
  if (!scope.empty() && !who.has_scope(scope)) {
    return Denial{403, "insufficient_scope", "this call needs the scope " + scope, scope};
  }
  if (!who.org.empty() && method == "tools/call" && params.is_object() && params.contains("arguments") &&
      params["arguments"].is_object() && params["arguments"].contains("orgId")) {
    const Json& org = params["arguments"]["orgId"];
    if (!org.is_string() || org.get<std::string>() != who.org) {
      return Denial{403, "insufficient_scope", "this token acts for one organisation, and orgId names another", ""};
    }
  }
  return std::nullopt;
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
