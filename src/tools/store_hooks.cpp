#include "tools/store_hooks.hpp"

#include <chrono>
#include <memory>

#include "util/log.hpp"
#include "util/time.hpp"

namespace pm::tools {

namespace {

// Per-analysis state of the hooks: the org key, computed once on first need, and what
// could not be done because a store was unavailable (reported as degradedMode).
struct HookState {
  store::Services* stores = nullptr;
  std::string org;
  std::optional<store::OrgKey> key;
  bool key_failed = false;
  bool fp_failed = false;       // FP lookups stop after the first failure: each could wait on retries
  bool breaker_failed = false;  // the block counter could not be read or written

  const store::OrgKey* get() {
    if (key) return &*key;
    if (key_failed) return nullptr;
    auto k = stores->org_key(org);
    if (!k.ok()) {
      key_failed = true;
      log::warn("org salt unavailable; FP suppression and circuit breaker skipped", {{"error", k.error().message}});
      return nullptr;
    }
    key = std::move(*k);
    return &*key;
  }

  std::string degradation() const {
    std::string why;
    const auto add = [&why](const char* part) {
      if (!why.empty()) why += "; ";
      why += part;
    };
    if (key_failed) add("org_key_unavailable: FP suppression and circuit breaker skipped");
    if (fp_failed) add("fp_store_unavailable: findings not checked against reviewed false positives");
    if (breaker_failed) add("block_counter_unavailable: circuit breaker not applied");
    return why;
  }
};

// Repository part of "owner/name": the owner is the org, which is stored only as its HMAC.
std::string repo_part(const std::string& org_repo) {
  auto slash = org_repo.find('/');
  return slash == std::string::npos ? org_repo : org_repo.substr(slash + 1);
}

}  // namespace

void attach_store_hooks(Runtime& rt, const engine::AnalysisRequest& req, engine::AnalyzerOptions& opt) {
  if (rt.stores == nullptr) return;
  auto cache = std::make_shared<HookState>();
  cache->stores = rt.stores;
  cache->org = engine::org_of(req.repository, req.context);
  store::Services* stores = rt.stores;

  opt.is_false_positive = [cache, stores](const engine::Finding& f) -> std::optional<engine::Suppression> {
    if (cache->fp_failed) return std::nullopt;
    const auto* key = cache->get();
    if (key == nullptr) return std::nullopt;
    auto fp = stores->fp_store();
    if (!fp.ok()) {
      cache->fp_failed = true;
      log::warn("FP store unavailable; findings not suppressed", {{"error", fp.error().message}});
      return std::nullopt;
    }
    auto verdict = (*fp)->is_false_positive(*key, f.finding_id);
    if (!verdict.ok()) {
      cache->fp_failed = true;
      log::warn("FP store unavailable; findings not suppressed",
                {{"findingId", f.finding_id}, {"error", verdict.error().message}});
      return std::nullopt;
    }
    if (!verdict->has_value()) return std::nullopt;
    const auto& v = **verdict;
    return engine::fp_store_suppression(f.finding_id, v.note.empty() ? "Reviewed as a false positive" : v.note,
                                        v.reviewed_by);
  };

  opt.circuit_breaker_tripped = [cache, stores, limit = rt.config.max_blocks_per_hour](const std::string& org_repo) {
    const auto* key = cache->get();
    if (key == nullptr) return false;
    auto bc = stores->block_counter();
    if (!bc.ok()) {
      cache->breaker_failed = true;
      log::warn("Circuit breaker counter unavailable, defaulting to open", {{"error", bc.error().message}});
      return false;
    }
    const std::int64_t now = to_epoch_ms(std::chrono::system_clock::now());
    const std::int64_t hour = store::hour_bucket(now);
    auto n = (*bc)->count(*key, repo_part(org_repo), store::TimeWindow{hour, hour + 3'600'000});
    if (!n.ok()) {
      cache->breaker_failed = true;
      log::warn("Circuit breaker counter unavailable, defaulting to open", {{"error", n.error().message}});
      return false;
    }
    return *n >= limit;
  };

  opt.record_block = [cache, stores](const std::string& org_repo) {
    const auto* key = cache->get();
    if (key == nullptr) return;
    auto bc = stores->block_counter();
    if (!bc.ok()) {
      cache->breaker_failed = true;
      log::warn("block counter unavailable; block not counted (fail-open)", {{"error", bc.error().message}});
      return;
    }
    auto n = (*bc)->increment(*key, repo_part(org_repo), to_epoch_ms(std::chrono::system_clock::now()));
    if (!n.ok()) {
      cache->breaker_failed = true;
      log::warn("block counter increment failed (fail-open)", {{"error", n.error().message}});
    }
  };

  opt.store_degradation = [cache] { return cache->degradation(); };
}

}  // namespace pm::tools
