#include "cli/scan_report.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "cli/options.hpp"
#include "engine/rule.hpp"

namespace pm::cli::scan {

int severity_rank(const std::string& severity) {
  if (severity == "critical") return 3;
  if (severity == "high") return 2;
  if (severity == "medium") return 1;
  if (severity == "low") return 0;
  return -1;
}

int confidence_rank(const std::string& confidence) {
  if (confidence == "high") return 2;
  if (confidence == "medium") return 1;
  if (confidence == "low") return 0;
  return -1;
}

bool Thresholds::admits(const Finding& f) const {
  return severity_rank(f.severity) >= severity_rank(min_severity) &&
         confidence_rank(f.confidence) >= confidence_rank(min_confidence);
}

int Report::exit_code() const {
  if (!errors.empty()) return kExitUsage;
  return findings.empty() ? kExitOk : kExitFailure;
}

namespace {

std::string text_of(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int int_of(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

// A finding of analyze_dissonance's payload; confidence and column are
// optional there (high and "unknown" when absent).
Finding finding_of(const Json& j) {
  Finding f;
  f.tool = "analyze_dissonance";
  f.rule_id = text_of(j, "ruleId");
  f.severity = text_of(j, "severity");
  if (const std::string c = text_of(j, "confidence"); !c.empty()) f.confidence = c;
  f.message = text_of(j, "message");
  f.where = Location{text_of(j, "file"), int_of(j, "line"), int_of(j, "column"), {}};
  f.evidence = text_of(j, "evidence");
  f.remediation = text_of(j, "remediation");
  f.finding_id = text_of(j, "findingId");
  if (const auto it = j.find("related"); it != j.end() && it->is_array()) {
    for (const auto& r : *it) {
      f.related.push_back(Location{text_of(r, "file"), int_of(r, "line"), int_of(r, "column"), text_of(r, "message")});
    }
  }
  return f;
}

std::string adr_rule_id(const std::string& adr_id, const std::string& rule_id) {
  return rule_id.rfind(adr_id + "-", 0) == 0 ? rule_id : adr_id + "/" + rule_id;
}

bool known_rule(const Report& report, const std::string& id) {
  return std::any_of(report.rules.begin(), report.rules.end(), [&](const RuleMeta& r) { return r.id == id; });
}

std::vector<std::string> strings_of(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (const auto it = j.find(key); it != j.end() && it->is_array()) {
    for (const auto& s : *it) {
      if (s.is_string()) out.push_back(s.get<std::string>());
    }
  }
  return out;
}

// 1-based column of the evidence in the line, counted in code points; 1 when
// the evidence is not on that line.
int column_of(const std::string& line, const std::string& evidence) {
  std::string needle = evidence;
  const auto b = needle.find_first_not_of(" \t");
  if (b == std::string::npos) return 1;
  needle = needle.substr(b, needle.find_last_not_of(" \t\r\n") - b + 1);
  const auto pos = line.find(needle);
  if (pos == std::string::npos) return 1;
  int column = 1;
  for (std::size_t i = 0; i < pos; ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

}  // namespace

std::string rules_doc_anchor(const std::string& id, const std::string& title) {
  std::string heading = id;
  heading.append(" — ").append(title);
  std::string anchor;
  for (const char c : heading) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      anchor += static_cast<char>(std::tolower(u));
    } else if (c == ' ' || c == '-') {
      anchor += '-';
    } else if (c == '_') {
      anchor += c;
    }
  }
  return anchor;
}

void add_analysis(Report& report, const Json& analysis) {
  if (const auto it = analysis.find("findings"); it != analysis.end() && it->is_array()) {
    for (const auto& j : *it) report.findings.push_back(finding_of(j));
  }
  if (const auto it = analysis.find("suppressed"); it != analysis.end() && it->is_array()) {
    for (const auto& j : *it) {
      Finding f = finding_of(j);
      const auto sj = j.find("suppression");
      const Json s = sj != j.end() && sj->is_object() ? *sj : Json::object();
      f.suppression = Suppression{text_of(s, "kind"),
                                  text_of(s, "reason"),
                                  text_of(s, "by"),
                                  text_of(s, "location"),
                                  s.value("reasonMissing", false),
                                  text_of(s, "via")};
      report.suppressed.push_back(std::move(f));
    }
  }
  if (const auto it = analysis.find("fileErrors"); it != analysis.end() && it->is_array()) {
    for (const auto& e : *it) {
      report.errors.push_back(ScanError{text_of(e, "path"), text_of(e, "code"), text_of(e, "message")});
    }
  }
  if (const auto it = analysis.find("ignoreProblems"); it != analysis.end() && it->is_array()) {
    for (const auto& p : *it) {
      report.notes.push_back(text_of(p, "file") + ":" + std::to_string(int_of(p, "line")) + ":" +
                             std::to_string(int_of(p, "column")) +
                             ": ignore comment suppresses nothing: " + text_of(p, "message"));
    }
  }
  if (const auto it = analysis.find("levels"); it != analysis.end() && it->is_object()) {
    if (const int n = int_of(*it, "notReported"); n > 0) {
      report.notes.push_back(std::to_string(n) + (n == 1 ? " finding" : " findings") + " outside persona " +
                             text_of(*it, "persona") + " or below minConfidence " + text_of(*it, "minConfidence") +
                             " not reported");
    }
  }
  if (analysis.value("degradedMode", false) && !text_of(analysis, "degradedReason").empty()) {
    report.notes.push_back("analyze_dissonance ran degraded (" + text_of(analysis, "degradedReason") +
                           "): reviewed false positives may not have been suppressed");
  }
}

void add_adr_compliance(Report& report, const Json& compliance, const Json& file_errors) {
  if (const auto it = compliance.find("violations"); it != compliance.end() && it->is_array()) {
    for (const auto& v : *it) {
      Finding f;
      f.tool = "check_adr_compliance";
      f.adr_id = text_of(v, "adrId");
      f.rule_id = adr_rule_id(f.adr_id, text_of(v, "ruleId"));
      f.severity = text_of(v, "severity");
      f.message = text_of(v, "message");
      f.where = Location{text_of(v, "file"), int_of(v, "line"), 0, {}};
      f.evidence = text_of(v, "evidence");
      f.remediation = text_of(v, "remediation");
      f.finding_id = engine::finding_id(f.rule_id, f.where.file, f.evidence);
      report.findings.push_back(std::move(f));
    }
  }
  if (compliance.value("violationsTruncated", false)) {
    report.notes.push_back("check_adr_compliance listed the first " +
                           std::to_string(compliance.value("violations", Json::array()).size()) + " of " +
                           std::to_string(compliance["violationSummary"].value("total", 0)) + " violations");
  }
  if (file_errors.is_array()) {
    for (const auto& e : file_errors) {
      report.errors.push_back(ScanError{text_of(e, "path"), text_of(e, "code"), text_of(e, "message")});
    }
  }
  if (const auto it = compliance.find("ignoredRules"); it != compliance.end() && it->is_array()) {
    for (const auto& w : *it) {
      const int line = int_of(w, "line");
      report.errors.push_back(ScanError{text_of(w, "file") + (line > 0 ? ":" + std::to_string(line) : ""),
                                        "ADR_RULE_IGNORED", text_of(w, "message")});
    }
  }
}

void add_rules(Report& report, const Json& catalogue, const Json& adr_details) {
  if (catalogue.is_array()) {
    for (const auto& r : catalogue) {
      RuleMeta m;
      m.id = text_of(r, "id");
      m.title = text_of(r, "title");
      m.description = text_of(r, "description");
      m.remediation = text_of(r, "remediation");
      m.default_severity = text_of(r, "defaultSeverity");
      if (m.default_severity.empty()) m.default_severity = text_of(r, "severity");
      if (const std::string c = text_of(r, "defaultConfidence"); !c.empty()) m.default_confidence = c;
      m.tags = strings_of(r, "tags");
      m.not_reported = text_of(r, "notReported");
      m.example = text_of(r, "example");
      m.help_anchor = rules_doc_anchor(m.id, m.title);
      report.rules.push_back(std::move(m));
    }
  }
  const auto adr_of = [&](const std::string& id) -> const Json* {
    if (!adr_details.is_array()) return nullptr;
    for (const auto& a : adr_details) {
      if (text_of(a, "id") == id) return &a;
    }
    return nullptr;
  };
  for (const auto* list : {&report.findings, &report.suppressed}) {
    for (const auto& f : *list) {
      if (known_rule(report, f.rule_id)) continue;
      RuleMeta m;
      m.id = f.rule_id;
      m.default_severity = f.severity;
      m.default_confidence = f.confidence;
      m.remediation = f.remediation;
      if (f.adr_id.empty()) {
        m.title = f.rule_id;
        m.description = f.message;
      } else {
        const Json* adr = adr_of(f.adr_id);
        const std::string adr_title = adr != nullptr ? text_of(*adr, "title") : std::string();
        m.title = f.adr_id + (adr_title.empty() ? "" : ": " + adr_title);
        m.description = "Checkable rule '" + f.rule_id.substr(f.rule_id.find('/') + 1) + "' of " + f.adr_id +
                        (adr_title.empty() ? "" : " (" + adr_title + ")") + ". " + f.message;
        m.adr_id = f.adr_id;
        m.adr_file = adr != nullptr ? text_of(*adr, "file") : std::string();
        m.tags = {"adr", f.adr_id};
      }
      report.rules.push_back(std::move(m));
    }
  }
}

void finish(Report& report,
            const std::function<std::optional<std::string>(const std::string& file, int line)>& line_of) {
  for (auto* list : {&report.findings, &report.suppressed}) {
    for (auto& f : *list) {
      if (f.where.column != 0 || f.where.line <= 0) continue;
      const auto line = line_of(f.where.file, f.where.line);
      f.where.column = line ? column_of(*line, f.evidence) : 1;
    }
    std::stable_sort(list->begin(), list->end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.where.file, a.where.line, a.where.column, a.rule_id) <
             std::tie(b.where.file, b.where.line, b.where.column, b.rule_id);
    });
  }
  const auto below = std::stable_partition(report.findings.begin(), report.findings.end(),
                                           [&](const Finding& f) { return report.thresholds.admits(f); });
  report.below_thresholds = static_cast<std::size_t>(report.findings.end() - below);
  report.findings.erase(below, report.findings.end());
}

}  // namespace pm::cli::scan
