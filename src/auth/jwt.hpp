#pragma once
// JWT access tokens (RFC 7519, RFC 9068) signed with RS256 or ES256 by an authorization
// server, checked against its JSON Web Key Set (RFC 7517): the signature, `iss`, `aud` (this
// server's resource URI, RFC 8707), `exp` and `nbf` with a small leeway. The public-key
// operations are behind auth/signatures.hpp. Denials describe what failed, never a claim's
// value or the token.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/principal.hpp"
#include "auth/signatures.hpp"
#include "util/error.hpp"

namespace pm::auth {

// base64url without padding (RFC 7515 §2); nullopt for any other character or length.
std::optional<std::string> base64url_decode(std::string_view in);
std::string base64url_encode(std::string_view in);

// A signing key of the JWKS. `alg` is what the key type allows ("RS256" for RSA, "ES256"
// for P-256): a token's `alg` must match it, so a key is never used with another algorithm.
struct Jwk {
  std::string kid;  // may be empty
  std::string alg;
  std::shared_ptr<const PublicKey> key;
};

struct KeySet {
  std::vector<Jwk> keys;
};

// The RSA and P-256 signing keys of a JWKS document. Other keys (symmetric, other curves,
// `use` other than "sig", an `alg` other than RS256/ES256) are skipped, each with a line in
// `skipped` (kid and reason, never key material). INVALID_INPUT when the document is not a
// JWKS or no key is usable.
Result<KeySet> parse_jwks(std::string_view text, const SignatureChecker& checker, std::vector<std::string>* skipped);

// What a token must say besides being signed by a key of the set.
struct TokenPolicy {
  std::string issuer;    // `iss`, exactly
  std::string audience;  // one of `aud`, exactly: this server's resource URI
  std::chrono::seconds leeway{60};
  std::string org_claim;  // a claim naming the caller's organisation; empty: none
};

// Largest token accepted (bytes); larger ones are refused before any decoding.
inline constexpr std::size_t kMaxTokenBytes = std::size_t{16} << 10;

// True for the compact JWS shape (three base64url parts); other bearer tokens are static.
bool looks_like_jwt(std::string_view token);

struct JwtVerdict {
  std::variant<Principal, Denial> outcome;
  // The token names a key id the set does not have: the set may be out of date.
  bool unknown_key = false;
};

// Checks a compact JWS access token. Principal: `sub` (name), the scopes of `scope` (RFC
// 9068: space-separated) or `scp` (array or string), the organisation from `org_claim`.
JwtVerdict verify_jwt(std::string_view token, const KeySet& keys, const TokenPolicy& policy,
                      std::chrono::system_clock::time_point now);

}  // namespace pm::auth
