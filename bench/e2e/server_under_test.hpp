#pragma once
// One phase-mirror-mcp process driven over its stdio pipes, the way an MCP
// client drives it: newline-delimited JSON-RPC in, one message per line out.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>

#include "util/json.hpp"

namespace pm::bench {

struct SpawnOptions {
  std::string binary;
  std::string cwd;                         // workspace root
  std::map<std::string, std::string> env;  // added to (or overriding) the inherited environment
  std::string stderr_path = "/dev/null";   // server logs go here
};

class ServerUnderTest {
 public:
  explicit ServerUnderTest(const SpawnOptions& options);  // forks and execs; throws on failure
  ~ServerUnderTest();                                     // EOF on stdin, then waits (SIGKILL after 10 s)
  ServerUnderTest(const ServerUnderTest&) = delete;
  ServerUnderTest& operator=(const ServerUnderTest&) = delete;

  pid_t pid() const { return pid_; }

  // Writes one line (a newline is appended). Throws when the server is gone.
  void send_line(const std::string& line);
  // Next complete stdout line; throws on EOF or when nothing arrives within `timeout`.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(120));

  // initialize + notifications/initialized; returns the initialize result.
  Json initialize();
  // Sends a request with a fresh id and returns the response with that id
  // (notifications and other messages in between are skipped).
  Json request(const std::string& method, Json params);
  long long next_id() { return next_id_++; }

  // VmRSS (resident now) and VmHWM (peak resident) of the server process in
  // KiB, from /proc/<pid>/status; -1 when unavailable.
  long rss_kb() const { return status_kb("VmRSS:"); }
  long peak_rss_kb() const { return status_kb("VmHWM:"); }

 private:
  long status_kb(const std::string& key) const;

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string buffer_;
  std::size_t scan_from_ = 0;
  long long next_id_ = 1;
};

// The integer id of a JSON-RPC response line, -1 for a notification or a
// non-integer id. Reads the id from the fixed prefix the server writes
// ({"jsonrpc":"2.0","id":N,...}) so that a large response is not parsed on the
// timed path; any other layout falls back to a full parse.
long long response_id(const std::string& line);

}  // namespace pm::bench
