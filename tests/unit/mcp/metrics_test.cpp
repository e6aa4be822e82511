#include "mcp/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace pm::mcp {
namespace {

// Nearest-rank percentile the obvious way: sort, then index.
double sorted_percentile(std::vector<double> s, double p) {
  std::sort(s.begin(), s.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(s.size())));
  return s[std::clamp<std::size_t>(rank, 1, s.size()) - 1];
}

double rounded(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

TEST(Metrics, PercentilesOfAShuffledRunAreItsNearestRanks) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  std::mt19937 rng(7);
  std::shuffle(v.begin(), v.end(), rng);
  Metrics m;
  for (double d : v) m.record("t", d, d > 90);
  const Json snap = m.snapshot();
  const Json& t = snap["tools"]["t"];
  EXPECT_EQ(t["calls"], 100);
  EXPECT_EQ(t["errors"], 10);
  EXPECT_EQ(snap["totalCalls"], 100);
  EXPECT_EQ(snap["totalErrors"], 10);
  EXPECT_EQ(t["latencyMs"]["p50"], 50.0);
  EXPECT_EQ(t["latencyMs"]["p95"], 95.0);
  EXPECT_EQ(t["latencyMs"]["p99"], 99.0);
  EXPECT_EQ(t["latencyMs"]["max"], 100.0);
  EXPECT_EQ(t["latencyMs"]["window"], 100);
}

TEST(Metrics, PercentilesAgreeWithASortOverTheLatestWindow) {
  // More samples than the window, with many ties: only the latest 1 024 count, and the
  // selection gives what sorting them gives.
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> dist(0, 40);
  std::vector<double> all;
  Metrics m;
  for (int i = 0; i < 3000; ++i) {
    const double d = dist(rng) / 8.0;
    all.push_back(d);
    m.record("t", d, false);
  }
  const std::vector<double> window(all.end() - 1024, all.end());
  const Json lat = m.snapshot()["tools"]["t"]["latencyMs"];
  EXPECT_EQ(lat["window"], 1024);
  EXPECT_EQ(lat["p50"], rounded(sorted_percentile(window, 50)));
  EXPECT_EQ(lat["p95"], rounded(sorted_percentile(window, 95)));
  EXPECT_EQ(lat["p99"], rounded(sorted_percentile(window, 99)));
  EXPECT_EQ(lat["max"], rounded(*std::max_element(all.begin(), all.end())));
}

TEST(Metrics, OneSampleIsEveryPercentileAndNoToolIsAnEmptyObject) {
  Metrics m;
  EXPECT_TRUE(m.snapshot()["tools"].empty());
  m.record("t", 2.5, false);
  const Json lat = m.snapshot()["tools"]["t"]["latencyMs"];
  EXPECT_EQ(lat["p50"], 2.5);
  EXPECT_EQ(lat["p95"], 2.5);
  EXPECT_EQ(lat["p99"], 2.5);
}

}  // namespace
}  // namespace pm::mcp
