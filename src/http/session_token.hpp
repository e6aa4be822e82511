#pragma once
// Stateless sessions (`serve --http --stateless`): the Mcp-Session-Id is a token signed with
// HMAC-SHA256 under a key every replica shares, carrying what a request needs of its session.
// Any replica with the key accepts it, and no replica keeps a session table, so a load
// balancer may send each request anywhere.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace pm::http {

struct SessionClaims {
  std::string protocol_version;  // negotiated at initialize
  std::string owner;             // SHA-256 (hex) of the principal's subject; empty without authentication
  std::string org;               // the organisation the principal acts for; empty: any
  long long expires = 0;         // Unix seconds
};

class SessionSigner {
 public:
  // Keys shorter than this are refused: 32 bytes of key for a 32-byte MAC.
  static constexpr std::size_t kMinKeyBytes = 32;

  // The first key signs, every key verifies: a rotation adds the new key first and drops the
  // old one once the sessions it signed have expired.
  static Result<SessionSigner> create(std::vector<std::string> keys);
  // Keys separated by white space, from `file` when it is not empty, else from the
  // environment variable `env_name`. The keys are remembered as secrets (never logged).
  static Result<SessionSigner> load(const std::string& file, const char* env_name);

  std::string issue(const SessionClaims& claims) const;
  // The claims of an id this signer (or a replica with the same keys) issued and that has not
  // expired at `now`; nullopt for anything else: malformed, forged, signed with another key,
  // expired.
  std::optional<SessionClaims> verify(std::string_view id, long long now) const;

 private:
  explicit SessionSigner(std::vector<std::string> keys) : keys_(std::move(keys)) {}
  std::vector<std::string> keys_;
};

}  // namespace pm::http
