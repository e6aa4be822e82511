#pragma once
// Live per-tool call metrics for get_server_info (and EMF records).
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "util/json.hpp"

namespace pm::mcp {

class Metrics {
 public:
  void record(const std::string& tool, double duration_ms, bool error);
  // {"totalCalls", "totalErrors", "tools": {name: {calls, errors, latencyMs: {p50, p95, p99, max}}}}
  Json snapshot() const;

 private:
  static constexpr std::size_t kWindow = 1024;  // latest samples kept per tool
  struct PerTool {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;
    double max_ms = 0;
    std::array<double, kWindow> samples{};  // ring of the latest, in call order
    std::vector<double> sorted;             // the same samples in ascending order
    std::size_t next = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, PerTool> tools_;
  std::uint64_t total_calls_ = 0;
  std::uint64_t total_errors_ = 0;
};

}  // namespace pm::mcp
