// End-to-end harness for `serve --http` on loopback: what a team's clients see of one server.
//
//   pm_http_bench --binary PATH [--only small|idle|busy] [--clients 32] [--seconds 10]
//                 [--idle 1000] [--analyses 8] [--smoke] [--json FILE] [--markdown FILE]
//
// Scenarios (each against a fresh server process, PHASE_MIRROR_RATE_LIMIT=0 and
// --session-rate-limit 0 so that the limiters are not what is measured):
// - small: `--clients` keep-alive clients, one session each, POSTing back to back for
//   `--seconds`: ping (the floor: no tool, no worker) and two small tool calls. Calls/s and
//   round-trip p50/p99 (request written -> whole answer read).
// - idle: `--idle` sessions, each with its GET stream open and nothing else: the server's
//   RSS and threads while they are held, and a ping on another session meanwhile.
// - busy: `--analyses` clients running analyze_dissonance on the 1 MB workflow back to back
//   while one more client sends a ping every 10 ms (and then a small tool call every 10 ms):
//   their round trips.
// Every answer is checked (HTTP 200, a JSON-RPC result, no tool error); a wrong one ends the
// run with exit code 1. Loopback only; the client runs on the same 2 cores as the server.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "e2e/inputs.hpp"
#include "util/json.hpp"

namespace pm::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Options {
  std::string binary;
  std::string only;
  int clients = 32;
  int seconds = 10;
  int idle = 1000;
  int analyses = 8;
  bool smoke = false;
  std::string json_path;
  std::string markdown_path;
};

// ---------------------------------------------------------------------------------------
// The server process.

long proc_status(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key), nullptr, 10);
  }
  return -1;
}

class HttpServerProcess {
 public:
  // Each server logs to a file of its own: its banner is the port to use.
  HttpServerProcess(const Options& o, const Inputs& in)
      : log_(in.root + "/server-" + std::to_string(++started_) + ".log") {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a harness that dies takes its server with it
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (fd < 0) ::_exit(127);
      ::dup2(fd, 2);
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::setenv("PHASE_MIRROR_WORKSPACE", in.workspace.c_str(), 1);
      ::setenv("PHASE_MIRROR_DATA_DIR", in.data_dir.c_str(), 1);
      ::setenv("PHASE_MIRROR_RATE_LIMIT", "0", 1);
      if (::chdir(in.workspace.c_str()) != 0) ::_exit(127);
      ::execl(o.binary.c_str(), o.binary.c_str(), "serve", "--http", "127.0.0.1:0", "--session-rate-limit", "0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const std::regex banner(R"(listening on http://127\.0\.0\.1:(\d+)/mcp)");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::ifstream f(log_);
      const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      std::smatch m;
      if (std::regex_search(text, m, banner)) {
        port_ = std::stoi(m[1]);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (port_ == 0) {
      stop();
      std::ifstream f(log_);
      const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      throw std::runtime_error("the server printed no listening banner; its log: " + text.substr(0, 2000));
    }
  }
  ~HttpServerProcess() { stop(); }
  HttpServerProcess(const HttpServerProcess&) = delete;
  HttpServerProcess& operator=(const HttpServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  long rss_kb() const { return proc_status(pid_, "VmRSS:"); }
  long threads() const { return proc_status(pid_, "Threads:"); }
  long peak_rss_kb() const { return proc_status(pid_, "VmHWM:"); }

  // SIGTERM; the server drains and exits. Its exit status (-1 when it had to be killed).
  int stop() {
    if (pid_ <= 0) return exit_;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        // A signal's death shows as 128 + its number, as a shell shows it.
        exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pid_ = -1;
        return exit_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return exit_ = -1;
  }

 private:
  static inline int started_ = 0;
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_ = 0;
};

// ---------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client: keep-alive, Content-Length bodies (what the server sends for an
// answer that is not streamed).

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("connect: " + why);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<std::size_t>(n);
  }
}

std::string post_request(int port, const std::string& body, const std::string& session) {
  std::string r = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                  "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n";
  if (!session.empty()) r += "Mcp-Session-Id: " + session + "\r\nMCP-Protocol-Version: 2025-11-25\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

struct Response {
  int status = 0;
  std::string headers;  // lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    const auto p = headers.find("\r\n" + name + ": ");
    if (p == std::string::npos) return {};
    const auto start = p + name.size() + 4;
    return headers.substr(start, headers.find("\r\n", start) - start);
  }
};

// One complete response at the front of `buf` (removed from it), or nullopt when more bytes
// are needed. Throws on a response this client does not read (no Content-Length).
std::optional<Response> take_response(std::string& buf) {
  const auto head = buf.find("\r\n\r\n");
  if (head == std::string::npos) return std::nullopt;
  Response r;
  r.headers = buf.substr(0, head + 2);
  std::transform(r.headers.begin(), r.headers.end(), r.headers.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  r.status = std::atoi(buf.c_str() + 9);
  const std::string len = r.header("content-length");
  if (len.empty()) throw std::runtime_error("an answer without Content-Length (streamed?): " + r.headers);
  const std::size_t n = std::strtoul(len.c_str(), nullptr, 10);
  if (buf.size() < head + 4 + n) return std::nullopt;
  r.body = buf.substr(head + 4, n);
  buf.erase(0, head + 4 + n);
  return r;
}

Response read_response(int fd, std::string& buf, int timeout_ms = 120000) {
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (auto r = take_response(buf)) return *r;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) throw std::runtime_error("no answer in time");
    char chunk[16384];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("the server closed the connection");
    buf.append(chunk, static_cast<std::size_t>(n));
  }
}

// A JSON-RPC answer that is a result, and not a tool error.
void check_answer(const Response& r, const char* what) {
  if (r.status != 200)
    throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
  if (r.body.find("\"result\"") == std::string::npos || r.body.find("\"isError\":true") != std::string::npos) {
    throw std::runtime_error(std::string(what) + ": not a successful result: " + r.body.substr(0, 300));
  }
}

// A client with a session on its own keep-alive connection.
struct Client {
  int fd = -1;
  std::string session;
  std::string buf;
  Clock::time_point sent;
};

Client open_client(int port) {
  Client c;
  c.fd = connect_loopback(port);
  const std::string init =
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"pm-http-bench","version":"1"}}})";
  send_all(c.fd, post_request(port, init, ""));
  Response r = read_response(c.fd, c.buf);
  check_answer(r, "initialize");
  c.session = r.header("mcp-session-id");
  if (c.session.empty()) throw std::runtime_error("initialize answered without Mcp-Session-Id");
  send_all(c.fd, post_request(port, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", c.session));
  r = read_response(c.fd, c.buf);
  if (r.status != 202) throw std::runtime_error("notifications/initialized: HTTP " + std::to_string(r.status));
  return c;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

// A request body with the given id.
std::string call_body(long long id, const std::string& method, const Json& params) {
  return dump_line(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
}

struct Request {
  std::string label;
  std::string method;
  Json params;
};

Json small_drift_call() {
  return Json{{"name", "validate_l0_invariants"},
              {"arguments",
               {{"driftCheck",
                 {{"currentMetric", {{"name", "fp_rate"}, {"value", 0.12}}},
                  {"baselineMetric", {{"name", "fp_rate"}, {"value", 0.10}}},
                  {"threshold", 0.5}}},
                {"contractionCheck", {{"previousFPR", 0.2}, {"currentFPR", 0.1}, {"witnessEventCount", 12}}}}}};
}

// ---------------------------------------------------------------------------------------
// Scenarios.

Json run_small(const Options& o, const Inputs& in, const Request& req) {
  HttpServerProcess server(o, in);
  std::vector<Client> cs;
  for (int i = 0; i < o.clients; ++i) cs.push_back(open_client(server.port()));
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < cs.size(); ++i) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &e);
  }
  std::vector<std::string> bodies;  // one per client: the id does not need to change per call
  for (std::size_t i = 0; i < cs.size(); ++i) {
    bodies.push_back(
        post_request(server.port(), call_body(static_cast<long long>(i) + 1, req.method, req.params), cs[i].session));
  }
  std::vector<double> lat;
  lat.reserve(1 << 20);
  const auto start = Clock::now();
  const auto stop = start + std::chrono::seconds(o.seconds);
  for (std::size_t i = 0; i < cs.size(); ++i) {
    cs[i].sent = Clock::now();
    send_all(cs[i].fd, bodies[i]);
  }
  int live = static_cast<int>(cs.size());
  epoll_event evs[64];
  char chunk[16384];
  Clock::time_point last_answer = start;
  while (live > 0) {
    const int n = ::epoll_wait(ep, evs, 64, 10000);
    if (n <= 0) throw std::runtime_error(req.label + ": no answer for 10 s");
    for (int k = 0; k < n; ++k) {
      const std::size_t i = evs[k].data.u64;
      Client& c = cs[i];
      const ssize_t r = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (r <= 0) throw std::runtime_error(req.label + ": the server closed a connection");
      c.buf.append(chunk, static_cast<std::size_t>(r));
      while (auto resp = take_response(c.buf)) {
        const auto now = Clock::now();
        check_answer(*resp, req.label.c_str());
        lat.push_back(ms_between(c.sent, now));
        last_answer = now;
        if (now >= stop) {
          ::epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
          --live;
          break;
        }
        c.sent = now;
        send_all(c.fd, bodies[i]);
      }
    }
  }
  ::close(ep);
  const double secs = std::chrono::duration<double>(last_answer - start).count();
  for (auto& c : cs) ::close(c.fd);
  const int exit_status = server.stop();
  if (exit_status != 0) throw std::runtime_error(req.label + ": the server exited " + std::to_string(exit_status));
  return Json{{"scenario", "small"},
              {"request", req.label},
              {"clients", o.clients},
              {"calls", lat.size()},
              {"seconds", secs},
              {"callsPerSec", static_cast<double>(lat.size()) / secs},
              {"p50Ms", percentile(lat, 0.50)},
              {"p99Ms", percentile(lat, 0.99)}};
}

Json run_idle(const Options& o, const Inputs& in) {
  HttpServerProcess server(o, in);
  const long rss_start = server.rss_kb();
  std::vector<int> streams;
  for (int i = 0; i < o.idle; ++i) {
    Client c = open_client(server.port());
    // The session's GET stream, on the connection that set the session up.
    send_all(c.fd, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                       "\r\nAccept: text/event-stream\r\nMcp-Session-Id: " + c.session +
                       "\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n");
    std::string head;
    char chunk[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c.fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) throw std::runtime_error("GET stream " + std::to_string(i) + ": no headers");
      const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (n <= 0) throw std::runtime_error("GET stream " + std::to_string(i) + ": closed");
      head.append(chunk, static_cast<std::size_t>(n));
    }
    if (head.compare(9, 3, "200") != 0 || head.find("text/event-stream") == std::string::npos) {
      throw std::runtime_error("GET stream " + std::to_string(i) + ": " + head.substr(0, head.find("\r\n")));
    }
    streams.push_back(c.fd);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long rss_held = server.rss_kb();
  const long rss_peak = server.peak_rss_kb();
  const long threads = server.threads();
  // The server answers while the streams are held.
  Client probe = open_client(server.port());
  std::vector<double> pings;
  for (int i = 0; i < 200; ++i) {
    const auto t0 = Clock::now();
    send_all(probe.fd, post_request(server.port(), call_body(i + 1, "ping", Json::object()), probe.session));
    check_answer(read_response(probe.fd, probe.buf), "ping");
    pings.push_back(ms_between(t0, Clock::now()));
  }
  ::close(probe.fd);
  for (int fd : streams) ::close(fd);
  const int exit_status = server.stop();
  if (exit_status != 0) throw std::runtime_error("idle: the server exited " + std::to_string(exit_status));
  return Json{{"scenario", "idle"},
              {"sessions", o.idle},
              {"streamsOpen", streams.size()},
              {"rssStartKb", rss_start},
              {"rssHeldKb", rss_held},
              {"rssPeakKb", rss_peak},
              {"kbPerSession", static_cast<double>(rss_held - rss_start) / std::max<std::size_t>(1, streams.size())},
              {"threads", threads},
              {"pingP50Ms", percentile(pings, 0.5)},
              {"pingP99Ms", percentile(pings, 0.99)}};
}

Json run_busy(const Options& o, const Inputs& in) {
  HttpServerProcess server(o, in);
  std::atomic<bool> stop{false};
  std::atomic<long> analyses_done{0};
  std::vector<double> analysis_ms;
  std::mutex analysis_mu;
  std::string failure;
  std::mutex failure_mu;
  const Json analysis = Json{{"name", "analyze_dissonance"}, {"arguments", {{"files", {in.big_workflow}}}}};
  std::vector<std::thread> workers;
  for (int w = 0; w < o.analyses; ++w) {
    workers.emplace_back([&, w] {
      try {
        Client c = open_client(server.port());
        long long id = 1;
        while (!stop) {
          const auto t0 = Clock::now();
          send_all(c.fd, post_request(server.port(), call_body(id++, "tools/call", analysis), c.session));
          check_answer(read_response(c.fd, c.buf), "analyze_dissonance");
          {
            std::lock_guard lock(analysis_mu);
            analysis_ms.push_back(ms_between(t0, Clock::now()));
          }
          ++analyses_done;
        }
        ::close(c.fd);
      } catch (const std::exception& e) {
        std::lock_guard lock(failure_mu);
        failure = "analysis client " + std::to_string(w) + ": " + e.what();
      }
    });
  }
  // Let every analysis start before the probe runs.
  const auto ramp_end = Clock::now() + std::chrono::seconds(5);
  while (analyses_done < o.analyses && Clock::now() < ramp_end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  Client probe = open_client(server.port());
  auto probe_run = [&](const std::string& method, const Json& params, const char* what) {
    std::vector<double> lat;
    const auto end = Clock::now() + std::chrono::seconds(o.seconds);
    long long id = 1;
    while (Clock::now() < end) {
      const auto t0 = Clock::now();
      send_all(probe.fd, post_request(server.port(), call_body(id++, method, params), probe.session));
      check_answer(read_response(probe.fd, probe.buf), what);
      lat.push_back(ms_between(t0, Clock::now()));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return lat;
  };
  const long before = analyses_done;
  const auto ping_lat = probe_run("ping", Json::object(), "ping");
  const auto call_lat = probe_run("tools/call", small_drift_call(), "validate_l0_invariants");
  const long during = analyses_done - before;
  stop = true;
  for (auto& t : workers) t.join();
  ::close(probe.fd);
  const long peak_kb = server.peak_rss_kb();
  const int exit_status = server.stop();
  if (!failure.empty()) throw std::runtime_error(failure);
  if (exit_status != 0) throw std::runtime_error("busy: the server exited " + std::to_string(exit_status));
  return Json{{"scenario", "busy"},
              {"analyses", o.analyses},
              {"analysisP50Ms", percentile(analysis_ms, 0.5)},
              {"rssPeakKb", peak_kb},
              {"analysesDuringProbes", during},
              {"pings", ping_lat.size()},
              {"pingP50Ms", percentile(ping_lat, 0.5)},
              {"pingP99Ms", percentile(ping_lat, 0.99)},
              {"pingMaxMs", percentile(ping_lat, 1.0)},
              {"smallCalls", call_lat.size()},
              {"smallCallP50Ms", percentile(call_lat, 0.5)},
              {"smallCallP99Ms", percentile(call_lat, 0.99)}};
}

std::string fmt(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

std::string markdown(const Json& results, const Inputs& in) {
  std::ostringstream md;
  bool header = false;
  for (const auto& r : results) {
    if (r["scenario"] == "small") {
      if (!header) md << "| request | clients | calls | calls/s | p50 (ms) | p99 (ms) |\n|---|---|---|---|---|---|\n";
      header = true;
      md << "| " << r["request"].get<std::string>() << " | " << r["clients"] << " | " << r["calls"] << " | "
         << fmt(r["callsPerSec"], 0) << " | " << fmt(r["p50Ms"], 3) << " | " << fmt(r["p99Ms"], 3) << " |\n";
    }
  }
  for (const auto& r : results) {
    if (r["scenario"] == "idle") {
      md << "\n| idle sessions with a GET stream | RSS at start (KiB) | RSS held (KiB) | peak RSS (KiB) | KiB per "
            "session | threads | ping p50 / p99 meanwhile (ms) |\n|---|---|---|---|---|---|---|\n";
      md << "| " << r["streamsOpen"] << " | " << r["rssStartKb"] << " | " << r["rssHeldKb"] << " | " << r["rssPeakKb"]
         << " | " << fmt(r["kbPerSession"], 1) << " | " << r["threads"] << " | " << fmt(r["pingP50Ms"], 3) << " / "
         << fmt(r["pingP99Ms"], 3) << " |\n";
    }
    if (r["scenario"] == "busy") {
      md << "\n| analyses of the " << in.big_workflow_bytes / 1024
         << " KiB workflow running | analysis p50 (ms) | peak RSS (KiB) | ping p50 / p99 / max (ms) | small call p50 / "
            "p99 (ms) |\n|---|---|---|---|---|\n";
      md << "| " << r["analyses"] << " | " << fmt(r["analysisP50Ms"], 1) << " | " << r["rssPeakKb"] << " | "
         << fmt(r["pingP50Ms"], 3) << " / " << fmt(r["pingP99Ms"], 3) << " / " << fmt(r["pingMaxMs"], 3) << " | "
         << fmt(r["smallCallP50Ms"], 3) << " / " << fmt(r["smallCallP99Ms"], 3) << " |\n";
    }
  }
  return md.str();
}

int run(const Options& o) {
  // 1 000 streams and the clients' own connections: more descriptors than the usual 1 024.
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
  Inputs in;
  Json results = Json::array();
  auto want = [&](const char* s) { return o.only.empty() || o.only == s; };
  if (want("small")) {
    const std::vector<Request> requests = {
        {"ping", "ping", Json::object()},
        {"validate_l0_invariants: drift + contraction", "tools/call", small_drift_call()},
        {"get_server_info", "tools/call", Json{{"name", "get_server_info"}, {"arguments", Json::object()}}},
    };
    for (const auto& r : requests) {
      results.push_back(run_small(o, in, r));
      std::cerr << dump_line(results.back()) << "\n";
    }
  }
  if (want("idle")) {
    results.push_back(run_idle(o, in));
    std::cerr << dump_line(results.back()) << "\n";
  }
  if (want("busy")) {
    results.push_back(run_busy(o, in));
    std::cerr << dump_line(results.back()) << "\n";
  }
  const std::string md = markdown(results, in);
  std::cout << md;
  if (!o.json_path.empty()) std::ofstream(o.json_path) << dump_pretty(results) << "\n";
  if (!o.markdown_path.empty()) std::ofstream(o.markdown_path) << md;
  return 0;
}

}  // namespace
}  // namespace pm::bench

int main(int argc, char** argv) {
  pm::bench::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(k + " needs a value");
      return argv[++i];
    };
    try {
      if (k == "--binary")
        o.binary = value();
      else if (k == "--only")
        o.only = value();
      else if (k == "--clients")
        o.clients = std::stoi(value());
      else if (k == "--seconds")
        o.seconds = std::stoi(value());
      else if (k == "--idle")
        o.idle = std::stoi(value());
      else if (k == "--analyses")
        o.analyses = std::stoi(value());
      else if (k == "--json")
        o.json_path = value();
      else if (k == "--markdown")
        o.markdown_path = value();
      else if (k == "--smoke")
        o.smoke = true;
      else
        throw std::invalid_argument("unknown option " + k);
    } catch (const std::exception& e) {
      std::cerr << "pm_http_bench: " << e.what() << "\n";
      return 2;
    }
  }
  if (o.binary.empty()) {
    std::cerr << "usage: pm_http_bench --binary PATH [--only small|idle|busy] [--clients N] [--seconds S] "
                 "[--idle N] [--analyses N] [--smoke] [--json FILE] [--markdown FILE]\n";
    return 2;
  }
  // The server runs in the generated workspace: a relative path would no longer name it.
  if (char* abs = ::realpath(o.binary.c_str(), nullptr)) {
    o.binary = abs;
    std::free(abs);  // NOLINT(cppcoreguidelines-no-malloc): realpath's buffer comes from malloc
  }
  if (o.smoke) {
    o.clients = std::min(o.clients, 4);
    o.seconds = 1;
    o.idle = std::min(o.idle, 20);
    o.analyses = std::min(o.analyses, 2);
  }
  try {
    return pm::bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "pm_http_bench: " << e.what() << "\n";
    return 1;
  }
}
