#include <cctype>
#include <mutex>

#include "store/dynamodb/backends.hpp"
#include "store/dynamodb/common.hpp"
#include "store/ids.hpp"

namespace pm::store::dynamodb {

namespace {

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
    // The previous version keeps records hashed before the last rotation reachable.
    if (current->version > 1) {
      auto previous = ssm_->get_parameter(name + ":" + std::to_string(current->version - 1), true);
      if (previous && is_hex64(previous->value)) {
        out.push_back(SecretVersion{static_cast<int>(previous->version), previous->value, previous->last_modified_ms});
      } else if (!previous && aws::failure_reason(previous.error()) != aws::reason::kNotFound) {
        return fail_closed(previous.take_error(), name);
      }
    }
    c.versions = out;
    c.loaded = now;
    return out;
  }

  Result<SecretVersion> rotate(SecretKind kind) override {
    const std::string& name = names_[index(kind)];
    SecretVersion v;
    v.value = new_secret();
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
