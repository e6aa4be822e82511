#pragma once
// ADR compliance of a set of files: loads the ADR directory, decides which
// ADRs are enforced, matches files to rules and collects violations.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "adr/adr.hpp"
#include "adr/checks.hpp"
#include "engine/workspace.hpp"
#include "util/error.hpp"

namespace pm::adr {

// ADR files bigger than this are reported, not parsed (a decision record is
// a few kilobytes; megabytes mean a wrong file).
inline constexpr std::uint64_t kMaxAdrBytes = std::uint64_t{1024} * 1024;
// Working memory of one check (ADR text, compiled patterns, violations): the
// memory allowance of its Budget.
inline constexpr std::uint64_t kCheckMemoryBytes = std::uint64_t{512} << 20;

struct LoadedAdrs {
  std::vector<Adr> adrs;               // sorted by id
  std::vector<ParseWarning> warnings;  // about files that are not usable ADRs
};

// ADR files (ADR-###*.md, NNNN-title.md) directly inside `adr_path`.
// PATH_OUTSIDE_WORKSPACE when the directory leaves the workspace;
// NO_ADRS_FOUND (naming the path) when it is missing or holds no ADR file;
// the budget's error (TIMEOUT) when it stops.
Result<LoadedAdrs> load_adrs(const engine::Workspace& ws, const std::string& adr_path, Budget& budget);

struct CheckRequest {
  std::vector<std::string> files;
  std::vector<std::string> adrs;  // only these ids (empty: all)
  std::string adr_path = "./docs/adr";
  bool include_proposed = false;
};

struct FileError {
  std::string path;
  std::string code;
  std::string message;
};

struct SkippedAdr {
  std::string id;
  Status status = Status::kUnknown;
  std::string reason;
};

struct ComplianceReport {
  std::vector<Adr> adrs;             // every ADR in the directory
  std::vector<std::size_t> checked;  // indexes into adrs of the enforced ADRs, by id
  std::vector<SkippedAdr> skipped;
  std::map<std::string, int> rules_checked;  // per enforced ADR: checkable + literal prose rules
  std::vector<Violation> violations;
  std::vector<FileError> file_errors;
  std::vector<ParseWarning> warnings;
  // Why some rules could not be checked: dropped checkable rules of the ADRs
  // checked, and ADR files that could not be parsed at all.
  std::vector<ParseWarning> ignored;
  int files_checked = 0;
  // Set when ADRs were found but none of them could be read as an enforceable
  // ADR (unparseable, unreadable or without a status): then nothing was
  // checked, and that is never compliant.
  std::string nothing_checked;

  const Adr* find(const std::string& id) const {
    for (const auto& a : adrs) {
      if (a.id == id) return &a;
    }
    return nullptr;
  }
  // Never true when a file could not be read, a rule had to be ignored or
  // nothing could be checked.
  bool compliant() const {
    return violations.empty() && file_errors.empty() && ignored.empty() && nothing_checked.empty();
  }
  // pass / warn / block (high or critical violation of an approved ADR).
  std::string decision() const;
};

// Progress callback: (files done, files total); returns false to stop (cancelled).
using Progress = std::function<bool(std::size_t, std::size_t)>;

// INVALID_INPUT for unknown ids in `adrs` (listing the known ones);
// FILE_NOT_FOUND when no file can be read (PATH_OUTSIDE_WORKSPACE when every
// file is outside the workspace); errors of load_adrs; the budget's error
// (TIMEOUT) when it stops. A file whose pattern matching runs past
// kMaxMatchTimePerFile is listed in file_errors with TIMEOUT.
Result<ComplianceReport> check_compliance(const engine::Workspace& ws, const CheckRequest& req, Budget& budget,
                                          const Progress& progress = {});

// How the validator names itself in a budget's error.
inline constexpr const char* kOperation = "the ADR compliance check";

// The reference's prose-rule matcher: ADRs a file is checked against for
// literal-naming MUST NOT rules (workflows -> ADR-001, package.json ->
// ADR-002, an ADR id in the path -> that ADR; otherwise every approved ADR).
std::vector<std::size_t> prose_adrs_for(const std::string& path, const std::vector<Adr>& adrs,
                                        const std::vector<std::size_t>& enforced);

}  // namespace pm::adr
