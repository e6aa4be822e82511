// MD-108: attacker-influenced text written to GITHUB_ENV, GITHUB_PATH or
// GITHUB_OUTPUT in workflows that outsiders can start.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expr/expr.hpp"
#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_108 {
namespace {

constexpr std::string_view kTags[] = {"security", "injection"};

constexpr RuleInfo kInfo{
    .id = "MD-108",
    .title = "Environment file written with untrusted data",
    .severity = Severity::kHigh,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A `run:` script that writes to `$GITHUB_ENV` or `$GITHUB_PATH` (`>>`, `>`, `tee`, PowerShell `Out-File`, "
        "`Add-Content`, `Set-Content`, cmd `%GITHUB_ENV%`) in a workflow an outsider can start. Every later step "
        "of the job runs with what was written: a variable such as `LD_PRELOAD`, `BASH_ENV` or `NODE_OPTIONS`, or "
        "a directory put first on the PATH, runs the attacker's code with the job's token and secrets. Reported "
        "high with confidence high when the written text carries an attacker-controlled value (an issue, pull "
        "request, comment or commit text, a branch name) directly through `${{ }}` or through an `env:` variable "
        "set from one, on any outsider-controlled trigger (pull_request_target, workflow_run, issue_comment, "
        "issues, discussion, pull_request_review, ...); high with confidence low on `pull_request_target` and "
        "`workflow_run` when the text expands a shell variable or a command whose content the file does not show "
        "(an artifact of the pull request, a file of its checkout). The same attacker-controlled values written "
        "to `$GITHUB_OUTPUT` (which a value with a line break can forge further outputs of) are medium, pedantic.",
    .not_reported =
        "Literal text (`echo \"CI=true\" >> \"$GITHUB_ENV\"`) and the runner's own variables ($GITHUB_WORKSPACE, "
        "$HOME, $RUNNER_TEMP, ...); writes in workflows only people with write access start (push, pull_request, "
        "schedule, workflow_dispatch, ...); composite actions, whose trigger is their caller's.",
    .remediation =
        "Do not write attacker-influenced text to GITHUB_ENV or GITHUB_PATH in privileged workflows: pass values to "
        "the steps that need them through `env:` or step outputs, validate them against a strict pattern first, "
        "and use a random heredoc delimiter for multi-line values.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "on: pull_request_target\n"
        "jobs:\n"
        "  label:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo \"TITLE=${{ github.event.pull_request.title }}\" >> \"$GITHUB_ENV\"\n",
};

enum class File : std::uint8_t { kEnv, kPath, kOutput };

struct Target {
  std::string_view name;
  File file;
};

constexpr std::array<Target, 3> kTargets = {
    {{"GITHUB_ENV", File::kEnv}, {"GITHUB_PATH", File::kPath}, {"GITHUB_OUTPUT", File::kOutput}}};

// Variables the runner sets: their content is not the attacker's.
constexpr std::array<std::string_view, 14> kRunnerVariables = {
    "GITHUB_WORKSPACE",  "HOME",       "RUNNER_TEMP",       "RUNNER_TOOL_CACHE", "GITHUB_SHA",
    "GITHUB_RUN_ID",     "PWD",        "RUNNER_OS",         "RUNNER_ARCH",       "GITHUB_ACTION_PATH",
    "GITHUB_RUN_NUMBER", "GITHUB_JOB", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL"};

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto l = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (l(a[i]) != l(b[i])) return false;
  }
  return true;
}

bool contains_word(std::string_view line, std::string_view word) {
  for (std::size_t p = 0; p + word.size() <= line.size(); ++p) {
    if (!iequals(line.substr(p, word.size()), word)) continue;
    const bool before = p == 0 || !name_char(line[p - 1]);
    const bool after =
        p + word.size() == line.size() || !(name_char(line[p + word.size()]) || line[p + word.size()] == '-');
    if (before && after) return true;
  }
  return false;
}

// A write to one of the environment files on this line: which file, and
// where the text written ends (the redirect or the pipe), npos when the
// whole line is the write (PowerShell cmdlets).
struct Write {
  File file = File::kEnv;
  std::string_view name;
  std::size_t data_end = std::string_view::npos;
};

// Each mention of a file's name costs the line's length (the words looked
// for before it).
std::optional<Write> write_on(std::string_view line, Budget& budget) {
  for (const auto& t : kTargets) {
    for (std::size_t p = line.find(t.name); p != std::string_view::npos; p = line.find(t.name, p + 1)) {
      if (!budget.step(1 + line.size())) return std::nullopt;
      const std::size_t end = p + t.name.size();
      if (end < line.size() && name_char(line[end])) continue;
      // The reference: $NAME, ${NAME}, $env:NAME, %NAME%.
      std::size_t q = p;
      if (q >= 5 && iequals(line.substr(q - 5, 5), "$env:")) {
        q -= 5;
      } else if (q >= 2 && line.substr(q - 2, 2) == "${") {
        q -= 2;
      } else if (q >= 1 && (line[q - 1] == '$' || line[q - 1] == '%')) {
        q -= 1;
      } else {
        continue;
      }
      // A redirect before it (quotes and spaces between).
      std::size_t r = q;
      while (r > 0 && (line[r - 1] == '"' || line[r - 1] == '\'' || line[r - 1] == ' ' || line[r - 1] == '\t')) --r;
      if (r > 0 && line[r - 1] == '>') {
        std::size_t start = r - 1;
        while (start > 0 && line[start - 1] == '>') --start;
        if (start > 0 && (line[start - 1] == '2' || line[start - 1] == '&')) continue;  // stderr, not data
        return Write{t.file, t.name, start};
      }
      const std::string_view before = line.substr(0, q);
      if (const std::size_t pipe = before.rfind('|');
          pipe != std::string_view::npos && contains_word(before.substr(pipe), "tee")) {
        return Write{t.file, t.name, pipe};
      }
      if (contains_word(before, "Out-File") || contains_word(before, "Add-Content") ||
          contains_word(before, "Set-Content")) {
        return Write{t.file, t.name, std::string_view::npos};
      }
    }
  }
  return std::nullopt;
}

// What the written text is made of.
enum class Data : std::uint8_t { kLiteral, kUnknown, kAttacker };

struct Classified {
  Data data = Data::kLiteral;
  std::string source;  // the attacker-controlled context, or the variable that carries one
};

class Md108 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_step(const StepNode& n, FindingSink& out) const override {
    const Step& step = n.step;
    if (!step.run) return;
    const WorkflowFile& wf = n.file();
    const Located* outsider = n.job.workflow.outsider_trigger;
    if (!outsider) return;
    const Located* privileged = gha::privileged_trigger(wf);
    const std::string_view script = step.run->value;
    Budget& budget = n.budget();
    if (!budget.step(1 + script.size())) return;
    std::optional<PositionCursor> cursor;
    std::vector<std::string_view> lines;
    for (std::size_t start = 0; start <= script.size();) {
      std::size_t end = script.find('\n', start);
      if (end == std::string_view::npos) end = script.size();
      lines.push_back(script.substr(start, end - start));
      start = end + 1;
    }
    std::size_t offset = 0;
    for (std::size_t i = 0; i < lines.size(); offset += lines[i].size() + 1, ++i) {
      const std::string_view line = lines[i];
      if (!budget.step(1 + line.size())) return;
      const auto w = write_on(line, budget);
      if (!w) continue;
      const Classified c = classify(n, written_text(lines, i, *w, budget));
      if (budget.stopped()) return;
      const bool env_or_path = w->file != File::kOutput;
      FindingBuilder b(kInfo);
      if (c.data == Data::kAttacker) {
        if (!env_or_path) b.severity(Severity::kMedium).confidence(Confidence::kMedium).persona(Persona::kPedantic);
      } else if (c.data == Data::kUnknown && env_or_path && privileged) {
        b.confidence(Confidence::kLow);
      } else {
        continue;
      }
      const Located* trigger = c.data == Data::kAttacker ? outsider : privileged;
      if (!cursor) cursor.emplace(wf, *step.run);
      const std::size_t first = line.find_first_not_of(" \t");
      b.at(wf, cursor->at(offset + (first == std::string_view::npos ? 0 : first)))
          .related(wf, *trigger, str_cat({"the `", trigger->value, "` trigger"}));
      const std::string what = c.data == Data::kAttacker
                                   ? str_cat({"attacker-controlled text (`", c.source, "`)"})
                                   : std::string("text the workflow file does not show (a variable or command output)");
      const std::string_view effect = w->file == File::kEnv ? "sets environment variables of every later step"
                                      : w->file == File::kPath
                                          ? "puts directories first on the PATH of every later step"
                                          : "can forge outputs of the step";
      b.message(str_cat({"A run script of job '", n.job.job.id, "' writes ", what, " to $", w->name, ", which ", effect,
                         ", in a `", trigger->value, "` workflow"}))
          .context(context_object("job", n.job.job.id, "file", w->name, "source", c.source))
          .emit(out);
    }
  }

 private:
  // The text a write sends: the command before the redirect, and the body of
  // a heredoc, a `{ ...; }` group or a loop that ends on this line.
  // Each line taken in costs its length.
  static std::string written_text(const std::vector<std::string_view>& lines, std::size_t i, const Write& w,
                                  Budget& budget) {
    const std::string_view line = lines[i];
    std::string text(w.data_end == std::string_view::npos ? line : line.substr(0, w.data_end));
    // A PowerShell cmdlet names the file itself: leave the reference out.
    if (w.data_end == std::string_view::npos) {
      if (const std::size_t p = text.find(w.name); p != std::string::npos) text.erase(p, w.name.size());
    }
    const std::string_view head = trim(line);
    if (const std::size_t h = line.find("<<"); h != std::string_view::npos) {
      std::string_view delimiter = trim(line.substr(h + 2));
      if (!delimiter.empty() && delimiter[0] == '-') delimiter.remove_prefix(1);
      delimiter = trim(delimiter);
      const std::size_t stop = delimiter.find_first_of(" \t>|");
      delimiter = delimiter.substr(0, stop);
      if (delimiter.size() > 1 && (delimiter[0] == '\'' || delimiter[0] == '"'))
        delimiter = delimiter.substr(1, delimiter.size() - 2);
      for (std::size_t k = i + 1; k < lines.size() && trim(lines[k]) != delimiter; ++k) {
        if (!budget.step(1 + lines[k].size())) return text;
        text.append("\n").append(lines[k]);
      }
    } else if (head.starts_with("}") || head.starts_with("done")) {
      for (std::size_t k = i; k-- > 0;) {
        if (!budget.step(1 + lines[k].size())) return text;
        const std::string_view l = trim(lines[k]);
        text.append("\n").append(lines[k]);
        if (l.starts_with("{") || l.ends_with("{") || l.starts_with("for ") || l.starts_with("while ")) break;
      }
    }
    return text;
  }

  static Classified classify(const StepNode& n, const std::string& text) {
    Classified c;
    Budget& budget = n.budget();
    if (!budget.step(1 + text.size())) return c;
    for (const auto& t : expr::templates(text)) {
      if (!budget.step(t.length)) return c;
      const expr::Parsed p = expr::parse(t.inner);
      c.data = Data::kUnknown;
      if (!p.ok()) continue;
      for (const auto& r : expr::contexts(*p.expression)) {
        if (r.flows && gha::attacker_controlled(r.path)) return Classified{Data::kAttacker, r.path};
        if (r.flows && r.path.starts_with("env.")) {
          if (auto origin = env_origin(n, r.path.substr(4)); !origin.empty())
            return Classified{Data::kAttacker, origin};
        }
      }
    }
    // Shell expansions: $NAME, ${NAME}, $env:NAME, $(...), `...`.
    for (std::size_t i = 0; i < text.size() && !budget.stopped(); ++i) {
      if (text[i] == '`') c.data = Data::kUnknown;
      if (text[i] != '$' || i + 1 >= text.size()) continue;
      std::size_t s = i + 1;
      if (text[s] == '(') {
        c.data = Data::kUnknown;
        continue;
      }
      if (text[s] == '{') ++s;
      if (text.compare(s, 4, "env:") == 0 || text.compare(s, 4, "ENV:") == 0) s += 4;
      std::size_t e = s;
      while (e < text.size() && name_char(text[e])) ++e;
      if (e == s) continue;
      const std::string_view name(text.data() + s, e - s);
      if (std::find(kRunnerVariables.begin(), kRunnerVariables.end(), name) != kRunnerVariables.end()) continue;
      if (auto origin = env_origin(n, name); !origin.empty()) return Classified{Data::kAttacker, origin};
      c.data = Data::kUnknown;
    }
    return c;
  }

  // The attacker-controlled context an `env:` variable the step sees is set
  // from ("" when none): the step's own, its job's or the workflow's.
  static std::string env_origin(const StepNode& n, std::string_view name) {
    for (const auto* env : {&n.step.env, &n.job.job.env, &n.file().env}) {
      for (const auto& [k, v] : *env) {
        if (!n.budget().step(1 + k.size())) return {};
        if (!iequals(k, name)) continue;
        if (!n.budget().step(v.value.size())) return {};
        for (const auto& t : expr::templates(v.value)) {
          const expr::Parsed p = expr::parse(t.inner);
          if (!p.ok()) continue;
          for (const auto& r : expr::contexts(*p.expression)) {
            if (r.flows && gha::attacker_controlled(r.path)) return str_cat({"$", k, " = ", r.path});
          }
        }
        return {};
      }
    }
    return {};
  }
};

}  // namespace
}  // namespace md_108

std::unique_ptr<Rule> make_md_108() {
  return std::make_unique<md_108::Md108>();
}

}  // namespace pm::engine::rules
