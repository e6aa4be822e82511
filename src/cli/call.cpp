#include "cli/commands.hpp"
#include "mcp/server.hpp"
#include "tools/registry.hpp"
#include "util/json.hpp"

namespace pm::cli {

int run_call(const std::vector<std::string>& args, const Config& config) {
  if (args.empty() || has_flag(args, "--help")) {
    print_out(
        "Usage: phase-mirror-mcp call <tool> [--args '<json object>']\n\n"
        "Runs one tool call in-process and prints its result (the governance envelope) as JSON.\n"
        "Exit code: 0 success, 1 tool error, 2 usage error.\n"
        "Example: phase-mirror-mcp call analyze_dissonance --args '{\"files\":[\".github/workflows/ci.yml\"]}'");
    return args.empty() ? 2 : 0;
  }
  const std::string& tool = args[0];
  Json arguments = Json::object();
  if (auto a = flag_value(args, "--args")) {
    arguments = parse_or_discard(*a);
    if (arguments.is_discarded()) {
      print_err("phase-mirror-mcp call: --args is not valid JSON");
      return 2;
    }
  }
  mcp::Metrics metrics;
  store::Services stores(config);
  tools::Runtime runtime{config, metrics, {}};
  runtime.stores = &stores;
  mcp::Server server(
      config, metrics, tools::build_tools(runtime), [](const Json&) { return true; }, 1);
  Json result = server.call_tool_now(tool, arguments);
  if (result.is_null()) {
    std::string names;
    for (const auto& t : server.tools()) names += (names.empty() ? "" : ", ") + t.name;
    print_err("phase-mirror-mcp call: unknown tool '" + tool + "' (tools: " + names + ")");
    return 2;
  }
  print_out(dump_pretty(result["structuredContent"]));
  return result.value("isError", false) ? 1 : 0;
}

}  // namespace pm::cli
