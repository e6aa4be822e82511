// MD-120: packages installed by name in a `run:` script, outside any lockfile:
// what runs is whatever the index serves that day.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/rules/rules.hpp"
#include "engine/rules/shell.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_120 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain", "hardening"};

constexpr RuleInfo kInfo{
    .id = "MD-120",
    .title = "Package installed outside a lockfile",
    .severity = Severity::kLow,
    .confidence = Confidence::kLow,
    .persona = Persona::kPedantic,
    .description =
        "A `run:` script that installs a package by name rather than from a lockfile: `pip install x` (also "
        "`python -m pip`, `uv pip install`, `uv tool install`, `pipx install`), `npm install x` / `npm i -g x` "
        "(also `pnpm add`, `yarn add`, `yarn global add`), `go install x@latest` (or a branch), `cargo install x` "
        "and `gem install x`. The package and its dependencies resolve anew on every run, so a release published "
        "by whoever holds (or has stolen) the package's account runs in the job the next time, with no change to "
        "the repository to review. A hardening finding, with confidence low (the tool may be harmless, and the "
        "account safe): in the pedantic persona when no version is named, in the auditor persona when the "
        "package's version is pinned but nothing pins its dependencies or checks a hash (`x==1.2.3`, "
        "`x@1.2.3`, `gem install x -v 1.2.3`, `cargo install x --version 1.2.3` without `--locked`, "
        "`cargo install x --locked` without a version).",
    .not_reported =
        "Installs from a lockfile or a requirements file (`npm ci`, `npm install` without packages, `pip install "
        "-r requirements.txt`, `pip install -c constraints.txt ...`, `--require-hashes`); the project itself or "
        "other local paths (`pip install .`, `pip install -e .[dev]`, `cargo install --path .`, `go install "
        "./...`); `go install x@v1.2.3` (the Go checksum database verifies the module); `cargo install x "
        "--version 1.2.3 --locked`; direct URLs and values from variables or expressions (what they name is not "
        "visible); the runner's distribution packages (`apt-get install`), which the distribution signs.",
    .remediation =
        "Install tools from a lockfile the repository keeps (a requirements file with hashes and "
        "`--require-hashes`, a package.json with `npm ci`, `cargo install --locked` at a version, `go install` at "
        "a version), or use a pinned release binary checked against its checksum.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "steps:\n"
        "  - run: pip install build twine   # whatever PyPI serves today\n",
};

using shell::base_name;
using shell::Command;
using shell::command_word;

// How an install is pinned: not at all (pedantic), the package's version
// only (auditor), or as well as a lockfile would (not reported).
enum class Pin : std::uint8_t { kNone, kVersion, kLocked };

struct Install {
  std::string tool;     // "pip install"
  std::string package;  // the first package named
  Pin pin = Pin::kLocked;
};

bool one_of(std::string_view w, std::initializer_list<std::string_view> set) {
  for (const auto s : set) {
    if (w == s) return true;
  }
  return false;
}

// What a package argument names that is not a package from an index: a
// path, an archive, a URL, a variable or an expression.
bool not_a_registry_package(std::string_view w) {
  return w.empty() || w[0] == '.' || w[0] == '/' || w[0] == '~' || w[0] == '$' || w.find("://") != std::string::npos ||
         w.starts_with("git+") || w.starts_with("file:") || w.ends_with(".whl") || w.ends_with(".tar.gz") ||
         w.ends_with(".tgz") || w.ends_with(".zip") || w.find("${{") != std::string::npos;
}

// The arguments of `words[from..]` that are not flags or their values.
std::vector<std::string_view> operands(const std::vector<std::string>& ws, std::size_t from,
                                       std::initializer_list<std::string_view> with_value) {
  std::vector<std::string_view> out;
  for (std::size_t i = from; i < ws.size(); ++i) {
    const std::string& w = ws[i];
    if (w.empty()) continue;
    if (w[0] == '-') {
      if (one_of(w, with_value)) ++i;
      continue;
    }
    out.push_back(w);
  }
  return out;
}

bool has_flag(const std::vector<std::string>& ws, std::size_t from, std::initializer_list<std::string_view> flags) {
  for (std::size_t i = from; i < ws.size(); ++i) {
    for (const auto f : flags) {
      if (ws[i] == f || (ws[i].starts_with(f) && ws[i].size() > f.size() && ws[i][f.size()] == '=')) return true;
    }
  }
  return false;
}

// pip and the tools that take pip's requirement specifiers.
std::optional<Install> pip_like(const std::vector<std::string>& ws, std::size_t from, const std::string& tool) {
  if (has_flag(ws, from, {"-r", "--requirement", "-c", "--constraint", "--require-hashes"})) return std::nullopt;
  const auto packages = operands(ws, from,
                                 {"-e",
                                  "--editable",
                                  "-i",
                                  "--index-url",
                                  "--extra-index-url",
                                  "-t",
                                  "--target",
                                  "--prefix",
                                  "--root",
                                  "-f",
                                  "--find-links",
                                  "-p",
                                  "--python",
                                  "--platform",
                                  "--python-version",
                                  "--implementation",
                                  "--abi",
                                  "--trusted-host",
                                  "--cache-dir",
                                  "--upgrade-strategy",
                                  "-C",
                                  "--config-settings",
                                  "--only-binary",
                                  "--no-binary",
                                  "--progress-bar",
                                  "--index",
                                  "--default-index",
                                  "--with",
                                  "--from"});
  std::optional<Install> found;
  for (const auto p : packages) {
    if (not_a_registry_package(p)) continue;
    const std::size_t eq = p.find("==");
    const bool exact = eq != std::string_view::npos && p.find('*', eq) == std::string_view::npos;
    const Pin pin = exact ? Pin::kVersion : Pin::kNone;
    if (!found || pin < found->pin) found = Install{tool, std::string(p), pin};
  }
  return found;
}

// `x@1.2.3` or `@scope/x@1.2.3`: an exact version.
bool npm_exact(std::string_view p) {
  const std::size_t at = p.rfind('@');
  if (at == std::string_view::npos || at == 0) return false;
  const std::string_view v = p.substr(at + 1);
  return !v.empty() && v[0] >= '0' && v[0] <= '9' && v.find_first_of("^~<>=* |x") == std::string_view::npos;
}

std::optional<Install> npm_like(const std::vector<std::string>& ws, std::size_t from, const std::string& tool) {
  const auto packages = operands(ws, from, {"--registry", "--prefix", "--tag", "-C", "--dir", "--cwd"});
  std::optional<Install> found;
  for (const auto p : packages) {
    if (not_a_registry_package(p) || p.starts_with("github:") ||
        (p.find('/') != std::string_view::npos && p[0] != '@')) {
      continue;  // a path or a git repository (`owner/repo`)
    }
    const Pin pin = npm_exact(p) ? Pin::kVersion : Pin::kNone;
    if (!found || pin < found->pin) found = Install{tool, std::string(p), pin};
  }
  return found;
}

std::optional<Install> installs(const Command& c) {
  const std::vector<std::string>& ws = c.words;
  std::size_t at = command_word(ws);
  if (at + 1 >= ws.size()) return std::nullopt;
  std::string name = base_name(ws[at]);
  // `python -m pip install`, `python3.12 -m pip install`.
  if ((name.starts_with("python") || name == "py") && ws[at + 1] == "-m" && at + 2 < ws.size()) {
    at += 2;
    name = base_name(ws[at]);
  }
  if (at + 1 >= ws.size()) return std::nullopt;
  const std::string& verb = ws[at + 1];
  if ((name == "pip" || name.starts_with("pip3")) && verb == "install") return pip_like(ws, at + 2, "pip install");
  if (name == "pipx" && verb == "install") return pip_like(ws, at + 2, "pipx install");
  if (name == "uv" && at + 2 < ws.size() && (verb == "pip" || verb == "tool") && ws[at + 2] == "install") {
    return pip_like(ws, at + 3, "uv " + verb + " install");
  }
  if ((name == "npm" || name == "pnpm") && (verb == "install" || verb == "i" || verb == "add")) {
    return npm_like(ws, at + 2, name + " " + verb);
  }
  if (name == "yarn" && verb == "add") return npm_like(ws, at + 2, "yarn add");
  if (name == "yarn" && verb == "global" && at + 2 < ws.size() && ws[at + 2] == "add") {
    return npm_like(ws, at + 3, "yarn global add");
  }
  if (name == "go" && verb == "install") {
    for (const auto p : operands(ws, at + 2, {"-modfile", "-tags", "-ldflags", "-gcflags", "-o"})) {
      if (not_a_registry_package(p)) continue;
      const std::size_t v = p.rfind('@');
      // A version is checked against the Go checksum database; latest, a branch or none is whatever is newest.
      if (v != std::string_view::npos && p.size() > v + 2 && p[v + 1] == 'v' && p[v + 2] >= '0' && p[v + 2] <= '9') {
        continue;
      }
      if (v == std::string_view::npos) continue;  // inside a module: its go.mod decides
      return Install{"go install", std::string(p), Pin::kNone};
    }
    return std::nullopt;
  }
  if (name == "cargo" && verb == "install") {
    if (has_flag(ws, at + 2, {"--path"})) return std::nullopt;
    const auto packages =
        operands(ws, at + 2, {"--version",  "--vers", "--git",     "--branch",     "--tag",    "--rev", "--root",
                              "--features", "-F",     "--target",  "--registry",   "--index",  "-j",    "--jobs",
                              "--profile",  "--bin",  "--example", "--target-dir", "--config", "-Z"});
    if (packages.empty()) return std::nullopt;
    const bool locked = has_flag(ws, at + 2, {"--locked"});
    const bool version =
        has_flag(ws, at + 2, {"--version", "--vers"}) || packages[0].find('@') != std::string_view::npos;
    if (locked && version) return std::nullopt;
    return Install{"cargo install", std::string(packages[0]), locked || version ? Pin::kVersion : Pin::kNone};
  }
  if (name == "gem" && verb == "install") {
    const auto packages = operands(
        ws, at + 2, {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "--platform"});
    std::optional<Install> found;
    for (const auto p : packages) {
      if (not_a_registry_package(p) || p.ends_with(".gem")) continue;
      found = Install{"gem install", std::string(p),
                      has_flag(ws, at + 2, {"-v", "--version"}) ? Pin::kVersion : Pin::kNone};
      break;
    }
    return found;
  }
  return std::nullopt;
}

class Md120 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_step(const StepNode& n, FindingSink& out) const override { check(n, out); }
  void visit_composite_step(const StepNode& n, FindingSink& out) const override { check(n, out); }

 private:
  static void check(const StepNode& n, FindingSink& out) {
    if (!n.step.run) return;
    shell::LogicalLines lines(n.step.run->value);
    std::optional<PositionCursor> cursor;
    std::string logical;
    std::size_t offset = 0;
    while (lines.next(out.budget(), logical, offset)) {
      for (const auto& c : shell::commands(logical)) {
        const auto i = installs(c);
        if (!i || i->pin == Pin::kLocked) continue;
        if (!cursor) cursor.emplace(n.file(), *n.step.run);
        const bool version = i->pin == Pin::kVersion;
        FindingBuilder(kInfo)
            .persona(version ? Persona::kAuditor : Persona::kPedantic)
            .at(n.file(), cursor->at(offset))
            .message(str_cat({"Job '", n.job.job.id, "' installs `", i->package, "` with `", i->tool, "` ",
                              version ? "at a version, but without a lockfile or hash for what it pulls in"
                                      : "at whatever version the index serves, outside any lockfile"}))
            .context(context_object("job", n.job.job.id, "tool", i->tool, "package", i->package))
            .emit(out);
        break;  // one finding per line
      }
    }
  }
};

}  // namespace
}  // namespace md_120

std::unique_ptr<Rule> make_md_120() {
  return std::make_unique<md_120::Md120>();
}

}  // namespace pm::engine::rules
