#include "engine/analyzer.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <memory>
#include <numeric>
#include <set>
#include <tuple>
#include <utility>

#include "engine/baseline.hpp"
#include "engine/gha/gha.hpp"
#include "engine/policy.hpp"
#include "engine/rules/rules.hpp"
#include "engine/walk.hpp"
#include "util/answer.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace pm::engine {

namespace {

constexpr std::size_t kBinaryProbeBytes = 8192;
// Reviewed false positives listed in an answer: each is a whole finding.
constexpr std::size_t kMaxSuppressedListed = 20;

bool is_binary(const std::string& bytes) {
  return bytes.find('\0', 0) < std::min(bytes.size(), kBinaryProbeBytes);
}

Finding evaluation_error(const Rule& rule, const std::string& what, const std::string& type) {
  const std::string id(rule.info().id);
  Finding f;
  f.rule_id = id;
  f.severity = Severity::kCritical;
  f.message = "Rule " + id + " failed during evaluate: " + what;
  f.evidence = "rule evaluation error";
  f.remediation =
      "The rule could not check this input, so the result fails closed. Report the input that triggers "
      "it; other rules' findings are still listed.";
  f.finding_id = finding_id(f.rule_id, f.file, f.evidence);
  f.context = Json{{"ruleVersion", "unknown"},
                   {"phase", "evaluate"},
                   {"errorType", type},
                   {"originalMessage", what},
                   {"isEvaluationError", true}};
  return f;
}

bool is_evaluation_error(const Finding& f) {
  const auto it = f.context.find("isEvaluationError");
  return it != f.context.end() && it->is_boolean() && it->get<bool>();
}

// A finding no ignore or config entry may suppress: a file that could not be
// parsed was not checked, and a rule that failed did not check.
bool fail_closed(const Finding& f) {
  return is_evaluation_error(f) || f.rule_id == rules::kParseFailure.id;
}

// The config's severity for every finding of a rule, keeping what the rule
// said in the finding's context so that a reviewer sees the override.
void override_severity(Finding& f, Severity severity, const RepoConfig& config) {
  if (f.severity == severity) return;
  if (!f.context.is_object()) f.context = Json::object();
  const RuleConfig* rule = config.rule(f.rule_id);
  f.context["severityOverride"] =
      Json{{"from", to_string(f.severity)},
           {"location", config.path + ":" + std::to_string(rule != nullptr ? rule->config_line : 0)}};
  f.severity = severity;
}

std::vector<std::string> summary_notes(const AnalysisResult& res, const AnalysisInput& input) {
  std::vector<std::string> notes;
  if (!res.suppressed.empty()) {
    std::string by;
    for (const auto kind : {SuppressionKind::kInline, SuppressionKind::kConfig, SuppressionKind::kFpStore}) {
      const auto n = std::count_if(res.suppressed.begin(), res.suppressed.end(),
                                   [kind](const SuppressedFinding& s) { return s.suppression.kind == kind; });
      if (n > 0) by.append(by.empty() ? "" : ", ").append(to_string(kind)).append(" ").append(std::to_string(n));
    }
    notes.push_back("Suppressed: " + std::to_string(res.suppressed.size()) + " (" + by +
                    "), listed under suppressed and not counted");
  }
  if (input.suppressions != nullptr) {
    if (const std::size_t n = input.suppressions->problems_json().size(); n > 0) {
      notes.push_back("Ignore comments that suppress nothing: " + std::to_string(n) + " (listed under ignoreProblems)");
    }
  }
  if (res.not_reported > 0) {
    notes.push_back("Not reported: " + std::to_string(res.not_reported) + " outside persona " +
                    to_string(input.persona) + " or below minConfidence " + to_string(input.min_confidence));
  }
  return notes;
}

// std::stable_sort by `less`, moving each element once: sorting the elements
// themselves moves every (large) Finding about log2(n) times.
template <class T, class Less>
void stable_sort_moving_once(std::vector<T>& items, Less less) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return less(items[a], items[b]); });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const std::size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

// Workspace-relative form of a path that does not exist (for drift's
// removed-file check).
std::string lexical_relative(const Workspace& ws, const std::string& given) {
  namespace fs = std::filesystem;
  fs::path p = fs::path(given).lexically_normal();
  if (p.is_absolute()) p = p.lexically_relative(ws.roots().front());
  return p.generic_string();
}

// Either a rule's findings, or what it threw instead.
std::exception_ptr run_plain_rule(const Rule& rule, const AnalysisInput& input, std::vector<Finding>& out,
                                  Budget& budget) {
  try {
    rule.evaluate(input, out, budget);
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

// The critical finding that replaces the findings of a rule that threw.
Finding failed_rule_finding(const Rule& rule, const std::exception_ptr& error) {
  const std::string id(rule.info().id);
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::warn("[rule-error] " + id + "@unknown failed during evaluate: " + e.what());
    return evaluation_error(rule, e.what(), "std::exception");
  } catch (...) {
    log::warn("[rule-error] " + id + "@unknown failed during evaluate: unknown exception");
    return evaluation_error(rule, "unknown exception", "UnknownError");
  }
}

}  // namespace

Finding parse_failure_finding(const WorkflowFile& wf) {
  const auto& err = *wf.parse_error;
  const std::string title =
      is_dependabot_path(wf.path) ? "Dependabot configuration could not be parsed" : "Workflow could not be parsed";
  FindingBuilder b(rules::kParseFailure);
  b.at(wf, Position{err.line, err.column})
      .message(title + ": " + err.message + " (line " + std::to_string(err.line) + ")")
      .context(Json{{"title", title}, {"column", err.column}});
  if (wf.line_text(err.line).empty()) b.in_file(wf.path, err.message.substr(0, 200));
  return b.build();
}

AnalysisResult analyze(const AnalysisInput& input, const AnalyzerOptions& opt, std::size_t file_errors) {
  AnalysisResult res;
  // A rule the repository config disables does not run.
  std::vector<const Rule*> rules;
  for (const auto& r : opt.rules != nullptr ? *opt.rules : all_rules()) {
    if (input.config == nullptr || !input.config->disabled(r->info().id)) rules.push_back(r.get());
  }
  Budget unlimited;
  Budget& budget = opt.budget != nullptr ? *opt.budget : unlimited;
  const auto stop = [&res] {
    res = AnalysisResult{};
    res.stopped = true;
    return res;
  };

  std::vector<Finding> raw;
  std::vector<std::string> unchecked;
  for (const auto& wf : input.workflows) {
    if (!wf.parse_error) continue;
    raw.push_back(parse_failure_finding(wf));
    unchecked.push_back(wf.path);
  }
  for (const auto& d : input.dependabot) {
    if (!d.file.parse_error) continue;
    raw.push_back(parse_failure_finding(d.file));
    unchecked.push_back(d.file.path);
  }
  // Rules over the whole input one by one; rules over workflows together, in
  // one walk of the files.
  std::vector<std::vector<Finding>> found(rules.size());
  std::vector<std::exception_ptr> errors(rules.size());
  std::vector<WalkTarget> targets;
  std::vector<std::size_t> target_rule;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (const auto* wr = dynamic_cast<const WorkflowRule*>(rules[i])) {
      targets.push_back(WalkTarget{wr, &found[i], nullptr, true, 0});
      target_rule.push_back(i);
    } else {
      // A look at the budget before each rule over the whole input.
      if (!budget.step(Budget::kLookEvery)) return stop();
      errors[i] = run_plain_rule(*rules[i], input, found[i], budget);
      if (budget.stopped()) return stop();
    }
    res.rules_run.emplace_back(rules[i]->info().id);
  }
  if (!walk(input, targets, budget)) return stop();
  for (std::size_t t = 0; t < targets.size(); ++t) {
    errors[target_rule[t]] = targets[t].error;
    res.not_reported += targets[t].unreported;
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (errors[i]) {
      raw.push_back(failed_rule_finding(*rules[i], errors[i]));
      continue;
    }
    const std::optional<Severity> severity =
        input.config != nullptr ? input.config->severity_override(rules[i]->info().id) : std::nullopt;
    for (auto& f : found[i]) {
      if (!reported_in(f.persona, input.persona) || f.confidence < input.min_confidence) {
        ++res.not_reported;
        continue;
      }
      if (severity) override_severity(f, *severity, *input.config);
      if (f.finding_id.empty()) f.finding_id = finding_id(f.rule_id, f.file, f.evidence);
      raw.push_back(std::move(f));
    }
  }

  // One suppression per finding: an inline ignore or the config first, the
  // FP store for what is left (suppressions.hpp gives the precedence).
  for (auto& f : raw) {
    // A look-up in the false-positive store per finding.
    if (!budget.step(16)) return stop();
    std::optional<Suppression> s;
    if (input.suppressions != nullptr && !fail_closed(f)) {
      s = input.suppressions->match(FindingRef{f.rule_id, f.file, f.line, f.column});
    }
    if (!s && opt.is_false_positive && !is_evaluation_error(f)) s = opt.is_false_positive(f);
    if (s) {
      res.suppressed.push_back({std::move(f), std::move(*s)});
    } else {
      res.findings.push_back(std::move(f));
    }
  }
  const auto by_location = [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column, a.rule_id) < std::tie(b.file, b.line, b.column, b.rule_id);
  };
  stable_sort_moving_once(res.findings, by_location);
  stable_sort_moving_once(res.suppressed,
                          [&](const auto& a, const auto& b) { return by_location(a.finding, b.finding); });

  DecisionInput din;
  din.mode = input.mode;
  din.strict = input.strict;
  din.dry_run = input.dry_run;
  din.file_errors = file_errors;
  din.unchecked_files = unchecked;
  din.nothing_checked = !unchecked.empty() && unchecked.size() == input.files.size();
  din.timestamp = opt.timestamp.empty() ? now_iso8601_ms() : opt.timestamp;
  din.rules_evaluated = res.rules_run;
  const std::string org_repo = input.repository.owner + "/" + input.repository.name;
  // The breaker is consulted only when the analysis would block.
  if (opt.circuit_breaker_tripped && !input.dry_run &&
      should_block(count_severities(res.findings), thresholds(input.strict))) {
    din.circuit_breaker_tripped = opt.circuit_breaker_tripped(org_repo);
  }
  res.decision = make_decision(res.findings, din);
  if (res.decision.degraded) {
    res.degraded = true;
    res.degraded_reason = "circuit_breaker_triggered: too many blocks for " + org_repo + " in the current hour";
  }
  if (res.decision.outcome == "block" && opt.record_block) opt.record_block(org_repo);
  if (opt.store_degradation) {
    // The stores fail open: the analysis stands, and the response says what it went without.
    if (std::string why = opt.store_degradation(); !why.empty()) {
      res.degraded = true;
      if (!res.degraded_reason.empty()) res.degraded_reason += "; ";
      res.degraded_reason += why;
    }
  }

  res.report = make_report(static_cast<int>(res.rules_run.size()), res.findings);
  res.summary_notes = summary_notes(res, input);
  res.summary = summary_text(res.decision, res.findings, 0, res.summary_notes);
  res.adr_references = adr_references(res.findings);
  return res;
}

namespace {

bool looks_like_owner_repo(const std::string& s) {
  const auto slash = s.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= s.size()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

}  // namespace

std::string org_of(const std::optional<Repository>& repository, const std::string& context) {
  if (repository && !repository->owner.empty()) return repository->owner;
  if (looks_like_owner_repo(context)) return context.substr(0, context.find('/'));
  return "unknown";
}

std::string org_repo_of(const std::optional<Repository>& repository, const std::string& context) {
  if (repository) return repository->owner + "/" + repository->name;
  if (context.find('/') != std::string::npos) return context;  // owner = first part, name = the rest
  if (!context.empty()) return "unknown/" + context;
  return "unknown/unknown";
}

Result<AnalysisRun> run_analysis(const AnalysisRequest& req, const Workspace& ws, const AnalyzerOptions& opt) {
  AnalysisRun run;
  run.mode = req.mode;
  AnalysisInput input;
  input.mode = req.mode == "issue" ? "pull_request" : req.mode;
  input.strict = req.strict;
  input.dry_run = req.dry_run;
  input.context = req.context;
  input.commit_sha = req.commit_sha;
  input.author = req.author;
  input.pr_number = req.pr_number;
  if (req.repository) {
    input.repository = *req.repository;
  } else {
    const std::string key = org_repo_of(std::nullopt, req.context);
    input.repository.owner = key.substr(0, key.find('/'));
    input.repository.name = key.substr(key.find('/') + 1);
  }

  // Governance inputs first: an unusable config, policy, snapshot or baseline
  // fails the call before any file work.
  auto config = load_repo_config(ws, req.config_file, req.use_config);
  if (!config) return config.take_error();
  if (*config) run.config = (*config)->summary_json();
  run.levels = resolve_levels(req.persona, req.min_confidence, *config ? &**config : nullptr);
  input.persona = run.levels.persona;
  input.min_confidence = run.levels.min_confidence;
  Suppressions suppressions(std::move(*config));
  input.config = suppressions.config();
  input.suppressions = &suppressions;
  auto policy = load_policy(ws, req.policy_file);
  if (!policy) return policy.take_error();
  input.policy = std::move(*policy);
  if (req.branch_protection_file) {
    auto bp = load_branch_protection(ws, *req.branch_protection_file, input.branch_protection_path);
    if (!bp) return bp.take_error();
    input.branch_protection = std::move(*bp);
    input.branch_protection_given = true;
  }
  if (req.baseline_file) {
    auto file = ws.read(*req.baseline_file);
    if (!file) return file.take_error();
    auto baseline = parse_baseline(file->bytes, file->path.relative);
    if (!baseline) return baseline.take_error();
    input.baseline = std::move(*baseline);
    input.baseline_path = file->path.relative;
  }

  Budget unlimited;
  Budget& budget = opt.budget != nullptr ? *opt.budget : unlimited;
  const auto stopped = [&run] {
    run.result = AnalysisResult{};
    run.result.stopped = true;
    return run;
  };
  const std::size_t n = req.files.size();
  std::set<std::string> seen_given, seen_relative;
  for (std::size_t i = 0; i < n; ++i) {
    // Opening a file costs about as much as a look at the clock and the
    // token, so each file is one; reading it asks for its bytes.
    if (!budget.step(Budget::kLookEvery)) return stopped();
    const std::string& given = req.files[i];
    if (seen_given.insert(given).second) {
      auto file = ws.read(given, &budget);
      if (budget.stopped()) return stopped();
      if (!file) {
        const Error& e = file.error();
        run.file_errors.push_back({given, e.code, e.message});
        if (e.code == code::kFileNotFound) input.absent_paths.push_back(lexical_relative(ws, given));
      } else if (seen_relative.insert(file->path.relative).second) {
        // The rules and the answer need a file's path, kind and hash, not its
        // bytes: a workflow keeps them as its source, the rest are dropped
        // here rather than held twice until the answer is sent.
        std::string bytes = std::exchange(file->bytes, {});
        // A workflow or action is always parsed: one with a NUL byte is a parse
        // finding (MD-000), not a binary file that passes unchecked.
        const bool actions_file = gha::is_actions_path(file->path.relative);
        const bool dependabot_file = !actions_file && is_dependabot_path(file->path.relative);
        if (!actions_file && !dependabot_file && is_binary(bytes)) {
          run.binary_files.push_back(given);
        } else {
          suppressions.add_file(file->path.relative, bytes);  // its inline ignores, before the bytes move
          if (actions_file) {
            input.workflows.push_back(
                parse_workflow(file->path.relative, std::make_shared<const std::string>(std::move(bytes)), &budget));
            if (budget.stopped()) return stopped();
          } else if (dependabot_file) {
            input.dependabot.push_back(
                parse_dependabot(file->path.relative, std::make_shared<const std::string>(std::move(bytes)), &budget));
            if (budget.stopped()) return stopped();
          }
          input.files.push_back(*file);
        }
        run.files.push_back(std::move(*file));
      }
    }
    if (n > 1 && opt.progress) opt.progress(i + 1, n, given);
  }

  if (run.files.empty()) {
    if (run.file_errors.size() == 1) {
      const auto& fe = run.file_errors.front();
      Error e{fe.code, fe.message, Severity::kMedium};
      e.details = Json{{"path", fe.path}};
      return e;
    }
    std::string common = run.file_errors.empty() ? code::kFileNotFound : run.file_errors.front().code;
    Json list = Json::array();
    for (const auto& fe : run.file_errors) {
      if (fe.code != common) common = code::kFileNotFound;
      list.push_back(Json{{"path", fe.path}, {"code", fe.code}, {"message", fe.message}});
    }
    Error e{common, "None of the " + std::to_string(n) + " files could be read", Severity::kMedium};
    e.details = Json{{"fileErrors", list}};
    e.suggestions.push_back("Give paths relative to the workspace root: " + ws.roots().front());
    return e;
  }

  // Drift: baseline entries that are gone are "removed" even when not named.
  if (input.mode == "drift" && input.baseline) {
    for (const auto& [p, h] : (*input.baseline)["files"].items()) {
      if (!budget.step(1 + input.absent_paths.size())) return stopped();
      if (h.get<std::string>().empty() || seen_relative.count(p) != 0) continue;
      if (std::find(input.absent_paths.begin(), input.absent_paths.end(), p) != input.absent_paths.end()) continue;
      auto r = ws.resolve(p);
      if (!r && r.error().code == code::kFileNotFound) input.absent_paths.push_back(p);
    }
  }

  run.result = analyze(input, opt, run.file_errors.size());
  run.ignore_problems = suppressions.problems_json();
  return run;
}

namespace {

// Indices of the `max` most severe findings (earlier ones first among equals),
// in their original (file and line) order.
std::vector<std::size_t> most_severe(const std::vector<Finding>& findings, std::size_t max) {
  std::vector<std::size_t> order(findings.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return findings[a].severity > findings[b].severity; });
  order.resize(std::min(max, order.size()));
  std::sort(order.begin(), order.end());
  return order;
}

}  // namespace

Json analysis_json(const AnalysisRun& run, std::size_t max_findings) {
  const AnalysisResult& r = run.result;
  // Everything when every finding is asked for (CI); otherwise each list keeps
  // its first entries and says how many it had, and echoed paths are clipped.
  const bool complete = max_findings == 0;
  const std::size_t max_listed = complete ? SIZE_MAX : answer::kMaxListed;
  const std::size_t max_suppressed = complete ? SIZE_MAX : kMaxSuppressedListed;
  const auto echo = [complete](const std::string& path) {
    return complete ? path : answer::clip(path, answer::kMaxEchoBytes).text;
  };
  Json files = Json::array();
  for (std::size_t i = 0; i < run.files.size() && i < max_listed; ++i) {
    const auto& f = run.files[i];
    files.push_back(Json{{"path", echo(f.path.given)}, {"type", to_string(f.kind)}, {"hash", f.sha256}});
  }
  const bool truncated = max_findings > 0 && r.findings.size() > max_findings;
  Json findings = Json::array();
  std::string summary;
  if (truncated) {
    std::vector<Finding> listed;
    for (const std::size_t i : most_severe(r.findings, max_findings)) listed.push_back(r.findings[i]);
    findings.get_ref<Json::array_t&>().reserve(listed.size());
    for (const auto& f : listed) findings.push_back(to_json(f));
    summary = summary_text(r.decision, listed, r.findings.size() - listed.size(), r.summary_notes);
  } else {
    findings.get_ref<Json::array_t&>().reserve(r.findings.size());
    for (const auto& f : r.findings) findings.push_back(to_json(f));
    summary = r.summary;
  }
  Json file_errors = Json::array();
  for (std::size_t i = 0; i < run.file_errors.size() && i < max_listed; ++i) {
    const auto& e = run.file_errors[i];
    file_errors.push_back(Json{{"path", echo(e.path)}, {"code", e.code}, {"message", echo(e.message)}});
  }
  Json suppressed = Json::array();
  Json suppressed_counts = Json::object();
  for (const auto kind : {SuppressionKind::kInline, SuppressionKind::kConfig, SuppressionKind::kFpStore}) {
    suppressed_counts[to_string(kind)] = 0;
  }
  for (const auto& s : r.suppressed) {
    auto& n = suppressed_counts[to_string(s.suppression.kind)];
    n = n.get<std::size_t>() + 1;
  }
  for (std::size_t i = 0; i < r.suppressed.size() && i < max_suppressed; ++i) {
    Json j = to_json(r.suppressed[i].finding);
    attach_suppression(j, r.suppressed[i].suppression);
    suppressed.push_back(std::move(j));
  }
  Json levels = run.levels.to_json();
  levels["notReported"] = r.not_reported;
  Json binary = Json::array();
  for (std::size_t i = 0; i < run.binary_files.size() && i < max_listed; ++i)
    binary.push_back(echo(run.binary_files[i]));
  // Assigned key by key: a braced initializer list would deep-copy the
  // (possibly large) findings array. Room for every key first: an ordered_json
  // object that grows copies its values (its keys are const), findings included.
  Json a = Json::object();
  a.get_ref<Json::object_t&>().reserve(26);
  a["mode"] = run.mode;
  a["filesAnalyzed"] = run.files.size();
  a["files"] = std::move(files);
  a["findings"] = std::move(findings);
  a["summary"] = std::move(summary);
  a["decision"] = to_json(r.decision);
  a["report"] = to_json(r.report);
  a["degradedMode"] = r.degraded;
  a["adrReferences"] = r.adr_references;
  a["fileErrors"] = std::move(file_errors);
  a["suppressed"] = std::move(suppressed);
  a["binaryFiles"] = std::move(binary);
  a["findingsTotal"] = r.findings.size();
  a["findingsTruncated"] = truncated;
  a["levels"] = std::move(levels);
  a["repositoryConfig"] = run.config;
  a["suppressedCounts"] = std::move(suppressed_counts);
  a["ignoreProblems"] = run.ignore_problems;
  if (r.degraded) a["degradedReason"] = r.degraded_reason;
  // A list that was cut says so, with its full count (files: filesAnalyzed).
  if (run.files.size() > max_listed) a["filesTruncated"] = true;
  for (const auto& [name, total, max] : {std::tuple{"fileErrors", run.file_errors.size(), max_listed},
                                         std::tuple{"suppressed", r.suppressed.size(), max_suppressed},
                                         std::tuple{"binaryFiles", run.binary_files.size(), max_listed}}) {
    if (total <= max) continue;
    a[std::string(name) + "Total"] = total;
    a[std::string(name) + "Truncated"] = true;
  }
  return a;
}

}  // namespace pm::engine
