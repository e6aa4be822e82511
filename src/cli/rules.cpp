// `phase-mirror-mcp rules [--markdown|--json]`: the rule catalogue of
// analyze_dissonance (docs/rules.md is this command's --markdown output).
#include "engine/rules/rules.hpp"

#include <algorithm>
#include <span>
#include <string_view>

#include "cli/commands.hpp"

namespace pm::cli {

int run_rules(const std::vector<std::string>& args, const Config&) {
  if (has_flag(args, "--help")) {
    print_out(
        "Usage: phase-mirror-mcp rules [--markdown | --json]\n\n"
        "Lists the rule catalogue of analyze_dissonance.\n"
        "  --markdown  the catalogue as Markdown (docs/rules.md)\n"
        "  --json      [{id, title, severity, defaultSeverity, defaultConfidence, persona, description,\n"
        "               notReported, remediation, adrRefs, tags}]");
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
  const auto strings = [](std::span<const std::string_view> items) {
    Json a = Json::array();
    for (const auto item : items) a.push_back(std::string(item));
    return a;
  };
  for (const auto& r : engine::all_rules()) {
    const auto& i = r->info();
    const std::string severity = to_string(i.severity);
    Json rule = Json::object();
    rule["id"] = i.id;
    rule["title"] = i.title;
    rule["severity"] = severity;  // the name earlier versions used
    rule["defaultSeverity"] = severity;
    rule["defaultConfidence"] = engine::to_string(i.confidence);
    rule["persona"] = engine::to_string(i.persona);
    rule["description"] = i.description;
    rule["notReported"] = i.not_reported;
    rule["remediation"] = i.remediation;
    rule["adrRefs"] = strings(i.adr_refs);
    rule["tags"] = strings(i.tags);
    list.push_back(std::move(rule));
    text.append(i.id).append("  ").append(severity).append(
        std::string(10 - std::min<std::size_t>(9, severity.size()), ' '));
    text.append(i.title).append("\n");
  }
  print_out(has_flag(args, "--json") ? dump_pretty(list) : text);
  return 0;
}

}  // namespace pm::cli
