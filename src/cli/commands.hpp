#pragma once
// Sub-commands of the phase-mirror-mcp binary. Each lives in its own file
// under src/cli/ and is listed in commands() (cli.cpp).
#include <string>
#include <vector>

#include "util/config.hpp"

namespace pm::cli {

struct Command {
  std::string name;     // first argument, e.g. "serve", "call", "fp"
  std::string summary;  // one line for --help
  // args excludes the program name and the command name. Returns the exit code.
  int (*run)(const std::vector<std::string>& args, const Config& config);
};

const std::vector<Command>& commands();
int main(int argc, char** argv);

int run_serve(const std::vector<std::string>& args, const Config& config);
int run_call(const std::vector<std::string>& args, const Config& config);
int run_fp(const std::vector<std::string>& args, const Config& config);
int run_consent(const std::vector<std::string>& args, const Config& config);
int run_store(const std::vector<std::string>& args, const Config& config);
int run_nonce(const std::vector<std::string>& args, const Config& config);
int run_baseline(const std::vector<std::string>& args, const Config& config);
int run_rules(const std::vector<std::string>& args, const Config& config);

// Small helpers shared by command implementations.
bool has_flag(const std::vector<std::string>& args, const std::string& flag);
// Value of "--name VALUE" or "--name=VALUE".
std::optional<std::string> flag_value(const std::vector<std::string>& args, const std::string& flag);
// Prints to stdout (commands other than serve own stdout), adding a final newline. A failed
// write is not lost: main() checks stdout before exiting and then fails the command.
void print_out(const std::string& text);
// Prints one diagnostic line to stderr.
void print_err(const std::string& text);

}  // namespace pm::cli
