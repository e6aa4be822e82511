#include "mcp/transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>

namespace pm::mcp {

StdioTransport::StdioTransport() {
  // Bytes buffered before the server started go to the real stdout; if that fails, the
  // client is gone and the first send() reports it.
  (void)std::fflush(stdout);
  out_fd_ = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
  ::dup2(2, 1);                         // stray writes to stdout now land on stderr
  (void)std::signal(SIGPIPE, SIG_IGN);  // cannot fail: SIG_ERR is only for an invalid signal
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    wake_pipe_[0] = wake_pipe_[1] = -1;
  }
}

StdioTransport::~StdioTransport() {
  if (out_fd_ >= 0) ::close(out_fd_);
  for (int fd : wake_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

bool StdioTransport::send(const Json& message) {
  if (closed_) return false;
  std::string line = dump_line(message);
  line.push_back('\n');
  std::lock_guard lock(write_mu_);
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(out_fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void StdioTransport::interrupt() {
  if (wake_pipe_[1] >= 0) {
    const char c = 'x';
    [[maybe_unused]] ssize_t n = ::write(wake_pipe_[1], &c, 1);
  }
}

StdioTransport::ReadStatus StdioTransport::read_line(std::string& line) {
  char chunk[65536];
  for (;;) {
    // A complete line already buffered?
    const auto nl = buffer_.find('\n', std::max(start_, scan_from_));
    if (nl != std::string::npos) {
      const bool was_discarding = discarding_;
      discarding_ = false;
      // Both strings keep their capacity: after a 50 MB message they would hold
      // twice that for the rest of the session.
      if (line.capacity() > kKeepCapacity) std::string().swap(line);
      line.assign(buffer_, start_, nl - start_);
      // Lines are handed out from an offset; the consumed front is dropped once per read
      // below, not once per line (many small messages in one read stay linear).
      start_ = nl + 1;
      scan_from_ = start_;
      if (start_ == buffer_.size()) {
        buffer_.clear();
        start_ = scan_from_ = 0;
        if (buffer_.capacity() > kKeepCapacity) std::string().swap(buffer_);
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (was_discarding) {
        line.clear();
        return ReadStatus::kTooLong;
      }
      return ReadStatus::kLine;
    }
    if (start_ > 0) {
      buffer_.erase(0, start_);
      start_ = 0;
      if (buffer_.capacity() > kKeepCapacity && buffer_.size() <= kKeepCapacity) buffer_.shrink_to_fit();
    }
    scan_from_ = buffer_.size();
    if (buffer_.size() > kMaxLineBytes) {
      // Keep reading until the newline, but do not keep the bytes.
      discarding_ = true;
      buffer_.clear();
      scan_from_ = 0;
    }
    pollfd fds[2] = {{0, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    int rc = ::poll(fds, wake_pipe_[0] >= 0 ? 2 : 1, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      return ReadStatus::kEof;
    }
    if (wake_pipe_[0] >= 0 && (fds[1].revents & POLLIN)) {
      char drain[16];
      while (::read(wake_pipe_[0], drain, sizeof drain) > 0) {
      }
      return ReadStatus::kInterrupted;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(0, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        // EOF: a final unterminated line still counts.
        if (!buffer_.empty() && !discarding_) {
          line.swap(buffer_);
          buffer_.clear();
          if (!line.empty() && line.back() == '\r') line.pop_back();
          return ReadStatus::kLine;
        }
        return ReadStatus::kEof;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
}

}  // namespace pm::mcp
