// Dependabot configuration: the input is the text of one .github/dependabot.yml. It goes
// through the YAML model and the Dependabot model (engine/dependabot), then the whole rule
// catalogue as analyze_dissonance runs it on that file, with the auditor persona so that
// every finding is built, and the payload rendering.
//
// Checked beyond the sanitizers: parsing never throws and is deterministic; a parse error
// has a message; every position the model keeps (version, entries, their values, cooldowns,
// registries) lies inside the text; no rule throws (the analyzer would turn that into a
// critical fail-closed finding); every finding cites a line inside the file and has a
// findingId; the analysis payload serialises.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "engine/analyzer.hpp"
#include "engine/dependabot.hpp"
#include "util/crypto.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "dependabot_fuzz: %s: %s\n", what.c_str(), detail.substr(0, 2000).c_str());
  std::abort();
}

struct PositionCheck {
  std::size_t lines;
  void operator()(const pm::engine::Position& p, const char* what) const {
    if (p.line < 1 || static_cast<std::size_t>(p.line) > lines + 1 || p.column < 0) {
      fail(std::string("position outside the text: ") + what, std::to_string(p.line) + ":" + std::to_string(p.column));
    }
  }
  void operator()(const std::optional<pm::engine::DependabotValue>& v, const char* what) const {
    if (v) (*this)(v->at, what);
  }
};

void check_model(const pm::engine::DependabotFile& d) {
  const PositionCheck at{d.file.line_count()};
  at(d.version, "version");
  for (const auto& r : d.registries) at(r.at, "registry");
  for (const auto& u : d.updates) {
    at(u.at, "update");
    at(u.package_ecosystem, "package-ecosystem");
    at(u.directory, "directory");
    for (const auto& dir : u.directories) at(dir.at, "directories");
    at(u.schedule_interval, "schedule.interval");
    at(u.open_pull_requests_limit, "open-pull-requests-limit");
    at(u.insecure_external_code_execution, "insecure-external-code-execution");
    if (u.cooldown) {
      at(u.cooldown->at, "cooldown");
      at(u.cooldown->default_days, "cooldown.default-days");
      at(u.cooldown->semver_major_days, "cooldown.semver-major-days");
      at(u.cooldown->semver_minor_days, "cooldown.semver-minor-days");
      at(u.cooldown->semver_patch_days, "cooldown.semver-patch-days");
    }
    if (u.registries_at) at(*u.registries_at, "registries");
    for (const auto& r : u.registries) at(r.at, "registries item");
  }
}

// What the model says, in one string: two parses of one text must say the same.
std::string describe(const pm::engine::DependabotFile& d) {
  std::string s = d.file.parse_error ? "error " + d.file.parse_error->message : "ok";
  s += " updates " + std::to_string(d.updates.size()) + " registries " + std::to_string(d.registries.size());
  for (const auto& u : d.updates) {
    s += "|" + (u.package_ecosystem ? u.package_ecosystem->value : std::string("-"));
    s += "@" + std::to_string(u.at.line) + ":" + std::to_string(u.at.column);
    if (u.cooldown) s += " cooldown" + std::to_string(u.cooldown->well_formed);
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = ".github/dependabot.yml";
  const auto d = pm::engine::parse_dependabot(path, text);
  if (d.file.parse_error && d.file.parse_error->message.empty()) fail("parse error without a message", text);
  check_model(d);
  if (describe(d) != describe(pm::engine::parse_dependabot(path, text))) fail("parsing is not deterministic", text);

  pm::engine::FileData file;
  file.path = {path, "/ws/" + path, path};
  file.bytes = text;
  file.sha256 = pm::sha256_hex(text);
  file.kind = pm::engine::FileKind::kConfig;
  pm::engine::AnalysisInput input;
  input.mode = "pull_request";
  input.persona = pm::engine::Persona::kAuditor;
  input.files.push_back(file);
  input.dependabot.push_back(d);
  input.repository = {"octo", "repo", "main"};
  pm::engine::AnalyzerOptions opt;
  opt.timestamp = "2026-01-01T00:00:00.000Z";
  const auto result = pm::engine::analyze(input, opt);
  for (const auto& f : result.findings) {
    const auto it = f.context.find("isEvaluationError");
    if (it != f.context.end() && *it == true) fail("rule threw", f.message);
    if (f.line < 0 || static_cast<std::size_t>(f.line) > d.file.line_count() + 1) {
      fail("finding cites a line outside the file", f.rule_id + " line " + std::to_string(f.line));
    }
    if (f.finding_id.size() != 32) fail("finding without a findingId", f.rule_id);
  }
  pm::engine::AnalysisRun run;
  run.mode = input.mode;
  run.files.push_back(file);
  run.result = result;
  pm::dump_pretty(pm::engine::analysis_json(run));
  return 0;
}
