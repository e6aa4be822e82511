#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace pm::test {

namespace {
using Clock = std::chrono::steady_clock;
}

HttpConnection::HttpConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
  close();
}

void HttpConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void HttpConnection::send_request(const std::string& method, const std::string& target, const Headers& headers,
                                  const std::string& body) {
  std::string out = method + " " + target + " HTTP/1.1\r\n";
  bool has_host = false;
  for (const auto& [n, v] : headers) {
    out += n + ": " + v + "\r\n";
    std::string lower = n;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    has_host = has_host || lower == "host";
  }
  if (!has_host) out += "Host: 127.0.0.1\r\n";
  if (!body.empty() || method == "POST") out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n" + body;
  std::size_t off = 0;
  while (off < out.size()) {
    const ssize_t n = ::send(fd_, out.data() + off, out.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<std::size_t>(n);
  }
  body_.clear();
  chunked_ = false;
  remaining_ = -1;
  body_done_ = false;
}

bool HttpConnection::fill(Clock::time_point deadline) {
  if (eof_ || fd_ < 0) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  raw_.append(buf, static_cast<std::size_t>(n));
  return true;
}

HttpResponse HttpConnection::read_head(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::size_t end;
  while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) throw std::runtime_error("no HTTP answer (timeout or connection closed)");
  }
  HttpResponse r;
  const std::string head = raw_.substr(0, end);
  raw_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  r.status = std::stoi(status_line.substr(9, 3));
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers[name] = value;
  }
  chunked_ = r.header("transfer-encoding") == "chunked";
  if (!r.header("content-length").empty()) remaining_ = std::stoll(r.header("content-length"));
  body_done_ = !chunked_ && remaining_ == 0;
  return r;
}

bool HttpConnection::decode(Clock::time_point deadline) {
  if (body_done_) return false;
  if (!chunked_) {
    if (raw_.empty() && !fill(deadline)) {
      if (eof_ && remaining_ < 0) body_done_ = true;
      return false;
    }
    std::size_t take = raw_.size();
    if (remaining_ >= 0) take = std::min<std::size_t>(take, static_cast<std::size_t>(remaining_));
    body_ += raw_.substr(0, take);
    raw_.erase(0, take);
    if (remaining_ >= 0) {
      remaining_ -= static_cast<long long>(take);
      if (remaining_ == 0) body_done_ = true;
    }
    return true;
  }
  for (;;) {
    const auto nl = raw_.find("\r\n");
    if (nl != std::string::npos) {
      const std::size_t size = std::stoul(raw_.substr(0, nl), nullptr, 16);
      if (size == 0) {
        if (raw_.size() < nl + 4 && !fill(deadline)) return false;
        raw_.erase(0, nl + 4);
        body_done_ = true;
        return false;
      }
      if (raw_.size() >= nl + 2 + size + 2) {
        body_ += raw_.substr(nl + 2, size);
        raw_.erase(0, nl + 2 + size + 2);
        return true;
      }
    }
    if (!fill(deadline)) return false;
  }
}

std::string HttpConnection::read_body(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!body_done_) {
    if (!decode(deadline) && !body_done_ && (eof_ || Clock::now() >= deadline)) break;
  }
  std::string out;
  out.swap(body_);
  return out;
}

std::optional<SseEvent> HttpConnection::next_event(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto end = body_.find("\n\n");
    if (end != std::string::npos) {
      const std::string block = body_.substr(0, end);
      body_.erase(0, end + 2);
      SseEvent e;
      bool any = false;
      std::size_t pos = 0;
      while (pos <= block.size()) {
        const auto nl = block.find('\n', pos);
        const std::string line = block.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? block.size() + 1 : nl + 1;
        if (line.empty() || line[0] == ':') continue;  // comments (keep-alives)
        const auto colon = line.find(':');
        const std::string field = line.substr(0, colon);
        std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.erase(0, 1);
        any = true;
        if (field == "id") e.id = value;
        if (field == "event") e.event = value;
        if (field == "data") e.data += value;
        if (field == "retry") e.retry = std::stol(value);
      }
      if (any) return e;
      continue;
    }
    if (!decode(deadline)) {
      if (body_done_ || eof_ || Clock::now() >= deadline) return std::nullopt;
    }
  }
}

bool HttpConnection::closed_by_server(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_ && Clock::now() < deadline) fill(deadline);
  return eof_;
}

HttpResponse http_request(int port, const std::string& method, const std::string& target, const Headers& headers,
                          const std::string& body) {
  HttpConnection c(port);
  c.send_request(method, target, headers, body);
  HttpResponse r = c.read_head();
  r.body = c.read_body();
  return r;
}

}  // namespace pm::test
