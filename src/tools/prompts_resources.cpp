// The MCP surface besides the tools: the prompts clients turn into slash commands ("review
// this workflow change", "explain this finding"), the resources a model can read (rule
// documentation, the repository's ADRs, the policy in force) and completions for their
// arguments. Everything is read from the workspace of the call, like the tools do.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adr/parser.hpp"
#include "adr/validator.hpp"
#include "engine/policy.hpp"
#include "engine/rule.hpp"
#include "engine/workspace.hpp"
#include "tools/registry.hpp"

namespace pm::tools {
namespace {

constexpr const char* kRuleTemplate = "phase-mirror://rules/{id}";
constexpr const char* kAdrTemplate = "phase-mirror://adr/{id}";
constexpr const char* kPolicyUri = "phase-mirror://policy";
constexpr const char* kWorkflowDir = ".github/workflows";
// A prompt embeds a file for the model to read; past this it is no longer a prompt.
constexpr std::uint64_t kMaxEmbeddedFileBytes = std::uint64_t{256} * 1024;
// Lines shown either side of a finding's line.
constexpr int kExcerptContext = 8;

// What a prompt or resource says of a rule. The only reader of the catalogue's metadata in
// this file: id, title, description and remediation.
struct RuleDoc {
  std::string id;
  std::string title;
  std::string description;
  std::string remediation;
};

std::vector<RuleDoc> rule_docs() {
  std::vector<RuleDoc> docs;
  for (const auto& r : engine::all_rules()) {
    const auto& i = r->info();
    docs.push_back(
        RuleDoc{std::string(i.id), std::string(i.title), std::string(i.description), std::string(i.remediation)});
  }
  return docs;
}

std::optional<RuleDoc> find_rule_doc(const std::string& id) {
  for (auto& d : rule_docs()) {
    if (d.id == id) return d;
  }
  return std::nullopt;
}

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (const auto& d : rule_docs()) ids.push_back(d.id);
  return ids;
}

std::string rule_markdown(const RuleDoc& d) {
  return "# " + d.id + ": " + d.title + "\n\n" + d.description + "\n\n## Remediation\n\n" + d.remediation + "\n";
}

std::string rule_uri(const std::string& id) {
  return "phase-mirror://rules/" + id;
}

std::string adr_uri(const std::string& id) {
  return "phase-mirror://adr/" + id;
}

Error unknown_rule(const std::string& id) {
  std::string known;
  for (const auto& r : rule_ids()) known += (known.empty() ? "" : ", ") + r;
  return Error::invalid_input("Unknown rule '" + id + "' (rules: " + known + ")");
}

engine::Workspace workspace_of(Runtime& rt, mcp::ToolContext& ctx) {
  return engine::Workspace(ctx.workspace_roots(), rt.config.max_file_bytes);
}

// Listing and parsing a hostile workspace stop with the call, as the tools' walks do.
Budget budget_of(Runtime& rt, mcp::ToolContext& ctx) {
  return Budget(Budget::limits_for(rt.config.call_timeout_ms, adr::kCheckMemoryBytes), &ctx.cancellation());
}

// The workflow files of the workspace, as paths a prompt argument takes.
std::vector<std::string> workflow_files(const engine::Workspace& ws, Budget& budget) {
  std::vector<std::string> out;
  auto listed = ws.list_dir(kWorkflowDir, budget);
  if (!listed) return out;
  for (auto& f : *listed) {
    const bool yaml = f.size() > 4 && (f.compare(f.size() - 4, 4, ".yml") == 0 ||
                                       (f.size() > 5 && f.compare(f.size() - 5, 5, ".yaml") == 0));
    if (yaml) out.push_back(std::move(f));
  }
  return out;
}

// The ADR directory of check_adr_compliance's default, and the id -> file of each ADR in it
// (the first file of an id, as the ADR loader takes it).
std::string adr_dir() {
  return adr::CheckRequest{}.adr_path;
}

std::vector<std::pair<std::string, std::string>> adr_files(const engine::Workspace& ws, Budget& budget) {
  std::vector<std::pair<std::string, std::string>> out;
  auto listed = ws.list_dir(adr_dir(), budget);
  if (!listed) return out;
  std::set<std::string> seen;
  for (const auto& f : *listed) {
    const auto slash = f.find_last_of('/');
    auto id = adr::adr_id_from_filename(slash == std::string::npos ? f : f.substr(slash + 1));
    if (id && seen.insert(*id).second) out.emplace_back(*id, f);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A workspace file for a prompt to embed, size-checked.
Result<engine::FileData> read_for_prompt(const engine::Workspace& ws, const std::string& path) {
  auto data = ws.read(path);
  if (!data) return data.take_error();
  if (data->bytes.size() > kMaxEmbeddedFileBytes) {
    return Error::file_too_large(path, data->bytes.size(), kMaxEmbeddedFileBytes);
  }
  return data;
}

Json text_message(const std::string& text) {
  return Json{{"role", "user"}, {"content", {{"type", "text"}, {"text", text}}}};
}

Json resource_message(const std::string& uri, const std::string& mime_type, const std::string& text) {
  return Json{
      {"role", "user"},
      {"content", {{"type", "resource"}, {"resource", {{"uri", uri}, {"mimeType", mime_type}, {"text", text}}}}}};
}

std::string file_uri(const engine::FileData& f) {
  return "file://" + f.path.absolute;
}

// Lines around `line` (1-based), numbered, the line itself marked.
Result<std::string> excerpt(const std::string& bytes, const std::string& path, int line) {
  std::vector<std::string> lines;
  std::istringstream in(bytes);
  for (std::string l; std::getline(in, l);) lines.push_back(std::move(l));
  if (line > static_cast<int>(lines.size())) {
    return Error::invalid_input("Line " + std::to_string(line) + " is past the end of " + path + " (" +
                                std::to_string(lines.size()) + " lines)");
  }
  const int first = std::max(1, line - kExcerptContext);
  const int last = std::min(static_cast<int>(lines.size()), line + kExcerptContext);
  std::string out;
  for (int n = first; n <= last; ++n) {
    out += (n == line ? "> " : "  ") + std::to_string(n) + " | " + lines[static_cast<std::size_t>(n - 1)] + "\n";
  }
  return out;
}

mcp::PromptDef review_workflow_change(Runtime& rt) {
  mcp::PromptDef p;
  p.name = "review_workflow_change";
  p.title = "Review this workflow change";
  p.description =
      "Review a changed GitHub Actions workflow for governance and supply-chain problems with Phase Mirror's "
      "checks, and propose the smallest fixes.";
  p.arguments = {
      {"path", "The workflow file, relative to the workspace (e.g. .github/workflows/ci.yml)", true},
      {"diff", "The change itself (a unified diff), when the file alone does not show it", false},
  };
  p.get = [&rt](const std::map<std::string, std::string>& args, mcp::ToolContext& ctx) -> Result<Json> {
    const auto ws = workspace_of(rt, ctx);
    const std::string& path = args.at("path");
    auto file = read_for_prompt(ws, path);
    if (!file) return file.take_error();
    std::string ask = "Review this change to the GitHub Actions workflow `" + file->path.relative +
                      "` before it is merged.\n\n"
                      "1. Call `analyze_dissonance` with files [\"" +
                      file->path.relative +
                      "\"] and mode `pull_request`, and `check_adr_compliance` with the same file.\n"
                      "2. For each finding give the rule id and title, the file:line, why it matters in this "
                      "workflow (who can trigger it, what the token and secrets can reach), and the smallest "
                      "change that fixes it. The rule's documentation is the resource phase-mirror://rules/<id>.\n"
                      "3. Say which findings the change introduces and which were there before, when the diff "
                      "shows it.\n"
                      "4. End with a verdict: merge, merge after the fixes, or do not merge.";
    Json messages = Json::array();
    messages.push_back(text_message(ask));
    messages.push_back(resource_message(file_uri(*file), "application/yaml", file->bytes));
    if (auto d = args.find("diff"); d != args.end() && !d->second.empty()) {
      messages.push_back(text_message("The change:\n\n```diff\n" + d->second + "\n```"));
    }
    return Json{{"description", "Review of " + file->path.relative}, {"messages", std::move(messages)}};
  };
  p.complete = [&rt](const std::string& argument, mcp::ToolContext& ctx) {
    if (argument != "path") return std::vector<std::string>{};
    Budget budget = budget_of(rt, ctx);
    return workflow_files(workspace_of(rt, ctx), budget);
  };
  return p;
}

mcp::PromptDef explain_finding(Runtime& rt) {
  mcp::PromptDef p;
  p.name = "explain_finding";
  p.title = "Explain this finding";
  p.description =
      "Explain a Phase Mirror finding: what its rule checks, why the code triggers it, the risk, and how to fix "
      "or, when it is a false positive, suppress it.";
  p.arguments = {
      {"ruleId", "The finding's rule (e.g. MD-101)", true},
      {"file", "The file of the finding, relative to the workspace", false},
      {"line", "The finding's line in that file (1-based)", false},
  };
  p.get = [&rt](const std::map<std::string, std::string>& args, mcp::ToolContext& ctx) -> Result<Json> {
    const std::string& id = args.at("ruleId");
    const auto rule = find_rule_doc(id);
    if (!rule) return unknown_rule(id);
    const std::string file_arg = args.count("file") != 0 ? args.at("file") : std::string();
    const std::string line_arg = args.count("line") != 0 ? args.at("line") : std::string();
    int line = 0;
    if (!line_arg.empty()) {
      const bool digits = line_arg.size() <= 9 && std::all_of(line_arg.begin(), line_arg.end(),
                                                              [](unsigned char c) { return std::isdigit(c) != 0; });
      if (!digits || std::stoi(line_arg) < 1) return Error::invalid_input("line must be a line number (1 or more)");
      if (file_arg.empty()) return Error::invalid_input("line needs file: the line of which file?");
      line = std::stoi(line_arg);
    }
    std::string where;
    Json messages = Json::array();
    std::optional<Json> code;
    if (!file_arg.empty()) {
      const auto ws = workspace_of(rt, ctx);
      auto file = read_for_prompt(ws, file_arg);
      if (!file) return file.take_error();
      where = " in `" + file->path.relative + "`" + (line > 0 ? " at line " + std::to_string(line) : "");
      if (line > 0) {
        auto lines = excerpt(file->bytes, file->path.relative, line);
        if (!lines) return lines.take_error();
        code = text_message("`" + file->path.relative + "`, lines around " + std::to_string(line) + ":\n\n```\n" +
                            *lines + "```");
      } else {
        code = resource_message(file_uri(*file), "text/plain", file->bytes);
      }
    }
    messages.push_back(text_message(
        "Explain the Phase Mirror finding " + rule->id + " (" + rule->title + ")" + where +
        ".\n\nSay what the rule checks and why this code triggers it, what could go wrong if it stays (who could "
        "exploit it and how), and the smallest fix. If it is a false positive here, say why, so that it can be "
        "recorded in the organisation's false-positive store (`phase-mirror-mcp fp record`)."));
    messages.push_back(resource_message(rule_uri(rule->id), "text/markdown", rule_markdown(*rule)));
    if (code) messages.push_back(std::move(*code));
    return Json{{"description", "Explanation of " + rule->id + where}, {"messages", std::move(messages)}};
  };
  p.complete = [&rt](const std::string& argument, mcp::ToolContext& ctx) {
    if (argument == "ruleId") return rule_ids();
    if (argument != "file") return std::vector<std::string>{};
    Budget budget = budget_of(rt, ctx);
    return workflow_files(workspace_of(rt, ctx), budget);
  };
  return p;
}

mcp::ResourceProvider policy_resource(Runtime& rt) {
  mcp::ResourceProvider p;
  p.list = [](mcp::ToolContext&) {
    return std::vector<mcp::ResourceDef>{{kPolicyUri, "policy", "Policy in force",
                                          std::string("The repository's governance policy (") +
                                              engine::kDefaultPolicyPath + "), or the defaults when it has none",
                                          "application/json"}};
  };
  p.read = [&rt](const std::string& uri, mcp::ToolContext& ctx) -> Result<Json> {
    if (uri != kPolicyUri) return Error{mcp::kResourceNotFound, "Resource not found: " + uri};
    auto policy = engine::load_policy(workspace_of(rt, ctx), std::nullopt);
    if (!policy) return policy.take_error();
    Json permissions = Json::object();
    for (const auto& [scope, level] : policy->workflow_permissions) permissions[scope] = level;
    Json doc = {
        {"source", policy->loaded ? Json(policy->path) : Json(nullptr)},
        {"schemaVersion", policy->schema_version},
        {"mergeQueue",
         {{"requiredForDefaultBranch", policy->required_for_default_branch},
          {"allowBypassForAdmins", policy->allow_bypass_for_admins},
          {"requireLinearHistory", policy->require_linear_history},
          {"allowDirectPushes", policy->allow_direct_pushes}}},
        {"workflowPermissions", std::move(permissions)},
        // Without workflowPermissions in the file, MD-101 follows its default semantics and
        // only L0-002 holds workflows to the ceiling (every scope read).
        {"workflowPermissionsSet", policy->workflow_permissions_set},
        {"unlistedScopeCeiling", "read"},
    };
    return Json::array({{{"uri", uri}, {"mimeType", "application/json"}, {"text", dump_pretty(doc)}}});
  };
  return p;
}

mcp::ResourceProvider rule_resources() {
  mcp::ResourceProvider p;
  mcp::ResourceTemplateDef t;
  t.uri_template = kRuleTemplate;
  t.name = "rule";
  t.title = "Rule documentation";
  t.description = "What a rule of the catalogue finds and how to fix it (ids: MD-001 ...)";
  t.mime_type = "text/markdown";
  t.complete = [](const std::string&, mcp::ToolContext&) { return rule_ids(); };
  p.templates.push_back(std::move(t));
  p.list = [](mcp::ToolContext&) {
    std::vector<mcp::ResourceDef> out;
    for (const auto& d : rule_docs()) {
      out.push_back({rule_uri(d.id), d.id, d.id + ": " + d.title, d.description, "text/markdown"});
    }
    return out;
  };
  p.read = [](const std::string& uri, mcp::ToolContext&) -> Result<Json> {
    const auto vars = mcp::match_uri_template(kRuleTemplate, uri);
    const auto rule = vars ? find_rule_doc(vars->at("id")) : std::nullopt;
    if (!rule) return Error{mcp::kResourceNotFound, "Resource not found: " + uri};
    return Json::array({{{"uri", uri}, {"mimeType", "text/markdown"}, {"text", rule_markdown(*rule)}}});
  };
  return p;
}

mcp::ResourceProvider adr_resources(Runtime& rt) {
  mcp::ResourceProvider p;
  mcp::ResourceTemplateDef t;
  t.uri_template = kAdrTemplate;
  t.name = "adr";
  t.title = "Architecture Decision Record";
  t.description = "An ADR of the workspace's ADR directory (" + adr_dir() + "), as written";
  t.mime_type = "text/markdown";
  t.complete = [&rt](const std::string&, mcp::ToolContext& ctx) {
    std::vector<std::string> ids;
    Budget budget = budget_of(rt, ctx);
    for (auto& [id, file] : adr_files(workspace_of(rt, ctx), budget)) ids.push_back(id);
    return ids;
  };
  p.templates.push_back(std::move(t));
  // The list goes through the ADR parser for each record's title and status; no ADR
  // directory is an empty list, not an error.
  p.list = [&rt](mcp::ToolContext& ctx) {
    std::vector<mcp::ResourceDef> out;
    Budget budget = budget_of(rt, ctx);
    auto loaded = adr::load_adrs(workspace_of(rt, ctx), adr_dir(), budget);
    if (!loaded) return out;
    for (const auto& a : loaded->adrs) {
      std::string description = "Status: " + std::string(adr::to_string(a.status));
      if (!a.superseded_by.empty()) description += ", superseded by " + a.superseded_by;
      // Template-style titles carry the id ("ADR-007: ..."), MADR ones do not.
      const bool titled = a.title.empty() || a.title.rfind(a.id, 0) == 0;
      out.push_back({adr_uri(a.id), a.id, titled ? (a.title.empty() ? a.id : a.title) : a.id + ": " + a.title,
                     description, "text/markdown"});
    }
    return out;
  };
  p.read = [&rt](const std::string& uri, mcp::ToolContext& ctx) -> Result<Json> {
    const auto vars = mcp::match_uri_template(kAdrTemplate, uri);
    if (!vars) return Error{mcp::kResourceNotFound, "Resource not found: " + uri};
    const auto ws = workspace_of(rt, ctx);
    Budget budget = budget_of(rt, ctx);
    for (const auto& [id, file] : adr_files(ws, budget)) {
      if (id != vars->at("id")) continue;
      auto data = ws.read(file);
      if (!data) return data.take_error();
      if (data->bytes.size() > adr::kMaxAdrBytes) {
        return Error::file_too_large(file, data->bytes.size(), adr::kMaxAdrBytes);
      }
      return Json::array({{{"uri", uri}, {"mimeType", "text/markdown"}, {"text", data->bytes}}});
    }
    return Error{mcp::kResourceNotFound, "No ADR " + vars->at("id") + " in " + adr_dir()};
  };
  return p;
}

}  // namespace

std::vector<mcp::PromptDef> make_prompts(Runtime& rt) {
  std::vector<mcp::PromptDef> prompts;
  prompts.push_back(review_workflow_change(rt));
  prompts.push_back(explain_finding(rt));
  return prompts;
}

std::vector<mcp::ResourceProvider> make_resources(Runtime& rt) {
  std::vector<mcp::ResourceProvider> providers;
  providers.push_back(policy_resource(rt));
  providers.push_back(rule_resources());
  providers.push_back(adr_resources(rt));
  return providers;
}

}  // namespace pm::tools
