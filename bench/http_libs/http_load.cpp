// Load generator for ADR-007's HTTP library comparison (loopback only, bounded).
//   http_load --port P --pid PID --idle N          N idle SSE streams: server RSS and threads
//                                                   held, then whether a POST is still answered
//   http_load --port P --pid PID --clients C --seconds S
//                                                   C keep-alive clients POSTing in a loop: calls/s,
//                                                   latency p50/p99, server CPU time
// Prints one JSON object.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the end of the headers (and the body when Content-Length says so), at most
// `timeout_ms`. True when a "200" status line arrived.
bool read_response(int fd, int timeout_ms, bool want_body) {
  std::string buf;
  char chunk[4096];
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const auto head = buf.find("\r\n\r\n");
    if (head != std::string::npos) {
      if (!want_body) return buf.compare(9, 3, "200") == 0;
      std::size_t len = 0;
      for (const char* key : {"Content-Length: ", "content-length: "}) {
        const auto p = buf.find(key);
        if (p != std::string::npos) len = std::strtoul(buf.c_str() + p + std::strlen(key), nullptr, 10);
      }
      if (buf.size() >= head + 4 + len) return buf.compare(9, 3, "200") == 0;
    }
    const int left =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return false;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
}

long status_value(int pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key), nullptr, 10);
  }
  return -1;
}

double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = s.rfind(')');
  std::vector<std::string> f;
  std::size_t i = close + 2;
  while (i < s.size()) {
    const auto sp = s.find(' ', i);
    f.push_back(s.substr(i, sp - i));
    if (sp == std::string::npos) break;
    i = sp + 1;
  }
  return (std::stod(f[11]) + std::stod(f[12])) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

const std::string kPost =
    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Accept: application/json, text/event-stream\r\nContent-Length: 58\r\n\r\n"
    R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}})";
const std::string kGet = "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";

int idle(int port, int pid, int n) {
  const long rss0 = status_value(pid, "VmRSS:");
  std::vector<int> fds;
  int opened = 0;
  for (int i = 0; i < n; ++i) {
    const int fd = connect_to(port);
    if (fd < 0) break;
    fds.push_back(fd);
    if (send_all(fd, kGet) && read_response(fd, 2000, false)) ++opened;
  }
  ::sleep(1);
  const long rss = status_value(pid, "VmRSS:");
  const long threads = status_value(pid, "Threads:");
  // Is the server still answering while the streams are held?
  const int probe = connect_to(port);
  const auto t0 = Clock::now();
  const bool answered = probe >= 0 && send_all(probe, kPost) && read_response(probe, 2000, true);
  const double probe_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  if (probe >= 0) ::close(probe);
  for (int fd : fds) ::close(fd);
  std::printf(
      "{\"streams\":%d,\"opened\":%d,\"rssBeforeKb\":%ld,\"rssHeldKb\":%ld,\"kbPerStream\":%.2f,\"threads\":%ld,"
      "\"postAnsweredWhileHeld\":%s,\"postMs\":%.2f}\n",
      n, opened, rss0, rss, opened > 0 ? static_cast<double>(rss - rss0) / opened : 0.0, threads,
      answered ? "true" : "false", probe_ms);
  return 0;
}

int calls(int port, int pid, int clients, int seconds) {
  struct Client {
    int fd;
    Clock::time_point sent;
    std::string buf;
  };
  std::vector<Client> cs;
  const int ep = ::epoll_create1(0);
  for (int i = 0; i < clients; ++i) {
    const int fd = connect_to(port);
    if (fd < 0) return 1;
    cs.push_back({fd, {}, {}});
  }
  for (std::size_t i = 0; i < cs.size(); ++i) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &e);
  }
  std::vector<double> lat;
  lat.reserve(1 << 20);
  const double cpu0 = cpu_seconds(pid);
  const auto start = Clock::now();
  const auto stop = start + std::chrono::seconds(seconds);
  for (auto& c : cs) {
    c.sent = Clock::now();
    send_all(c.fd, kPost);
  }
  std::size_t done = 0;
  epoll_event evs[64];
  char chunk[8192];
  int live = clients;
  while (live > 0) {
    const int n = ::epoll_wait(ep, evs, 64, 2000);
    if (n <= 0) break;
    for (int k = 0; k < n; ++k) {
      Client& c = cs[evs[k].data.u64];
      const ssize_t r = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (r <= 0) {
        ::epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        --live;
        continue;
      }
      c.buf.append(chunk, static_cast<std::size_t>(r));
      const auto head = c.buf.find("\r\n\r\n");
      if (head == std::string::npos) continue;
      std::size_t len = 0;
      for (const char* key : {"Content-Length: ", "content-length: "}) {
        const auto p = c.buf.find(key);
        if (p != std::string::npos && p < head) len = std::strtoul(c.buf.c_str() + p + std::strlen(key), nullptr, 10);
      }
      if (c.buf.size() < head + 4 + len) continue;
      c.buf.erase(0, head + 4 + len);
      const auto now = Clock::now();
      lat.push_back(std::chrono::duration<double, std::milli>(now - c.sent).count());
      ++done;
      if (now >= stop) {
        ::epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        --live;
        continue;
      }
      c.sent = now;
      send_all(c.fd, kPost);
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds(pid) - cpu0;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double q) {
    return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<std::size_t>(q * lat.size()))];
  };
  std::printf(
      "{\"clients\":%d,\"calls\":%zu,\"seconds\":%.2f,\"callsPerSec\":%.0f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
      "\"serverCpuSeconds\":%.2f,\"serverCpuUsPerCall\":%.1f}\n",
      clients, done, secs, static_cast<double>(done) / secs, pct(0.5), pct(0.99), cpu,
      done ? cpu * 1e6 / static_cast<double>(done) : 0.0);
  for (auto& c : cs) ::close(c.fd);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, pid = 0, idle_n = 0, clients = 0, seconds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (k == "--port") port = v;
    if (k == "--pid") pid = v;
    if (k == "--idle") idle_n = v;
    if (k == "--clients") clients = v;
    if (k == "--seconds") seconds = std::min(v, 60);
  }
  if (port <= 0 || pid <= 0) {
    std::fprintf(stderr, "usage: http_load --port P --pid PID (--idle N | --clients C --seconds S)\n");
    return 2;
  }
  return idle_n > 0 ? idle(port, pid, idle_n) : calls(port, pid, clients, seconds);
}
