#include "server_under_test.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace pm::bench {

ServerUnderTest::ServerUnderTest(const SpawnOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (options.env.count(kv.substr(0, kv.find('='))) == 0) env.push_back(kv);
  }
  for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& kv : env) envp.push_back(kv.data());
  envp.push_back(nullptr);
  std::string binary = options.binary;
  std::vector<char*> argv{binary.data(), nullptr};

  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const int err = open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err < 0) throw std::runtime_error("cannot open " + options.stderr_path);

  // posix_spawn, not fork: glibc starts the child with CLONE_VFORK, so the time to
  // the initialize answer does not include copying this process's page tables (the
  // harness holds the generated inputs: with fork, ≈ 2 ms per 10 MB on a VM).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    close(in[0]);
    close(in[1]);
    close(out[0]);
    close(out[1]);
    close(err);
    throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
  }
  close(in[0]);
  close(out[1]);
  close(err);
  in_ = in[1];
  out_ = out[0];
  signal(SIGPIPE, SIG_IGN);
}

ServerUnderTest::~ServerUnderTest() {
  if (in_ >= 0) close(in_);
  if (pid_ > 0) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (out_ >= 0) close(out_);
}

void ServerUnderTest::send_line(const std::string& line) {
  std::string bytes = line;
  bytes.push_back('\n');
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = write(in_, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the server closed its stdin");
    off += static_cast<std::size_t>(n);
  }
}

std::string ServerUnderTest::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const auto nl = buffer_.find('\n', scan_from_); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      scan_from_ = 0;
      return line;
    }
    scan_from_ = buffer_.size();
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("no answer from the server in time");
    pollfd pfd{out_, POLLIN, 0};
    const int rc = poll(&pfd, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    char chunk[65536];
    const ssize_t n = read(out_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("the server closed its stdout");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Json ServerUnderTest::initialize() {
  Json result = request("initialize", Json{{"protocolVersion", "2025-11-25"},
                                           {"capabilities", Json::object()},
                                           {"clientInfo", {{"name", "pm-stdio-bench"}, {"version", "1"}}}});
  send_line(dump_line(Json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}));
  return result;
}

Json ServerUnderTest::request(const std::string& method, Json params) {
  const long long id = next_id();
  send_line(dump_line(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}));
  for (;;) {
    std::string line = read_line();
    if (response_id(line) != id) continue;
    Json msg = Json::parse(line);
    if (msg.contains("error")) throw std::runtime_error(method + " failed: " + msg["error"].dump());
    return std::move(msg["result"]);
  }
}

long ServerUnderTest::status_kb(const std::string& wanted) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (status >> key) {
    if (key == wanted) {
      long kb = 0;
      status >> kb;
      return kb;
    }
    status.ignore(1 << 16, '\n');
  }
  return -1;
}

long long response_id(const std::string& line) {
  static constexpr std::string_view kPrefix = R"({"jsonrpc":"2.0","id":)";
  if (line.compare(0, kPrefix.size(), kPrefix) == 0) {
    std::size_t i = kPrefix.size();
    long long id = 0;
    bool digits = false;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') {
      id = id * 10 + (line[i++] - '0');
      digits = true;
    }
    if (digits && i < line.size() && line[i] == ',') return id;
  }
  const Json msg = Json::parse(line, nullptr, false);
  if (msg.is_object() && !msg.contains("method")) {
    if (auto it = msg.find("id"); it != msg.end() && it->is_number_integer()) return it->get<long long>();
  }
  return -1;
}

}  // namespace pm::bench
