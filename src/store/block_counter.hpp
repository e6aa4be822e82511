#pragma once
// Block counter behind the circuit breaker: blocks per org/repository per UTC
// hour bucket. Callers treat errors as fail-open (no breaker trip).
#include <cstdint>
#include <string>

#include "store/types.hpp"
#include "util/error.hpp"

namespace pm::store {

// Start of the UTC hour containing t_ms.
inline std::int64_t hour_bucket(std::int64_t t_ms) {
  return t_ms - (t_ms % 3'600'000);
}

class BlockCounter {
 public:
  virtual ~BlockCounter() = default;
  virtual std::string backend() const = 0;

  // Adds one block in the hour bucket of now_ms; returns the bucket's new count.
  virtual Result<std::int64_t> increment(const OrgKey& org, const std::string& repository, std::int64_t now_ms) = 0;
  // Blocks recorded in the hour buckets overlapping [w.since_ms, w.until_ms).
  virtual Result<std::int64_t> count(const OrgKey& org, const std::string& repository, TimeWindow w) = 0;
};

}  // namespace pm::store
