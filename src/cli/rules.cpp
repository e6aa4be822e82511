// `phase-mirror-mcp rules [--markdown|--json]`: the rule catalogue of
// analyze_dissonance (docs/rules.md is this command's --markdown output).
#include "engine/rules/rules.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/catalogue.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace pm::cli {

Json rule_catalogue_json() {
  Json list = Json::array();
  for (const auto& r : engine::all_rules()) {
    const auto& i = r->info();
    list.push_back(Json{{"id", i.id},
                        {"title", i.title},
                        {"severity", i.default_severity},
                        {"description", i.description},
                        {"remediation", i.remediation},
                        {"adrRefs", i.adr_refs}});
  }
  return list;
}

namespace {

struct RulesOptions {
  bool markdown = false;
  bool json = false;
};

int run_rules(const RulesOptions& o) {
  if (o.markdown) {
    print_out(engine::catalogue_markdown());
    return kExitOk;
  }
  if (o.json) {
    print_out(dump_pretty(rule_catalogue_json()));
    return kExitOk;
  }
  std::string text;
  for (const auto& r : engine::all_rules()) {
    const auto& i = r->info();
    text += i.id + "  " + i.default_severity +
            std::string(10 - std::min<std::size_t>(9, i.default_severity.size()), ' ') + i.title + "\n";
  }
  print_out(text);
  return kExitOk;
}

}  // namespace

void define_rules(CLI::App& app, Action& action) {
  auto o = std::make_shared<RulesOptions>();
  auto* cmd = app.add_subcommand("rules", "Print the rule catalogue of analyze_dissonance");
  auto* md = cmd->add_flag("--markdown", o->markdown, "The catalogue as Markdown (docs/rules.md)");
  add_json_flag(cmd, o->json, "[{id, title, severity, description, remediation, adrRefs}]")->excludes(md);
  cmd->callback([&action, o] { action = [o](const Config&) { return run_rules(*o); }; });
}

}  // namespace pm::cli
