#pragma once
// Token bucket per tool: `rate` tokens per second, at most `burst` stored.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace pm::mcp {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate_per_sec, double burst) : rate_(rate_per_sec), burst_(burst) {}

  // nullopt when the call may proceed; otherwise milliseconds until a token is available.
  std::optional<long long> acquire(const std::string& key, Clock::time_point now = Clock::now());
  // Drops the buckets whose key starts with `prefix` (a session that ended).
  void forget(const std::string& prefix);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace pm::mcp
