#include "tools/store_hooks.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "util/log.hpp"
#include "util/time.hpp"

namespace pm::tools {

namespace {

// The org key, computed once per analysis on first need.
struct OrgKeyCache {
  store::Services* stores = nullptr;
  std::string org;
  std::optional<store::OrgKey> key;
  bool failed = false;

  const store::OrgKey* get() {
    if (key) return &*key;
    if (failed) return nullptr;
    auto k = stores->org_key(org);
    if (!k.ok()) {
      failed = true;
      log::warn("org salt unavailable; FP suppression and circuit breaker skipped", {{"error", k.error().message}});
      return nullptr;
    }
    key = std::move(*k);
    return &*key;
  }
};

// Repository part of "owner/name": the owner is the org, which is stored only as its HMAC.
std::string repo_part(const std::string& org_repo) {
  auto slash = org_repo.find('/');
  return slash == std::string::npos ? org_repo : org_repo.substr(slash + 1);
}

}  // namespace

int max_blocks_per_hour() {
  if (auto v = env_var("PHASE_MIRROR_MAX_BLOCKS_PER_HOUR")) {
    const int n = std::atoi(v->c_str());
    if (n >= 1) return n;
  }
  return 100;
}

void attach_store_hooks(Runtime& rt, const engine::AnalysisRequest& req, engine::AnalyzerOptions& opt) {
  if (rt.stores == nullptr) return;
  auto cache = std::make_shared<OrgKeyCache>();
  cache->stores = rt.stores;
  cache->org = engine::org_of(req.repository, req.context);
  store::Services* stores = rt.stores;

  opt.is_false_positive = [cache, stores](const engine::Finding& f) -> std::optional<std::string> {
    const auto* key = cache->get();
    if (key == nullptr) return std::nullopt;
    auto fp = stores->fp_store();
    if (!fp.ok()) return std::nullopt;
    auto verdict = (*fp)->is_false_positive(*key, f.finding_id);
    if (!verdict.ok()) {
      log::warn("FP store unavailable; finding not suppressed", {{"findingId", f.finding_id}});
      return std::nullopt;
    }
    if (!verdict->has_value()) return std::nullopt;
    const auto& v = **verdict;
    std::string note = v.note.empty() ? "Reviewed as a false positive" : v.note;
    if (!v.reviewed_by.empty()) note += " (" + v.reviewed_by + ")";
    return note;
  };

  opt.circuit_breaker_tripped = [cache, stores](const std::string& org_repo) {
    const auto* key = cache->get();
    if (key == nullptr) return false;
    auto bc = stores->block_counter();
    if (!bc.ok()) return false;
    const std::int64_t now = to_epoch_ms(std::chrono::system_clock::now());
    const std::int64_t hour = store::hour_bucket(now);
    auto n = (*bc)->count(*key, repo_part(org_repo), store::TimeWindow{hour, hour + 3'600'000});
    if (!n.ok()) {
      log::warn("Circuit breaker counter unavailable, defaulting to open", {{"error", n.error().message}});
      return false;
    }
    return *n >= max_blocks_per_hour();
  };

  opt.record_block = [cache, stores](const std::string& org_repo) {
    const auto* key = cache->get();
    if (key == nullptr) return;
    auto bc = stores->block_counter();
    if (!bc.ok()) return;
    auto n = (*bc)->increment(*key, repo_part(org_repo), to_epoch_ms(std::chrono::system_clock::now()));
    if (!n.ok()) log::warn("block counter increment failed (fail-open)", {{"error", n.error().message}});
  };
}

}  // namespace pm::tools
