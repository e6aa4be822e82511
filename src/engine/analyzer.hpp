#pragma once
// analyze_dissonance's engine: reads the files through the workspace, builds
// the rule input (policy, protection snapshot, baseline, parsed workflows,
// the repository config), runs the catalogue fail-closed, keeps what the
// persona and minConfidence report, moves suppressed findings (inline
// ignores, the config, reviewed false positives) aside, decides and reports. The tool
// (src/tools/analyze_dissonance.cpp) only maps the arguments and the payload.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/decision.hpp"
#include "engine/report.hpp"
#include "engine/rule.hpp"
#include "engine/suppressions.hpp"
#include "engine/workspace.hpp"
#include "util/budget.hpp"
#include "util/error.hpp"
#include "util/json.hpp"

namespace pm::engine {

// The memory allowance of one analysis: what the rules' findings take (their
// strings and context) before they are reported. Far above any real
// repository's (a thousand findings take about a megabyte), it stops a file
// built to produce millions of findings before it exhausts the machine.
inline constexpr std::uint64_t kAnalysisMemoryBytes = std::uint64_t{512} << 20;

struct AnalyzerOptions {
  // The FP store's review (fp_store_suppression) when the finding is a
  // reviewed false positive for the analysis' org (see org_of): the finding
  // moves to `suppressed`. Asked only for what no inline ignore or config
  // entry suppressed.
  std::function<std::optional<Suppression>(const Finding&)> is_false_positive;
  // "owner/name" -> true when too many blocks were issued for it this hour.
  std::function<bool(const std::string& org_repo)> circuit_breaker_tripped;
  // Called once per analysis that ends in block.
  std::function<void(const std::string& org_repo)> record_block;
  // Why the hooks above could not do their work (a store was unavailable), or empty.
  // Asked once, after them: a non-empty answer makes the result degradedMode with it.
  std::function<std::string()> store_degradation;
  // The call's work budget (its timeout, the client's cancel, SIGTERM), asked
  // while files are read and parsed, by every rule and over the findings;
  // nullptr: no limits. Once it stops, the result is `stopped` and holds
  // nothing to report: the caller answers budget->error().
  Budget* budget = nullptr;
  // After each file, when more than one file is analysed.
  std::function<void(std::size_t done, std::size_t total, const std::string& path)> progress;
  // Rules to run; nullptr = all_rules().
  const std::vector<std::unique_ptr<Rule>>* rules = nullptr;
  // Decision timestamp; empty = now.
  std::string timestamp;
};

struct SuppressedFinding {
  Finding finding;
  Suppression suppression;
};

struct AnalysisResult {
  std::vector<Finding> findings;  // sorted by (file, line, ruleId)
  std::vector<SuppressedFinding> suppressed;
  // Findings the persona or minConfidence does not report: neither listed nor counted.
  std::size_t not_reported = 0;
  // Lines the summary text ends with: what was suppressed and not reported.
  std::vector<std::string> summary_notes;
  std::vector<std::string> rules_run;
  Decision decision;
  Report report;
  std::string summary;
  std::vector<std::string> adr_references;
  bool degraded = false;
  std::string degraded_reason;
  bool stopped = false;  // the budget stopped the analysis: nothing above is complete
};

// Runs the rules over a prepared input: the rules the config disables do not
// run, severity overrides apply, findings outside input.persona or below
// input.min_confidence are dropped, and input.suppressions then the FP store
// suppress. A parse failure (MD-000) and a rule that failed are never
// suppressed by an ignore or the config. `file_errors` (files that could not
// be read) keeps the outcome from being allow.
AnalysisResult analyze(const AnalysisInput& input, const AnalyzerOptions& options, std::size_t file_errors = 0);

// Fail-closed finding (ruleId MD-000, rules::kParseFailure) for a workflow or Dependabot
// configuration the parser rejected.
Finding parse_failure_finding(const WorkflowFile& wf);

// Org of an analysis (PRODUCT.md §8): repository.owner when given, else the
// owner part of a context that looks like "owner/repo", else "unknown".
std::string org_of(const std::optional<Repository>& repository, const std::string& context);
// "owner/name" for the circuit breaker, with the reference's split of context.
std::string org_repo_of(const std::optional<Repository>& repository, const std::string& context);

// The tool's arguments.
struct AnalysisRequest {
  std::vector<std::string> files;
  std::string mode = "issue";  // pull_request | issue | merge_group | drift
  std::string context;
  bool strict = false;
  bool dry_run = false;
  // Unset: the repository config's, else the default (regular; minConfidence
  // medium, low for auditor).
  std::optional<Persona> persona;
  std::optional<Confidence> min_confidence;
  // The repository config: configFile (default .github/phase-mirror.yml,
  // absent = none) unless useConfig is false.
  std::optional<std::string> config_file;
  bool use_config = true;
  std::optional<std::string> baseline_file;
  std::optional<std::string> policy_file;
  std::optional<std::string> branch_protection_file;
  std::optional<Repository> repository;
  std::optional<std::string> commit_sha;
  std::optional<std::string> author;
  std::optional<long long> pr_number;
};

struct FileError {
  std::string path;  // as given
  std::string code;
  std::string message;
};

struct AnalysisRun {
  std::string mode;                       // as requested
  std::vector<FileData> files;            // every file read, in request order (binary included)
  std::vector<std::string> binary_files;  // given paths listed but not rule-checked
  std::vector<FileError> file_errors;
  AnalysisLevels levels;                 // persona and minConfidence used, and where from
  Json config = nullptr;                 // RepoConfig::summary_json() of the config read, null for none
  Json ignore_problems = Json::array();  // Suppressions::problems_json()
  AnalysisResult result;
};

// Whole analysis of a request. Fails only when no file can be read
// (FILE_NOT_FOUND, or the common code when all failed alike) or when the
// repository config, policy, protection snapshot or baseline file is unusable.
Result<AnalysisRun> run_analysis(const AnalysisRequest& request, const Workspace& ws, const AnalyzerOptions& options);

// `analysis` object of the tool payload (engine.md §6.2 keys, then fileErrors,
// suppressed, binaryFiles, findingsTotal, findingsTruncated, suppression and
// degradedReason). At most `max_findings` findings are listed (0: all): the
// most severe ones, in file and line order; the summary text lists the same
// ones. The decision and the report count every finding. Unless every finding
// is asked for, the other lists keep their first answer::kMaxListed entries
// (suppressed: 20) with `<list>Total`/`<list>Truncated` (files: filesTruncated,
// the count is filesAnalyzed) and echoed paths are clipped.
Json analysis_json(const AnalysisRun& run, std::size_t max_findings = 0);

}  // namespace pm::engine
