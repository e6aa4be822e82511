// `phase-mirror-mcp rules [--markdown|--json]`: the rule catalogue of
// analyze_dissonance (docs/rules.md is this command's --markdown output).
#include "engine/rules/rules.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <span>
#include <string_view>

#include "cli/catalogue.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace pm::cli {

namespace {

Json json_strings(std::span<const std::string_view> items) {
  Json a = Json::array();
  for (const auto item : items) a.push_back(std::string(item));
  return a;
}

}  // namespace

Json rule_catalogue_json() {
  Json list = Json::array();
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
    rule["example"] = i.example;
    rule["adrRefs"] = json_strings(i.adr_refs);
    rule["tags"] = json_strings(i.tags);
    list.push_back(std::move(rule));
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
    const std::string severity = to_string(i.severity);
    text.append(i.id).append("  ").append(severity).append(
        std::string(10 - std::min<std::size_t>(9, severity.size()), ' '));
    text.append(i.title).append("\n");
  }
  print_out(text);
  return kExitOk;
}

}  // namespace

void define_rules(CLI::App& app, Action& action) {
  auto o = std::make_shared<RulesOptions>();
  auto* cmd = app.add_subcommand("rules", "Print the rule catalogue of analyze_dissonance");
  auto* md = cmd->add_flag("--markdown", o->markdown, "The catalogue as Markdown (docs/rules.md)");
  add_json_flag(cmd, o->json,
                "[{id, title, severity, defaultSeverity, defaultConfidence, persona, description, notReported, "
                "remediation, adrRefs, tags}]")
      ->excludes(md);
  cmd->callback([&action, o] { action = [o](const Config&) { return run_rules(*o); }; });
}

}  // namespace pm::cli
