#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <system_error>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "util/log.hpp"
#include "version.hpp"

namespace pm::cli {

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

constexpr const char* kEnvironmentHelp =
    "Environment: AWS_REGION, FP_TABLE_NAME, CONSENT_TABLE_NAME, BLOCK_COUNTER_TABLE_NAME,\n"
    "  NONCE_PARAMETER_NAME, LOG_LEVEL (error|warn|info|debug), LOG_FORMAT (text|json),\n"
    "  METRICS_FORMAT (emf|none), PHASE_MIRROR_WORKSPACE, PHASE_MIRROR_DATA_DIR,\n"
    "  PHASE_MIRROR_MAX_FILE_BYTES. COPILOT_MCP_-prefixed names are accepted as fallbacks.\n"
    "Every command takes --help; every command that prints a result takes --json.";

// "phase-mirror-mcp fp record": the command whose options were being parsed.
std::string command_path(const CLI::App& app) {
  std::string path = "phase-mirror-mcp";
  const CLI::App* current = &app;
  for (;;) {
    const auto subs = current->get_subcommands();
    if (subs.empty()) break;
    current = subs.front();
    path += " " + current->get_name();
  }
  return path;
}

int run(int argc, char** argv) {
  CLI::App app{"phase-mirror-mcp " + std::string(kVersion) + " - Phase Mirror MCP server (code-governance checks)",
               "phase-mirror-mcp"};
  app.set_version_flag("--version,-V", std::string("phase-mirror-mcp ") + kVersion, "Print the version and exit");
  app.footer(kEnvironmentHelp);
  app.require_subcommand(0, 1);
  Action action;
  define_serve(app, action);
  define_call(app, action);
  define_scan(app, action);
  define_fp(app, action);
  define_consent(app, action);
  define_store(app, action);
  define_nonce(app, action);
  define_baseline(app, action);
  define_rules(app, action);
  if (argc == 2 && std::string(argv[1]) == "help") {
    print_out(app.help());
    return kExitOk;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    print_out(app.help());
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    print_out(app.help("", CLI::AppFormatMode::All));
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    print_out(e.what());
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    const std::string path = command_path(app);
    print_err(path + ": " + e.what() + " (see " + path + " --help)");
    return kExitUsage;
  }
  auto config = Config::from_env();
  if (!config) {
    print_err("phase-mirror-mcp: " + config.error().message);
    return kExitUsage;
  }
  log::configure(config->log_level_value, config->log_format);
  return action ? action(*config) : run_serve(*config);
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
  return finish(run(argc, argv));
}

}  // namespace pm::cli
