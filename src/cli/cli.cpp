#include <unistd.h>

#include <cstdio>
#include <iostream>

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

void print_out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
  std::fflush(stdout);
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

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
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
    std::fprintf(stderr, "phase-mirror-mcp: %s\n", config.error().message.c_str());
    return 2;
  }
  log::configure(config->log_level_value, config->log_format);
  std::string name = args.empty() ? "serve" : args[0];
  if (!args.empty()) args.erase(args.begin());
  for (const auto& c : commands()) {
    if (c.name == name) return c.run(args, *config);
  }
  std::fprintf(stderr, "phase-mirror-mcp: unknown command '%s' (see --help)\n", name.c_str());
  return 2;
}

}  // namespace pm::cli
