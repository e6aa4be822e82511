#include "http/streamable.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <variant>

#include "mcp/protocol.hpp"
#include "util/crypto.hpp"
#include "util/log.hpp"

namespace pm::http {

namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// "host:port", "[v6]:port" or "host" -> host, lower case.
std::string host_name(const std::string& host_header) {
  std::string h = lower(host_header);
  if (!h.empty() && h.front() == '[') {
    const auto close = h.find(']');
    return close == std::string::npos ? h : h.substr(0, close + 1);
  }
  const auto colon = h.find(':');
  return colon == std::string::npos ? h : h.substr(0, colon);
}

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Accept lists `type` (or a wildcard covering it).
bool accepts(const Request& req, const std::string& type) {
  const std::string* accept = req.header("accept");
  if (accept == nullptr) return false;
  const std::string a = lower(*accept);
  const std::string family = type.substr(0, type.find('/')) + "/*";
  return a.find(type) != std::string::npos || a.find(family) != std::string::npos || a.find("*/*") != std::string::npos;
}

std::string rpc_error_body(int code, const std::string& message, const Json& id = nullptr) {
  return dump_line(mcp::make_error(id, code, message));
}

Response json_response(int status, std::string body, std::vector<Header> headers = {}) {
  headers.push_back({"Content-Type", "application/json"});
  return Response{status, std::move(headers), std::move(body)};
}

// An HTTP-level refusal, with a JSON-RPC error (id null unless known) saying why.
Response refuse(int status, const std::string& message, std::vector<Header> headers = {}, const Json& id = nullptr) {
  return json_response(status, rpc_error_body(mcp::rpc::kInvalidRequest, message, id), std::move(headers));
}

std::string new_session_id() {
  return to_hex(random_bytes(16));  // 128 random bits, visible ASCII
}

std::vector<Header> sse_headers(const std::vector<Header>& extra) {
  std::vector<Header> h = extra;
  h.push_back({"Content-Type", "text/event-stream"});
  h.push_back({"Cache-Control", "no-cache"});
  return h;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  const std::string h = lower(host);
  return h == "localhost" || h == "::1" || h == "[::1]" || h.rfind("127.", 0) == 0;
}

std::vector<std::string> default_allowed_hosts(const std::string& bind_host) {
  std::vector<std::string> hosts = {"localhost", "127.0.0.1", "[::1]"};
  const std::string h = lower(bind_host);
  if (h != "0.0.0.0" && h != "::" && h != "[::]" && !listed(hosts, h)) {
    hosts.push_back(h.find(':') != std::string::npos && h.front() != '[' ? "[" + h + "]" : h);
  }
  return hosts;
}

std::vector<std::string> default_allowed_origins() {
  return {"http://localhost",  "http://127.0.0.1",  "http://[::1]",
          "https://localhost", "https://127.0.0.1", "https://[::1]"};
}

// One SSE stream of a session: the answer stream of one POST request, or the session's own
// GET stream. Its events carry ids "<stream>-<n>" and are kept (up to replay_bytes) so that a
// client whose connection broke resumes with Last-Event-ID on a new connection. It is also
// the Outbound the protocol core answers the request through.
class StreamableHttp::Stream final : public mcp::Outbound {
 public:
  Stream(std::uint64_t number, Json request_id, std::vector<Header> headers, std::size_t replay_bytes,
         std::function<void(Stream&)> on_done)
      : number_(number),
        request_id_(std::move(request_id)),
        headers_(std::move(headers)),
        replay_bytes_(replay_bytes),
        on_done_(std::move(on_done)) {}

  std::uint64_t number() const { return number_; }
  bool is_request_stream() const { return !request_id_.is_null(); }

  void attach(std::shared_ptr<Exchange> ex) {
    std::lock_guard lock(mu_);
    ex_ = std::move(ex);
  }

  // Opens the SSE answer now (a GET stream), with its priming event.
  void open_now() {
    std::lock_guard lock(mu_);
    open_sse_locked();
  }

  bool send(const Json& message) override {
    std::unique_lock lock(mu_);
    if (complete_) return false;
    const bool is_answer =
        is_request_stream() && !message.contains("method") && message.contains("id") && message["id"] == request_id_;
    if (is_answer && !sse_) {
      // The call sent nothing before its answer: a plain JSON response.
      complete_ = true;
      auto ex = std::move(ex_);
      lock.unlock();
      if (ex) ex->respond(json_response(200, dump_line(message), headers_));
      on_done_(*this);
      return ex != nullptr;
    }
    open_sse_locked();
    const std::uint64_t seq = next_seq_++;
    std::string event = "id: " + event_id(seq) + "\nevent: message\ndata: " + dump_line(message) + "\n\n";
    const bool live = ex_ && ex_->connected();
    if (live) ex_->write(event);
    keep_locked(seq, std::move(event));
    if (is_answer) {
      complete_ = true;
      if (live) {
        ex_->end_stream();
        ex_.reset();
        events_.clear();  // delivered on a live connection: nothing left to resume
        lock.unlock();
        on_done_(*this);
      }
      // Otherwise the stream stays until the client resumes it (or the session ends).
    }
    return true;
  }

  void no_answer(const Json& id) override {
    std::unique_lock lock(mu_);
    if (complete_ || id != request_id_) return;
    complete_ = true;
    auto ex = std::move(ex_);
    const bool sse = sse_;
    events_.clear();
    lock.unlock();
    if (ex) {
      if (sse) {
        ex->end_stream();
      } else {
        ex->respond(Response{202, headers_, {}});  // what a client gets for a message with no answer
      }
    }
    on_done_(*this);
  }

  // SSE polling: tells the client when to come back, and closes the connection while the
  // stream goes on; its events are kept for the GET that resumes it.
  void release(std::chrono::milliseconds retry) override {
    std::lock_guard lock(mu_);
    if (complete_) return;
    open_sse_locked();
    if (ex_) {
      ex_->write("retry: " + std::to_string(retry.count()) + "\n\n");
      ex_->close_connection();
      ex_.reset();
    }
  }

  // A GET with Last-Event-ID "<this stream>-<after>": replays what followed and, unless the
  // answer was among it, keeps the new connection for what comes next.
  void resume(std::uint64_t after, const std::shared_ptr<Exchange>& ex) {
    std::unique_lock lock(mu_);
    if (ex_) ex_->close_connection();  // one connection per stream
    ex->open_stream(200, sse_headers(headers_));
    for (const auto& [seq, text] : events_) {
      if (seq > after) ex->write(text);
    }
    if (complete_) {
      ex->end_stream();
      events_.clear();
      lock.unlock();
      on_done_(*this);
      return;
    }
    ex_ = ex;
  }

  // The connection went away: the stream waits for a resumption.
  void detach(const Exchange* ex) {
    std::lock_guard lock(mu_);
    if (ex_.get() == ex) ex_.reset();
  }

  bool attached() const {
    std::lock_guard lock(mu_);
    return ex_ != nullptr;
  }
  bool complete() const {
    std::lock_guard lock(mu_);
    return complete_;
  }

  void keepalive() {
    std::lock_guard lock(mu_);
    if (ex_ && sse_) ex_->write(": keep-alive\n\n");
  }

  // The session ended: the stream ends too.
  void close() {
    std::lock_guard lock(mu_);
    complete_ = true;
    events_.clear();
    if (ex_) {
      if (sse_) {
        ex_->end_stream();
      } else {
        ex_->respond(refuse(404, "Session terminated"));
      }
      ex_.reset();
    }
  }

 private:
  std::string event_id(std::uint64_t seq) const { return std::to_string(number_) + "-" + std::to_string(seq); }

  void open_sse_locked() {
    if (sse_) return;
    sse_ = true;
    if (!ex_) return;
    ex_->open_stream(200, sse_headers(headers_));
    // The priming event: an id to resume from before anything else was sent.
    ex_->write("id: " + event_id(0) + "\ndata: \n\n");
  }

  void keep_locked(std::uint64_t seq, std::string event) {
    kept_bytes_ += event.size();
    events_.emplace_back(seq, std::move(event));
    while (kept_bytes_ > replay_bytes_ && events_.size() > 1) {
      kept_bytes_ -= events_.front().second.size();
      events_.pop_front();
    }
  }

  const std::uint64_t number_;
  const Json request_id_;  // null for a GET stream
  const std::vector<Header> headers_;
  const std::size_t replay_bytes_;
  const std::function<void(Stream&)> on_done_;

  mutable std::mutex mu_;
  std::shared_ptr<Exchange> ex_;
  bool sse_ = false;
  bool complete_ = false;
  std::uint64_t next_seq_ = 1;
  std::deque<std::pair<std::uint64_t, std::string>> events_;
  std::size_t kept_bytes_ = 0;
};

struct StreamableHttp::Session {
  explicit Session(const std::string& id) : mcp(std::make_shared<mcp::Session>(id)) {}

  std::shared_ptr<mcp::Session> mcp;
  std::mutex mu;
  Clock::time_point last_seen = Clock::now();
  std::uint64_t next_stream = 1;
  std::map<std::uint64_t, std::shared_ptr<Stream>> streams;  // open, or waiting to be resumed
  std::shared_ptr<Stream> listener;                          // the GET stream, when open
  bool ended = false;
  std::string owner;  // the principal that started it; empty without authentication

  const std::string& id() const { return mcp->id(); }
  void touch() {
    std::lock_guard lock(mu);
    last_seen = Clock::now();
  }
};

StreamableHttp::StreamableHttp(mcp::Core& core, TransportOptions options, ReadyCheck ready)
    : core_(core),
      options_(std::move(options)),
      ready_(std::move(ready)),
      limiter_(options_.session_rate, options_.session_burst),
      maintenance_([this] { maintenance_loop(); }) {}

StreamableHttp::~StreamableHttp() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  maintenance_.join();
}

void StreamableHttp::start_draining() {
  draining_ = true;
}

std::size_t StreamableHttp::session_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void StreamableHttp::close_all() {
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, s] : sessions_) all.push_back(s);
  }
  for (auto& s : all) end_session(s, "server shutting down");
}

void StreamableHttp::end_session(const std::shared_ptr<Session>& s, const char* why) {
  {
    std::lock_guard lock(mu_);
    sessions_.erase(s->id());
  }
  std::vector<std::shared_ptr<Stream>> streams;
  {
    std::lock_guard lock(s->mu);
    if (s->ended) return;
    s->ended = true;
    for (auto& [n, st] : s->streams) streams.push_back(st);
    if (s->listener) streams.push_back(s->listener);
    s->streams.clear();
    s->listener.reset();
  }
  core_.end_session(*s->mcp);
  limiter_.forget(s->id());
  for (auto& st : streams) st->close();
  log::debug("http session ended", {{"reason", why}});
}

void StreamableHttp::maintenance_loop() {
  auto next_keepalive = Clock::now() + options_.keepalive;
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(250));
    if (stopping_) break;
    lock.unlock();
    const auto now = Clock::now();
    std::vector<std::shared_ptr<Session>> all;
    {
      std::lock_guard g(mu_);
      for (auto& [id, s] : sessions_) all.push_back(s);
    }
    const bool keepalive = now >= next_keepalive;
    if (keepalive) next_keepalive = now + options_.keepalive;
    for (auto& s : all) {
      std::vector<std::shared_ptr<Stream>> streams;
      bool idle = false;
      {
        std::lock_guard g(s->mu);
        bool busy = s->listener && s->listener->attached();
        for (auto& [n, st] : s->streams) {
          busy = busy || !st->complete() || st->attached();
          streams.push_back(st);
        }
        if (s->listener) streams.push_back(s->listener);
        idle = !busy && now - s->last_seen > options_.session_idle;
      }
      if (idle) {
        end_session(s, "idle");
        continue;
      }
      if (keepalive) {
        for (auto& st : streams) st->keepalive();
      }
    }
    lock.lock();
  }
}

void StreamableHttp::on_request(Request req, std::shared_ptr<Exchange> ex) {
  const std::string_view path = req.path();
  if (path == "/healthz" || path == "/readyz") {
    if (req.method != "GET" && req.method != "HEAD") {
      ex->respond(json_response(405, R"({"status":"method not allowed"})", {{"Allow", "GET, HEAD"}}));
      return;
    }
    if (path == "/healthz") {
      ex->respond(json_response(200, R"({"status":"ok"})"));
      return;
    }
    std::optional<std::string> why;
    if (draining_) {
      why = "draining: the server is shutting down";
    } else if (ready_) {
      why = ready_();
    }
    ex->respond(why ? json_response(503, dump_line(Json{{"status", "not ready"}, {"reason", *why}}))
                    : json_response(200, R"({"status":"ready"})"));
    return;
  }
  // RFC 9728: at the resource's own path under the well-known prefix, and at the prefix
  // alone for clients that look there first. Public: it tells a client where to get a token.
  if (options_.auth && (path == options_.auth->metadata_path() || path == "/.well-known/oauth-protected-resource")) {
    if (req.method != "GET" && req.method != "HEAD") {
      ex->respond(refuse(405, "Method not allowed: the metadata is read with GET", {{"Allow", "GET, HEAD"}}));
      return;
    }
    ex->respond(json_response(200, dump_pretty(options_.auth->metadata()), {{"Access-Control-Allow-Origin", "*"}}));
    return;
  }
  if (path != options_.endpoint) {
    ex->respond(refuse(404, "Not found: the MCP endpoint is " + options_.endpoint));
    return;
  }
  // DNS rebinding: a page on another site must not reach a server on this machine through a
  // name that resolves here, so the Host names this server, and a browser's Origin is one
  // we were told to trust.
  const std::string* host = req.header("host");
  if (host == nullptr) {
    ex->respond(refuse(400, "Bad request: no Host header"));
    return;
  }
  if (!options_.allowed_hosts.empty() && !listed(options_.allowed_hosts, host_name(*host))) {
    ex->respond(refuse(403, "Forbidden: Host '" + host_name(*host) + "' is not one this server answers to"));
    return;
  }
  std::vector<Header> cors;
  if (const std::string* origin = req.header("origin")) {
    const std::string o = lower(*origin);
    // An origin is allowed as listed, or with any port when listed without one.
    const auto colon = o.find(':', o.find("//") == std::string::npos ? 0 : o.find("//") + 2);
    const std::string no_port = colon == std::string::npos ? o : o.substr(0, colon);
    const bool v6 = o.find('[') != std::string::npos;
    const std::string base = v6 ? o.substr(0, o.find(']') + 1) : no_port;
    if (!listed(options_.allowed_origins, o) && !listed(options_.allowed_origins, base)) {
      ex->respond(refuse(403, "Forbidden: Origin '" + *origin + "' is not allowed"));
      return;
    }
    cors = {{"Access-Control-Allow-Origin", *origin},
            {"Access-Control-Expose-Headers", "Mcp-Session-Id"},
            {"Vary", "Origin"}};
  }
  if (req.method == "OPTIONS") {  // a browser's preflight
    cors.push_back({"Access-Control-Allow-Methods", "GET, POST, DELETE"});
    cors.push_back({"Access-Control-Allow-Headers",
                    "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID"});
    cors.push_back({"Access-Control-Max-Age", "600"});
    ex->respond(Response{204, std::move(cors), {}});
    return;
  }
  if (req.method != "POST" && req.method != "GET" && req.method != "DELETE") {
    cors.push_back({"Allow", "GET, POST, DELETE"});
    ex->respond(refuse(405, "Method not allowed: the MCP endpoint takes POST, GET and DELETE", std::move(cors)));
    return;
  }
  std::optional<auth::Principal> who;
  if (options_.auth) {
    auto verdict = options_.auth->authenticate(req.header("authorization"));
    if (auto* denial = std::get_if<auth::Denial>(&verdict)) {
      // The reason, never the token.
      log::info("request refused", {{"status", denial->status}, {"error", denial->error}});
      cors.push_back({"WWW-Authenticate", options_.auth->challenge(*denial)});
      ex->respond(refuse(denial->status, "Unauthorized: " + denial->description, std::move(cors)));
      return;
    }
    who = std::get<auth::Principal>(std::move(verdict));
  }
  const auth::Principal* principal = who ? &*who : nullptr;
  if (const std::string* v = req.header("mcp-protocol-version");
      v != nullptr && !mcp::is_supported_protocol_version(*v)) {
    std::string supported;
    for (const auto& s : mcp::supported_protocol_versions()) supported += (supported.empty() ? "" : ", ") + s;
    ex->respond(
        refuse(400, "Unsupported MCP-Protocol-Version '" + *v + "': supported are " + supported, std::move(cors)));
    return;
  }
  if (req.method == "POST") {
    handle_post(req, ex, cors, principal);
  } else if (req.method == "GET") {
    handle_get(req, ex, cors, principal);
  } else {
    handle_delete(req, ex, std::move(cors), principal);
  }
}

std::shared_ptr<StreamableHttp::Session> StreamableHttp::find_session(const Request& req,
                                                                      const std::shared_ptr<Exchange>& ex,
                                                                      const std::vector<Header>& cors,
                                                                      const auth::Principal* who) {
  const std::string* id = req.header("mcp-session-id");
  if (id == nullptr) {
    ex->respond(refuse(400, "Bad request: Mcp-Session-Id header required (send 'initialize' first)", cors));
    return nullptr;
  }
  std::shared_ptr<Session> s;
  {
    std::lock_guard lock(mu_);
    if (auto it = sessions_.find(*id); it != sessions_.end()) s = it->second;
  }
  if (s && who != nullptr && s->owner != who->subject) s = nullptr;
  if (!s) {
    ex->respond(refuse(404, "Session not found: it ended or expired; send 'initialize' to start a new one", cors));
    return nullptr;
  }
  s->touch();
  return s;
}

void StreamableHttp::handle_post(const Request& req, const std::shared_ptr<Exchange>& ex,
                                 const std::vector<Header>& cors, const auth::Principal* who) {
  const std::string* type = req.header("content-type");
  if (type == nullptr || lower(*type).rfind("application/json", 0) != 0) {
    ex->respond(refuse(415, "Unsupported media type: a POST carries one JSON-RPC message as application/json", cors));
    return;
  }
  if (!accepts(req, "application/json") || !accepts(req, "text/event-stream")) {
    ex->respond(refuse(406, "Not acceptable: Accept must list application/json and text/event-stream", cors));
    return;
  }
  mcp::ParsedMessage parsed = mcp::parse_message(req.body);
  if (parsed.error) {
    ex->respond(json_response(400, dump_line(*parsed.error), cors));
    return;
  }
  const Json& msg = parsed.message;
  if (msg.is_array()) {
    ex->respond(json_response(
        400, rpc_error_body(mcp::rpc::kInvalidRequest, "Batch requests (JSON arrays) are not supported"), cors));
    return;
  }
  if (!msg.is_object()) {
    ex->respond(json_response(
        400, rpc_error_body(mcp::rpc::kInvalidRequest, "Invalid request: a JSON-RPC message must be an object"), cors));
    return;
  }
  const bool has_method = msg.contains("method");
  const bool has_id = msg.contains("id");
  const bool is_request = has_method && has_id;
  const bool is_response = !has_method && has_id && (msg.contains("result") || msg.contains("error"));
  if (!is_request && !has_method && !is_response) {
    ex->respond(json_response(
        400,
        rpc_error_body(mcp::rpc::kInvalidRequest, "Invalid request: missing \"method\"", has_id ? msg["id"] : Json()),
        cors));
    return;
  }
  if (is_request && !mcp::valid_id(msg["id"])) {
    ex->respond(json_response(
        400, rpc_error_body(mcp::rpc::kInvalidRequest, "Invalid request: \"id\" must be a string or an integer"),
        cors));
    return;
  }
  const Json id = is_request ? msg["id"] : Json();
  if (is_request && who != nullptr) {
    if (auto denial = options_.auth->authorize(*who, msg["method"].get<std::string>(), msg.value("params", Json()))) {
      // The scope is the server's own name for it; the organisation is a claim: not logged.
      Json fields = {{"status", denial->status}, {"error", denial->error}};
      if (!denial->scope.empty()) fields["scope"] = denial->scope;
      log::info("request refused", fields);
      std::vector<Header> headers = cors;
      headers.push_back({"WWW-Authenticate", options_.auth->challenge(*denial)});
      ex->respond(refuse(denial->status, "Forbidden: " + denial->description, std::move(headers), id));
      return;
    }
  }

  std::shared_ptr<Session> s;
  std::vector<Header> headers = cors;
  if (is_request && msg["method"] == "initialize" && req.header("mcp-session-id") == nullptr) {
    if (draining_) {
      ex->respond(refuse(503, "Service unavailable: the server is shutting down", cors, id));
      return;
    }
    s = std::make_shared<Session>(new_session_id());
    if (who != nullptr) s->owner = who->subject;
    {
      std::lock_guard lock(mu_);
      if (sessions_.size() >= options_.max_sessions) {
        ex->respond(refuse(503, "Service unavailable: too many open sessions", cors, id));
        return;
      }
      sessions_.emplace(s->id(), s);
    }
    headers.push_back({"Mcp-Session-Id", s->id()});
  } else {
    s = find_session(req, ex, cors, who);
    if (!s) return;
    if (is_request && draining_) {
      ex->respond(refuse(503, "Service unavailable: the server is shutting down", {{"Retry-After", "1"}}, id));
      return;
    }
    headers.push_back({"Mcp-Session-Id", s->id()});
  }
  if (auto retry_after = limiter_.acquire(s->id())) {
    headers.push_back({"Retry-After", std::to_string((*retry_after + 999) / 1000)});
    ex->respond(json_response(429,
                              dump_line(mcp::make_error(id, -32000, "Rate limit exceeded for this session",
                                                        Json{{"retryAfterMs", *retry_after}})),
                              std::move(headers)));
    return;
  }

  if (!is_request) {
    // Notifications and answers (to roots/list) have no answer of their own.
    std::shared_ptr<mcp::Outbound> out;
    {
      std::lock_guard lock(s->mu);
      out = s->listener;
    }
    if (!out) {
      out = std::make_shared<Stream>(0, Json(), headers, 0, [](Stream&) {});
    }
    core_.handle_message(s->mcp, msg, out);
    ex->respond(Response{202, std::move(headers), {}});
    return;
  }

  std::shared_ptr<Stream> stream;
  {
    std::lock_guard lock(s->mu);
    const std::uint64_t n = s->next_stream++;
    std::weak_ptr<Session> weak = s;
    stream = std::make_shared<Stream>(n, id, headers, options_.replay_bytes, [weak, n](Stream&) {
      if (auto sp = weak.lock()) {
        std::lock_guard g(sp->mu);
        sp->streams.erase(n);
        sp->last_seen = Clock::now();
      }
    });
    s->streams.emplace(n, stream);
  }
  stream->attach(ex);
  std::weak_ptr<Stream> weak_stream = stream;
  const Exchange* raw = ex.get();
  std::weak_ptr<Session> weak_session = s;
  ex->on_disconnect([weak_stream, raw, weak_session] {
    if (auto st = weak_stream.lock()) st->detach(raw);
    if (auto sp = weak_session.lock()) sp->touch();
  });
  const bool was_initialized = s->mcp->initialized();
  core_.handle_message(s->mcp, msg, stream);
  if (msg["method"] == "initialize" && !was_initialized && !s->mcp->initialized()) end_session(s, "initialize failed");
}

void StreamableHttp::handle_get(const Request& req, const std::shared_ptr<Exchange>& ex,
                                const std::vector<Header>& cors, const auth::Principal* who) {
  if (!accepts(req, "text/event-stream")) {
    ex->respond(refuse(406, "Not acceptable: a GET opens an SSE stream; Accept must list text/event-stream", cors));
    return;
  }
  auto s = find_session(req, ex, cors, who);
  if (!s) return;
  std::vector<Header> headers = cors;
  headers.push_back({"Mcp-Session-Id", s->id()});

  if (const std::string* last = req.header("last-event-id")) {
    // "<stream>-<n>": resume that stream after event n.
    std::uint64_t number = 0;
    std::uint64_t after = 0;
    std::shared_ptr<Stream> stream;
    const auto dash = last->find('-');
    try {
      if (dash != std::string::npos) {
        number = std::stoull(last->substr(0, dash));
        after = std::stoull(last->substr(dash + 1));
      }
    } catch (const std::exception&) {
      number = 0;
    }
    {
      std::lock_guard lock(s->mu);
      if (auto it = s->streams.find(number); it != s->streams.end()) {
        stream = it->second;
      } else if (s->listener && s->listener->number() == number) {
        stream = s->listener;
      }
    }
    if (!stream) {
      ex->respond(refuse(400, "Last-Event-ID '" + *last + "' names no stream of this session that can be resumed",
                         std::move(headers)));
      return;
    }
    std::weak_ptr<Stream> weak = stream;
    const Exchange* raw = ex.get();
    ex->on_disconnect([weak, raw] {
      if (auto st = weak.lock()) st->detach(raw);
    });
    stream->resume(after, ex);
    return;
  }

  std::shared_ptr<Stream> stream;
  {
    std::lock_guard lock(s->mu);
    if (s->listener && s->listener->attached()) {
      ex->respond(refuse(409, "Conflict: this session already has an open GET stream", std::move(headers)));
      return;
    }
    if (!s->listener) {
      s->listener = std::make_shared<Stream>(s->next_stream++, Json(), headers, options_.replay_bytes, [](Stream&) {});
    }
    stream = s->listener;
  }
  std::weak_ptr<Stream> weak = stream;
  const Exchange* raw = ex.get();
  std::weak_ptr<Session> weak_session = s;
  ex->on_disconnect([weak, raw, weak_session] {
    if (auto st = weak.lock()) st->detach(raw);
    if (auto sp = weak_session.lock()) sp->touch();
  });
  stream->attach(ex);
  stream->open_now();
}

void StreamableHttp::handle_delete(const Request& req, const std::shared_ptr<Exchange>& ex, std::vector<Header> cors,
                                   const auth::Principal* who) {
  auto s = find_session(req, ex, cors, who);
  if (!s) return;
  end_session(s, "deleted by the client");
  ex->respond(Response{200, std::move(cors), {}});
}

}  // namespace pm::http
