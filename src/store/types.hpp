#pragma once
// Shared value types of the stores. Org ids never reach a backend in clear:
// callers pass an OrgKey holding HMAC-SHA256(org, salt) for every org-salt
// version (services.hpp), so that no number of salt rotations orphans a record.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pm::store {

// One org, hashed under every org-salt version still accepted for look-ups.
struct OrgKey {
  struct Hash {
    int salt_version = 0;
    std::string hash;  // 64 lowercase hex chars
  };
  // hashes[0] is the current salt version (used for writes); the rest are
  // earlier versions, newest first (used for reads only).
  std::vector<Hash> hashes;

  const std::string& current() const { return hashes.front().hash; }
  int current_version() const { return hashes.front().salt_version; }
  std::vector<std::string> all() const {
    std::vector<std::string> out;
    out.reserve(hashes.size());
    for (const auto& h : hashes) out.push_back(h.hash);
    return out;
  }
};

// Half-open time window [since_ms, until_ms) in epoch milliseconds.
struct TimeWindow {
  std::int64_t since_ms = 0;
  std::int64_t until_ms = INT64_MAX;
};

}  // namespace pm::store
