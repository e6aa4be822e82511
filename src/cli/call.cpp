// `phase-mirror-mcp call <tool> [--args JSON] [--exit-code]`: one tool call in-process.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "mcp/server.hpp"
#include "tools/registry.hpp"
#include "util/json.hpp"

namespace pm::cli {

namespace {

struct CallOptions {
  std::string tool;
  std::string args = "{}";
  bool exit_code = false;
  bool json = false;  // the output is JSON either way; accepted like every command's --json
};

int run_call(const CallOptions& o, const Config& config) {
  Json arguments = parse_or_discard(o.args);
  if (arguments.is_discarded() || !arguments.is_object()) {
    const std::string why = arguments.is_discarded() ? json_refusal(o.args) : "is not a JSON object";
    print_err("phase-mirror-mcp call: --args " + why + " (see phase-mirror-mcp call --help)");
    return kExitUsage;
  }
  mcp::Metrics metrics;
  store::Services stores(config);
  tools::Runtime runtime{config, metrics, {}};
  runtime.stores = &stores;
  mcp::Server server(
      config, metrics, tools::build_tools(runtime), [](const Json&) { return true; }, 1);
  std::string verdict;
  Json result = server.call_tool_now(o.tool, arguments, &verdict);
  if (result.is_null()) {
    std::string names;
    for (const auto& t : server.tools()) names += (names.empty() ? "" : ", ") + t.name;
    print_err("phase-mirror-mcp call: unknown tool '" + o.tool + "' (tools: " + names + ")");
    return kExitUsage;
  }
  print_out(dump_pretty(result["structuredContent"]));
  const bool failed = result.value("isError", false);
  if (!o.exit_code) return failed ? kExitFailure : kExitOk;
  // The scan contract: a block is the answer "no" (1), a failed call an error (2).
  if (failed) return kExitUsage;
  return verdict == "block" ? kExitFailure : kExitOk;
}

}  // namespace

void define_call(CLI::App& app, Action& action) {
  auto o = std::make_shared<CallOptions>();
  auto* cmd = app.add_subcommand("call", "Run one tool call in-process and print its result (the envelope) as JSON");
  cmd->add_option("tool", o->tool, "Tool name, e.g. analyze_dissonance (tools/list order: see README)")
      ->required()
      ->check(plain_value());
  add_value(cmd, "--args", o->args, "Tool arguments as a JSON object (default {})")->type_name("JSON");
  cmd->add_flag("--exit-code", o->exit_code,
                "Gate on the verdict: exit 1 when the tool's decision is block (before the local advisory "
                "downgrade to warn), 2 when the call fails, else 0");
  add_json_flag(cmd, o->json, "Accepted for consistency: the result is always JSON");
  cmd->footer(
      "Exit code: 0 success, 1 tool error, 2 usage error; with --exit-code: 0 pass or warn, 1 block, "
      "2 tool or usage error.\n"
      "Example: phase-mirror-mcp call analyze_dissonance --args "
      "'{\"files\":[\".github/workflows/ci.yml\"]}' --exit-code");
  cmd->callback([&action, o] { action = [o](const Config& c) { return run_call(*o, c); }; });
}

}  // namespace pm::cli
