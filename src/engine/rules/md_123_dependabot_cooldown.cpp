// MD-123: Dependabot version updates without a cooldown take a release the
// day it is published, which is when a compromised release is live.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "engine/rules/rules.hpp"

namespace pm::engine::rules {
namespace md_123 {
namespace {

constexpr std::string_view kTags[] = {"security", "supply-chain", "dependabot"};

// Days a release should age before Dependabot proposes it: compromised
// releases of the last years were found and pulled within days.
constexpr long kMinimumDays = 7;

constexpr RuleInfo kInfo{
    .id = "MD-123",
    .title = "Dependabot updates without a cooldown",
    .severity = Severity::kMedium,
    .confidence = Confidence::kHigh,
    .persona = Persona::kRegular,
    .description =
        "An `updates` entry of `.github/dependabot.yml` without a `cooldown` (or with a `cooldown` that sets no "
        "days): Dependabot proposes a new version the day it is published, which is when a hijacked maintainer "
        "account's or a compromised build's release is live and not yet pulled, and a merged update brings it "
        "into the build and its secrets. Every ecosystem alike: a compromised action release runs in the "
        "workflows with their secrets as a compromised npm or PyPI package does (medium, confidence high). A "
        "`default-days` below 7, or missing while only `semver-*-days` are set (updates without a semantic "
        "version then wait 0 days), is reported as too short: low, confidence medium, pedantic persona.",
    .not_reported =
        "Security updates: Dependabot never delays them, so a cooldown costs no fix. Entries with "
        "`open-pull-requests-limit: 0`, which turn version updates off and keep only security updates. Entries "
        "Dependabot rejects (no `package-ecosystem`, a `cooldown` that is not a mapping, days that are not a whole "
        "number): they update nothing. `semver-*-days` shorter than a sufficient "
        "`default-days` (a deliberate choice).",
    .remediation =
        "Give every `updates` entry a `cooldown` with `default-days: 7` or more (optionally longer "
        "`semver-major-days`); security updates still arrive at once.",
    .adr_refs = {},
    .tags = kTags,
    .example =
        "version: 2\n"
        "updates:\n"
        "  - package-ecosystem: npm   # no cooldown: a release is proposed the day it appears\n"
        "    directory: /\n"
        "    schedule:\n"
        "      interval: daily\n",
};

// A whole number of days; nullopt for anything else.
std::optional<long> days_of(const std::optional<DependabotValue>& v) {
  if (!v) return std::nullopt;
  long n = 0;
  const auto& s = v->value;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

class Md123 final : public Rule {
 public:
  const RuleInfo& info() const override { return kInfo; }

  void evaluate(const AnalysisInput& in, std::vector<Finding>& out, Budget& budget) const override {
    FindingSink sink(out, budget);
    for (const auto& d : in.dependabot) {
      if (d.file.parse_error) continue;
      for (const auto& u : d.updates) {
        if (!budget.step()) return;
        judge(d, u, sink);
      }
    }
  }

 private:
  static void judge(const DependabotFile& d, const DependabotUpdate& u, FindingSink& out) {
    // Entries Dependabot rejects update nothing.
    if (!u.package_ecosystem || (u.cooldown && !u.cooldown->well_formed)) return;
    if (const auto limit = days_of(u.open_pull_requests_limit); limit && *limit == 0) return;
    const std::string& ecosystem = u.package_ecosystem->value;
    if (!u.cooldown) {
      FindingBuilder(kInfo)
          .at(d.file, u.at)
          .message("Dependabot updates of " + ecosystem +
                   " have no cooldown: a new release is proposed the day it is published, before a compromised one "
                   "is found and pulled")
          .context(context_object("ecosystem", ecosystem))
          .emit(out);
      return;
    }
    const DependabotCooldown& c = *u.cooldown;
    const bool semver_days = c.semver_major_days || c.semver_minor_days || c.semver_patch_days;
    if (!c.default_days && !semver_days) {
      FindingBuilder(kInfo)
          .at(d.file, c.at)
          .message("The cooldown of Dependabot updates of " + ecosystem +
                   " sets no days (`default-days` is 0 when absent): a new release is proposed the day it is "
                   "published")
          .context(context_object("ecosystem", ecosystem))
          .emit(out);
      return;
    }
    if (!c.default_days) {
      FindingBuilder(kInfo)
          .severity(Severity::kLow)
          .confidence(Confidence::kMedium)
          .persona(Persona::kPedantic)
          .at(d.file, c.at)
          .message("The cooldown of Dependabot updates of " + ecosystem +
                   " sets only `semver-*-days`: updates without a semantic version wait 0 days (`default-days` "
                   "absent)")
          .context(context_object("ecosystem", ecosystem, "minimumDays", kMinimumDays))
          .emit(out);
      return;
    }
    const auto days = days_of(c.default_days);
    if (!days || *days >= kMinimumDays) return;
    FindingBuilder(kInfo)
        .severity(Severity::kLow)
        .confidence(Confidence::kMedium)
        .persona(Persona::kPedantic)
        .at(d.file, c.default_days->at)
        .message("The cooldown of Dependabot updates of " + ecosystem + " is " + std::to_string(*days) +
                 (*days == 1 ? " day" : " days") + ", shorter than the " + std::to_string(kMinimumDays) +
                 " days a compromised release usually takes to be found and pulled")
        .context(context_object("ecosystem", ecosystem, "defaultDays", *days, "minimumDays", kMinimumDays))
        .emit(out);
  }
};

}  // namespace
}  // namespace md_123

std::unique_ptr<Rule> make_md_123() {
  return std::make_unique<md_123::Md123>();
}

}  // namespace pm::engine::rules
