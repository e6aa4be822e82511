#pragma once
// MCP Streamable HTTP (2025-11-25) over the network layer of net.hpp: one endpoint for POST
// (one JSON-RPC message; the answer as JSON, or as an SSE stream once the call sends
// progress, a log message or a request first), GET (the session's own SSE stream, or the
// resumption of a stream with Last-Event-ID) and DELETE (end of the session); sessions in
// Mcp-Session-Id; the MCP-Protocol-Version, Origin and Host checks; per-session request
// limits and idle expiry; /healthz and /readyz. Messages go to the same protocol core as
// stdio's: this is a transport, not a second server.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/resource_server.hpp"
#include "http/net.hpp"
#include "mcp/core.hpp"
#include "mcp/rate_limiter.hpp"

namespace pm::http {

struct TransportOptions {
  std::string endpoint = "/mcp";
  // Host header names accepted (lower case, without the port); empty accepts any.
  std::vector<std::string> allowed_hosts;
  // Origin values accepted (scheme://host[:port], lower case); a request without Origin
  // (not from a browser) is always accepted.
  std::vector<std::string> allowed_origins;
  // A session with no request and no open stream for this long is ended.
  std::chrono::milliseconds session_idle{std::chrono::minutes(30)};
  std::size_t max_sessions = 10000;
  // Requests per second per session, and the burst allowed; 0 turns the limit off.
  double session_rate = 50;
  double session_burst = 100;
  // How often an open SSE stream gets a comment line, so that proxies keep it open.
  std::chrono::milliseconds keepalive{std::chrono::seconds(15)};
  // Bytes of events kept per stream for Last-Event-ID resumption.
  std::size_t replay_bytes = std::size_t{1} << 20;
  // Set: every request to the endpoint needs a Bearer token this resource server accepts,
  // a session serves only the principal that started it, and the protected-resource
  // metadata is served.
  std::shared_ptr<const auth::ResourceServer> auth;
};

// The names and origins a server bound to `host` accepts by default: loopback names, and
// the address itself when it is not a wildcard.
std::vector<std::string> default_allowed_hosts(const std::string& bind_host);
std::vector<std::string> default_allowed_origins();
// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

class StreamableHttp final : public Handler {
 public:
  // nullopt when the server can take work, else why not (for /readyz).
  using ReadyCheck = std::function<std::optional<std::string>()>;

  StreamableHttp(mcp::Core& core, TransportOptions options, ReadyCheck ready);
  ~StreamableHttp() override;
  StreamableHttp(const StreamableHttp&) = delete;
  StreamableHttp& operator=(const StreamableHttp&) = delete;

  void on_request(Request request, std::shared_ptr<Exchange> exchange) override;

  // SIGTERM: /readyz says 503 and no new session is started; the open ones are served on.
  void start_draining();
  // Ends every session: cancels what runs, closes every stream (clients may resume elsewhere).
  void close_all();
  std::size_t session_count() const;

  class Stream;
  struct Session;

 private:
  // `who`: the request's principal, null without authentication.
  void handle_post(const Request& req, const std::shared_ptr<Exchange>& ex, const std::vector<Header>& cors,
                   const auth::Principal* who);
  void handle_get(const Request& req, const std::shared_ptr<Exchange>& ex, const std::vector<Header>& cors,
                  const auth::Principal* who);
  void handle_delete(const Request& req, const std::shared_ptr<Exchange>& ex, std::vector<Header> cors,
                     const auth::Principal* who);
  // The session a request names: null after answering 400 (no header) or 404 (unknown, or
  // started by another principal: a session id is not a credential).
  std::shared_ptr<Session> find_session(const Request& req, const std::shared_ptr<Exchange>& ex,
                                        const std::vector<Header>& cors, const auth::Principal* who);
  void end_session(const std::shared_ptr<Session>& s, const char* why);
  void maintenance_loop();

  mcp::Core& core_;
  const TransportOptions options_;
  const ReadyCheck ready_;
  std::atomic<bool> draining_{false};
  mcp::RateLimiter limiter_;

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread maintenance_;
};

}  // namespace pm::http
