// MD-118: a cache restored in a workflow that publishes or releases, where an
// entry written by a less trusted run can end up in the released artifact.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_118 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain"};

constexpr RuleInfo kInfo{
    .id = "MD-118",
    .title = "Cache restored in a publishing workflow",
    .severity = Severity::kMedium,
    .confidence = Confidence::kMedium,
    .persona = Persona::kRegular,
    .description =
        "A step that restores a GitHub Actions cache in a workflow that releases or publishes. Cache entries are "
        "shared by every workflow of the repository within a branch scope, and a run on a branch can restore the "
        "default branch's entries: code that runs in a default-branch workflow with less care (a build of a pull "
        "request in a `pull_request_target` or `issue_comment` workflow, a compromised test dependency) can write "
        "an entry that the release then restores into what it builds and ships. Cache restores are actions/cache "
        "and actions/cache/restore (not with `lookup-only: true`), setup actions given a `cache:` input "
        "(actions/setup-node, setup-python, setup-java, setup-dotnet ...), ruby/setup-ruby with `bundler-cache: "
        "true`, astral-sh/setup-uv with `enable-cache: true` (or v6 and later, which cache by default), "
        "actions/setup-go (v4 and later cache by default), Swatinem/rust-cache and gradle/actions/setup-gradle. "
        "Reported (confidence medium) in every job of a workflow triggered by `release` or by a tag push, and in a "
        "job with a publishing step (pypa/gh-action-pypi-publish, softprops/action-gh-release, "
        "goreleaser/goreleaser-action, docker/build-push-action with `push: true`, a `run:` line with "
        "`npm publish`, `cargo publish`, `twine upload`, `docker push`, `gh release create`, ...); with confidence "
        "low in a job whose output a publishing job `needs`, which usually hands the build over as an artifact.",
    .not_reported =
        "Workflows that neither release nor publish (CI caches are the point of caching); actions/cache/save alone "
        "and `lookup-only: true` (nothing is restored); setup actions with caching off (`cache: false`, "
        "`enable-cache: false`, `cache-disabled: true`); dry runs (`--dry-run`, `cargo publish -n`); composite actions "
        "(whether their "
        "caller publishes is not visible in the action).",
    .remediation =
        "Build release artifacts without caches: drop the cache step or turn the setup action's caching off "
        "(`cache: false`, `enable-cache: false`) in the release workflow and in the jobs it takes artifacts from.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on:\n"
        "  release:\n"
        "    types: [published]\n"
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/setup-node@v4\n"
        "        with:\n"
        "          cache: npm          # restored from an entry another run may have written\n"
        "      - run: npm ci && npm publish\n",
};

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r\"'");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\"'") - b + 1);
}

bool equals_lower(std::string_view s, std::string_view lower_word) {
  if (s.size() != lower_word.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
    if (c != lower_word[i]) return false;
  }
  return true;
}

const Located* input(const Step& s, std::string_view name) {
  for (const auto& [k, v] : s.with) {
    if (k == name) return &v;
  }
  return nullptr;
}

bool input_is(const Step& s, std::string_view name, std::string_view lower_value) {
  const Located* v = input(s, name);
  return v != nullptr && equals_lower(trim(v->value), lower_value);
}

// A `cache:`-style input that turns caching on: any value but empty or false.
bool input_on(const Step& s, std::string_view name) {
  const Located* v = input(s, name);
  return v != nullptr && !trim(v->value).empty() && !equals_lower(trim(v->value), "false");
}

// Whether the step restores a cache, and what restores it (for the message).
std::optional<std::string_view> cache_restore(const WorkflowFile& wf, const Step& s) {
  if (!s.uses) return std::nullopt;
  if (gha::uses_action(s, "actions/cache") || gha::uses_action(s, "actions/cache/restore")) {
    if (input_is(s, "lookup-only", "true")) return std::nullopt;
    return "a cache";
  }
  if (gha::uses_action(s, "actions/setup-go")) {
    // Caching is on by default from v4; before, only when asked for.
    const auto v = gha::action_version(wf, s);
    const bool default_on = !v || v->major >= 4;
    const Located* c = input(s, "cache");
    if (c == nullptr ? default_on : !equals_lower(trim(c->value), "false")) return "the Go module cache";
    return std::nullopt;
  }
  for (const std::string_view a : {"actions/setup-node", "actions/setup-python", "actions/setup-java",
                                   "actions/setup-dotnet", "pnpm/action-setup", "oven-sh/setup-bun"}) {
    if (gha::uses_action(s, a)) {
      if (input_on(s, "cache")) return "a dependency cache";
      return std::nullopt;
    }
  }
  if (gha::uses_action(s, "ruby/setup-ruby")) {
    if (input_is(s, "bundler-cache", "true")) return "the Bundler cache";
    return std::nullopt;
  }
  if (gha::uses_action(s, "astral-sh/setup-uv")) {
    // From v6 `enable-cache` defaults to `auto`: on, on GitHub's runners.
    const Located* c = input(s, "enable-cache");
    const auto v = gha::action_version(wf, s);
    const bool on = c == nullptr || equals_lower(trim(c->value), "auto") ? v && v->major >= 6
                                                                         : equals_lower(trim(c->value), "true");
    if (on) return "the uv cache";
    return std::nullopt;
  }
  if (gha::uses_action(s, "Swatinem/rust-cache")) {
    if (input_is(s, "lookup-only", "true")) return std::nullopt;
    return "the Cargo cache";
  }
  if (gha::uses_action(s, "gradle/actions/setup-gradle") || gha::uses_action(s, "gradle/gradle-build-action")) {
    if (input_is(s, "cache-disabled", "true")) return std::nullopt;
    return "the Gradle cache";
  }
  return std::nullopt;
}

// The words of one script line (quotes removed).
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '"' || line[i] == '\'')) ++i;
    const std::size_t b = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '"' && line[i] != '\'') ++i;
    if (i > b) out.push_back(line.substr(b, i - b));
  }
  return out;
}

// Whether a script line publishes (a package, an image or a release).
bool publishing_line(std::string_view line, Budget& budget) {
  const std::vector<std::string_view> ws = words(line);
  if (!budget.step(1 + ws.size())) return false;
  bool dry_run_flag = false;  // `cargo publish -n`
  for (const auto w : ws) {
    if (w == "--dry-run") return false;
    dry_run_flag = dry_run_flag || w == "-n";
  }
  for (std::size_t i = 0; i + 1 < ws.size(); ++i) {
    const std::string_view a = ws[i];
    const std::string_view b = ws[i + 1];
    if ((a == "npm" || a == "pnpm" || a == "yarn" || a == "cargo" || a == "uv" || a == "poetry" || a == "hatch" ||
         a == "pdm" || a == "./gradlew" || a == "gradle") &&
        b == "publish" && !(a == "cargo" && dry_run_flag)) {
      return true;
    }
    if ((a == "twine" && b == "upload") || (a == "gem" && b == "push") || (a == "docker" && b == "push") ||
        (a == "goreleaser" && b == "release") || (a == "mvn" && b == "deploy") || (a == "nuget" && b == "push")) {
      return true;
    }
    if (a == "gh" && b == "release" && i + 2 < ws.size() && (ws[i + 2] == "create" || ws[i + 2] == "upload")) {
      return true;
    }
    if (a == "buildx" && b == "build") {
      for (const auto w : ws) {
        if (w == "--push") return true;
      }
    }
  }
  return false;
}

// Where the step publishes, or nullptr.
const Located* publishing_step(const Step& s, Budget& budget) {
  if (s.uses) {
    for (const std::string_view a :
         {"pypa/gh-action-pypi-publish", "softprops/action-gh-release", "ncipollo/release-action",
          "goreleaser/goreleaser-action", "JS-DevTools/npm-publish", "rubygems/release-gem", "actions/create-release",
          "actions/upload-release-asset", "svenstaro/upload-release-action"}) {
      if (gha::uses_action(s, a)) return &*s.uses;
    }
    if (gha::uses_action(s, "docker/build-push-action") && input_is(s, "push", "true")) return &*s.uses;
    return nullptr;
  }
  if (!s.run) return nullptr;
  const std::string_view script = s.run->value;
  for (std::size_t start = 0; start < script.size();) {
    std::size_t end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    if (publishing_line(script.substr(start, end - start), budget)) return &*s.run;
    if (budget.stopped()) return nullptr;
    start = end + 1;
  }
  return nullptr;
}

// The `release` trigger, or the `push` trigger when its filter names tags.
const Located* release_trigger(const WorkflowFile& wf, Budget& budget) {
  const Located* push = nullptr;
  for (const auto& t : wf.triggers) {
    if (t.value == "release") return &t;
    if (t.value == "push") push = &t;
  }
  if (push == nullptr) return nullptr;
  // The push trigger's mapping: the lines below it indented deeper than it.
  const std::string_view head = wf.source_line(push->line);
  const std::size_t indent = head.find_first_not_of(" \t");
  for (int line = push->line + 1; line <= static_cast<int>(wf.line_count()); ++line) {
    if (!budget.step(1)) return nullptr;
    const std::string_view text = wf.source_line(line);
    const std::size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || text[first] == '#') continue;
    if (first <= indent) break;
    if (text.substr(first).starts_with("tags:")) return push;
  }
  return nullptr;
}

class Md118 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_workflow(const WorkflowNode& n, FindingSink& out) const override {
    const WorkflowFile& wf = n.file;
    Budget& budget = n.budget;
    const Located* trigger = release_trigger(wf, budget);
    // Each job's first publishing step.
    std::vector<const Located*> publishes(wf.jobs.size(), nullptr);
    for (std::size_t j = 0; j < wf.jobs.size(); ++j) {
      for (const auto& s : wf.jobs[j].steps) {
        if (!budget.step(1)) return;
        publishes[j] = publishing_step(s, budget);
        if (publishes[j] != nullptr) break;
      }
    }
    if (budget.stopped()) return;
    // The first publishing job that needs each job (one pass over the needs, not one per job).
    std::unordered_map<std::string_view, std::size_t> needed_by;
    for (std::size_t k = 0; k < wf.jobs.size(); ++k) {
      if (publishes[k] == nullptr) continue;
      for (const auto& need : wf.jobs[k].needs) {
        if (!budget.step(1)) return;
        needed_by.emplace(need, k);
      }
    }
    for (std::size_t j = 0; j < wf.jobs.size(); ++j) {
      const Job& job = wf.jobs[j];
      // Why this job's caches reach a release: the trigger, its own publishing step, or a publishing job
      // that needs it.
      const Located* why = trigger != nullptr ? trigger : publishes[j];
      const Job* consumer = nullptr;
      if (why == nullptr) {
        if (const auto it = needed_by.find(job.id); it != needed_by.end()) {
          why = publishes[it->second];
          consumer = &wf.jobs[it->second];
        }
      }
      if (why == nullptr) continue;
      for (const auto& s : job.steps) {
        if (!budget.step(1 + s.with.size())) return;
        const auto what = cache_restore(wf, s);
        if (!what) continue;
        FindingBuilder(kInfo)
            .confidence(consumer == nullptr ? Confidence::kMedium : Confidence::kLow)
            .at(wf, *s.uses)
            .message(
                why == trigger ? str_cat({"Job '", job.id, "' restores ", *what, " in a workflow run by `",
                                          trigger->value, trigger->value == "push" ? "` of a tag" : "`",
                                          ": an entry another run wrote can end up in the release"})
                : consumer == nullptr
                    ? str_cat({"Job '", job.id, "' restores ", *what,
                               " and publishes: an entry another run wrote can end up in what it ships"})
                    : str_cat({"Job '", job.id, "' restores ", *what, " and job '", consumer->id,
                               "', which needs it, publishes: an entry another run wrote can end up in what it ships"}))
            .related(wf, *why, why == trigger ? "the release trigger" : "the publishing step")
            .context(context_object("job", job.id, "cache", *what))
            .emit(out);
      }
    }
  }
};

}  // namespace
}  // namespace md_118

std::unique_ptr<Rule> make_md_118() {
  return std::make_unique<md_118::Md118>();
}

}  // namespace pm::engine::rules
