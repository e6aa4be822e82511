#pragma once
// One client's view of the protocol: where the server's messages to it go (Outbound),
// and its session state (lifecycle, negotiated version, declared capabilities, roots).
// A transport creates one Session per client (stdio: one per process; HTTP: one per
// Mcp-Session-Id) and hands every message it reads to the protocol core with it.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "util/json.hpp"

namespace pm::mcp {

// A channel to the client. Thread-safe; false once the client is gone.
class Outbound {
 public:
  virtual ~Outbound() = default;
  virtual bool send(const Json& message) = 0;
  // The request `id` ends without an answer (it was cancelled): a transport that holds a
  // response open for it (an HTTP POST) ends that response.
  virtual void no_answer(const Json& id) { (void)id; }
  // A long call's stream may let go of its connection: a transport that can (HTTP SSE)
  // tells the client to come back after `retry` and resume, and closes the connection.
  virtual void release(std::chrono::milliseconds retry) { (void)retry; }
};

class Session {
 public:
  explicit Session(std::string id = {}) : id_(std::move(id)) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const std::string& id() const { return id_; }
  bool initialized() const {
    std::lock_guard lock(mu_);
    return initialized_;
  }
  std::string protocol_version() const {
    std::lock_guard lock(mu_);
    return protocol_version_;
  }

 private:
  friend class Core;

  // Roots: asked once; a client that does not answer in time is remembered as such and
  // asked again only after notifications/roots/list_changed.
  enum class Roots { kNotAsked, kAsking, kAnswered, kUnanswered };

  const std::string id_;
  mutable std::mutex mu_;
  std::condition_variable roots_cv_;
  bool initialized_ = false;
  std::string protocol_version_;
  bool client_has_roots_ = false;
  Roots roots_state_ = Roots::kNotAsked;
  std::vector<std::string> roots_;
  std::string roots_request_id_;
  std::chrono::steady_clock::time_point roots_deadline_;
  long long next_outgoing_id_ = 1;
  bool closed_ = false;
  // logging/setLevel of this client: notifications/message below it are not sent.
  int log_level_ = 1;  // log::Level::kInfo
};

}  // namespace pm::mcp
