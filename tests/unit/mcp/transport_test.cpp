#include "mcp/transport.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace pm::mcp {
namespace {

// The transport reads fd 0 and takes fd 1 over: each test points fd 0 at a pipe it writes
// from another thread, and puts both descriptors back afterwards.
class StdioTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_in_ = ::dup(0);
    saved_out_ = ::dup(1);
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    ASSERT_EQ(::dup2(p[0], 0), 0);
    ::close(p[0]);
    write_fd_ = p[1];
  }
  void TearDown() override {
    if (writer_.joinable()) writer_.join();
    if (write_fd_ >= 0) ::close(write_fd_);
    ::dup2(saved_in_, 0);
    ::dup2(saved_out_, 1);
    ::close(saved_in_);
    ::close(saved_out_);
  }
  // Writes `bytes` then closes the pipe (EOF), from a thread: more than a pipe holds.
  void feed(std::string bytes) {
    writer_ = std::thread([this, bytes = std::move(bytes)] {
      std::string_view rest = bytes;
      while (!rest.empty()) {
        const ssize_t n = ::write(write_fd_, rest.data(), rest.size());
        if (n <= 0) break;
        rest.remove_prefix(static_cast<std::size_t>(n));
      }
      ::close(write_fd_);
      write_fd_ = -1;
    });
  }
  // Every line until EOF, with kTooLong as the marker "<too long>".
  static std::vector<std::string> read_all(StdioTransport& t) {
    std::vector<std::string> lines;
    std::string line;
    for (;;) {
      const auto st = t.read_line(line);
      if (st == StdioTransport::ReadStatus::kEof) return lines;
      lines.push_back(st == StdioTransport::ReadStatus::kTooLong ? "<too long>" : line);
    }
  }

  int saved_in_ = -1, saved_out_ = -1, write_fd_ = -1;
  std::thread writer_;
};

TEST_F(StdioTransportTest, ManyLinesInOneReadComeOutInOrder) {
  std::string bytes;
  for (int i = 0; i < 50000; ++i) bytes += R"({"id":)" + std::to_string(i) + "}\n";
  feed(bytes);
  StdioTransport t;
  const auto lines = read_all(t);
  ASSERT_EQ(lines.size(), 50000u);
  for (int i = 0; i < 50000; i += 4999)
    EXPECT_EQ(lines[static_cast<std::size_t>(i)], R"({"id":)" + std::to_string(i) + "}");
}

TEST_F(StdioTransportTest, CarriageReturnsEmptyLinesAndAFinalLineWithoutNewline) {
  feed("a\r\n\nb\n" + std::string(200000, 'c') + "\nlast");
  StdioTransport t;
  const auto lines = read_all(t);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "b");
  EXPECT_EQ(lines[3], std::string(200000, 'c'));
  EXPECT_EQ(lines[4], "last");
}

TEST_F(StdioTransportTest, ALineOverTheLimitIsDiscardedAndTheNextOneRead) {
  feed("first\n" + std::string(StdioTransport::kMaxLineBytes + 70000, 'x') + "\nnext\n");
  StdioTransport t;
  const auto lines = read_all(t);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "first");
  EXPECT_EQ(lines[1], "<too long>");
  EXPECT_EQ(lines[2], "next");
}

}  // namespace
}  // namespace pm::mcp
