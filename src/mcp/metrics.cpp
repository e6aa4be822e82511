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
  t.max_ms = std::max(t.max_ms, duration_ms);
  t.samples[t.next % kWindow] = duration_ms;
  ++t.next;
}

namespace {
double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest-rank percentile.
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}
}  // namespace

Json Metrics::snapshot() const {
  std::lock_guard lock(mu_);
  Json tools = Json::object();
  for (const auto& [name, t] : tools_) {
    const std::size_t n = std::min<std::size_t>(t.next, kWindow);
    std::vector<double> s(t.samples.begin(), t.samples.begin() + static_cast<std::ptrdiff_t>(n));
    std::sort(s.begin(), s.end());
    tools[name] = Json{{"calls", t.calls},
                       {"errors", t.errors},
                       {"latencyMs",
                        {{"p50", round3(percentile(s, 50))},
                         {"p95", round3(percentile(s, 95))},
                         {"p99", round3(percentile(s, 99))},
                         {"max", round3(t.max_ms)},
                         {"window", n}}}};
  }
  return Json{{"totalCalls", total_calls_}, {"totalErrors", total_errors_}, {"tools", tools}};
}

}  // namespace pm::mcp
