#include "mcp/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace pm::mcp {

std::optional<long long> RateLimiter::acquire(const std::string& key, Clock::time_point now) {
  if (rate_ <= 0) return std::nullopt;  // limiting disabled
  std::lock_guard lock(mu_);
  if (++since_sweep_ >= kSweepEvery) {
    since_sweep_ = 0;
    // A bucket that has refilled is the same as none: dropping those bounds the map when keys
    // are never forgotten (stateless HTTP sessions end without a word).
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double elapsed = std::chrono::duration<double>(now - it->second.last).count();
      it = it->second.tokens + elapsed * rate_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
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
