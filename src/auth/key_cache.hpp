#pragma once
// The authorization server's keys, kept in memory and refreshed in the background: every
// `ttl`, and soon after a token names a key id the set lacks (keys rotate), but not more
// often than `min_refresh` (a flood of tokens with made-up key ids must not become a flood
// of fetches). Requests never wait for a fetch: the event loop only reads the current set.
// A failed refresh keeps the previous keys and is retried after `min_refresh`.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "auth/jwt.hpp"
#include "auth/signatures.hpp"
#include "util/error.hpp"

namespace pm::auth {

class KeyCache {
 public:
  // The JWKS document (a file read, a URL fetched). Its errors are safe to log.
  using Fetch = std::function<Result<std::string>()>;

  // `source` names where the keys come from, for log lines.
  KeyCache(Fetch fetch, const SignatureChecker& checker, std::string source, std::chrono::seconds ttl,
           std::chrono::seconds min_refresh);
  ~KeyCache();
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;

  // Fetches the keys now, on the calling thread.
  Status load_now();
  // Starts the background refresher (once).
  void start();
  // The current keys; null until a fetch succeeded. Thread-safe.
  std::shared_ptr<const KeySet> keys() const;
  // Asks for an early refresh. Thread-safe; returns at once.
  void request_refresh();
  // Fetches so far (successful or not), for tests of the caching.
  std::size_t fetches() const;

 private:
  Status fetch_and_parse();
  void run();

  Fetch fetch_;
  const SignatureChecker& checker_;
  std::string source_;
  std::chrono::seconds ttl_;
  std::chrono::seconds min_refresh_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const KeySet> keys_;
  std::chrono::steady_clock::time_point last_attempt_{};
  bool last_failed_ = false;
  bool refresh_wanted_ = false;
  bool stop_ = false;
  std::size_t fetches_ = 0;
  std::thread thread_;
};

}  // namespace pm::auth
