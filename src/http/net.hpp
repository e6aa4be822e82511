#pragma once
// The boundary between the server and its HTTP network layer. The network layer (connections,
// HTTP/1.1 parsing, writes, the event loop) lives in a shared object of its own, opened with
// dlopen only by `serve --http` (docs/adr/ADR-007), so that the stdio server maps nothing of
// it. Both sides are built together by the same compiler, so the interface is plain C++: a
// few abstract classes and standard types, and one C entry point that creates the Listener.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pm::http {

struct Header {
  std::string name;  // lower case in a Request; as given in a Response
  std::string value;
};

struct Request {
  std::string method;  // "POST", "GET", ...
  std::string target;  // path and query as sent
  std::vector<Header> headers;
  std::string body;

  // The first header of that name (lower case), null when absent.
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.name == name) return &h.value;
    }
    return nullptr;
  }
  // The path without the query.
  std::string_view path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
};

// The answering side of one request. Every method is thread-safe and returns at once: the
// work is queued on the event loop. Once the connection is gone, writes are dropped.
class Exchange {
 public:
  virtual ~Exchange() = default;
  // A complete answer (Content-Length set here); ends the exchange.
  virtual void respond(Response response) = 0;
  // Starts a streamed answer (chunked): the status line and headers now, the body in pieces.
  virtual void open_stream(int status, std::vector<Header> headers) = 0;
  virtual void write(std::string bytes) = 0;
  // Ends the streamed body; the connection then serves the client's next request.
  virtual void end_stream() = 0;
  // Closes the connection once what is queued is written (the client reconnects later).
  virtual void close_connection() = 0;
  // Called once, on the event loop, when the connection ends before the exchange did
  // (the client went away or close_connection()); at once if that already happened.
  virtual void on_disconnect(std::function<void()> callback) = 0;
  // False once the connection is known to be gone.
  virtual bool connected() const = 0;
};

// What the server does with each request. Called on the event loop: it must not block
// (long work goes elsewhere and answers through the Exchange later).
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void on_request(Request request, std::shared_ptr<Exchange> exchange) = 0;
};

struct ListenOptions {
  std::string host;  // an address literal: 127.0.0.1, ::1, 0.0.0.0
  std::string port;  // "0" picks a free port
  std::size_t max_body_bytes = 4u << 20;
  std::size_t max_header_bytes = 16u << 10;
  std::size_t max_connections = 20000;
  // A connection with no request in progress is closed after this long, and so is one whose
  // request (headers and body) takes longer than this to arrive.
  std::chrono::milliseconds idle_timeout{60000};
  // Bodies of the answers the network layer gives by itself (413 too large, 400 not HTTP,
  // 503 too many connections), so that they are JSON-RPC errors like every other.
  std::string too_large_body;
  std::string bad_request_body;
  std::string overloaded_body;
};

class Listener {
 public:
  virtual ~Listener() = default;
  // The bound address as host:port ([::1]:8080 for IPv6).
  virtual std::string local_address() const = 0;
  // Runs the event loop on the calling thread until stop().
  virtual void run() = 0;
  // Thread-safe. Stops accepting connections; the open ones are served on.
  virtual void stop_accepting() = 0;
  // Thread-safe. Closes every connection and makes run() return.
  virtual void stop() = 0;
};

// The shared object's one exported function: binds the address and returns the Listener,
// or null with `error` set (address in use, not an address, ...).
using CreateListenerFn = Listener* (*)(const ListenOptions* options, Handler* handler, std::string* error);
inline constexpr const char* kCreateListenerSymbol = "pm_http_create_listener";
inline constexpr const char* kModuleFileName = "phase-mirror-mcp-http.so";

}  // namespace pm::http
