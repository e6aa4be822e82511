// The plain, github and json formats of scan (SARIF: scan_sarif.cpp).
#include "cli/scan_format.hpp"

#include <map>
#include <set>

namespace pm::cli::scan {

namespace {

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";
constexpr const char* kDim = "\033[2m";
constexpr const char* kGutter = "\033[34m";

const char* severity_colour(const std::string& severity) {
  if (severity == "critical") return "\033[1;35m";
  if (severity == "high") return "\033[1;31m";
  if (severity == "medium") return "\033[1;33m";
  return "\033[1;36m";
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "inline .github/workflows/ci.yml:8: vendored", "config .github/phase-mirror.yml:6 by @org/platform: ours",
// "fp-store by bob: mirrored"; "no reason given" when there is none.
std::string suppression_text(const Suppression& s) {
  std::string text = s.kind;
  if (s.kind != "fp-store" && !s.location.empty()) text += " " + s.location;
  // An inline ignore answers to the file that carries it, which its location names already.
  if (!s.by.empty() && s.location.rfind(s.by + ":", 0) != 0) text += " by " + s.by;
  if (!s.via.empty()) text += " (" + s.via + ")";
  return text + (s.reason.empty() ? ", no reason given" : ": " + s.reason);
}

std::string position(const Location& l) {
  if (l.file.empty()) return "(repository)";
  std::string s = l.file;
  if (l.line > 0) s += ":" + std::to_string(l.line) + ":" + std::to_string(l.column > 0 ? l.column : 1);
  return s;
}

// The source line with tabs as single spaces (so that the caret lines up) and
// the caret under the column, counted in code points.
void append_snippet(std::string& out, const Location& l, const std::string& line, const std::string& caret_colour,
                    bool color) {
  std::string shown;
  for (const char c : line) shown += c == '\t' ? ' ' : c;
  while (!shown.empty() && (shown.back() == '\r' || shown.back() == ' ')) shown.pop_back();
  const std::string number = std::to_string(l.line);
  const std::string pad(number.size(), ' ');
  const auto paint = [&](const char* code, const std::string& s) { return color ? code + s + kReset : s; };
  out += " " + paint(kGutter, number + " |") + " " + shown + "\n";
  std::string indent;
  int column = 1;
  for (std::size_t i = 0; i < shown.size() && column < l.column; ++i) {
    if ((static_cast<unsigned char>(shown[i]) & 0xC0) != 0x80) {
      indent += ' ';
      ++column;
    }
  }
  out += " " + paint(kGutter, pad + " |") + " " + indent + paint(caret_colour.c_str(), "^") + "\n";
}

// Workflow-command escaping (data, and property values, which also escape ':' and ',').
std::string escape_command(const std::string& s, bool property) {
  std::string out;
  for (const char c : s) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

const char* annotation_level(const std::string& severity) {
  if (severity == "critical" || severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "notice";
}

}  // namespace

std::string summary_line(const Report& report) {
  std::string s;
  if (report.findings.empty()) {
    s = "No findings";
  } else {
    std::map<int, std::size_t, std::greater<>> by_rank;
    std::set<std::string> files;
    for (const auto& f : report.findings) {
      ++by_rank[severity_rank(f.severity)];
      files.insert(f.where.file);
    }
    std::string counts;
    for (const auto& [rank, n] : by_rank) {
      static const char* kNames[] = {"low", "medium", "high", "critical"};
      counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + (rank >= 0 ? kNames[rank] : "unrated");
    }
    s = plural(report.findings.size(), "finding", "findings") + " (" + counts + ") in " +
        plural(files.size(), "file", "files");
  }
  if (!report.suppressed.empty()) s += "; " + std::to_string(report.suppressed.size()) + " suppressed";
  if (report.below_thresholds > 0) {
    s += "; " + std::to_string(report.below_thresholds) + " below --min-severity " + report.thresholds.min_severity +
         " / --min-confidence " + report.thresholds.min_confidence + " not shown";
  }
  if (!report.errors.empty()) s += "; " + plural(report.errors.size(), "error", "errors") + ": the scan is incomplete";
  return s;
}

std::string format_plain(const Report& report, const LineSource& lines, bool color) {
  const auto paint = [color](const char* code, const std::string& s) { return color ? code + s + kReset : s; };
  std::string out;
  for (const auto& f : report.findings) {
    const char* sev = severity_colour(f.severity);
    out += paint(kBold, position(f.where) + ":") + " " + paint(sev, f.severity) + " " + paint(kBold, f.rule_id) + " " +
           paint(kDim, "[" + f.confidence + " confidence]") + " " + f.message + "\n";
    if (f.where.line > 0) {
      if (auto line = lines(f.where.file, f.where.line)) append_snippet(out, f.where, *line, sev, color);
    }
    for (const auto& r : f.related) out += "   " + paint(kDim, "related: " + position(r) + " " + r.message) + "\n";
    if (!f.remediation.empty()) out += "   = fix: " + f.remediation + "\n";
    out += "\n";
  }
  for (const auto& f : report.suppressed) {
    out += paint(kDim,
                 "suppressed: " + position(f.where) + " " + f.rule_id + " (" + suppression_text(*f.suppression) + ")") +
           "\n";
  }
  for (const auto& n : report.notes) out += "note: " + n + "\n";
  out += paint(kBold, summary_line(report)) + "\n";
  return out;
}

std::string format_github(const Report& report) {
  std::string out;
  for (const auto& f : report.findings) {
    std::string props;
    if (!f.where.file.empty()) {
      props = "file=" + escape_command(f.where.file, true);
      if (f.where.line > 0) {
        props += ",line=" + std::to_string(f.where.line) + ",col=" + std::to_string(std::max(f.where.column, 1));
      }
      props += ",";
    }
    props += "title=" + escape_command(f.rule_id + " (" + f.severity + ", " + f.confidence + " confidence)", true);
    std::string message = f.message;
    if (!f.remediation.empty()) message += "\nFix: " + f.remediation;
    out +=
        std::string("::") + annotation_level(f.severity) + " " + props + "::" + escape_command(message, false) + "\n";
  }
  for (const auto& e : report.errors) {
    std::string props = e.path.empty() ? "" : " file=" + escape_command(e.path.substr(0, e.path.find(':')), true);
    out += "::error" + props + "::" + escape_command(e.code + ": " + e.message, false) + "\n";
  }
  for (const auto& n : report.notes) out += "::notice::" + escape_command(n, false) + "\n";
  out += summary_line(report) + "\n";
  return out;
}

Json finding_json(const Finding& f) {
  Json j = Json::object();
  j["tool"] = f.tool;
  j["ruleId"] = f.rule_id;
  if (!f.adr_id.empty()) j["adrId"] = f.adr_id;
  j["severity"] = f.severity;
  j["confidence"] = f.confidence;
  j["message"] = f.message;
  j["file"] = f.where.file;
  j["line"] = f.where.line;
  j["column"] = f.where.column;
  j["evidence"] = f.evidence;
  j["remediation"] = f.remediation;
  j["findingId"] = f.finding_id;
  if (!f.related.empty()) {
    Json related = Json::array();
    for (const auto& r : f.related) {
      related.push_back(Json{{"file", r.file}, {"line", r.line}, {"column", r.column}, {"message", r.message}});
    }
    j["related"] = std::move(related);
  }
  if (f.suppression) {
    const Suppression& s = *f.suppression;
    j["suppression"] = Json{{"kind", s.kind},
                            {"reason", s.reason},
                            {"by", s.by},
                            {"location", s.location},
                            {"reasonMissing", s.reason_missing}};
    if (!s.via.empty()) j["suppression"]["via"] = s.via;
  }
  return j;
}

}  // namespace pm::cli::scan
