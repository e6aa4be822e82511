#include "aws/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <atomic>
#include <cctype>
#include <mutex>

namespace pm::aws {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// The few libcurl entry points we use, resolved at run time.
struct CurlApi {
  bool ok = false;
  std::string error;
  CURLcode (*global_init)(long) = nullptr;
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
};

std::atomic<bool> g_loaded{false};

template <class F>
bool resolve(void* lib, const char* name, F& fn) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  return fn != nullptr;
}

const CurlApi& curl_api() {
  static CurlApi api;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      api.error = "libcurl (libcurl.so.4) could not be loaded; install the libcurl4 package";
      return;
    }
    bool all =
        resolve(lib, "curl_global_init", api.global_init) && resolve(lib, "curl_easy_init", api.easy_init) &&
        resolve(lib, "curl_easy_cleanup", api.easy_cleanup) && resolve(lib, "curl_easy_reset", api.easy_reset) &&
        resolve(lib, "curl_easy_setopt", api.easy_setopt) && resolve(lib, "curl_easy_getinfo", api.easy_getinfo) &&
        resolve(lib, "curl_easy_perform", api.easy_perform) && resolve(lib, "curl_slist_append", api.slist_append) &&
        resolve(lib, "curl_slist_free_all", api.slist_free_all) &&
        resolve(lib, "curl_easy_strerror", api.easy_strerror);
    if (!all || api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      api.error = "libcurl is present but unusable";
      return;
    }
    api.ok = true;
    g_loaded = true;
  });
  return api;
}

constexpr std::size_t kMaxBody = std::size_t{16} * 1024 * 1024;

struct Sink {
  std::string* body = nullptr;
  bool overflow = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  if (sink->body->size() + size * n > kMaxBody) {
    sink->overflow = true;
    return 0;
  }
  sink->body->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100-continue or a redirect) starts
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  headers->emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return size * n;
}

// One easy handle per thread, so that connections are reused between calls.
struct Handle {
  CURL* h = nullptr;
  ~Handle() {
    if (h != nullptr) curl_api().easy_cleanup(h);
  }
};

class CurlHttpClient final : public HttpClient {
 public:
  HttpResult send(const HttpRequest& req) override {
    HttpResult result;
    const CurlApi& api = curl_api();
    if (!api.ok) {
      result.error = TransportError::kSetup;
      result.error_detail = api.error;
      return result;
    }
    thread_local Handle handle;
    if (handle.h == nullptr) handle.h = api.easy_init();
    if (handle.h == nullptr) {
      result.error = TransportError::kSetup;
      result.error_detail = "libcurl could not create a handle";
      return result;
    }
    CURL* h = handle.h;
    api.easy_reset(h);

    curl_slist* headers = nullptr;
    std::string line;  // slist_append copies it
    for (const auto& [k, v] : req.headers) {
      line.assign(k).append(": ").append(v);
      headers = api.slist_append(headers, line.c_str());
    }
    // No "Expect: 100-continue" round trip for larger bodies.
    headers = api.slist_append(headers, "Expect:");

    Sink sink{&result.response.body};
    api.easy_setopt(h, CURLOPT_URL, req.url.c_str());
    api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.connect_timeout.count()));
    api.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.total_timeout.count()));
    api.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    api.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    api.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    api.easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    api.easy_setopt(h, CURLOPT_HEADERDATA, &result.response.headers);
    if (req.method == "GET") {
      api.easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      api.easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
      api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      if (req.method != "POST") api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }

    CURLcode rc = api.easy_perform(h);
    api.slist_free_all(headers);
    if (rc != CURLE_OK) {
      switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY: result.error = TransportError::kConnect; break;
        case CURLE_OPERATION_TIMEDOUT: result.error = TransportError::kTimeout; break;
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL: result.error = TransportError::kSetup; break;
        default: result.error = TransportError::kNetwork; break;
      }
      result.error_detail = sink.overflow ? "response larger than 16 MiB" : api.easy_strerror(rc);
      return result;
    }
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.response.status);
    return result;
  }
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

std::string Url::authority() const {
  bool default_port = !port || (scheme == "http" && *port == 80) || (scheme == "https" && *port == 443);
  return default_port ? host : host + ":" + std::to_string(*port);
}

std::string Url::origin() const {
  return scheme + "://" + authority();
}

std::optional<Url> parse_url(std::string_view url) {
  Url u;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  u.scheme = std::string(url.substr(0, sep));
  for (auto& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  url.remove_prefix(sep + 3);
  auto end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, end);
  std::string_view rest = end == std::string_view::npos ? std::string_view{} : url.substr(end);
  if (authority.find('@') != std::string_view::npos || authority.empty()) return std::nullopt;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  u.host = std::string(host);
  for (auto& c : u.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!port.empty()) {
    int p = 0;
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
      p = p * 10 + (c - '0');
      if (p > 65535) return std::nullopt;
    }
    u.port = p;
  }
  auto hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  auto q = rest.find('?');
  u.path = std::string(rest.substr(0, q));
  if (u.path.empty()) u.path = "/";
  if (q != std::string_view::npos) u.query = std::string(rest.substr(q + 1));
  return u;
}

std::shared_ptr<HttpClient> curl_http_client() {
  static auto client = std::make_shared<CurlHttpClient>();
  return client;
}

bool curl_loaded() {
  return g_loaded.load();
}

}  // namespace pm::aws
