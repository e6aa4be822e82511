// SARIF 2.1.0 output of scan, shaped for GitHub code scanning: rule metadata
// with help text and security-severity, results with a physical location,
// partialFingerprints from findingId, suppressions with their justification.
#include <algorithm>
#include <cctype>

#include "cli/scan_format.hpp"

namespace pm::cli::scan {

namespace {

const char* sarif_level(const std::string& severity) {
  if (severity == "critical" || severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "note";
}

// GitHub's scale: critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
const char* security_severity(const std::string& severity) {
  if (severity == "critical") return "9.5";
  if (severity == "high") return "8.0";
  if (severity == "medium") return "5.5";
  return "2.0";
}

const char* precision_of(const std::string& confidence) {
  if (confidence == "high") return "high";
  if (confidence == "medium") return "medium";
  return "low";
}

// A workspace-relative path as a relative URI reference (RFC 3986): every
// byte outside the unreserved set and '/' percent-encoded.
std::string uri_of(const std::string& path) {
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

// "Excessive workflow permissions" -> "ExcessiveWorkflowPermissions",
// "no-stdout-writes" -> "NoStdoutWrites".
std::string pascal_case(const std::string& words) {
  std::string out;
  bool first = true;
  for (const char c : words) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0) {
      first = true;
      continue;
    }
    out += static_cast<char>(first ? std::toupper(u) : std::tolower(u));
    first = false;
  }
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0])) != 0) out.insert(0, "Rule");
  return out;
}

// The lines around a finding's line, for the viewer's context.
Json context_region(const Location& l, const LineSource& lines) {
  const int first = std::max(1, l.line - 2);
  int last = l.line;
  std::string text;
  for (int n = first; n <= l.line + 2; ++n) {
    const auto line = lines(l.file, n);
    if (!line) break;
    text += *line + "\n";
    last = n;
  }
  if (text.empty()) return nullptr;
  return Json{{"startLine", first}, {"endLine", last}, {"snippet", Json{{"text", text}}}};
}

Json physical_location(const Location& l, const LineSource& lines) {
  Json p = Json::object();
  // A finding about the repository rather than a file (branch protection, the
  // audit trail) is placed on the repository root.
  p["artifactLocation"] = Json{{"uri", l.file.empty() ? "." : uri_of(l.file)}, {"uriBaseId", "%SRCROOT%"}};
  if (l.line > 0) {
    Json region{{"startLine", l.line}, {"startColumn", l.column > 0 ? l.column : 1}};
    // The region runs to the end of the line (no endColumn); its snippet is that text.
    if (auto line = lines(l.file, l.line)) {
      std::size_t offset = 0;
      for (int column = 1; offset < line->size() && column < l.column; ++column) {
        ++offset;  // the code point's first byte, then its continuation bytes
        while (offset < line->size() && (static_cast<unsigned char>((*line)[offset]) & 0xC0) == 0x80) ++offset;
      }
      std::string text = line->substr(offset);
      if (!text.empty() && text.back() == '\r') text.pop_back();
      if (!text.empty()) region["snippet"] = Json{{"text", text}};
    }
    p["region"] = std::move(region);
    if (Json context = context_region(l, lines); !context.is_null()) p["contextRegion"] = std::move(context);
  }
  return p;
}

Json rule_json(const RuleMeta& r, const std::string& docs_url) {
  Json j = Json::object();
  j["id"] = r.id;
  // An ADR rule is named by its own id; a catalogue rule by its title.
  j["name"] = pascal_case(!r.adr_id.empty() ? r.id.substr(r.id.find('/') + 1) : r.title.empty() ? r.id : r.title);
  j["shortDescription"] = Json{{"text", r.title.empty() ? r.id : r.title}};
  j["fullDescription"] = Json{{"text", r.description.empty() ? r.title : r.description}};
  std::string text = r.description;
  std::string markdown = "**" + r.id + (r.title.empty() ? "" : " — " + r.title) + "**\n\n" + r.description;
  if (!r.not_reported.empty()) {
    text += "\n\nNot reported: " + r.not_reported;
    markdown += "\n\n*Not reported:* " + r.not_reported;
  }
  if (!r.remediation.empty()) {
    text += "\n\nRemediation: " + r.remediation;
    markdown += "\n\n**Remediation:** " + r.remediation;
  }
  if (!r.example.empty()) {
    text += "\n\nReported:\n" + r.example;
    markdown += "\n\nReported:\n\n```yaml\n" + r.example + "```";
  }
  if (!r.adr_file.empty()) {
    text += "\n\nDecided in " + r.adr_file + ".";
    markdown += "\n\nDecided in `" + r.adr_file + "`.";
  }
  j["help"] = Json{{"text", text}, {"markdown", markdown}};
  if (r.adr_id.empty()) j["helpUri"] = docs_url + "/rules.md" + (r.help_anchor.empty() ? "" : "#" + r.help_anchor);
  j["defaultConfiguration"] = Json{{"level", sarif_level(r.default_severity)}};
  Json tags = Json::array({"security"});
  for (const auto& t : r.tags) {
    if (t != "security") tags.push_back(t);
  }
  j["properties"] = Json{{"tags", tags},
                         {"precision", precision_of(r.default_confidence)},
                         {"problem.severity", sarif_level(r.default_severity)},
                         {"security-severity", security_severity(r.default_severity)}};
  return j;
}

Json result_json(const Finding& f, std::size_t rule_index, const LineSource& lines) {
  Json j = Json::object();
  j["ruleId"] = f.rule_id;
  j["ruleIndex"] = rule_index;
  j["level"] = sarif_level(f.severity);
  j["message"] = Json{{"text", f.message}};
  j["locations"] = Json::array({Json{{"physicalLocation", physical_location(f.where, lines)}}});
  if (!f.related.empty()) {
    Json related = Json::array();
    int id = 1;
    for (const auto& r : f.related) {
      related.push_back(Json{
          {"id", id++}, {"physicalLocation", physical_location(r, lines)}, {"message", Json{{"text", r.message}}}});
    }
    j["relatedLocations"] = std::move(related);
  }
  j["partialFingerprints"] = Json{{"phaseMirrorFindingId/v1", f.finding_id}};
  if (f.suppression) {
    const auto& sup = *f.suppression;
    Json s{{"kind", sup.kind == "inline" ? "inSource" : "external"}, {"status", "accepted"}};
    if (!sup.reason.empty()) s["justification"] = sup.reason;
    // SARIF has no field for who answers for a suppression, nor for where it is written.
    Json props{{"kind", sup.kind}, {"by", sup.by}, {"location", sup.location}};
    if (sup.reason_missing) props["reasonMissing"] = true;
    if (!sup.via.empty()) props["via"] = sup.via;
    s["properties"] = std::move(props);
    j["suppressions"] = Json::array({std::move(s)});
  }
  j["properties"] = Json{{"severity", f.severity}, {"confidence", f.confidence}, {"tool", f.tool}};
  return j;
}

}  // namespace

Json format_sarif(const Report& report, const LineSource& lines, const std::string& docs_url,
                  const std::string& version) {
  Json rules = Json::array();
  for (const auto& r : report.rules) rules.push_back(rule_json(r, docs_url));
  const auto index_of = [&](const std::string& id) {
    for (std::size_t i = 0; i < report.rules.size(); ++i) {
      if (report.rules[i].id == id) return i;
    }
    return report.rules.size();  // add_rules lists every rule a finding names
  };
  Json results = Json::array();
  for (const auto* list : {&report.findings, &report.suppressed}) {
    for (const auto& f : *list) results.push_back(result_json(f, index_of(f.rule_id), lines));
  }
  Json notifications = Json::array();
  for (const auto& e : report.errors) {
    Json n{{"level", "error"}, {"message", Json{{"text", e.code + ": " + e.message}}}};
    if (!e.path.empty()) {
      const std::string file = e.path.substr(0, e.path.find(':'));
      n["locations"] = Json::array({Json{{"physicalLocation", physical_location(Location{file, 0, 0, {}}, lines)}}});
    }
    notifications.push_back(std::move(n));
  }
  for (const auto& note : report.notes) {
    notifications.push_back(Json{{"level", "note"}, {"message", Json{{"text", note}}}});
  }
  Json driver{{"name", "phase-mirror-mcp"}, {"fullName", "Phase Mirror MCP server"},
              {"version", version},         {"semanticVersion", version},
              {"informationUri", docs_url}, {"rules", std::move(rules)}};
  Json run = Json::object();
  run["tool"] = Json{{"driver", std::move(driver)}};
  run["invocations"] = Json::array({Json{{"executionSuccessful", report.errors.empty()},
                                         {"exitCode", report.exit_code()},
                                         {"toolExecutionNotifications", std::move(notifications)}}});
  run["originalUriBaseIds"] = Json{{"%SRCROOT%", Json{{"uri", "file://" + uri_of(report.root) + "/"}}}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);
  return Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", Json::array({std::move(run)})}};
}

}  // namespace pm::cli::scan
