// `phase-mirror-mcp rules [--markdown|--json]`: the rule catalogue of
// analyze_dissonance (docs/rules.md is this command's --markdown output).
#include "engine/rules/rules.hpp"

#include <algorithm>

#include "cli/commands.hpp"

namespace pm::cli {

int run_rules(const std::vector<std::string>& args, const Config&) {
  if (has_flag(args, "--help")) {
    print_out(
        "Usage: phase-mirror-mcp rules [--markdown | --json]\n\n"
        "Lists the rule catalogue of analyze_dissonance.\n"
        "  --markdown  the catalogue as Markdown (docs/rules.md)\n"
        "  --json      [{id, title, severity, description, remediation, adrRefs}]");
    return 0;
  }
  for (const auto& a : args) {
    if (a != "--markdown" && a != "--json") {
      print_err("phase-mirror-mcp rules: unknown option '" + a + "' (see --help)");
      return 2;
    }
  }
  if (has_flag(args, "--markdown")) {
    print_out(engine::catalogue_markdown());
    return 0;
  }
  Json list = Json::array();
  std::string text;
  for (const auto& r : engine::all_rules()) {
    const auto& i = r->info();
    list.push_back(Json{{"id", i.id},
                        {"title", i.title},
                        {"severity", i.default_severity},
                        {"description", i.description},
                        {"remediation", i.remediation},
                        {"adrRefs", i.adr_refs}});
    text += i.id + "  " + i.default_severity +
            std::string(10 - std::min<std::size_t>(9, i.default_severity.size()), ' ') + i.title + "\n";
  }
  print_out(has_flag(args, "--json") ? dump_pretty(list) : text);
  return 0;
}

}  // namespace pm::cli
