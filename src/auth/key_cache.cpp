#include "auth/key_cache.hpp"

#include <algorithm>
#include <vector>

#include "util/log.hpp"

namespace pm::auth {

KeyCache::KeyCache(Fetch fetch, const SignatureChecker& checker, std::string source, std::chrono::seconds ttl,
                   std::chrono::seconds min_refresh)
    : fetch_(std::move(fetch)),
      checker_(checker),
      source_(std::move(source)),
      ttl_(ttl),
      min_refresh_(std::min(min_refresh, ttl)) {}

KeyCache::~KeyCache() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status KeyCache::fetch_and_parse() {
  {
    std::lock_guard lock(mu_);
    last_attempt_ = std::chrono::steady_clock::now();
    refresh_wanted_ = false;
    ++fetches_;
  }
  auto text = fetch_();
  Result<KeySet> set = text ? parse_jwks(*text, checker_, nullptr) : Result<KeySet>(text.take_error());
  std::lock_guard lock(mu_);
  last_failed_ = !set;
  if (!set) return set.take_error();
  keys_ = std::make_shared<const KeySet>(std::move(*set));
  return ok_status();
}

Status KeyCache::load_now() {
  // The first load says which keys were left out, once; refreshes stay quiet about it.
  auto text = fetch_();
  {
    std::lock_guard lock(mu_);
    last_attempt_ = std::chrono::steady_clock::now();
    ++fetches_;
  }
  if (!text) {
    std::lock_guard lock(mu_);
    last_failed_ = true;
    return text.take_error();
  }
  std::vector<std::string> skipped;
  auto set = parse_jwks(*text, checker_, &skipped);
  for (const auto& why : skipped) log::warn("JWKS key skipped", {{"source", source_}, {"key", why}});
  std::lock_guard lock(mu_);
  last_failed_ = !set;
  if (!set) return set.take_error();
  keys_ = std::make_shared<const KeySet>(std::move(*set));
  log::info("JWKS loaded", {{"source", source_}, {"keys", keys_->keys.size()}});
  return ok_status();
}

void KeyCache::start() {
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

std::shared_ptr<const KeySet> KeyCache::keys() const {
  std::lock_guard lock(mu_);
  return keys_;
}

void KeyCache::request_refresh() {
  {
    std::lock_guard lock(mu_);
    if (refresh_wanted_) return;
    refresh_wanted_ = true;
  }
  cv_.notify_all();
}

std::size_t KeyCache::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

void KeyCache::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    // Due after the ttl; after a failure, or when asked, after min_refresh.
    auto due = last_attempt_ + ((last_failed_ || !keys_) ? min_refresh_ : ttl_);
    if (refresh_wanted_) due = std::min(due, last_attempt_ + min_refresh_);
    if (std::chrono::steady_clock::now() < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    lock.unlock();
    const bool had_keys = keys() != nullptr;
    auto status = fetch_and_parse();
    if (!status) {
      log::warn(had_keys ? "JWKS refresh failed; the previous keys stay in use" : "JWKS still not loaded",
                {{"source", source_}, {"error", status.error().message}});
    }
    lock.lock();
  }
}

}  // namespace pm::auth
