#include <algorithm>
#include <cctype>
#include <mutex>

#include "store/dynamodb/backends.hpp"
#include "store/dynamodb/common.hpp"
#include "store/ids.hpp"
#include "util/secrets.hpp"

namespace pm::store::dynamodb {

namespace {

// Versions SSM Parameter Store keeps of one parameter.
constexpr std::int64_t kSsmMaxVersions = 100;

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (unsigned char c : s) {
    if (!std::isxdigit(c)) return false;
  }
  return true;
}

class SsmNonceSource final : public NonceSource {
 public:
  SsmNonceSource(std::shared_ptr<aws::Ssm> ssm, std::string nonce_parameter, std::string salt_parameter,
                 std::chrono::milliseconds ttl)
      : ssm_(std::move(ssm)), ttl_(ttl) {
    names_[0] = std::move(nonce_parameter);
    names_[1] = std::move(salt_parameter);
  }
  std::string backend() const override { return "ssm"; }

  Result<std::vector<SecretVersion>> versions(SecretKind kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    Cache& c = cache_[index(kind)];
    auto now = std::chrono::steady_clock::now();
    if (!c.versions.empty() && now < c.loaded + ttl_) return c.versions;

    const std::string& name = names_[index(kind)];
    auto current = ssm_->get_parameter(name, true);
    if (!current) return fail_closed(current.take_error(), name);
    if (!is_hex64(current->value)) {
      Error e = Error::store_unavailable("SSM parameter " + name + " does not hold 64 hex characters", false);
      e.details = Json{{"service", "SSM"}, {"reason", "malformed_secret"}};
      return e;
    }
    std::vector<SecretVersion> out;
    out.push_back(SecretVersion{static_cast<int>(current->version), current->value, current->last_modified_ms});
    // Earlier versions keep records hashed before a rotation reachable: the
    // previous one for the nonce, all of them for the org salt (SSM keeps the
    // last 100; rotate() refuses to push one out).
    const std::int64_t oldest = kind == SecretKind::kNonce ? current->version - 1 : 1;
    for (std::int64_t v = current->version - 1; v >= std::max<std::int64_t>(oldest, 1); --v) {
      auto earlier = ssm_->get_parameter(name + ":" + std::to_string(v), true);
      if (!earlier) {
        if (aws::failure_reason(earlier.error()) == aws::reason::kNotFound) break;  // deleted: none older either
        return fail_closed(earlier.take_error(), name);
      }
      if (!is_hex64(earlier->value)) {
        Error e = Error::store_unavailable(
            "SSM parameter " + name + " version " + std::to_string(v) + " does not hold 64 hex characters", false);
        e.details = Json{{"service", "SSM"}, {"reason", "malformed_secret"}};
        return e;
      }
      out.push_back(SecretVersion{static_cast<int>(earlier->version), earlier->value, earlier->last_modified_ms});
    }
    for (const auto& v : out) secrets::remember(v.value);
    c.versions = out;
    c.loaded = now;
    return out;
  }

  Result<SecretVersion> rotate(SecretKind kind) override {
    const std::string& name = names_[index(kind)];
    if (kind == SecretKind::kOrgSalt) {
      // SSM keeps the 100 newest versions of a parameter and deletes the
      // oldest when a new one is written: that would orphan its records.
      auto current = ssm_->get_parameter(name, false);
      if (!current && aws::failure_reason(current.error()) != aws::reason::kNotFound) return current.take_error();
      if (current && current->version >= kSsmMaxVersions) {
        Error e = Error::store_unavailable("SSM parameter " + name + " already has " + std::to_string(kSsmMaxVersions) +
                                               " versions, the most SSM keeps: another rotation would delete the "
                                               "oldest org salt and orphan the records hashed under it",
                                           false);
        e.details = Json{{"service", "SSM"}, {"reason", "version_limit"}};
        return e;
      }
    }
    SecretVersion v;
    v.value = new_secret();
    secrets::remember(v.value);
    auto version = ssm_->put_parameter(name, v.value, true);
    if (!version) return version.take_error();
    v.version = static_cast<int>(*version);
    v.created_at_ms = now_ms();
    std::lock_guard<std::mutex> lock(mu_);
    cache_[index(kind)] = Cache{};
    return v;
  }

 private:
  struct Cache {
    std::vector<SecretVersion> versions;
    std::chrono::steady_clock::time_point loaded;
  };
  static int index(SecretKind k) { return k == SecretKind::kNonce ? 0 : 1; }

  static Error fail_closed(Error e, const std::string& name) {
    if (aws::failure_reason(e) == aws::reason::kNotFound) {
      e.message = "SSM parameter " + name + " does not exist";
      e.suggestions = {"Create it with the IaC in deploy/, or run: phase-mirror-mcp nonce rotate"};
    }
    return e;
  }

  std::shared_ptr<aws::Ssm> ssm_;
  std::chrono::milliseconds ttl_;
  std::string names_[2];
  std::mutex mu_;
  Cache cache_[2];
};

}  // namespace

std::unique_ptr<NonceSource> make_ssm_nonce_source(std::shared_ptr<aws::Ssm> ssm, std::string nonce_parameter,
                                                   std::string salt_parameter, std::chrono::milliseconds ttl) {
  return std::make_unique<SsmNonceSource>(std::move(ssm), std::move(nonce_parameter), std::move(salt_parameter), ttl);
}

std::string org_salt_parameter_name(const Config& config) {
  if (auto v = env_var("ORG_SALT_PARAMETER_NAME")) return *v;
  return config.nonce_parameter_name.value_or("phase-mirror/nonce") + "-org-salt";
}

}  // namespace pm::store::dynamodb
