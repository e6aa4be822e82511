#pragma once
// Newline-delimited JSON-RPC over stdio. On construction the real stdout is
// moved to a private descriptor and fd 1 is pointed at stderr, so nothing but
// protocol messages can ever reach the client's stdout, whatever a library prints.
#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "util/json.hpp"

namespace pm::mcp {

class StdioTransport {
 public:
  StdioTransport();  // takes over fds 0 and 1
  ~StdioTransport();
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  // Sends one message as one line. Thread-safe. False once the peer is gone.
  bool send(const Json& message);

  enum class ReadStatus { kLine, kEof, kInterrupted, kTooLong };
  // Blocks until a full line, EOF, or interrupt() is called (e.g. by a signal handler).
  ReadStatus read_line(std::string& line);

  // Async-signal-safe: wakes read_line() with kInterrupted.
  void interrupt();
  static constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024 * 1024;
  // Capacity a read buffer keeps between messages; a longer message's is given back.
  static constexpr std::size_t kKeepCapacity = std::size_t{1} << 20;

 private:
  int out_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::mutex write_mu_;
  std::atomic<bool> closed_{false};
  std::string buffer_;
  std::size_t start_ = 0;      // first byte of buffer_ not handed out yet
  std::size_t scan_from_ = 0;  // where the search for the next newline resumes
  bool discarding_ = false;
};

}  // namespace pm::mcp
