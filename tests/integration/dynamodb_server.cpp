#include "integration/dynamodb_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

namespace pm::test {

Dynalite::Dynalite() {
  const std::string root = PM_SOURCE_DIR;
  const std::string script = root + "/tests/e2e/fakes/dynalite-loopback.cjs";
  if (!std::filesystem::exists(root + "/tests/e2e/node_modules/dynalite/package.json")) {
    error_ = "dynalite is not installed in tests/e2e/node_modules: run `make e2e-deps` (or `cd tests/e2e && npm ci`)";
    return;
  }
  // Resolved before fork: the child only calls async-signal-safe functions.
  std::string node;
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    for (std::size_t start = 0; start <= dirs.size();) {
      std::size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      std::string candidate = dirs.substr(start, end - start) + "/node";
      if (access(candidate.c_str(), X_OK) == 0) {
        node = candidate;
        break;
      }
      start = end + 1;
    }
  }
  if (node.empty()) {
    error_ = "node is not on PATH: the DynamoDB tests run dynalite with Node.js (see scripts/setup.sh)";
    return;
  }
  char* const argv[] = {const_cast<char*>("node"), const_cast<char*>(script.c_str()), const_cast<char*>("0"), nullptr};
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    error_ = "pipe failed";
    return;
  }
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // The server dies with this test process, whatever happens to it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    dup2(in[0], 0);
    dup2(out[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    execv(node.c_str(), argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  if (line.rfind("listening ", 0) == 0) port_ = std::stoi(line.substr(10));
  if (port_ <= 0) {
    error_ = "dynalite did not start (is `node` on PATH?)";
    stop();
  }
}

Dynalite::~Dynalite() {
  stop();
}

void Dynalite::stop() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

Dynalite& Dynalite::shared() {
  static Dynalite server;
  return server;
}

std::shared_ptr<aws::DynamoDb> dynamodb_client(const std::string& endpoint, std::chrono::milliseconds timeout) {
  aws::ChainOptions co;
  co.env = [](const char* name) -> std::optional<std::string> {
    std::string n = name;
    if (n == "AWS_ACCESS_KEY_ID") return std::string("AKIDLOCALTEST");
    if (n == "AWS_SECRET_ACCESS_KEY") return std::string("local-test-secret");
    return std::nullopt;
  };
  std::vector<std::unique_ptr<aws::CredentialsProvider>> providers;
  providers.push_back(aws::environment_provider(co));
  auto chain = std::make_shared<aws::CredentialsChain>(std::move(providers), co);
  aws::ClientOptions o;
  o.endpoint = endpoint;
  o.timeout = timeout;
  o.connect_timeout = std::min(timeout, std::chrono::milliseconds(1000));
  o.backoff_base = std::chrono::milliseconds(2);
  return std::make_shared<aws::DynamoDb>(std::make_shared<aws::JsonClient>(aws::dynamodb_service(), o, chain));
}

std::string unique_table(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(++n);
}

}  // namespace pm::test
