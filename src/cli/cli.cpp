#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <system_error>

#include "cli/commands.hpp"
#include "util/log.hpp"
#include "version.hpp"

namespace pm::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> cmds = {
      {"serve", "Run the MCP server on stdio (default)", run_serve},
      {"call", "Run one tool call and print its result: call <tool> --args '<json>'", run_call},
      {"fp", "False-positive store: fp record|review|list", run_fp},
      {"consent", "Consent: consent grant|revoke|show --org ORG", run_consent},
      {"store", "Local database: store init|migrate|check", run_store},
      {"nonce", "Nonce and org salt: nonce rotate|show", run_nonce},
      {"baseline", "Drift baseline: baseline create --out FILE FILES...", run_baseline},
      {"rules", "Rule catalogue of analyze_dissonance: rules [--markdown|--json]", run_rules},
  };
  return cmds;
}

bool has_flag(const std::vector<std::string>& args, const std::string& flag) {
  for (const auto& a : args) {
    if (a == flag) return true;
  }
  return false;
}

std::optional<std::string> flag_value(const std::vector<std::string>& args, const std::string& flag) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind(flag + "=", 0) == 0) return args[i].substr(flag.size() + 1);
  }
  return std::nullopt;
}

namespace {

int g_stdout_errno = 0;  // why the first write to stdout failed, reported by finish()

}  // namespace

void print_out(const std::string& text) {
  const bool newline = text.empty() || text.back() != '\n';
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || (newline && std::fputc('\n', stdout) == EOF) ||
      std::fflush(stdout) != 0) {
    if (g_stdout_errno == 0) g_stdout_errno = errno;
  }
}

void print_err(const std::string& text) {
  // One call, so that the line is written at once; a failure to write a diagnostic
  // cannot be reported anywhere.
  (void)std::fprintf(stderr, "%s\n", text.c_str());
}

namespace {

void print_help() {
  std::string h = std::string("phase-mirror-mcp ") + kVersion +
                  " - Phase Mirror MCP server (code-governance checks)\n\n"
                  "Usage: phase-mirror-mcp [command] [options]\n\nCommands:\n";
  for (const auto& c : commands())
    h += "  " + c.name + std::string(10 - std::min<std::size_t>(9, c.name.size()), ' ') + c.summary + "\n";
  h += "\nOptions:\n  --version  Print the version\n  --help     Print this help (also: <command> --help)\n\n"
       "Environment: AWS_REGION, FP_TABLE_NAME, CONSENT_TABLE_NAME, BLOCK_COUNTER_TABLE_NAME,\n"
       "  NONCE_PARAMETER_NAME, LOG_LEVEL (error|warn|info|debug), LOG_FORMAT (text|json),\n"
       "  METRICS_FORMAT (emf|none), PHASE_MIRROR_WORKSPACE, PHASE_MIRROR_DATA_DIR,\n"
       "  PHASE_MIRROR_MAX_FILE_BYTES. COPILOT_MCP_-prefixed names are accepted as fallbacks.\n";
  print_out(h);
}

int run(std::vector<std::string> args) {
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    print_out(std::string("phase-mirror-mcp ") + kVersion);
    return 0;
  }
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    print_help();
    return 0;
  }
  auto config = Config::from_env();
  if (!config) {
    print_err("phase-mirror-mcp: " + config.error().message);
    return 2;
  }
  log::configure(config->log_level_value, config->log_format);
  std::string name = args.empty() ? "serve" : args[0];
  if (!args.empty()) args.erase(args.begin());
  for (const auto& c : commands()) {
    if (c.name == name) return c.run(args, *config);
  }
  print_err("phase-mirror-mcp: unknown command '" + name + "' (see --help)");
  return 2;
}

// The exit code once stdout is flushed: output that could not be written (full disk, closed
// pipe, /dev/full) fails the command instead of exiting 0 with a truncated result.
int finish(int code) {
  if (std::fflush(stdout) != 0 && g_stdout_errno == 0) g_stdout_errno = errno;
  if (g_stdout_errno == 0 && std::ferror(stdout) == 0) return code;
  std::string message = "phase-mirror-mcp: cannot write the output";
  if (g_stdout_errno != 0) message += ": " + std::generic_category().message(g_stdout_errno);
  print_err(message);
  return code == 0 ? 1 : code;
}

}  // namespace

int main(int argc, char** argv) {
  return finish(run(std::vector<std::string>(argv + 1, argv + argc)));
}

}  // namespace pm::cli
