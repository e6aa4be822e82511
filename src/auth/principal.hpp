#pragma once
// Who a request comes from, and why one is refused: shared by the token verifiers and the
// resource server.
#include <string>
#include <vector>

namespace pm::auth {

struct Principal {
  std::string name;     // the static token's name, or the JWT's `sub`
  std::string subject;  // unique across verifiers ("token:<name>", "jwt:<sub>"): a session's owner
  std::vector<std::string> scopes;
  std::string org;  // the organisation the token acts for; empty: any
  bool has_scope(const std::string& scope) const;
};

// Why a request is refused: the HTTP status (401 or 403), the RFC 6750 error code (empty
// when no token was sent), a description safe to show (never a token or a claim's value),
// and the scope that was missing.
struct Denial {
  int status = 401;
  std::string error;
  std::string description;
  std::string scope;
};

}  // namespace pm::auth
