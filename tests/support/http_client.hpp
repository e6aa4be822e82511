#pragma once
// A small blocking HTTP/1.1 client for the tests of `serve --http`: one request at a time
// on one connection, answers with Content-Length or chunked bodies, and SSE events read as
// they arrive. Test support only: it trusts the server to speak HTTP/1.1.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pm::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower case
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct SseEvent {
  std::string id;
  std::string event;
  std::string data;
  std::optional<long> retry;
};

class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  void send_request(const std::string& method, const std::string& target, const Headers& headers,
                    const std::string& body = {});
  // Status and headers; the body is then read with read_body() or next_event().
  HttpResponse read_head(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The rest of the body (to its end: Content-Length, the last chunk, or the connection's end).
  std::string read_body(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next SSE event of a streamed body; nullopt at its end or on timeout.
  std::optional<SseEvent> next_event(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the server closed the connection (read returns 0) within the timeout.
  bool closed_by_server(std::chrono::milliseconds timeout);
  void close();

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);    // false on timeout or EOF
  bool decode(std::chrono::steady_clock::time_point deadline);  // moves body bytes from raw_ to body_
  int fd_ = -1;
  std::string raw_;
  std::string body_;
  bool chunked_ = false;
  long long remaining_ = -1;  // Content-Length left; -1 until the end of the connection
  bool body_done_ = false;
  bool eof_ = false;
};

// One request on a fresh connection; the whole answer.
HttpResponse http_request(int port, const std::string& method, const std::string& target, const Headers& headers,
                          const std::string& body = {});

}  // namespace pm::test
