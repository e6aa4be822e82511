#pragma once
// `serve --http` as an OAuth 2.1 resource server (MCP 2025-11-25, authorization): every
// request to the MCP endpoint carries `Authorization: Bearer <token>`; a missing or invalid
// token is a 401 whose WWW-Authenticate names the RFC 9728 protected-resource metadata, a
// call outside the token's scopes (or for another organisation than the token's) a 403
// `insufficient_scope`. Two kinds of token: JWT access tokens of an authorization server,
// checked against its JWKS (auth/jwt.hpp), and the static tokens of the configuration (small
// teams without an authorization server). No token, secret or claim value ever reaches a
// log line or an error message.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/jwt.hpp"
#include "auth/key_cache.hpp"
#include "auth/principal.hpp"
#include "auth/signatures.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::auth {

// A static token, kept as the SHA-256 of its text. The configuration gives the hash, or
// names a file or an environment variable that holds the token (read at start-up).
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
  // JWT access tokens: set when the configuration has a `jwt` section.
  struct Jwt {
    std::string issuer;
    std::string jwks_file;  // one of the two
    std::string jwks_uri;
    std::chrono::seconds leeway{60};
    std::chrono::seconds jwks_cache{300};
    std::chrono::seconds jwks_min_refresh{30};
    std::string org_claim;
  };
  std::optional<Jwt> jwt;
  // Scope each tool needs; a tool not listed needs kDefaultScope, as do prompts and resources.
  std::map<std::string, std::string> tool_scopes;
};

// The configuration file (JSON; docs/DEPLOYMENT.md). INVALID_INPUT naming the field.
// `tokenFile`s are read relative to the configuration file's directory.
Result<AuthConfig> parse_auth_config(std::string_view text, const std::string& path);
Result<AuthConfig> load_auth_config(const std::string& path);

class ResourceServer {
 public:
  // `checker`: the public-key operations, needed (and then outliving this) when the
  // configuration has JWT settings; null otherwise.
  explicit ResourceServer(AuthConfig config, const SignatureChecker* checker = nullptr);

  // Loads the JWKS and starts its refresher. A JWKS file that cannot be used is an error
  // (the server does not start); a URL that cannot be fetched now is retried in the
  // background, and until it answers every JWT is refused and ready() says why.
  Status start();
  // Null when tokens can be checked; else why not (for /readyz).
  std::optional<std::string> not_ready() const;

  // The principal of an `Authorization` header value (null: no header).
  std::variant<Principal, Denial> authenticate(const std::string* authorization) const;
  // Whether the principal may make this JSON-RPC request: its scope (required_scope), and,
  // for a token that acts for one organisation, a tools/call whose `orgId` names another is
  // refused.
  std::optional<Denial> authorize(const Principal& who, const std::string& method, const Json& params) const;
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

  // The JWKS cache (null without JWT settings), for tests of the caching.
  const KeyCache* key_cache() const { return keys_.get(); }

 private:
  AuthConfig config_;
  TokenPolicy policy_;
  std::unique_ptr<KeyCache> keys_;
};

}  // namespace pm::auth
