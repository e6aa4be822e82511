#pragma once
// Sub-commands of the phase-mirror-mcp binary. Each lives in its own file
// under src/cli/ and defines its options on the root CLI11 app (cli.cpp):
// the same definitions parse the command line and write --help.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "util/config.hpp"

namespace CLI {
class App;
}

namespace pm::cli {

// What the parsed command line runs once the configuration is read; returns
// the exit code.
using Action = std::function<int(const Config& config)>;

// Each adds its sub-command to `app` and, when that sub-command is the one
// given, sets `action` after parsing.
void define_serve(CLI::App& app, Action& action);
void define_call(CLI::App& app, Action& action);
void define_scan(CLI::App& app, Action& action);
void define_fp(CLI::App& app, Action& action);
void define_consent(CLI::App& app, Action& action);
void define_store(CLI::App& app, Action& action);
void define_nonce(CLI::App& app, Action& action);
void define_baseline(CLI::App& app, Action& action);
void define_rules(CLI::App& app, Action& action);

// The MCP server on stdio: `serve`, and what the binary runs without a command.
int run_serve(const Config& config);

// `serve --http ADDR` and its options (src/cli/serve_http.cpp).
struct HttpServeOptions {
  std::string address;  // host:port, [v6]:port or a port alone (loopback)
  bool allow_unauthenticated = false;
  std::string auth_config;  // file of the OAuth resource server's settings; empty: none
  std::vector<std::string> allowed_origins;
  std::vector<std::string> allowed_hosts;
  std::size_t max_body_bytes = std::size_t{4} << 20;
  std::size_t max_sessions = 10000;
  double session_idle_seconds = 1800;
  double session_rate = 50;
  double drain_seconds = 30;
};
int run_serve_http(const Config& config, const HttpServeOptions& options);

int main(int argc, char** argv);

// Prints to stdout (commands other than serve own stdout), adding a final newline. A failed
// write is not lost: main() checks stdout before exiting and then fails the command.
void print_out(const std::string& text);
// Prints one diagnostic line to stderr.
void print_err(const std::string& text);

}  // namespace pm::cli
