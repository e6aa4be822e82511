#pragma once
// The boundary between the JWT checks (src/auth, in the binary) and the public-key
// cryptography they need (OpenSSL's libcrypto). The implementation lives in the HTTP module
// (src/http/openssl/), which only `serve --http` opens, so that the stdio server maps no
// libcrypto (ADR-007). Like net.hpp, the interface is plain C++: both sides are built
// together by the same compiler.
#include <memory>
#include <string>
#include <string_view>

namespace pm::auth {

// A public key of a JWKS, ready to check signatures with SHA-256.
class PublicKey {
 public:
  virtual ~PublicKey() = default;
  // True when `signature`, in JWS form (RS256: RSASSA-PKCS1-v1_5; ES256: the 64 bytes R || S),
  // signs `input`.
  virtual bool verify(std::string_view input, std::string_view signature) const = 0;
};

// Makes keys from the JWK members, already base64url-decoded (big-endian integers).
// Null with `error` set (a safe description, never the key material) when the values are
// not a usable key.
class SignatureChecker {
 public:
  virtual ~SignatureChecker() = default;
  // RSA (`n`, `e`); moduli under 2048 bits are refused.
  virtual std::unique_ptr<PublicKey> rsa_key(std::string_view n, std::string_view e, std::string* error) const = 0;
  // EC on P-256 (`x`, `y`, 32 bytes each); a point not on the curve is refused.
  virtual std::unique_ptr<PublicKey> p256_key(std::string_view x, std::string_view y, std::string* error) const = 0;
};

// The HTTP module's entry point for it: a checker that lives as long as the process.
using GetSignatureCheckerFn = const SignatureChecker* (*)();
inline constexpr const char* kSignatureCheckerSymbol = "pm_http_signature_checker";

}  // namespace pm::auth
