#pragma once
// Versioned secrets: the nonce (redaction/replay material) and the org salt
// (key of the org-id HMAC). A nonce rotation keeps the previous version for a
// grace period of one rotation; the org salt keeps every version, so that a
// record hashed under any of them is still found after any number of
// rotations (nothing is re-keyed: a rotation is one atomic write).
#include <cstdint>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace pm::store {

enum class SecretKind { kNonce, kOrgSalt };
const char* to_string(SecretKind k);  // "nonce" / "org_salt"

struct SecretVersion {
  int version = 0;
  std::string value;  // 64 lowercase hex chars; used as ASCII key bytes (not decoded)
  std::int64_t created_at_ms = 0;
};

class NonceSource {
 public:
  virtual ~NonceSource() = default;
  virtual std::string backend() const = 0;  // "sqlite" / "ssm"

  // Current version first, then the versions still accepted, newest first:
  // the previous one for the nonce, every earlier one for the org salt. The
  // local backend creates version 1 on first use. Fails closed.
  virtual Result<std::vector<SecretVersion>> versions(SecretKind kind) = 0;
  // Writes a new version (earlier ones kept for look-ups as above); returns it.
  virtual Result<SecretVersion> rotate(SecretKind kind) = 0;
};

}  // namespace pm::store
