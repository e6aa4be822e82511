#pragma once
// Consent store: append-only consent records per org and resource. The state
// of a resource is derived from its newest record (consent_policy.hpp), so the
// whole history stays available.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/types.hpp"
#include "util/error.hpp"

namespace pm::store {

enum class ConsentAction { kGranted, kRevoked, kPending };
const char* to_string(ConsentAction a);  // "granted" / "revoked" / "pending"
std::optional<ConsentAction> parse_consent_action(const std::string& s);

struct ConsentRecord {
  std::string org_hash;
  int salt_version = 0;
  std::string resource;  // one of consent_policy.hpp's resources
  ConsentAction action = ConsentAction::kGranted;
  std::string actor;           // who granted/revoked (free text, e.g. a login)
  std::string policy_version;  // policy version in force when recorded
  std::optional<std::int64_t> expires_at_ms;
  std::int64_t recorded_at_ms = 0;
  std::int64_t seq = 0;  // backend ordering (ties on recorded_at_ms)
};

class ConsentStore {
 public:
  virtual ~ConsentStore() = default;
  virtual std::string backend() const = 0;

  // Appends one record per resource, atomically (all or none). Fails closed.
  // org_hash/salt_version of the records are taken from org.current().
  virtual Status append(const OrgKey& org, const std::vector<ConsentRecord>& records) = 0;
  // Newest record per resource (under any salt version of the org).
  virtual Result<std::vector<ConsentRecord>> latest(const OrgKey& org) = 0;
  // Every record of the org, oldest first (optionally one resource).
  virtual Result<std::vector<ConsentRecord>> history(const OrgKey& org, const std::optional<std::string>& resource) = 0;
};

}  // namespace pm::store
