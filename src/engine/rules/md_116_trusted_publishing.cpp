// MD-116: packages published with a long-lived token to an index that
// accepts the workflow's own OIDC identity (trusted publishing).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_116 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain", "credentials"};

constexpr RuleInfo kInfo{
    .id = "MD-116",
    .title = "Publishing token where trusted publishing exists",
    .severity = Severity::kLow,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A package published to PyPI, npm, crates.io or RubyGems with a stored token, although each accepts the "
        "workflow's own short-lived OIDC identity instead (trusted publishing, `id-token: write`). A stored token "
        "lives until someone revokes it, works from anywhere and leaks with the secrets of any workflow that can "
        "read it. Reported: pypa/gh-action-pypi-publish given a `password:` for PyPI or TestPyPI, "
        "rubygems/release-gem with `setup-trusted-publisher: false`, rubygems/configure-rubygems-credentials given "
        "an `api-token:` for rubygems.org (confidence high); and in jobs without `id-token: write`, a `run:` "
        "script's `twine upload`, `uv publish`, `hatch publish`, `pdm publish`, `npm publish`, `pnpm publish`, "
        "`yarn npm publish`, `cargo publish` or `gem push` handed a token (`TWINE_PASSWORD`, `UV_PUBLISH_TOKEN`, "
        "`NODE_AUTH_TOKEN`, `CARGO_REGISTRY_TOKEN`, `GEM_HOST_API_KEY`, ... in its env, or `--token`/`--password` "
        "on the line) (confidence medium).",
    .not_reported =
        "Dry runs (`--dry-run`, `-n`); other registries (`--registry`, `--repository-url`, `--index` naming "
        "anything but the public index); publishing in jobs that have `id-token: write`, where the tools use "
        "trusted publishing when it is set up; tools without trusted publishing (poetry's own upload).",
    .remediation =
        "Register the workflow as a trusted publisher on the index (PyPI, npm, crates.io, RubyGems), give the "
        "publishing job `permissions: id-token: write` (in an environment with reviewers), drop the token input "
        "or variable, and revoke the stored token.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "jobs:\n"
        "  publish:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "        with:\n"
        "          password: ${{ secrets.PYPI_TOKEN }}   # a token that never expires\n",
};

// Environment variables the publishing tools read a token from.
constexpr std::array<std::string_view, 10> kTokenVariables = {
    "TWINE_PASSWORD",  "UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD",  "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD",
    "NODE_AUTH_TOKEN", "NPM_TOKEN",        "CARGO_REGISTRY_TOKEN", "GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"};

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The words of a command line (split at blanks, quotes removed).
std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::string w;
  for (const char c : line) {
    if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else if (c != '"' && c != '\'') {
      w.push_back(c);
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

bool has(const std::vector<std::string>& ws, std::string_view w) {
  for (const auto& x : ws) {
    if (x == w) return true;
  }
  return false;
}

// The index a publishing command uploads to, when it names one (`--registry x`, `--registry=x`).
std::string named_index(const std::vector<std::string>& ws) {
  for (std::size_t i = 0; i < ws.size(); ++i) {
    for (const std::string_view flag :
         {"--registry", "--repository-url", "--index", "--publish-url", "--host", "--repository", "-r"}) {
      if (ws[i] == flag && i + 1 < ws.size()) return ws[i + 1];
      if (ws[i].size() > flag.size() && ws[i].starts_with(flag) && ws[i][flag.size()] == '=') {
        return ws[i].substr(flag.size() + 1);
      }
    }
  }
  return {};
}

// Whether `index` (a URL, or a name such as `pypi` or `crates-io`) is the
// public index that offers trusted publishing.
bool public_index(const std::string& index) {
  if (index.empty()) return true;
  const std::string l = lower(index);
  const std::size_t scheme = l.find("://");
  if (scheme == std::string::npos) {
    return l == "pypi" || l == "testpypi" || l == "crates-io" || l == "npmjs" || l == "rubygems";
  }
  const std::size_t start = scheme + 3;
  const std::string host = l.substr(start, l.find_first_of(":/", start) - start);
  return host == "upload.pypi.org" || host == "test.pypi.org" || host == "registry.npmjs.org" ||
         host == "rubygems.org" || host == "crates.io";
}

// The ecosystem a script line publishes to, "" when it publishes nothing (or
// once the budget has stopped). A word costs one unit, and the line's length
// in words again where it asks for another word of the line.
std::string_view publish_command(const std::vector<std::string>& ws, Budget& budget) {
  if (ws.empty() || !budget.step(ws.size()) || has(ws, "--dry-run")) return {};
  for (std::size_t i = 0; i < ws.size(); ++i) {
    const std::string& w = ws[i];
    if (!budget.step(1) || ((w == "twine" || w == "yarn" || w == "cargo") && !budget.step(ws.size()))) return {};
    const std::string next = i + 1 < ws.size() ? ws[i + 1] : std::string();
    if (w == "twine" && has(ws, "upload")) return "PyPI";
    if ((w == "uv" || w == "hatch" || w == "pdm") && next == "publish") return "PyPI";
    if ((w == "npm" || w == "pnpm") && next == "publish") return "npm";
    if (w == "yarn" && next == "npm" && has(ws, "publish")) return "npm";
    if (w == "cargo" && next == "publish" && !has(ws, "-n")) return "crates.io";
    if (w == "gem" && next == "push") return "RubyGems";
  }
  return {};
}

const Located* input(const Step& s, std::string_view name) {
  for (const auto& [k, v] : s.with) {
    if (k == name) return &v;
  }
  return nullptr;
}

// Whether the job's token can request an OIDC identity.
bool has_id_token(const WorkflowFile& wf, const Job& job) {
  const Permissions& p = job.permissions.present ? job.permissions : wf.permissions;
  if (!p.present) return false;
  if (gha::shorthand_of(p) == gha::Shorthand::kWriteAll) return true;
  for (const auto& [scope, level] : p.scopes) {
    if (scope == "id-token" && gha::level_of(level.value) == gha::Level::kWrite) return true;
  }
  return false;
}

class Md116 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_step(const StepNode& n, FindingSink& out) const override {
    action_token(n, out);
    if (n.step.run && out.budget().step(1 + n.job.job.permissions.scopes.size() + n.file().permissions.scopes.size()) &&
        !has_id_token(n.file(), n.job.job)) {
      script_token(n, out);
    }
  }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { action_token(n, out); }

 private:
  static void action_token(const StepNode& n, FindingSink& out) {
    const Step& s = n.step;
    // The inputs are looked up a few times each.
    if (!out.budget().step(1 + 4 * s.with.size())) return;
    const Located* at = nullptr;
    std::string_view index;
    if (gha::uses_action(s, "pypa/gh-action-pypi-publish")) {
      const Located* url = input(s, "repository-url");
      if (url == nullptr) url = input(s, "repository_url");
      if (url == nullptr || public_index(std::string(trim(url->value)))) at = input(s, "password");
      index = "PyPI";
    } else if (gha::uses_action(s, "rubygems/release-gem")) {
      const Located* tp = input(s, "setup-trusted-publisher");
      if (tp != nullptr && lower(trim(tp->value)) == "false") at = tp;
      index = "RubyGems";
    } else if (gha::uses_action(s, "rubygems/configure-rubygems-credentials")) {
      const Located* server = input(s, "gem-server");
      if (server == nullptr || public_index(std::string(trim(server->value)))) at = input(s, "api-token");
      index = "RubyGems";
    }
    if (at == nullptr || trim(at->value).empty()) return;
    FindingBuilder(kInfo)
        .at(n.file(), *at)
        .message(str_cat({"`", s.uses->value, "` publishes to ", index,
                          " with a stored token, where trusted publishing needs none"}))
        .context(context_object("job", n.job.job.id, "index", index))
        .emit(out);
  }

  static void script_token(const StepNode& n, FindingSink& out) {
    const std::string_view script = n.step.run->value;
    Budget& budget = out.budget();
    const std::string variable = token_variable(n, budget);
    std::optional<PositionCursor> cursor;
    for (std::size_t start = 0; start < script.size();) {
      std::size_t end = script.find('\n', start);
      if (end == std::string_view::npos) end = script.size();
      const std::string_view line = script.substr(start, end - start);
      if (!budget.step(1 + line.size())) return;
      const std::vector<std::string> ws = words(line);
      const std::string_view index = publish_command(ws, budget);
      if (budget.stopped()) return;
      const bool flag = has(ws, "--token") || has(ws, "--password");
      if (!index.empty() && public_index(named_index(ws)) && (flag || !variable.empty())) {
        if (!cursor) cursor.emplace(n.file(), *n.step.run);
        const std::size_t first = line.find_first_not_of(" \t");
        const std::string how = flag ? std::string("a token on its command line") : "`" + variable + "`";
        FindingBuilder(kInfo)
            .confidence(Confidence::kMedium)
            .at(n.file(), cursor->at(start + (first == std::string_view::npos ? 0 : first)))
            .message(str_cat({"Job '", n.job.job.id, "' publishes to ", index, " with ", how,
                              " and without `id-token: write`, where trusted publishing needs no stored token"}))
            .context(context_object("job", n.job.job.id, "index", index))
            .emit(out);
      }
      start = end + 1;
    }
  }

  // The first token variable the step's environment sets (step, job, workflow).
  static std::string token_variable(const StepNode& n, Budget& budget) {
    for (const auto* env : {&n.step.env, &n.job.job.env, &n.file().env}) {
      for (const auto& [k, v] : *env) {
        if (!budget.step(1 + kTokenVariables.size())) return {};
        for (const auto t : kTokenVariables) {
          if (k == t && !trim(v.value).empty()) return std::string(k);
        }
      }
    }
    return {};
  }
};

}  // namespace
}  // namespace md_116

std::unique_ptr<Rule> make_md_116() {
  return std::make_unique<md_116::Md116>();
}

}  // namespace pm::engine::rules
