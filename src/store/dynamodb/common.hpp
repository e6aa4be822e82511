#pragma once
// Small helpers shared by the DynamoDB backends.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "util/log.hpp"

namespace pm::store::dynamodb {

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Zero-padded, 13 digits: epoch milliseconds sort as strings until the year 2286.
inline std::string pad13(std::int64_t ms) {
  if (ms < 0) ms = 0;
  if (ms > 9'999'999'999'999) ms = 9'999'999'999'999;
  char buf[16];  // ms is clamped to 13 digits: never truncated
  (void)std::snprintf(buf, sizeof buf, "%013lld", static_cast<long long>(ms));
  return buf;
}

}  // namespace pm::store::dynamodb
