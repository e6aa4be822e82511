// The command-line sub-commands fail when their output cannot be written (full disk, closed
// pipe) instead of exiting 0 with the result lost.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

// Exit code of `phase-mirror-mcp rules --json REDIRECTIONS` run by the shell.
int run_rules(const std::string& redirections) {
  const std::string cmd = std::string("'") + PM_SERVER_BINARY + "' rules --json " + redirections;
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CliOutput, WrittenOutputExitsZero) {
  EXPECT_EQ(run_rules(">/dev/null"), 0);
}

TEST(CliOutput, UnwritableOutputFails) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full on this system";
  TempDir dir;
  const std::string err_path = dir.path() + "/stderr.txt";
  EXPECT_EQ(run_rules(">/dev/full 2>'" + err_path + "'"), 1);
  std::ifstream in(err_path);
  std::stringstream err;
  err << in.rdbuf();
  EXPECT_NE(err.str().find("phase-mirror-mcp: cannot write the output: No space left on device"), std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace pm::test
