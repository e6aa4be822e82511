#include "engine/report.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "util/answer.hpp"
#include "util/strings.hpp"

namespace pm::engine {

namespace {

void append_upper(std::string& out, std::string_view s) {
  for (char c : s) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
}

// "ADR-" followed by at least three digits, not preceded by a word character.
void collect_adr_ids(const std::string& text, std::set<std::string>& out) {
  for (std::size_t pos = text.find("ADR-"); pos != std::string::npos; pos = text.find("ADR-", pos + 4)) {
    if (pos > 0 && (std::isalnum(static_cast<unsigned char>(text[pos - 1])) != 0 || text[pos - 1] == '_')) continue;
    std::size_t end = pos + 4;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) ++end;
    if (end - (pos + 4) >= 3) out.insert(text.substr(pos, end - pos));
  }
}

}  // namespace

Report make_report(int rules_checked, const std::vector<Finding>& findings) {
  Report r;
  r.rules_checked = rules_checked;
  r.violations_found = static_cast<int>(findings.size());
  r.critical_issues = static_cast<int>(std::count_if(
      findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::kCritical; }));
  return r;
}

Json to_json(const Report& r) {
  return Json{{"rulesChecked", r.rules_checked},
              {"violationsFound", r.violations_found},
              {"criticalIssues", r.critical_issues}};
}

std::string summary_text(const Decision& d, const std::vector<Finding>& findings, std::size_t omitted,
                         const std::vector<std::string>& notes) {
  // Appended in place: one line per finding, so no temporary per line.
  const std::string rule(60, '=');
  std::string out = str_cat({rule, "\nMIRROR DISSONANCE PROTOCOL - ORACLE ANALYSIS\n", rule, "\n\nDecision: "});
  append_upper(out, d.outcome);
  out.append("\nTimestamp: ").append(d.timestamp).append("\nMode: ").append(d.mode).append("\n\nReasons:");
  for (const auto& r : d.reasons) out.append("\n  - ").append(r);
  out.append("\n");
  if (findings.empty()) {
    out.append("\nNo violations detected.");
  } else {
    out.append("\nViolations:");
    for (const auto& f : findings) {
      out.append("\n  [");
      append_upper(out, to_string(f.severity));
      out.append("] ").append(f.rule_id).append(": ");
      if (f.message.size() > answer::kMaxMessageBytes) {
        out.append(answer::clip(f.message, answer::kMaxMessageBytes).text);
      } else {
        out.append(f.message);
      }
    }
    if (omitted > 0) {
      out.append("\n  ... and ")
          .append(std::to_string(omitted))
          .append(omitted == 1 ? " more finding" : " more findings")
          .append(" not listed (maxFindings; the most severe are listed)");
    }
  }
  if (!notes.empty()) out.append("\n");
  for (const auto& n : notes) out.append("\n").append(n);
  out.append("\n\n").append(rule);
  return out;
}

Json to_json(const Finding& f) {
  Json j = Json::object();
  // An ordered_json object is a vector of pairs with const keys: growing it
  // copies every value instead of moving it.
  j.get_ref<Json::object_t&>().reserve(20);
  j["ruleId"] = f.rule_id;
  j["severity"] = to_string(f.severity);
  j["confidence"] = to_string(f.confidence);
  // Clipped here, not in the finding: the findingId keeps hashing what the
  // rule built, and an answer stays bounded whatever a file holds.
  bool message_cut = f.message.size() > answer::kMaxMessageBytes;
  j["message"] = message_cut ? answer::clip(f.message, answer::kMaxMessageBytes).text : f.message;
  j["file"] = f.file;
  j["line"] = f.line;
  j["column"] = f.column;
  if (f.end_line > 0) {
    j["endLine"] = f.end_line;
    j["endColumn"] = f.end_column;
  }
  const bool evidence_cut = f.evidence_clipped || f.evidence.size() > answer::kMaxEvidenceBytes;
  if (!evidence_cut) {
    j["evidence"] = f.evidence;
  } else if (f.evidence.size() > answer::kMaxEvidenceBytes) {
    j["evidence"] = answer::clip(f.evidence, answer::kMaxEvidenceBytes).text;
  } else {
    j["evidence"] = f.evidence + std::string(answer::kEllipsis);
  }
  j["remediation"] = f.remediation;
  j["findingId"] = f.finding_id;
  j["adrRefs"] = f.adr_refs;
  if (f.persona != Persona::kRegular) j["persona"] = to_string(f.persona);
  if (!f.related.empty()) {
    Json related = Json::array();
    for (const auto& r : f.related) {
      const auto m = answer::clip(r.message, answer::kMaxMessageBytes);
      message_cut = message_cut || m.clipped;
      related.push_back(Json{{"file", r.file}, {"line", r.line}, {"column", r.column}, {"message", m.text}});
    }
    j["related"] = std::move(related);
  }
  bool context_cut = false;
  if (f.context.is_object() && !f.context.empty()) {
    Json context = f.context;
    context_cut = answer::clip_json(context, answer::kMaxContextStringBytes, answer::kMaxContextItems);
    j["context"] = std::move(context);
  }
  // Each clip is said: the text ends with "…" and its flag is set.
  if (evidence_cut) j["evidenceTruncated"] = true;
  if (message_cut) j["messageTruncated"] = true;
  if (context_cut) j["contextTruncated"] = true;
  return j;
}

std::vector<std::string> adr_references(const std::vector<Finding>& findings) {
  std::set<std::string> ids;
  for (const auto& f : findings) {
    for (const auto& r : f.adr_refs) collect_adr_ids(r, ids);
    collect_adr_ids(f.message, ids);
  }
  return {ids.begin(), ids.end()};
}

}  // namespace pm::engine
