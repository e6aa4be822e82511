// Workflow YAML: the input is the text of one workflow file. It goes through
// the YAML model (engine/yaml), the GitHub Actions model (engine/workflow)
// and the whole rule catalogue as analyze_dissonance runs it on one file, in
// pull_request mode and in strict merge_group mode.
//
// Checked beyond the sanitizers: the YAML scanner gives libyaml's tree
// wherever it takes the text (yaml::detail::compare_parsers); no rule throws (the analyzer would turn that
// into a critical fail-closed finding, i.e. a false block); every finding
// cites a line inside the file and has a findingId; the analysis payload
// serialises.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/analyzer.hpp"
#include "engine/workflow.hpp"
#include "engine/yaml.hpp"
#include "util/crypto.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "workflow_fuzz: %s: %s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

void check_node(const pm::engine::yaml::Node& n, std::size_t line_count) {
  if (n.line < 1 || static_cast<std::size_t>(n.line) > line_count + 1) {
    fail("YAML node outside the text", std::to_string(n.line));
  }
  for (const auto& item : n.items()) check_node(item, line_count);
  for (const auto& [k, v] : n.entries()) {
    check_node(k, line_count);
    check_node(v, line_count);
  }
}

void run(const pm::engine::FileData& file, const pm::engine::WorkflowFile& wf, const std::string& mode, bool strict) {
  pm::engine::AnalysisInput input;
  input.mode = mode;
  input.strict = strict;
  input.files.push_back(file);
  input.workflows.push_back(wf);
  input.repository = {"octo", "repo", "main"};
  pm::engine::AnalyzerOptions opt;
  opt.timestamp = "2026-01-01T00:00:00.000Z";
  const auto result = pm::engine::analyze(input, opt);
  for (const auto& f : result.findings) {
    const auto it = f.context.find("isEvaluationError");
    if (it != f.context.end() && *it == true) fail("rule threw", f.message);
    if (f.line < 0 || static_cast<std::size_t>(f.line) > wf.line_count() + 1) {
      fail("finding cites a line outside the file", f.rule_id + " line " + std::to_string(f.line));
    }
    if (f.finding_id.size() != 32) fail("finding without a findingId", f.rule_id);
  }
  pm::engine::AnalysisRun run;
  run.mode = mode;
  run.files.push_back(file);
  run.result = result;
  pm::dump_pretty(pm::engine::analysis_json(run));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pm::engine::FileData file;
  file.path = {".github/workflows/fuzz.yml", "/ws/.github/workflows/fuzz.yml", ".github/workflows/fuzz.yml"};
  file.bytes = text;
  file.sha256 = pm::sha256_hex(text);
  file.kind = pm::engine::FileKind::kWorkflow;
  // The block-style scanner and libyaml must agree wherever the scanner takes the text.
  const std::string parsers = pm::engine::yaml::detail::compare_parsers(text, {});
  if (!parsers.empty()) fail("YAML scanner and libyaml differ", parsers + "\n" + text);
  const auto wf = pm::engine::parse_workflow(file.path.relative, text);
  if (wf.parse_error && wf.parse_error->message.empty()) fail("parse error without a message", text);
  // Lines as the workflow model splits them (every YAML line break).
  const auto parsed = pm::engine::yaml::parse(text);
  for (const auto& doc : parsed.documents) {
    if (doc.root) check_node(*doc.root, wf.line_count());
  }

  run(file, wf, "pull_request", false);
  run(file, wf, "merge_group", true);
  return 0;
}
