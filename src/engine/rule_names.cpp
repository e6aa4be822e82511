#include "engine/rule_names.hpp"

#include <algorithm>
#include <cctype>

#include "engine/rule.hpp"

namespace pm::engine {

namespace {

// zizmor's documented audits (docs.zizmor.sh/audits), in its order.
constexpr std::array<ZizmorAudit, 34> kZizmorAudits = {{
    {"adhoc-packages", {"MD-120", ""}, ""},
    {"anonymous-definition", {}, ""},
    {"archived-uses", {}, ""},
    {"artipacked", {"MD-107", ""}, ""},
    {"bot-conditions", {"MD-111", ""}, ""},
    {"cache-poisoning", {"MD-118", ""}, ""},
    {"concurrency-limits", {}, ""},
    {"dangerous-triggers", {"MD-110", "MD-103"}, ""},
    {"dependabot-cooldown", {"MD-123", ""}, ""},
    {"dependabot-execution", {"MD-124", ""}, ""},
    {"excessive-permissions", {"MD-101", ""}, ""},
    {"forbidden-uses", {}, ""},
    {"github-env", {"MD-108", ""}, ""},
    {"hardcoded-container-credentials", {"MD-114", ""}, ""},
    {"impostor-commit", {}, ""},
    {"insecure-commands", {"MD-113", ""}, ""},
    {"known-vulnerable-actions", {}, ""},
    {"misfeature", {}, ""},
    {"obfuscation", {}, ""},
    {"overprovisioned-secrets", {"MD-106", ""}, "MD-106 covers `toJSON(secrets)`"},
    {"ref-confusion", {}, ""},
    {"ref-version-mismatch", {}, ""},
    {"secrets-inherit", {"MD-106", ""}, ""},
    {"secrets-outside-env", {"MD-117", ""}, ""},
    {"self-hosted-runner", {"MD-115", ""}, ""},
    {"stale-action-refs", {}, ""},
    {"template-injection", {"MD-104", ""}, ""},
    {"undocumented-permissions", {}, ""},
    {"unpinned-images", {"MD-105", ""}, "MD-105 also wants a digest where zizmor accepts a tag other than `latest`"},
    {"unpinned-uses", {"MD-105", ""}, ""},
    {"unredacted-secrets", {"MD-109", ""}, ""},
    {"unsound-condition", {"MD-112", ""}, ""},
    {"unsound-contains", {"MD-112", ""}, ""},
    {"use-trusted-publishing", {"MD-116", ""}, ""},
}};

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const std::vector<std::string>& catalogue_rule_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& r : all_rules()) v.emplace_back(r->info().id);
    return v;
  }();
  return ids;
}

std::span<const ZizmorAudit> zizmor_audits() {
  return kZizmorAudits;
}

const ZizmorAudit* find_zizmor_audit(std::string_view audit) {
  const auto it =
      std::find_if(kZizmorAudits.begin(), kZizmorAudits.end(), [&](const ZizmorAudit& a) { return a.audit == audit; });
  return it == kZizmorAudits.end() ? nullptr : &*it;
}

std::string zizmor_mapping_markdown() {
  std::string md = "| zizmor audit | our rule | note |\n|---|---|---|\n";
  for (const auto& a : kZizmorAudits) {
    std::string rules;
    for (const std::string_view r : a.rules) {
      if (r.empty()) continue;
      if (!rules.empty()) rules += ", ";
      rules.append(r);
    }
    md.append("| `").append(a.audit).append("` | ").append(rules.empty() ? "—" : rules);
    md.append(" | ").append(a.note).append(" |\n");
  }
  return md;
}

std::string rule_id_hint(std::string_view name, const std::vector<std::string>& known) {
  const std::string upper = upper_ascii(name);
  if (upper != name && std::find(known.begin(), known.end(), upper) != known.end()) {
    return "did you mean " + upper + "?";
  }
  if (const ZizmorAudit* a = find_zizmor_audit(name)) {
    std::string ours;
    for (const std::string_view r : a->rules) {
      if (r.empty()) continue;
      if (!ours.empty()) ours += " and ";
      ours.append(r);
    }
    return ours.empty() ? "zizmor's " + std::string(name) + " has no counterpart here"
                        : "zizmor's " + std::string(name) + " is " + ours + " here";
  }
  return "";
}

}  // namespace pm::engine
