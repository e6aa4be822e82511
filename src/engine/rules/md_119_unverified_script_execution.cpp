// MD-119: a script downloaded and run in one go (`curl ... | sh`), with
// nothing between the server and the shell that checks what arrived.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/rules/rules.hpp"
#include "engine/rules/shell.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_119 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain"};

constexpr RuleInfo kInfo{
    .id = "MD-119",
    .title = "Downloaded script run without verification",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "A `run:` script that executes what it downloads without checking it: `curl ... | sh` (or bash, zsh, "
        "python, perl, ruby, node, pwsh, with or without sudo), `wget -O- ... | bash`, `bash <(curl ...)`, "
        "`source <(curl ...)`, `sh -c \"$(curl ...)\"`, `eval \"$(wget -qO- ...)\"`, and PowerShell's "
        "`iex (iwr ...)` / `irm ... | iex` / `Invoke-Expression` of `Invoke-WebRequest`, `Invoke-RestMethod` or "
        "`DownloadString`. Whoever controls the server, the URL's domain or a mirror runs code in the job, with "
        "its token and secrets, and the script can change between two runs without any change to the workflow. "
        "Commands joined by `\\` line continuations count as one line. High severity when the URL is plain "
        "`http://`, which anyone on the network path can rewrite.",
    .not_reported =
        "Downloads written to a file (`curl -o`, `wget` without `-O-`) and then checked (`sha256sum -c`, a "
        "signature) or run later — whether a later check happens is left to review; downloads piped into "
        "anything but an interpreter (`curl ... | jq`, `| tar xz`, `| gpg --dearmor`); commented-out lines.",
    .remediation =
        "Download to a file, verify it against a checksum or signature kept in the repository (`echo \"<sha256>  "
        "install.sh\" | sha256sum -c`), then run it; better, use a pinned release binary or a package from the "
        "runner's package manager, or an action pinned to a commit SHA.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "steps:\n"
        "  - run: curl -fsSL https://example.com/install.sh | sudo bash   # runs whatever the server sends\n",
};

using shell::base_name;
using shell::Command;
using shell::command_word;
using shell::lower;

bool interpreter(std::string_view name) {
  for (const std::string_view i : {"sh", "bash", "zsh", "dash", "ksh", "python", "python3", "perl", "ruby", "node",
                                   "pwsh", "powershell", "iex", "invoke-expression"}) {
    if (name == i) return true;
  }
  return false;
}

// Whether the command downloads to its standard output: curl without an
// output file, wget with `-O -`.
bool fetches_to_stdout(const Command& c) {
  const std::size_t at = command_word(c.words);
  if (at == c.words.size()) return false;
  const std::string name = base_name(c.words[at]);
  if (name != "curl" && name != "wget") return false;
  for (std::size_t i = at + 1; i < c.words.size(); ++i) {
    const std::string& w = c.words[i];
    const std::string next = i + 1 < c.words.size() ? c.words[i + 1] : std::string();
    if (name == "curl") {
      if (w == "--output" || w == "--remote-name" || w == "--remote-name-all") return next == "-";
      if (w.starts_with("--output=")) return w == "--output=-";
      if (w.size() > 1 && w[0] == '-' && w[1] != '-') {
        const std::size_t o = w.find_first_of("oO");
        if (o == std::string::npos) continue;
        const std::string value = o + 1 < w.size() ? w.substr(o + 1) : next;
        return w[o] == 'o' && value == "-";
      }
    } else {
      if (w == "--output-document") return next == "-" || next == "/dev/stdout";
      if (w.starts_with("--output-document=")) return w == "--output-document=-";
      if (w.size() > 1 && w[0] == '-' && w[1] != '-') {
        const std::size_t o = w.find('O');
        if (o == std::string::npos) continue;
        const std::string value = o + 1 < w.size() ? w.substr(o + 1) : next;
        return value == "-" || value == "/dev/stdout";
      }
    }
  }
  return name == "curl";
}

// What the line runs unverified ("curl", "wget", "iwr"...), "" when nothing.
std::string unverified_download(std::string_view line) {
  const std::string l = lower(line);
  // PowerShell: an expression evaluated from a download on the same line.
  const auto word_in = [&](std::string_view w) {
    for (std::size_t p = l.find(w); p != std::string::npos; p = l.find(w, p + 1)) {
      const bool left = p == 0 || std::string_view(" \t|(;{$").find(l[p - 1]) != std::string_view::npos;
      const std::size_t e = p + w.size();
      const bool right = e == l.size() || std::string_view(" \t|();}").find(l[e]) != std::string_view::npos;
      if (left && right) return true;
    }
    return false;
  };
  if (word_in("iex") || word_in("invoke-expression")) {
    for (const std::string_view d : {"iwr", "irm", "invoke-webrequest", "invoke-restmethod", "wget", "curl"}) {
      if (word_in(d)) return std::string(d);
    }
    if (l.find(".downloadstring(") != std::string::npos) return "DownloadString";
  }
  const std::vector<Command> cs = shell::commands(line);
  for (std::size_t i = 0; i + 1 < cs.size(); ++i) {
    if (!cs[i + 1].piped || !fetches_to_stdout(cs[i])) continue;
    const std::size_t at = command_word(cs[i + 1].words);
    if (at < cs[i + 1].words.size() && interpreter(base_name(cs[i + 1].words[at]))) {
      return base_name(cs[i].words[command_word(cs[i].words)]);
    }
  }
  // `bash <(curl ...)`, `source <(curl ...)`, `sh -c "$(curl ...)"`, `eval "$(curl ...)"`.
  for (const auto& c : cs) {
    const std::size_t at = command_word(c.words);
    if (at == c.words.size()) continue;
    const std::string name = base_name(c.words[at]);
    if (!interpreter(name) && name != "source" && name != "." && name != "eval") continue;
    for (std::size_t i = at + 1; i < c.words.size(); ++i) {
      for (const std::string_view d : {"curl", "wget"}) {
        const std::string& w = c.words[i];
        if (w.starts_with(str_cat({"<(", d})) || w.starts_with(str_cat({"$(", d})) ||
            w.starts_with(str_cat({"`", d}))) {
          return std::string(d);
        }
      }
    }
  }
  return {};
}

class Md119 final : public WorkflowRule {
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
      const std::string tool = unverified_download(logical);
      if (!tool.empty()) {
        if (!cursor) cursor.emplace(n.file(), *n.step.run);
        const bool plain_http = lower(logical).find("http://") != std::string::npos;
        FindingBuilder(kInfo)
            .severity(plain_http ? Severity::kHigh : Severity::kMedium)
            .at(n.file(), cursor->at(offset))
            .message(str_cat({"Job '", n.job.job.id, "' runs a script downloaded with `", tool,
                              "` without verifying it", plain_http ? " over plain http://" : "",
                              ": whoever serves the URL runs code with the job's token and secrets"}))
            .context(context_object("job", n.job.job.id, "tool", tool))
            .emit(out);
      }
    }
  }
};

}  // namespace
}  // namespace md_119

std::unique_ptr<Rule> make_md_119() {
  return std::make_unique<md_119::Md119>();
}

}  // namespace pm::engine::rules
