#pragma once
// Spawns the real phase-mirror-mcp binary with pipes on stdin/stdout/stderr,
// for integration tests that speak JSON-RPC to it.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/json.hpp"

namespace pm::test {

// Which executable: the release binary, or the test build with the fixtures
// (tests/fixtures: slow_operation, dummy_experimental, the conformance surface).
enum class Binary { kRelease, kFixtures };

class ServerProcess {
 public:
  // env entries "NAME=value" are added to (or override) the inherited environment.
  explicit ServerProcess(std::vector<std::string> args = {}, std::vector<std::string> env = {}, std::string cwd = "",
                         Binary binary = Binary::kRelease);
  ~ServerProcess();

  void send_raw(const std::string& bytes);
  void send(const Json& msg) { send_raw(dump_line(msg) + "\n"); }
  // Sends a request and waits for the response with that id (other messages are kept).
  Json request(const std::string& method, Json params, Json id,
               std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Next stdout line parsed as JSON (nullopt on timeout/EOF). Throws if a line is not JSON.
  std::optional<Json> next_message(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits for a message matching pred among received ones.
  std::optional<Json> wait_for(const std::function<bool(const Json&)>& pred,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // initialize + notifications/initialized.
  Json initialize(const std::string& version = "2025-11-25", Json capabilities = Json::object());
  // tools/call; returns the JSON-RPC response.
  Json call(const std::string& tool, Json arguments, Json id = nullptr);

  void close_stdin();
  void signal(int sig);
  // Waits for exit; returns the exit status (or -1 on timeout, after which the process is killed).
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::string stderr_text();  // everything read from stderr so far
  // Waits until stderr contains `needle`; the stderr text then, empty on timeout.
  std::string wait_stderr(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  const std::vector<std::string>& stdout_lines() const { return raw_lines_; }
  pid_t pid() const { return pid_; }

 private:
  bool read_available(std::chrono::milliseconds timeout);
  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  std::string out_buf_, err_buf_;
  std::vector<Json> pending_;
  std::vector<std::string> raw_lines_;
  long long next_id_ = 1000;
  bool exited_ = false;
  int status_ = 0;
};

// A fresh temporary directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& rel, const std::string& content) const;  // returns absolute path
 private:
  std::string path_;
};

// The envelope (structuredContent) of a tools/call response.
inline Json envelope(const Json& response) {
  return response["result"]["structuredContent"];
}

}  // namespace pm::test
