// MD-121: one action pinned to several commits, or one commit labelled with
// contradicting versions, across the workflows and actions of a repository.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/rules/rules.hpp"
#include "util/strings.hpp"

namespace pm::engine::rules {
namespace md_121 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain"};

constexpr RuleInfo kInfo{
    .id = "MD-121",
    .title = "Inconsistent action pins",
    .severity = Severity::kLow,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "The same action (`owner/repo[/path]`) pinned to full commit SHAs that disagree across the workflows and "
        "composite actions of one analysis. Reported at each pin that differs from the one most of the "
        "repository uses, with the others as related locations: a SHA labelled with the same version comment as a "
        "different SHA elsewhere (`@<sha1> # v4.1.1` and `@<sha2> # v4.1.1`: at most one is that release, so a "
        "comment is wrong or one commit is not what it claims; medium, confidence medium); the same SHA labelled "
        "with contradicting versions (`# v4.1.1` and `# v4.2.0`: reviewers and update tools read a wrong version; "
        "low, confidence high); and, in the pedantic persona, simply a different SHA (a partial update: some "
        "workflows keep a release the others moved away from, perhaps for a fix).",
    .not_reported =
        "Different actions; tag and branch pins (MD-105's); the same SHA everywhere; version comments that agree "
        "(`# v4` and `# v4.2.1` on one SHA: the major tag names that release); local (`./`) and Docker references.",
    .remediation =
        "Pin every use of the action to the same reviewed commit, with the version comment of the release that "
        "commit is, and let one update tool (Dependabot, Renovate) move them together.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "# .github/workflows/ci.yml\n"
        "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n"
        "# .github/workflows/release.yml: another commit with the same label\n"
        "      - uses: actions/checkout@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v4.2.2\n",
};

struct Pin {
  const WorkflowFile* file = nullptr;
  const Located* uses = nullptr;
  std::string sha;      // lower case
  std::string version;  // the comment's version, without `v` and `tag=`; "" when none
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The version comment after the ref on the `uses:` line (`# v4.1.1`, `# tag=v4.1.1`).
std::string version_comment(const WorkflowFile& wf, const Located& uses, std::string_view ref) {
  const std::string_view line = wf.source_line(uses.line);
  const std::size_t at = line.find(ref);
  const std::size_t hash = line.find('#', at == std::string_view::npos ? 0 : at);
  if (hash == std::string_view::npos) return {};
  std::string_view c = line.substr(hash + 1);
  const std::size_t b = c.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  c.remove_prefix(b);
  if (c.starts_with("tag=")) c.remove_prefix(4);
  c = c.substr(0, c.find_first_of(" \t\r,;"));
  if (!c.empty() && (c[0] == 'v' || c[0] == 'V')) c.remove_prefix(1);
  if (c.empty() || c[0] < '0' || c[0] > '9') return {};  // not a version
  return std::string(c);
}

// Whether two versions can name one commit: equal, or one a release series
// of the other (`4` and `4.2.1`, `4.2` and `4.2.1`).
bool agree(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  return b.starts_with(a) && (a.size() == b.size() || b[a.size()] == '.');
}

// How many of `candidates` have each key ("" not counted).
template <class Key>
std::map<std::string, std::size_t> tally(const std::vector<Pin>& pins, const std::vector<std::size_t>& candidates,
                                         Key key) {
  std::map<std::string, std::size_t> count;
  for (const std::size_t i : candidates) {
    std::string k = key(pins[i]);
    if (!k.empty()) ++count[std::move(k)];
  }
  return count;
}

class Md121 final : public WorkflowRule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void visit_input(const AnalysisInput& input, FindingSink& out) const override {
    Budget& budget = out.budget();
    std::vector<Pin> pins;
    std::map<std::string, std::vector<std::size_t>> by_action;  // owner/repo[/path], lower case
    for (const auto& wf : input.workflows) {
      if (wf.parse_error) continue;
      for (const auto& job : wf.jobs) {
        for (const auto& s : job.steps) {
          if (!budget.step(1)) return;
          if (!s.uses) continue;
          const gha::Uses u = gha::parse_uses(s.uses->value);
          if (u.kind != gha::UsesKind::kRepository || !gha::is_commit_sha(u.ref)) continue;
          if (!budget.step(1 + wf.source_line(s.uses->line).size())) return;
          by_action[lower(u.target)].push_back(pins.size());
          pins.push_back(Pin{&wf, &*s.uses, lower(u.ref), version_comment(wf, *s.uses, u.ref)});
        }
      }
    }
    for (const auto& [action, group] : by_action) {
      if (group.size() < 2) continue;
      // Each distinct commit and label is compared with the pins of its action (report).
      if (!budget.step(group.size())) return;
      report(action, pins, group, out);
    }
  }

 private:
  enum class Kind : std::uint8_t { kSameVersionOtherCommit, kSameCommitOtherVersion, kOtherCommit };

  // A pin is reported when no more pins agree with it than with another
  // choice (on a tie, both sides are), by the first of three tests it fails.
  static void report(const std::string& action, const std::vector<Pin>& pins, const std::vector<std::size_t>& group,
                     FindingSink& out) {
    const auto shas = tally(pins, group, [](const Pin& p) { return p.sha; });
    // What is said of a pin depends only on its commit and label: worked out
    // once per pair, so that an action used a thousand times with one pin
    // costs a thousand look-ups, not a million comparisons.
    std::map<std::pair<std::string, std::string>, Verdict> verdicts;
    for (const std::size_t i : group) {
      const Pin& p = pins[i];
      auto [it, fresh] = verdicts.try_emplace({p.sha, p.version});
      if (fresh) {
        if (!out.budget().step(group.size())) return;
        it->second = judge(p, pins, group, shas);
      }
      if (it->second.kind) emit(*it->second.kind, action, p, pins, it->second.others, out);
    }
  }

  struct Verdict {
    std::optional<Kind> kind;
    std::vector<std::size_t> others;  // the pins that disagree, the most telling first
  };

  // By the first of three tests the pin fails; no kind when it passes all.
  static Verdict judge(const Pin& p, const std::vector<Pin>& pins, const std::vector<std::size_t>& group,
                       const std::map<std::string, std::size_t>& shas) {
    // 1. A release label (`4.1.1`, not `4`) that pins of another commit carry as often or more.
    if (p.version.find('.') != std::string::npos) {
      const auto commits = tally(pins, group, [&](const Pin& q) { return q.version == p.version ? q.sha : ""; });
      if (outnumbered(commits, p.sha, [&](const std::string& sha) { return sha != p.sha; })) {
        return {Kind::kSameVersionOtherCommit,
                matching(pins, group, [&](const Pin& q) { return q.version == p.version && q.sha != p.sha; })};
      }
    }
    // 2. A label of this commit that contradicts one its other pins carry as often or more.
    if (!p.version.empty()) {
      const auto labels = tally(pins, group, [&](const Pin& q) { return q.sha == p.sha ? q.version : ""; });
      if (outnumbered(labels, p.version, [&](const std::string& v) { return !agree(v, p.version); })) {
        return {Kind::kSameCommitOtherVersion, matching(pins, group, [&](const Pin& q) {
                  return q.sha == p.sha && !q.version.empty() && !agree(q.version, p.version);
                })};
      }
    }
    // 3. A commit other pins of the action leave as often or more.
    if (outnumbered(shas, p.sha, [&](const std::string& sha) { return sha != p.sha; })) {
      auto others = matching(pins, group, [&](const Pin& q) { return q.sha != p.sha; });
      // The most common other commit first.
      std::stable_sort(others.begin(), others.end(),
                       [&](std::size_t a, std::size_t b) { return shas.at(pins[a].sha) > shas.at(pins[b].sha); });
      return {Kind::kOtherCommit, std::move(others)};
    }
    return {};
  }

  // Whether some key the predicate accepts counts at least as many as `own`.
  template <class Accept>
  static bool outnumbered(const std::map<std::string, std::size_t>& count, const std::string& own, Accept accept) {
    const auto it = count.find(own);
    const std::size_t mine = it == count.end() ? 0 : it->second;
    for (const auto& [k, c] : count) {
      if (accept(k) && c >= mine) return true;
    }
    return false;
  }

  template <class Match>
  static std::vector<std::size_t> matching(const std::vector<Pin>& pins, const std::vector<std::size_t>& group,
                                           Match match) {
    std::vector<std::size_t> out;
    for (const std::size_t j : group) {
      if (match(pins[j])) out.push_back(j);
    }
    return out;
  }

  static void emit(Kind kind, const std::string& action, const Pin& p, const std::vector<Pin>& pins,
                   const std::vector<std::size_t>& others, FindingSink& out) {
    const Pin& other = pins[others.front()];
    const std::string where = str_cat({other.file->path, ":", std::to_string(other.uses->line)});
    const std::string label = p.version.empty() ? std::string() : " (v" + p.version + ")";
    const std::string other_label = other.version.empty() ? std::string() : " (v" + other.version + ")";
    FindingBuilder f(kInfo);
    f.at(*p.file, *p.uses).context(context_object("action", action, "sha", p.sha, "version", p.version));
    switch (kind) {
      case Kind::kSameVersionOtherCommit:
        f.severity(Severity::kMedium)
            .confidence(Confidence::kMedium)
            .message(str_cat({"`", action, "` is pinned here to ", p.sha.substr(0, 12), " labelled v", p.version,
                              ", and to another commit with the same label at ", where,
                              ": at most one of them is that release"}));
        break;
      case Kind::kSameCommitOtherVersion:
        f.message(str_cat({"`", action, "@", p.sha.substr(0, 12), "` is labelled v", p.version, " here but v",
                           other.version, " at ", where, ": one of the version comments is wrong"}));
        break;
      case Kind::kOtherCommit:
        f.persona(Persona::kPedantic)
            .message(str_cat({"`", action, "` is pinned here to ", p.sha.substr(0, 12), label, " but to ",
                              other.sha.substr(0, 12), other_label, " at ", where,
                              others.size() > 1 ? " and elsewhere" : "", ": the workflows run different releases"}));
        break;
    }
    // A few of the other pins are enough to find the rest.
    constexpr std::size_t kRelated = 3;
    for (std::size_t k = 0; k < others.size() && k < kRelated; ++k) {
      const Pin& o = pins[others[k]];
      f.related(*o.file, *o.uses,
                str_cat({"pinned to ", o.sha.substr(0, 12), o.version.empty() ? "" : " labelled v", o.version}));
    }
    f.emit(out);
  }
};

}  // namespace
}  // namespace md_121

std::unique_ptr<Rule> make_md_121() {
  return std::make_unique<md_121::Md121>();
}

}  // namespace pm::engine::rules
