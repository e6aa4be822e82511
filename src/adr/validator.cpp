#include "adr/validator.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "adr/parser.hpp"

namespace pm::adr {
namespace {

std::string basename_of(const std::string& p) {
  const auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string ComplianceReport::decision() const {
  std::set<std::string_view> approved;
  for (auto i : checked) {
    if (adrs[i].status == Status::kApproved) approved.insert(adrs[i].id);
  }
  for (const auto& v : violations) {
    if (v.severity != Severity::kHigh && v.severity != Severity::kCritical) continue;
    if (approved.count(v.adr_id) != 0) return "block";
  }
  return compliant() ? "pass" : "warn";
}

Result<LoadedAdrs> load_adrs(const engine::Workspace& ws, const std::string& adr_path, Budget& budget) {
  auto listed = ws.list_dir(adr_path, budget);
  if (budget.stopped()) return budget.error(kOperation);
  if (!listed) {
    if (listed.error().code == code::kPathOutsideWorkspace) return listed.take_error();
    Error e{code::kNoAdrsFound, "No ADR directory at " + adr_path, Severity::kMedium};
    e.details = Json{{"adrPath", adr_path}};
    e.suggestions = {"Pass adrPath with the directory of your ADRs (default ./docs/adr)",
                     "See docs/adr-rules.md for the ADR format"};
    return e;
  }
  LoadedAdrs out;
  std::set<std::string> seen;
  for (const auto& entry : *listed) {
    if (!budget.step(entry.size() + 1)) return budget.error(kOperation);
    const auto id = adr_id_from_filename(basename_of(entry));
    if (!id) continue;
    if (!seen.insert(*id).second) {
      out.warnings.push_back(ParseWarning{
          *id, entry, 0, "Duplicate ADR id " + *id + " (another file has it); this file was ignored", true});
      continue;
    }
    auto data = ws.read(entry);
    if (!data) {
      Adr a;
      a.id = *id;
      a.file = entry;
      a.title = *id;
      a.parsed = false;
      a.warnings.push_back(ParseWarning{*id, entry, 0, data.error().code + ": " + data.error().message});
      out.adrs.push_back(std::move(a));
      continue;
    }
    if (data->bytes.size() > kMaxAdrBytes) {
      Adr a;
      a.id = *id;
      a.file = entry;
      a.title = *id;
      a.parsed = false;
      a.warnings.push_back(ParseWarning{*id, entry, 0,
                                        std::string(code::kFileTooLarge) + ": ADR file is " +
                                            std::to_string(data->bytes.size()) + " bytes (limit " +
                                            std::to_string(kMaxAdrBytes) + "); not parsed"});
      out.adrs.push_back(std::move(a));
      continue;
    }
    out.adrs.push_back(parse_adr(entry, data->bytes, *id, budget));
    if (budget.stopped()) return budget.error(kOperation);
  }
  std::stable_sort(out.adrs.begin(), out.adrs.end(), [](const Adr& a, const Adr& b) { return a.id < b.id; });
  if (out.adrs.empty()) {
    Error e{code::kNoAdrsFound, "No ADR files found in " + adr_path, Severity::kMedium};
    e.details = Json{{"adrPath", adr_path}};
    e.suggestions = {"Name ADR files ADR-001-title.md or 0001-title.md", "See docs/adr-rules.md for the ADR format"};
    return e;
  }
  return out;
}

std::vector<std::size_t> prose_adrs_for(const std::string& path, const std::vector<Adr>& adrs,
                                        const std::vector<std::size_t>& enforced) {
  static const RE2 kWorkflow(R"(\.github/workflows/.*\.ya?ml$)");
  static const RE2 kPackage(R"(package\.json$)");
  static const RE2 kAdrInPath(R"((?i)(ADR-\d{3}))");
  std::vector<std::size_t> out;
  auto add = [&](const std::string& id) {
    for (auto i : enforced) {
      if (adrs[i].id == id && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
    }
  };
  if (RE2::PartialMatch(path, kWorkflow)) add("ADR-001");
  if (RE2::PartialMatch(path, kPackage)) add("ADR-002");
  std::string named;
  if (RE2::PartialMatch(path, kAdrInPath, &named)) add(upper(named));
  if (out.empty()) {
    for (auto i : enforced) {
      if (adrs[i].status == Status::kApproved) out.push_back(i);
    }
  }
  return out;
}

Result<ComplianceReport> check_compliance(const engine::Workspace& ws, const CheckRequest& req, Budget& budget,
                                          const Progress& progress) {
  auto loaded = load_adrs(ws, req.adr_path, budget);
  if (!loaded) return loaded.take_error();
  ComplianceReport rep;
  rep.adrs = std::move(loaded->adrs);
  rep.warnings = std::move(loaded->warnings);
  for (const auto& w : rep.warnings) {
    if (w.rule_ignored) rep.ignored.push_back(w);
  }

  // Which ADRs: the requested ids must exist.
  std::set<std::string> wanted(req.adrs.begin(), req.adrs.end());
  if (!wanted.empty()) {
    std::set<std::string_view> known_ids;
    for (const auto& a : rep.adrs) known_ids.insert(a.id);
    std::vector<std::string> unknown;
    std::set<std::string_view> listed;
    for (const auto& id : req.adrs) {
      if (known_ids.count(id) == 0 && listed.insert(id).second) unknown.push_back(id);
    }
    if (!unknown.empty()) {
      Json known = Json::array();
      std::string list, bad;
      for (const auto& a : rep.adrs) {
        known.push_back(a.id);
        list += (list.empty() ? "" : ", ") + a.id;
      }
      for (const auto& u : unknown) bad += (bad.empty() ? "" : ", ") + u;
      Error e = Error::invalid_input("Unknown ADR id(s): " + bad + ". Known ADRs in " + req.adr_path + ": " + list);
      e.details = Json{{"unknownAdrs", unknown}, {"knownAdrs", known}};
      e.suggestions = {"Use one of the known ADR ids, or omit 'adrs' to check them all"};
      return e;
    }
  }
  for (std::size_t i = 0; i < rep.adrs.size(); ++i) {
    const Adr& a = rep.adrs[i];
    if (!wanted.empty() && wanted.count(a.id) == 0) continue;
    for (const auto& w : a.warnings) rep.warnings.push_back(w);
    std::string reason;
    if (!a.parsed) {
      ParseWarning why{a.id, a.file, 0, "ADR could not be parsed; none of its rules were checked", true};
      if (!a.warnings.empty()) why.message += " (" + a.warnings.back().message + ")";
      rep.ignored.push_back(std::move(why));
      reason = "could not be parsed (see parseWarnings)";
    } else if (a.status == Status::kApproved || (a.status == Status::kProposed && req.include_proposed)) {
      rep.checked.push_back(i);
      continue;
    } else if (a.status == Status::kProposed) {
      reason = "proposed (set includeProposed to check it)";
    } else if (a.status == Status::kSuperseded) {
      reason = a.superseded_by.empty() ? "superseded" : "superseded by " + a.superseded_by;
    } else if (a.status == Status::kUnknown) {
      reason = "status unknown (see parseWarnings)";
    } else {
      reason = to_string(a.status);
    }
    rep.skipped.push_back(SkippedAdr{a.id, a.status, reason});
  }
  std::sort(rep.checked.begin(), rep.checked.end(),
            [&](std::size_t x, std::size_t y) { return rep.adrs[x].id < rep.adrs[y].id; });
  // ADRs exist, but none is usable: say so instead of passing on nothing.
  std::size_t in_scope = 0, unusable = 0;
  for (const auto& a : rep.adrs) {
    if (!wanted.empty() && wanted.count(a.id) == 0) continue;
    ++in_scope;
    if (!a.parsed || a.status == Status::kUnknown) ++unusable;
  }
  if (in_scope > 0 && unusable == in_scope) {
    rep.nothing_checked = "None of the " + std::to_string(in_scope) + " ADRs in " + req.adr_path +
                          " could be read as an enforceable ADR (see parseWarnings): nothing was checked";
    rep.warnings.push_back(ParseWarning{"", req.adr_path, 0, rep.nothing_checked});
  }
  for (auto i : rep.checked) {
    for (const auto& w : rep.adrs[i].warnings) {
      if (w.rule_ignored) rep.ignored.push_back(w);
    }
  }
  for (auto i : rep.checked) {
    const Adr& a = rep.adrs[i];
    int n = static_cast<int>(a.checks.size());
    for (const auto& r : a.rules) n += prose_rule_is_checkable(r) ? 1 : 0;
    rep.rules_checked[a.id] = n;
  }

  // Read the files: each failure is reported, never silently compliant.
  std::vector<std::string> files;
  std::set<std::string_view> seen;
  for (const auto& f : req.files) {
    if (!budget.step(f.size() + 1)) return budget.error(kOperation);
    if (seen.insert(f).second) files.push_back(f);
  }
  std::size_t done = 0;
  for (const auto& given : files) {
    if (progress && !progress(done, files.size())) break;
    if (!budget.step()) return budget.error(kOperation);
    ++done;
    auto data = ws.read(given);
    if (!data) {
      rep.file_errors.push_back(FileError{given, data.error().code, data.error().message});
      continue;
    }
    ++rep.files_checked;
    SourceFile sf{given, data->path.relative, data->bytes};
    // Matching one file has its own time limit, so one pathological file is
    // reported while the others are still checked.
    auto scope = budget.scope(kMaxMatchTimePerFile);
    for (auto i : rep.checked) {
      const Adr& a = rep.adrs[i];
      for (const auto& rule : a.checks) {
        if (rule_applies(rule, sf.relative, budget)) evaluate_check(a, rule, sf, rep.violations, budget);
      }
    }
    for (auto i : prose_adrs_for(sf.relative, rep.adrs, rep.checked)) {
      for (const auto& rule : rep.adrs[i].rules) evaluate_prose(rep.adrs[i], rule, sf, rep.violations, budget);
    }
    if (scope.expired()) {
      rep.file_errors.push_back(FileError{given, code::kTimeout,
                                          "Matching the ADR rules against this file took longer than " +
                                              std::to_string(kMaxMatchTimePerFile.count()) +
                                              " ms, the limit per file: it was not fully checked"});
    } else if (budget.stopped()) {
      return budget.error(kOperation);
    }
  }
  if (rep.files_checked == 0 && !rep.file_errors.empty()) {
    const bool all_outside = std::all_of(rep.file_errors.begin(), rep.file_errors.end(),
                                         [](const FileError& e) { return e.code == code::kPathOutsideWorkspace; });
    Error e = all_outside ? Error::path_outside_workspace(rep.file_errors.front().path)
                          : Error{code::kFileNotFound, "None of the files could be read", Severity::kLow};
    Json errs = Json::array();
    for (const auto& fe : rep.file_errors) errs.push_back(Json{{"path", fe.path}, {"code", fe.code}});
    e.details = Json{{"fileErrors", errs}};
    e.suggestions = {"Check that the paths are relative to the workspace root"};
    return e;
  }
  return rep;
}

}  // namespace pm::adr
