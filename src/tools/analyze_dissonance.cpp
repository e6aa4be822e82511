// analyze_dissonance: the rule catalogue over the files' contents. Argument
// mapping and payload only; the work is in engine/analyzer.
#include <optional>

#include "engine/analyzer.hpp"
#include "engine/policy.hpp"
#include "mcp/schema.hpp"
#include "tools/collect_paths.hpp"
#include "tools/registry.hpp"
#include "tools/store_hooks.hpp"

namespace pm::tools {

namespace {

// Fifty typical findings make about 63 KB of answer text, within the 25 000
// tokens Claude Code accepts from one tool result by default. The schema's
// "default" says the same (a test holds the two together).
constexpr long long kDefaultMaxFindings = 50;

Json input_schema() {
  return Json::parse(R"({
    "type": "object",
    "properties": {
      "files": {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "description": "Files, directories and globs to analyze (relative to the repository root). A directory (\".\" = the root) collects the workflows, composite actions (action.yml) and dependabot files under it, skipping symbolic links and dependency or VCS trees (node_modules, .git, ...); a glob (\".github/workflows/*.yml\", \"**/action.yml\") takes the files it matches. What was collected and skipped is reported under `collected`. Required unless `content` is given: an empty list, a glob that matches nothing or a directory with nothing to check is an error, never a pass."
      },
      "content": {
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "object",
          "properties": {
            "path": {"type": "string", "minLength": 1, "description": "Workspace-relative path the text is (or will be) written to; it decides how the text is analysed (a path under .github/workflows/ is a workflow). The file need not exist."},
            "text": {"type": "string", "description": "The file's text, at most the size a file may have."}
          },
          "required": ["path", "text"],
          "additionalProperties": false
        },
        "description": "Files given inline, to check a file before writing it: each is analysed as the file at its path, and replaces that file on disk for this call (as a workflow, the repository config or the policy file alike)."
      },
      "context": {
        "type": "string",
        "description": "Optional issue description or PR context to inform analysis. \"owner/repo\" names the repository when `repository` is not given."
      },
      "mode": {
        "type": "string",
        "enum": ["pull_request", "issue", "merge_group", "drift"],
        "default": "issue",
        "description": "Analysis mode: pull_request for PR checks, issue for planning, merge_group for merge queue checks, drift for baseline comparison"
      },
      "strict": {
        "type": "boolean",
        "default": false,
        "description": "Strict thresholds: any critical or high finding, or more than 5 medium, blocks; author and commitSha become mandatory (MD-004)."
      },
      "dryRun": {
        "type": "boolean",
        "default": false,
        "description": "Report what would block as warn instead of block."
      },
      "baselineFile": {
        "type": "string",
        "minLength": 1,
        "description": "Baseline JSON written by `phase-mirror-mcp baseline create` (drift mode compares governance files against it)."
      },
      "policyFile": {
        "type": "string",
        "minLength": 1,
        "description": "Repository policy file. Default .github/.phase-mirror/policy.json (defaults apply when that file does not exist; a file named here must exist)."
      },
      "branchProtectionFile": {
        "type": "string",
        "minLength": 1,
        "description": "JSON of GitHub's GET /repos/{owner}/{repo}/branches/{branch}/protection for the target branch (a 404 body or a missing file means protection is disabled)."
      },
      "repository": {
        "type": "object",
        "properties": {
          "owner": {"type": "string", "minLength": 1, "description": "Repository owner (the org for false-positive suppression)."},
          "name": {"type": "string", "minLength": 1, "description": "Repository name."},
          "branch": {"type": "string", "description": "Target branch."}
        },
        "required": ["owner", "name"],
        "description": "Repository under analysis."
      },
      "commitSha": {"type": "string", "minLength": 1, "description": "Commit SHA under analysis (audit trail)."},
      "author": {"type": "string", "minLength": 1, "description": "Author of the change (audit trail)."},
      "prNumber": {"type": "integer", "minimum": 1, "description": "Pull request number."},
      "persona": {
        "type": "string",
        "enum": ["regular", "pedantic", "auditor"],
        "description": "Which findings to report and count: regular (what established workflow linters report by default), pedantic (adds hardening findings such as tag-pinned first-party actions and workflow-level grants in single-job workflows) or auditor (everything). Default: the repository config's `persona`, else regular."
      },
      "minConfidence": {
        "type": "string",
        "enum": ["low", "medium", "high"],
        "description": "Report and count only findings at least this certain. Default: the repository config's `min-confidence`, else medium (low for the auditor persona)."
      },
      "configFile": {
        "type": "string",
        "minLength": 1,
        "description": "Repository config: rules to disable, paths and lines to ignore, severity overrides, per-rule settings, persona and min-confidence (docs/suppressions.md). Default .github/phase-mirror.yml (or .yaml), when it exists; a file named here must exist. An invalid config is INVALID_INPUT listing each problem with its line."
      },
      "useConfig": {
        "type": "boolean",
        "default": true,
        "description": "false: ignore the repository config file (inline ignore comments and reviewed false positives still apply)."
      },
      "maxFindings": {
        "type": "integer",
        "minimum": 0,
        "default": 50,
        "description": "List at most this many findings (the most severe, in file and line order) in findings and the summary; 0 lists all, and every other list in full too (the answer then has no size bound). The decision and the report count every finding; findingsTotal and findingsTruncated say what was left out. Keeps a large analysis within what an agent's client accepts as one result (about 25 000 tokens)."
      }
    }
  })");
}

std::optional<std::string> opt_string(const Json& args, const char* key) {
  const auto it = args.find(key);
  if (it == args.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

engine::AnalysisRequest to_request(const Json& args) {
  engine::AnalysisRequest req;
  if (const auto it = args.find("files"); it != args.end()) {
    for (const auto& f : *it) req.files.push_back(f.get<std::string>());
  }
  req.mode = opt_string(args, "mode").value_or("issue");
  req.context = opt_string(args, "context").value_or("");
  req.strict = args.value("strict", false);
  req.dry_run = args.value("dryRun", false);
  if (const auto p = opt_string(args, "persona")) req.persona = engine::parse_persona(*p);
  if (const auto c = opt_string(args, "minConfidence")) req.min_confidence = engine::parse_confidence(*c);
  req.config_file = opt_string(args, "configFile");
  req.use_config = args.value("useConfig", true);
  req.baseline_file = opt_string(args, "baselineFile");
  req.policy_file = opt_string(args, "policyFile");
  req.branch_protection_file = opt_string(args, "branchProtectionFile");
  if (const auto it = args.find("repository"); it != args.end() && it->is_object()) {
    engine::Repository r;
    r.owner = it->value("owner", "unknown");
    r.name = it->value("name", "unknown");
    r.branch = it->value("branch", "");
    req.repository = r;
  }
  req.commit_sha = opt_string(args, "commitSha");
  req.author = opt_string(args, "author");
  if (const auto it = args.find("prNumber"); it != args.end() && it->is_number_integer()) {
    req.pr_number = it->get<long long>();
  }
  return req;
}

// `files` or `content` must name something. The schema cannot say "one of
// the two" without anyOf, which some clients refuse at a schema's top level,
// so the check is here, answered as the schema check answers.
std::optional<Error> missing_input(const Json& args) {
  const auto files = args.find("files");
  const bool has_content = args.contains("content");
  if (files != args.end() && (!files->empty() || has_content)) return std::nullopt;
  if (files == args.end() && has_content) return std::nullopt;
  const mcp::ValidationIssue issue =
      files == args.end()
          ? mcp::ValidationIssue{"/files", "Required", "required"}
          : mcp::ValidationIssue{"/files", "Array must contain at least 1 item(s) (or give content)", "minItems"};
  Error e = Error::invalid_input("Invalid input parameters: /files", Json{{"validationErrors", mcp::to_json({issue})}});
  e.suggestions = {"Give files (paths, directories or globs) or content (path and text)"};
  return e;
}

// What an empty walk means, for the error that says nothing was checked.
Error nothing_to_check(const CollectedFiles& c, bool complete) {
  std::string what;
  for (const auto& entry : c.empty) {
    if (!what.empty()) what += "; ";
    what += has_glob_chars(entry) ? "the glob " + entry + " matches no file"
                                  : entry + " holds no workflow, composite action or dependabot file";
  }
  Error e{code::kFileNotFound, "Nothing to check: " + what, Severity::kMedium};
  e.details = Json{{"collected", collected_json(c, 0, complete)}};
  e.suggestions = {"Name the files to analyse, or give their text inline with content"};
  return e;
}

}  // namespace

mcp::ToolDef make_analyze_dissonance(Runtime& rt) {
  mcp::ToolDef t;
  t.name = "analyze_dissonance";
  t.title = "Analyze governance dissonance";
  t.description =
      "Analyze files for dissonance between the organisation's governance (ADRs, policy file, branch protection) "
      "and what the files do: GitHub Actions workflow risks, merge queue protection, audit trail and drift from a "
      "baseline. Returns findings with file:line, evidence and remediation, a decision (pass/warn/block) and a "
      "report. Findings a team suppressed (inline `# phase-mirror: ignore[RULE] reason` comments, the repository "
      "config, reviewed false positives) are listed under `suppressed` with who and why, and do not count.";
  t.input_schema = input_schema();
  t.annotations =
      Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
  t.tier = mcp::ToolTier::kAuthoritative;
  t.handler = [&rt](const Json& args, mcp::ToolContext& ctx) -> mcp::ToolResult {
    if (auto missing = missing_input(args)) return std::move(*missing);
    engine::AnalysisRequest req = to_request(args);
    const auto max_findings = static_cast<std::size_t>(args.value("maxFindings", kDefaultMaxFindings));
    engine::Workspace ws(ctx.workspace_roots(), rt.config.max_file_bytes);
    std::vector<std::string> inline_paths;
    if (const auto it = args.find("content"); it != args.end()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        const Json& c = (*it)[i];
        auto added = ws.add_inline(c.at("path").get<std::string>(), c.at("text").get<std::string>());
        if (!added) {
          Error e = added.take_error();
          if (!e.details.is_object()) e.details = Json::object();
          e.details["content"] = i;
          return e;
        }
        inline_paths.push_back(c.at("path").get<std::string>());
      }
    }
    engine::AnalyzerOptions opt;
    opt.timestamp = ctx.timestamp();
    // The dispatcher's TIMEOUT, a cancel and SIGTERM reach every loop of the
    // analysis through the call's token; the deadline also bounds an
    // in-process call (scan, call).
    Budget budget(Budget::limits_for(rt.config.call_timeout_ms, engine::kAnalysisMemoryBytes), &ctx.cancellation());
    opt.budget = &budget;
    auto collected = collect_files(ws, req.files, budget);
    if (!collected) return collected.take_error();
    req.files = std::move(collected->files);
    req.files.insert(req.files.end(), inline_paths.begin(), inline_paths.end());
    if (req.files.empty()) return nothing_to_check(*collected, max_findings == 0);
    // A walk of the root picks up a config written as .yaml, which is not the default name.
    if (const auto& config = collected->collection.config_file; config && !req.config_file) req.config_file = config;
    opt.progress = [&ctx](std::size_t done, std::size_t total, const std::string& path) {
      ctx.progress(static_cast<double>(done), static_cast<double>(total), path);
    };
    attach_store_hooks(rt, req, opt);  // FP suppression and circuit breaker from the stores
    auto run = engine::run_analysis(req, ws, opt);
    if (!run) return run.take_error();
    if (run->result.stopped) return budget.error("analyze_dissonance");

    mcp::ToolOutput out;
    out.payload["success"] = true;
    out.payload["timestamp"] = ctx.timestamp();
    out.payload["requestId"] = ctx.request_id();
    out.payload["analysis"] = engine::analysis_json(*run, max_findings);
    if (collected->walked || !inline_paths.empty()) {
      out.payload["collected"] = collected_json(*collected, inline_paths.size(), max_findings == 0);
    }
    out.decision = engine::envelope_decision(run->result.decision.outcome);
    out.degraded = run->result.degraded;
    out.complete = max_findings == 0;
    return out;
  };
  return t;
}

}  // namespace pm::tools
