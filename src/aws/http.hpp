#pragma once
// Minimal HTTP client for the AWS calls. The libcurl implementation loads
// libcurl with dlopen on first use: the MCP server never pays for it at
// start-up, and a process that never talks to AWS never loads it.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pm::aws {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // as written (IPv6 keeps its brackets)
  std::optional<int> port;
  std::string path = "/";  // percent-encoded as given
  std::string query;       // raw, without '?'
  // Host header value: host plus ":port" when the port is not the scheme's default.
  std::string authority() const;
  std::string origin() const;  // scheme://authority
};
std::optional<Url> parse_url(std::string_view url);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds total_timeout{3000};
};

struct HttpResponse {
  long status = 0;
  Headers headers;  // names as received
  std::string body;
  // Case-insensitive header lookup; empty when absent.
  std::string header(std::string_view name) const;
};

enum class TransportError {
  kNone,
  kConnect,  // refused, unreachable, DNS failure
  kTimeout,  // connect or total timeout
  kNetwork,  // reset, truncated, TLS failure, ...
  kSetup,    // libcurl unavailable or unusable URL
};

struct HttpResult {
  TransportError error = TransportError::kNone;
  std::string error_detail;  // safe text (never request headers or bodies)
  HttpResponse response;
  bool ok() const { return error == TransportError::kNone; }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual HttpResult send(const HttpRequest& req) = 0;
};

// The process-wide libcurl client (thread-safe; one easy handle per thread).
std::shared_ptr<HttpClient> curl_http_client();

// True once libcurl has been loaded into this process (start-up checks use it).
bool curl_loaded();

}  // namespace pm::aws
