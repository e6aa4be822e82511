// `phase-mirror-mcp scan [PATH...]`: the checks of a repository for CI. It
// collects what analyze_dissonance reads (workflows, composite actions,
// dependabot files) and, with an ADR directory, the source tree for
// check_adr_compliance, runs both tools in-process exactly as an MCP client
// would, and prints one report with an exit code that gates a job.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "adr/glob.hpp"
#include "cli/catalogue.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/scan_format.hpp"
#include "cli/scan_report.hpp"
#include "engine/collect.hpp"
#include "mcp/server.hpp"
#include "tools/collect_paths.hpp"
#include "tools/registry.hpp"
#include "util/log.hpp"
#include "version.hpp"

namespace fs = std::filesystem;

namespace pm::cli {

namespace {

struct ScanOptions {
  std::vector<std::string> paths;
  std::string root;
  std::string format = "plain";
  bool json = false;
  std::string min_severity = "low";
  std::string min_confidence;
  std::string persona;
  std::string repository;
  std::string config_file;
  bool no_config = false;
  std::string adr_dir;
  bool no_adr = false;
  std::vector<std::string> excludes;
  std::string output;
  std::string color = "auto";
};

// A directory that is a repository of its own: it holds .git or .github.
bool is_repository_dir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && (fs::exists(fs::path(p) / ".git", ec) || fs::exists(fs::path(p) / ".github", ec));
}

// Where the scan's workspace is: --root, else PHASE_MIRROR_WORKSPACE, else a
// single PATH that is a repository of its own, else the current directory.
std::string scan_root(ScanOptions& o, const Config& config) {
  if (!o.root.empty()) return o.root;
  if (config.workspace) return *config.workspace;
  if (o.paths.size() == 1 && !tools::has_glob_chars(o.paths[0]) && is_repository_dir(o.paths[0])) {
    std::string root = o.paths[0];
    o.paths.clear();
    return root;
  }
  return fs::current_path().string();
}

// The files of the scan, read once each, for snippets and columns.
class LineCache {
 public:
  explicit LineCache(const engine::Workspace& ws) : ws_(ws) {}
  std::optional<std::string> line(const std::string& file, int n) {
    auto it = files_.find(file);
    if (it == files_.end()) {
      std::vector<std::string> lines;
      if (auto data = ws_.read(file)) {
        std::size_t pos = 0;
        const std::string& text = data->bytes;
        while (pos <= text.size()) {
          auto nl = text.find('\n', pos);
          if (nl == std::string::npos) nl = text.size();
          lines.push_back(text.substr(pos, nl - pos));
          pos = nl + 1;
        }
      }
      it = files_.emplace(file, std::move(lines)).first;
    }
    if (n < 1 || static_cast<std::size_t>(n) > it->second.size()) return std::nullopt;
    return it->second[static_cast<std::size_t>(n) - 1];
  }

 private:
  const engine::Workspace& ws_;
  std::map<std::string, std::vector<std::string>> files_;
};

std::string count_of(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string scanned_note(const engine::Collection& c, const std::string& adr_dir, std::size_t adrs_checked) {
  std::string s = "scanned " + count_of(c.workflows.size(), "workflow", "workflows") + ", " +
                  count_of(c.actions.size(), "composite action", "composite actions") + ", " +
                  count_of(c.dependabot.size(), "dependabot file", "dependabot files");
  if (!c.other_files.empty()) s += ", " + count_of(c.other_files.size(), "other file", "other files");
  if (!adr_dir.empty()) {
    s += "; " + count_of(c.source_files.size(), "file", "files") + " against " + count_of(adrs_checked, "ADR", "ADRs") +
         " of " + adr_dir;
  }
  if (!c.skipped.empty()) s += "; " + count_of(c.skipped.size(), "path", "paths") + " skipped (see --format json)";
  return s;
}

int usage(const std::string& message) {
  print_err("phase-mirror-mcp scan: " + message + " (see phase-mirror-mcp scan --help)");
  return kExitUsage;
}

int run_scan(ScanOptions o, const Config& config) {
  if (o.json) o.format = "json";
  if (o.repository.empty()) {
    // As GitHub Actions sets it; a malformed value is ignored rather than failing the job.
    if (auto r = env_var_exact("GITHUB_REPOSITORY"); r && r->find('/') != std::string::npos) o.repository = *r;
  }
  const std::string root_given = scan_root(o, config);
  std::error_code ec;
  const fs::path root_path = fs::canonical(root_given, ec);
  if (ec || !fs::is_directory(root_path, ec)) return usage("the root " + root_given + " is not a directory");
  const std::string root = root_path.string();
  const engine::Workspace ws({root}, config.max_file_bytes);

  // What to read. The command line's globs are the user's own: their caps
  // apply, a time or step limit does not.
  engine::CollectRequest req;
  auto glob_budget = std::make_shared<Budget>();
  for (const auto& p : o.paths) {
    if (!tools::has_glob_chars(p)) {
      req.paths.push_back(p);
      continue;
    }
    auto pattern = tools::collect_pattern(p, *glob_budget);
    if (!pattern) return usage("the glob " + p + " was refused: " + pattern.error().message);
    req.patterns.push_back(std::move(*pattern));
  }
  if (!o.excludes.empty()) {
    auto globs = std::make_shared<std::vector<adr::Glob>>();
    for (const auto& x : o.excludes) {
      auto glob = adr::Glob::compile(adr::normalize_path(x), *glob_budget);
      if (!glob) return usage("the --exclude glob " + x + " was refused: " + glob.error().message);
      globs->push_back(std::move(*glob));
    }
    req.exclude = [globs, glob_budget](std::string_view rel) { return adr::matches_any(*globs, rel, *glob_budget); };
  }
  std::string adr_dir;
  if (!o.no_adr) {
    const bool explicit_adr = !o.adr_dir.empty();
    const std::string candidate = explicit_adr ? o.adr_dir : "docs/adr";
    auto resolved = ws.resolve(candidate);
    if (resolved && fs::is_directory(resolved->absolute, ec)) {
      adr_dir = resolved->relative;
    } else if (explicit_adr) {
      return usage("--adr " + o.adr_dir + " is not a directory inside " + root);
    }
  }
  if (!adr_dir.empty()) {
    req.source_tree = true;
    req.excluded_dirs.push_back(adr_dir);
  }
  if (!o.config_file.empty()) {
    auto resolved = ws.resolve(o.config_file);
    if (!resolved || !fs::is_regular_file(resolved->absolute, ec)) {
      return usage("--config " + o.config_file + " is not a file inside " + root);
    }
  }
  // A repository under review may be hostile: the walk has the time limit of
  // a call besides its own caps.
  Budget walk_budget(Budget::limits_for(config.call_timeout_ms));
  auto collected = engine::collect(ws, req, walk_budget);
  if (!collected) return usage(collected.error().code + ": " + collected.error().message);
  const auto analysis_files = collected->analysis_files();
  if (analysis_files.empty() && (adr_dir.empty() || collected->source_files.empty())) {
    const std::string where = o.paths.empty() ? root : "the paths given (root " + root + ")";
    return usage("nothing to scan in " + where +
                 ": no workflow, composite action or dependabot file, and no ADR directory (--adr)");
  }

  // The tools, as an MCP client calls them.
  Config c = config;
  c.workspace = root;
  if (!env_var("LOG_LEVEL")) log::configure(log::Level::kWarning, c.log_format);  // one log line per call is noise here
  mcp::Metrics metrics;
  store::Services stores(c);
  tools::Runtime runtime{c, metrics, {}};
  runtime.stores = &stores;
  mcp::Server server(
      c, metrics, tools::build_tools(runtime), [](const Json&) { return true; }, 1);

  scan::Report report;
  report.root = root;
  report.thresholds.min_severity = o.min_severity;
  if (!o.min_confidence.empty()) report.thresholds.min_confidence = o.min_confidence;
  const auto tool_error = [&report](const Json& envelope) {
    report.errors.push_back(
        scan::ScanError{{}, envelope.value("code", "EXECUTION_FAILED"), envelope.value("message", "the call failed")});
    if (const Json* details = envelope.contains("data") ? &envelope["data"] : nullptr;
        details != nullptr && details->contains("details") && (*details)["details"].contains("fileErrors")) {
      for (const auto& e : (*details)["details"]["fileErrors"]) {
        report.errors.push_back(scan::ScanError{e.value("path", ""), e.value("code", ""), "could not be read"});
      }
    }
  };
  Json analysis_envelope = nullptr;
  if (!analysis_files.empty()) {
    Json args{{"files", analysis_files}, {"maxFindings", 0}};
    if (!o.persona.empty()) args["persona"] = o.persona;
    if (const auto slash = o.repository.find('/'); slash != std::string::npos) {
      args["repository"] = Json{{"owner", o.repository.substr(0, slash)}, {"name", o.repository.substr(slash + 1)}};
    }
    if (!o.min_confidence.empty()) args["minConfidence"] = o.min_confidence;
    if (!o.config_file.empty()) args["configFile"] = o.config_file;
    if (o.no_config) args["useConfig"] = false;
    Json result = server.call_tool_now("analyze_dissonance", args);
    analysis_envelope = result["structuredContent"];
    if (result.value("isError", false)) {
      tool_error(analysis_envelope);
    } else {
      scan::add_analysis(report, analysis_envelope["data"]["analysis"]);
    }
  }
  Json adr_envelope = nullptr;
  std::size_t adrs_checked = 0;
  Json adr_details = Json::array();
  if (!adr_dir.empty() && !collected->source_files.empty()) {
    Json result = server.call_tool_now(
        "check_adr_compliance", Json{{"files", collected->source_files}, {"adrPath", adr_dir}, {"maxViolations", 0}});
    adr_envelope = result["structuredContent"];
    if (result.value("isError", false)) {
      if (adr_envelope.value("code", "") == "NO_ADRS_FOUND" && o.adr_dir.empty()) {
        report.notes.push_back(adr_dir + " holds no ADR files: no ADR check");  // the default directory only
        adr_dir.clear();
      } else {
        tool_error(adr_envelope);
      }
    } else {
      const Json& compliance = adr_envelope["data"]["compliance"];
      scan::add_adr_compliance(report, compliance, adr_envelope["data"]["fileErrors"]);
      adrs_checked = compliance.value("adrsChecked", 0);
      adr_details = compliance["adrDetails"];
    }
  }
  report.notes.insert(report.notes.begin(), scanned_note(*collected, adr_dir, adrs_checked));
  scan::add_rules(report, rule_catalogue_json(), adr_details);
  LineCache lines(ws);
  const scan::LineSource line_of = [&lines](const std::string& file, int n) { return lines.line(file, n); };
  scan::finish(report, line_of);

  std::string text;
  if (o.format == "plain") {
    bool color = o.color == "always";
    if (o.color == "auto") {
      const auto term = env_var_exact("TERM");
      color =
          o.output.empty() && ::isatty(STDOUT_FILENO) != 0 && !env_var_exact("NO_COLOR") && (!term || *term != "dumb");
    }
    text = scan::format_plain(report, line_of, color);
  } else if (o.format == "github") {
    text = scan::format_github(report);
  } else if (o.format == "sarif") {
    text = dump_pretty(scan::format_sarif(report, line_of, kDocsUrl, kVersion)) + "\n";
  } else {
    Json collected_json{{"workflows", collected->workflows},
                        {"actions", collected->actions},
                        {"dependabot", collected->dependabot},
                        {"otherFiles", collected->other_files},
                        {"policyFile", collected->policy_file ? Json(*collected->policy_file) : Json(nullptr)},
                        {"configFile", collected->config_file ? Json(*collected->config_file) : Json(nullptr)},
                        {"sourceFiles", collected->source_files.size()},
                        {"adrPath", adr_dir.empty() ? Json(nullptr) : Json(adr_dir)}};
    Json skipped = Json::array();
    for (const auto& s : collected->skipped) skipped.push_back(Json{{"path", s.path}, {"reason", s.reason}});
    Json findings = Json::array();
    for (const auto& f : report.findings) findings.push_back(scan::finding_json(f));
    Json suppressed = Json::array();
    for (const auto& f : report.suppressed) suppressed.push_back(scan::finding_json(f));
    Json errors = Json::array();
    for (const auto& e : report.errors) {
      errors.push_back(Json{{"path", e.path}, {"code", e.code}, {"message", e.message}});
    }
    Json doc = Json::object();
    doc["tool"] = Json{{"name", kServerName}, {"version", kVersion}};
    doc["root"] = root;
    doc["thresholds"] =
        Json{{"minSeverity", report.thresholds.min_severity}, {"minConfidence", report.thresholds.min_confidence}};
    doc["collected"] = std::move(collected_json);
    doc["skipped"] = std::move(skipped);
    doc["findings"] = std::move(findings);
    doc["suppressed"] = std::move(suppressed);
    doc["belowThresholds"] = report.below_thresholds;
    doc["errors"] = std::move(errors);
    doc["notes"] = report.notes;
    doc["summary"] = scan::summary_line(report);
    doc["exitCode"] = report.exit_code();
    doc["analyze_dissonance"] = std::move(analysis_envelope);
    doc["check_adr_compliance"] = std::move(adr_envelope);
    text = dump_pretty(doc) + "\n";
  }
  for (const auto& e : report.errors) {
    print_err("phase-mirror-mcp scan: " + (e.path.empty() ? "" : e.path + ": ") + e.code + ": " + e.message);
  }
  if (o.output.empty()) {
    print_out(text);
  } else {
    std::ofstream f(o.output, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (f.fail()) {
      print_err("phase-mirror-mcp scan: cannot write " + o.output);
      return kExitUsage;
    }
  }
  return report.exit_code();
}

}  // namespace

void define_scan(CLI::App& app, Action& action) {
  auto o = std::make_shared<ScanOptions>();
  auto* cmd = app.add_subcommand(
      "scan", "Check a repository for CI: workflows, composite actions, dependabot and ADRs, with a gating exit code");
  cmd->add_option("paths", o->paths,
                  "Directories, files or globs to scan, relative to the root (default: the whole root)")
      ->type_name("PATH...")
      ->check(plain_value());
  add_value(cmd, "--root", o->root,
            "Repository root (default: PHASE_MIRROR_WORKSPACE, else a single PATH that holds .git or .github, else "
            "the current directory); findings name paths relative to it")
      ->type_name("DIR");
  auto* format = add_value(cmd, "--format", o->format, "Output format (default plain)")
                     ->type_name("FORMAT")
                     ->check(CLI::IsMember({"plain", "json", "sarif", "github"}));
  add_json_flag(cmd, o->json, "Same as --format json")->excludes(format);
  add_value(cmd, "--min-severity", o->min_severity,
            "Report and fail on findings of this severity or more (default low: all)")
      ->type_name("SEVERITY")
      ->check(CLI::IsMember({"low", "medium", "high", "critical"}));
  add_value(cmd, "--min-confidence", o->min_confidence,
            "Report and fail on findings of this confidence or more (default: the config's min-confidence, else "
            "medium, low for the auditor persona)")
      ->type_name("CONFIDENCE")
      ->check(CLI::IsMember({"low", "medium", "high"}));
  add_value(cmd, "--repository", o->repository,
            "The repository scanned: its owner is the org whose reviewed false positives are suppressed (default "
            "$GITHUB_REPOSITORY)")
      ->type_name("OWNER/NAME")
      ->check(repository_name());
  add_value(cmd, "--persona", o->persona,
            "Which findings the rules report (default: the config's persona, else regular)")
      ->type_name("PERSONA")
      ->check(CLI::IsMember({"regular", "pedantic", "auditor"}));
  auto* config_file =
      add_value(cmd, "--config", o->config_file,
                "Repository config: disabled rules, ignored paths and lines, severity overrides, "
                "persona (default .github/phase-mirror.yml or .yaml when present; docs/suppressions.md)")
          ->type_name("FILE");
  cmd->add_flag("--no-config", o->no_config, "Ignore the repository's suppression config file")->excludes(config_file);
  auto* adr = add_value(cmd, "--adr", o->adr_dir,
                        "ADR directory: check the source tree against its ADRs (default docs/adr when present)")
                  ->type_name("DIR");
  cmd->add_flag("--no-adr", o->no_adr, "No ADR check")->excludes(adr);
  add_value(cmd, "--exclude", o->excludes, "Leave out files and directories matching GLOB (repeatable)")
      ->type_name("GLOB");
  add_value(cmd, "--output", o->output, "Write the report to FILE instead of stdout")->type_name("FILE");
  add_value(cmd, "--color", o->color, "Colour the plain format: auto (a terminal, NO_COLOR unset), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->footer(
      "Exit code: 0 no finding at or above the thresholds (suppressed findings never count), 1 findings at or\n"
      "above the thresholds, 2 an error: bad usage or config, an unreadable file, an ADR rule that could not be\n"
      "checked, nothing to scan. The local advisory downgrade of the MCP tools (block shown as warn) does not\n"
      "apply. Formats: plain (people), json (the tools' payloads and the findings), sarif (GitHub code\n"
      "scanning), github (workflow-command annotations). See docs/CI.md.");
  cmd->callback([&action, o] { action = [o](const Config& c) { return run_scan(*o, c); }; });
}

}  // namespace pm::cli
