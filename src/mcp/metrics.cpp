#include "mcp/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace pm::mcp {

void Metrics::record(const std::string& tool, double duration_ms, bool error) {
  std::lock_guard lock(mu_);
  auto& t = tools_[tool];
  ++t.calls;
  ++total_calls_;
  if (error) {
    ++t.errors;
    ++total_errors_;
  }
  if (!std::isfinite(duration_ms) || duration_ms < 0) duration_ms = 0;
  t.max_ms = std::max(t.max_ms, duration_ms);
  // The window is also kept sorted (one 8 KB move per call at most), so that a snapshot
  // reads percentiles instead of sorting: get_server_info takes one on every call.
  double& slot = t.samples[t.next % kWindow];
  if (t.next >= kWindow) t.sorted.erase(std::lower_bound(t.sorted.begin(), t.sorted.end(), slot));
  slot = duration_ms;
  t.sorted.insert(std::upper_bound(t.sorted.begin(), t.sorted.end(), duration_ms), duration_ms);
  ++t.next;
}

namespace {
double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

// Nearest-rank percentile of ascending samples.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}
}  // namespace

Json Metrics::snapshot() const {
  std::lock_guard lock(mu_);
  Json tools = Json::object();
  for (const auto& [name, t] : tools_) {
    tools[name] = Json{{"calls", t.calls},
                       {"errors", t.errors},
                       {"latencyMs",
                        {{"p50", round3(percentile(t.sorted, 50))},
                         {"p95", round3(percentile(t.sorted, 95))},
                         {"p99", round3(percentile(t.sorted, 99))},
                         {"max", round3(t.max_ms)},
                         {"window", t.sorted.size()}}}};
  }
  return Json{{"totalCalls", total_calls_}, {"totalErrors", total_errors_}, {"tools", std::move(tools)}};
}

}  // namespace pm::mcp
