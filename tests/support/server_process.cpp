#include "support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pm::test {

ServerProcess::ServerProcess(std::vector<std::string> args, std::vector<std::string> env, std::string cwd,
                             Binary binary) {
  const char* path = binary == Binary::kFixtures ? PM_FIXTURE_BINARY : PM_SERVER_BINARY;
  int in[2], out[2], err[2];
  if (pipe(in) || pipe(out) || pipe(err)) throw std::runtime_error("pipe failed");
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    bool overridden = false;
    for (const auto& o : env) overridden = overridden || kv.substr(0, kv.find('=') + 1) == o.substr(0, o.find('=') + 1);
    if (!overridden) envs.push_back(kv);
  }
  for (const auto& o : env) envs.push_back(o);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> argv{const_cast<char*>(path)};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(path, argv.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  in_ = in[1];
  out_ = out[0];
  err_ = err[0];
  fcntl(out_, F_SETFL, O_NONBLOCK);
  fcntl(err_, F_SETFL, O_NONBLOCK);
  ::signal(SIGPIPE, SIG_IGN);
}

ServerProcess::~ServerProcess() {
  if (in_ >= 0) close(in_);
  if (!exited_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
  if (err_ >= 0) close(err_);
}

void ServerProcess::send_raw(const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(in_, bytes.data() + off, bytes.size() - off);
    if (n <= 0) throw std::runtime_error("write to server stdin failed");
    off += static_cast<std::size_t>(n);
  }
}

bool ServerProcess::read_available(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
  int rc = poll(fds, 2, static_cast<int>(timeout.count()));
  if (rc <= 0) return false;
  char buf[65536];
  bool got = false;
  for (int i = 0; i < 2; ++i) {
    if (fds[i].revents & (POLLIN | POLLHUP)) {
      for (;;) {
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) break;
        (i == 0 ? out_buf_ : err_buf_).append(buf, static_cast<std::size_t>(n));
        got = true;
      }
    }
  }
  if (!got && (fds[0].revents & POLLHUP)) return false;
  return got || rc > 0;
}

std::optional<Json> ServerProcess::next_message(std::chrono::milliseconds timeout) {
  if (!pending_.empty()) {
    Json j = pending_.front();
    pending_.erase(pending_.begin());
    return j;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto nl = out_buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      raw_lines_.push_back(line);
      Json j = parse_or_discard(line);
      if (j.is_discarded()) throw std::runtime_error("server wrote a non-JSON line to stdout: " + line.substr(0, 200));
      return j;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (!read_available(std::min(left, std::chrono::milliseconds(200)))) {
      // poll returned nothing or the pipe is closed
      int st = 0;
      if (!exited_ && waitpid(pid_, &st, WNOHANG) == pid_) {
        exited_ = true;
        status_ = st;
      }
      if (exited_ && out_buf_.find('\n') == std::string::npos) {
        read_available(std::chrono::milliseconds(0));
        if (out_buf_.find('\n') == std::string::npos) return std::nullopt;
      }
    }
  }
}

std::optional<Json> ServerProcess::wait_for(const std::function<bool(const Json&)>& pred,
                                            std::chrono::milliseconds timeout) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (pred(*it)) {
      Json j = *it;
      pending_.erase(it);
      return j;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Json> skipped;
  std::optional<Json> found;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    // read directly (bypass pending_)
    auto saved = std::move(pending_);
    pending_.clear();
    auto m = next_message(left);
    pending_ = std::move(saved);
    if (!m) break;
    if (pred(*m)) {
      found = m;
      break;
    }
    skipped.push_back(*m);
  }
  pending_.insert(pending_.end(), skipped.begin(), skipped.end());
  return found;
}

Json ServerProcess::request(const std::string& method, Json params, Json id, std::chrono::milliseconds timeout) {
  if (id.is_null()) id = next_id_++;
  Json msg = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) msg["params"] = params;
  send(msg);
  auto r = wait_for([&](const Json& m) { return m.contains("id") && m["id"] == id && !m.contains("method"); }, timeout);
  if (!r) throw std::runtime_error("no response to " + method);
  return *r;
}

Json ServerProcess::initialize(const std::string& version, Json capabilities) {
  Json r = request("initialize",
                   {{"protocolVersion", version},
                    {"capabilities", capabilities},
                    {"clientInfo", {{"name", "integration-test"}, {"version", "1.0"}}}},
                   nullptr);
  send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  return r;
}

Json ServerProcess::call(const std::string& tool, Json arguments, Json id) {
  return request("tools/call", {{"name", tool}, {"arguments", arguments}}, id);
}

void ServerProcess::close_stdin() {
  if (in_ >= 0) close(in_);
  in_ = -1;
}

void ServerProcess::signal(int sig) {
  kill(pid_, sig);
}

int ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited_) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      exited_ = true;
      status_ = st;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      exited_ = true;
      return -1;
    }
    read_available(std::chrono::milliseconds(20));
  }
  read_available(std::chrono::milliseconds(0));
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

std::string ServerProcess::stderr_text() {
  read_available(std::chrono::milliseconds(0));
  return err_buf_;
}

std::string ServerProcess::wait_stderr(const std::string& needle, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (err_buf_.find(needle) == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {};
    if (!read_available(std::min(left, std::chrono::milliseconds(100))) && exited_) return {};
  }
  return err_buf_;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "pm-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = std::filesystem::canonical(tmpl).string();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& rel, const std::string& content) const {
  auto p = std::filesystem::path(path_) / rel;
  std::filesystem::create_directories(p.parent_path());
  FILE* f = fopen(p.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + p.string());
  fwrite(content.data(), 1, content.size(), f);
  fclose(f);
  return p.string();
}

}  // namespace pm::test
