#pragma once
// `serve --http` as an OAuth 2.1 resource server (MCP 2025-11-25, authorization): every
// request to the MCP endpoint carries `Authorization: Bearer <token>`; a missing or invalid
// token is a 401 whose WWW-Authenticate names the RFC 9728 protected-resource metadata, a
// call outside the token's scopes a 403 `insufficient_scope`. Tokens are checked by
// verifiers: the static tokens of the configuration (small teams, no authorization server).
// No token, secret or claim value ever reaches a log line or an error message.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::auth {

// Who a request comes from, as its token says.
struct Principal {
  std::string name;  // the static token's name, or the JWT's `sub`
  std::vector<std::string> scopes;
  std::string org;  // from the token, when it names one
  bool has_scope(const std::string& scope) const;
};

// A static token, kept as the SHA-256 of its text: the configuration holds no secret.
struct StaticToken {
  std::string name;
  std::string sha256;  // lowercase hex
  std::vector<std::string> scopes;
  std::string org;
};

inline constexpr const char* kDefaultScope = "phase-mirror:analyze";

struct AuthConfig {
  // This server's resource URI (e.g. https://mcp.example.com/mcp): the metadata's
  // `resource`, and the audience a token must name.
  std::string resource;
  std::vector<std::string> authorization_servers;
  std::vector<StaticToken> static_tokens;
  // Scope each tool needs; a tool not listed needs kDefaultScope, as do prompts and resources.
  std::map<std::string, std::string> tool_scopes;
};

// The configuration file (JSON; docs/DEPLOYMENT.md). INVALID_INPUT naming the field.
Result<AuthConfig> parse_auth_config(std::string_view text, const std::string& path);
Result<AuthConfig> load_auth_config(const std::string& path);

// Why a request is refused: the HTTP status (401 or 403), the RFC 6750 error code (empty
// when no token was sent), a description safe to show, and the scope that was missing.
struct Denial {
  int status = 401;
  std::string error;
  std::string description;
  std::string scope;
};

class ResourceServer {
 public:
  explicit ResourceServer(AuthConfig config);

  // The principal of an `Authorization` header value (null: no header).
  std::variant<Principal, Denial> authenticate(const std::string* authorization) const;
  // The scope a JSON-RPC request needs beyond authentication: tools/call by tool, prompts
  // and resources kDefaultScope; empty for the lifecycle, ping, lists of tools, logging.
  std::string required_scope(const std::string& method, const Json& params) const;

  // RFC 9728: the metadata document, and where it is served (the resource's path appended
  // to /.well-known/oauth-protected-resource on the resource's origin).
  Json metadata() const;
  std::string metadata_url() const;
  std::string metadata_path() const;
  // The WWW-Authenticate header value for a denial.
  std::string challenge(const Denial& d) const;

 private:
  AuthConfig config_;
};

}  // namespace pm::auth
