#include "mcp/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace pm::mcp {

std::optional<long long> RateLimiter::acquire(const std::string& key, Clock::time_point now) {
  if (rate_ <= 0) return std::nullopt;  // limiting disabled
  std::lock_guard lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = std::max(b.last, now);
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  return static_cast<long long>(std::ceil((1.0 - b.tokens) / rate_ * 1000.0));
}

void RateLimiter::forget(const std::string& prefix) {
  std::lock_guard lock(mu_);
  for (auto it = buckets_.lower_bound(prefix);
       it != buckets_.end() && it->first.compare(0, prefix.size(), prefix) == 0;)
    it = buckets_.erase(it);
}

}  // namespace pm::mcp
