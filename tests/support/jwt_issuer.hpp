#pragma once
// A test authorization server's signing side: a key pair made by OpenSSL for the test,
// its public JWK, and compact JWS access tokens signed with it (RS256 or ES256).
#include <memory>
#include <string>

#include "util/json.hpp"

namespace pm::test {

class JwtIssuer {
 public:
  enum class Alg { kRS256, kES256 };
  JwtIssuer(Alg alg, std::string kid);
  ~JwtIssuer();
  JwtIssuer(const JwtIssuer&) = delete;
  JwtIssuer& operator=(const JwtIssuer&) = delete;

  // The public key as a JWK (kty, kid, use "sig", alg and the key's members).
  Json jwk() const;
  // A token with the header {alg, typ: "at+jwt", kid} and these claims.
  std::string sign(const Json& claims) const;
  // A token with exactly this header (which need not match the key: for tests of refusals).
  std::string sign_with_header(const Json& header, const Json& claims) const;
  const std::string& kid() const { return kid_; }

 private:
  struct Key;
  Alg alg_;
  std::string kid_;
  std::unique_ptr<Key> key_;
};

// {"keys": [jwk...]}
Json jwks_of(std::initializer_list<const JwtIssuer*> issuers);

// Seconds since the epoch, now.
long long unix_now();

}  // namespace pm::test
