#pragma once
// Runs the real phase-mirror-mcp binary as a command (no protocol): its exit
// code, stdout and stderr, each kept apart.
#include <string>
#include <vector>

namespace pm::test {

struct CliRun {
  int exit_code = -1;  // -1: killed, or did not finish within the timeout
  std::string out;
  std::string err;
};

// env entries "NAME=value" are added to (or override) the inherited environment;
// "NAME=" alone removes NAME. `cwd` empty: the test's working directory.
CliRun run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
               const std::string& cwd = "", int timeout_seconds = 60);

}  // namespace pm::test
