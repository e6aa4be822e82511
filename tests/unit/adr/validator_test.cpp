// Directory loading, ADR selection, file errors and decisions, on real files
// in a temporary workspace; and the project's own ADRs on its own sources.
#include "adr/validator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "support/server_process.hpp"
#include "unit/adr/unlimited_budget.hpp"

namespace pm::adr {
namespace {

using pm::test::TempDir;

constexpr const char* kAccepted =
    "# ADR-001: No prints\n\n**Status:** Accepted\n\n## Decision\n\nCode MUST NOT print.\n\n## Compliance Checks\n\n"
    "```phase-mirror\n- id: no-print\n  severity: high\n  forbid:\n    pattern: 'print\\('\n    in: 'src/**'\n```\n";

std::string adr(const char* id, const char* status, const char* severity = "medium") {
  return std::string("# ") + id + ": T\n\n**Status:** " + status +
         "\n\n## Decision\n\nX.\n\n## Compliance Checks\n\n```phase-mirror\n- id: no-todo\n  severity: " + severity +
         "\n  forbid: {pattern: 'TODO', in: 'src/**'}\n```\n";
}

const ParseWarning* find_warning(const ComplianceReport& r, const std::string& needle) {
  for (const auto& w : r.warnings) {
    if (w.message.find(needle) != std::string::npos) return &w;
  }
  return nullptr;
}

std::vector<std::string> ids(const ComplianceReport& r) {
  std::vector<std::string> out;
  for (auto i : r.checked) out.push_back(r.adrs[i].id);
  return out;
}

TEST(Validator, MissingOrEmptyAdrDirectoryIsNoAdrsFound) {
  TempDir t;
  engine::Workspace ws({t.path()}, 1 << 20);
  t.write("src/a.cpp", "x");
  auto r = check_compliance(ws, CheckRequest{{"src/a.cpp"}, {}, "./docs/adr", false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code::kNoAdrsFound);
  EXPECT_NE(r.error().message.find("./docs/adr"), std::string::npos);
  t.write("docs/adr/README.md", "# ADRs\n");
  auto e = check_compliance(ws, CheckRequest{{"src/a.cpp"}, {}, "docs/adr", false});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, code::kNoAdrsFound);
  EXPECT_EQ(e.error().message, "No ADR files found in docs/adr");
}

TEST(Validator, AdrPathOutsideTheWorkspaceIsRefused) {
  TempDir t;
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"a"}, {}, "../../etc", false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code::kPathOutsideWorkspace);
}

TEST(Validator, ViolationOfAnAcceptedAdrBlocksAndFileErrorsAreNeverCompliant) {
  TempDir t;
  t.write("docs/adr/ADR-001-no-prints.md", kAccepted);
  t.write("src/a.py", "x = 1\nprint(x)\n");
  t.write("src/b.py", "x = 1\n");
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"src/a.py", "src/b.py", "src/missing.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->violations.size(), 1u);
  EXPECT_EQ(r->violations[0].file, "src/a.py");
  EXPECT_EQ(r->violations[0].line, 2);
  EXPECT_EQ(r->decision(), "block");
  ASSERT_EQ(r->file_errors.size(), 1u);
  EXPECT_EQ(r->file_errors[0].path, "src/missing.py");
  EXPECT_EQ(r->file_errors[0].code, code::kFileNotFound);

  auto clean = check_compliance(ws, CheckRequest{{"src/b.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->compliant());
  EXPECT_EQ(clean->decision(), "pass");
  auto only_missing_one = check_compliance(ws, CheckRequest{{"src/b.py", "nope"}, {}, "docs/adr", false});
  ASSERT_TRUE(only_missing_one.ok());
  EXPECT_FALSE(only_missing_one->compliant());
  EXPECT_EQ(only_missing_one->decision(), "warn");
}

TEST(Validator, ARuleThatHadToBeIgnoredIsNeverCompliant) {
  TempDir t;
  t.write("docs/adr/ADR-001-no-prints.md", kAccepted);
  t.write("docs/adr/ADR-002-broken.md",
          "# ADR-002: Broken\n\n**Status:** Accepted\n\n## Compliance Checks\n\n```phase-mirror\n"
          "- id: bad-regex\n  forbid: {pattern: 'a(b'}\n```\n");
  t.write("docs/adr/ADR-003-superseded.md",
          "# ADR-003: Old\n\n**Status:** Superseded\n\n```phase-mirror\n- id: x\n  frobnicate: y\n```\n");
  t.write("src/b.py", "x = 1\n");
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"src/b.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->violations.empty());
  ASSERT_EQ(r->ignored.size(), 1u) << "a superseded ADR's rules are not checked anyway";
  EXPECT_EQ(r->ignored[0].adr_id, "ADR-002");
  EXPECT_EQ(r->ignored[0].line, 9);
  EXPECT_FALSE(r->compliant());
  EXPECT_EQ(r->decision(), "warn");

  auto only_good = check_compliance(ws, CheckRequest{{"src/b.py"}, {"ADR-001"}, "docs/adr", false});
  ASSERT_TRUE(only_good.ok());
  EXPECT_TRUE(only_good->ignored.empty()) << "ADR-002 was not asked for";
  EXPECT_TRUE(only_good->compliant());
}

TEST(Validator, NoReadableFileIsFileNotFound) {
  TempDir t;
  t.write("docs/adr/ADR-001-no-prints.md", kAccepted);
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"a.py", "b.py"}, {}, "docs/adr", false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code::kFileNotFound);
  EXPECT_EQ(r.error().details["fileErrors"].size(), 2u);
}

TEST(Validator, StatusDecidesWhatIsEnforced) {
  TempDir t;
  t.write("docs/adr/ADR-001-a.md", adr("ADR-001", "Accepted", "low"));
  t.write("docs/adr/ADR-002-b.md", adr("ADR-002", "Proposed", "critical"));
  t.write("docs/adr/ADR-003-c.md", adr("ADR-003", "Superseded by [ADR-001](ADR-001-a.md)"));
  t.write("docs/adr/0004-d.md", "---\nstatus: deprecated\n---\n# D\n\n## Decision Outcome\nX.\n");
  t.write("src/x.cpp", "// TODO\n");
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"src/x.cpp"}, {}, "docs/adr", false});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ids(*r), std::vector<std::string>{"ADR-001"});
  ASSERT_EQ(r->skipped.size(), 3u);
  EXPECT_EQ(r->skipped[0].reason, "proposed (set includeProposed to check it)");
  EXPECT_EQ(r->skipped[1].reason, "superseded by ADR-001");
  EXPECT_EQ(r->skipped[2].id, "ADR-004");
  EXPECT_EQ(r->decision(), "warn");  // low severity

  auto p = check_compliance(ws, CheckRequest{{"src/x.cpp"}, {}, "docs/adr", true});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(ids(*p), (std::vector<std::string>{"ADR-001", "ADR-002"}));
  EXPECT_EQ(p->violations.size(), 2u);
  EXPECT_EQ(p->decision(), "warn");  // critical, but of a proposed ADR
}

TEST(Validator, UnknownAdrIdsAreInvalidInputListingKnownOnes) {
  TempDir t;
  t.write("docs/adr/ADR-001-a.md", adr("ADR-001", "Accepted"));
  t.write("docs/adr/0002-b.md", adr("ADR-002", "Accepted"));
  t.write("src/x.cpp", "ok\n");
  engine::Workspace ws({t.path()}, 1 << 20);
  auto r = check_compliance(ws, CheckRequest{{"src/x.cpp"}, {"ADR-002", "ADR-099"}, "docs/adr", false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code::kInvalidInput);
  EXPECT_NE(r.error().message.find("ADR-099"), std::string::npos);
  EXPECT_EQ(r.error().details["knownAdrs"], (Json{"ADR-001", "ADR-002"}));
  auto ok = check_compliance(ws, CheckRequest{{"src/x.cpp"}, {"ADR-002"}, "docs/adr", false});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ids(*ok), std::vector<std::string>{"ADR-002"});
}

TEST(Validator, MalformedAdrsBecomeWarningsNotCrashes) {
  TempDir t;
  t.write("docs/adr/ADR-001-good.md", kAccepted);
  t.write("docs/adr/ADR-002-binary.md", std::string("\x7f"
                                                    "ELF\0\0\x01",
                                                    7));
  t.write("docs/adr/ADR-003-huge.md", std::string(5 * 1024 * 1024, 'x'));
  t.write("docs/adr/ADR-004-no-title.md", "**Status:** Accepted\n\n## Decision\nX.\n");
  t.write("docs/adr/ADR-005-front.md", "---\nstatus: accepted\n# never closed\n");
  t.write("docs/adr/ADR-006-fence.md",
          "# ADR-006: F\n\n**Status:** Accepted\n\n## Decision\n\n```phase-mirror\n- id: x\n");
  t.write("docs/adr/ADR-007-regex.md",
          "# ADR-007: R\n\n**Status:** Accepted\n\n## Decision\nX.\n\n```phase-mirror\n- id: r\n  forbid: {pattern: "
          "'(?<=x)y'}\n"
          "- id: ok\n  forbid: {pattern: 'print\\(', in: 'src/**'}\n```\n");
  t.write("src/a.py", "print(1)\n");
  engine::Workspace ws({t.path()}, 10 * 1024 * 1024);
  auto r = check_compliance(ws, CheckRequest{{"src/a.py"}, {}, "docs/adr", false});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto* bin = find_warning(*r, "Binary content");
  ASSERT_NE(bin, nullptr);
  EXPECT_EQ(bin->adr_id, "ADR-002");
  const auto* huge = find_warning(*r, "FILE_TOO_LARGE");
  ASSERT_NE(huge, nullptr);
  EXPECT_EQ(huge->adr_id, "ADR-003");
  ASSERT_NE(find_warning(*r, "No title"), nullptr);
  ASSERT_NE(find_warning(*r, "never closed"), nullptr);
  const auto* fence = find_warning(*r, "Unterminated ```phase-mirror block");
  ASSERT_NE(fence, nullptr);
  EXPECT_EQ(fence->adr_id, "ADR-006");
  EXPECT_EQ(fence->line, 7);
  const auto* regex = find_warning(*r, "Invalid regex in rule 'r' of ADR-007");
  ASSERT_NE(regex, nullptr);
  EXPECT_EQ(regex->line, 10);  // the line of the pattern
  // The rest is still checked: ADR-001 and the valid rule of ADR-007.
  ASSERT_EQ(r->violations.size(), 2u);
  EXPECT_EQ(r->violations[0].adr_id, "ADR-001");
  EXPECT_EQ(r->violations[1].adr_id, "ADR-007");
  EXPECT_EQ(r->violations[1].rule_id, "ok");
}

TEST(Validator, ProseMatcherFollowsTheReference) {
  std::vector<Adr> adrs(3);
  adrs[0].id = "ADR-001";
  adrs[0].status = Status::kApproved;
  adrs[1].id = "ADR-002";
  adrs[1].status = Status::kApproved;
  adrs[2].id = "ADR-003";
  adrs[2].status = Status::kProposed;
  const std::vector<std::size_t> all{0, 1, 2};
  EXPECT_EQ(prose_adrs_for(".github/workflows/ci.yml", adrs, all), std::vector<std::size_t>{0});
  EXPECT_EQ(prose_adrs_for("web/package.json", adrs, all), std::vector<std::size_t>{1});
  EXPECT_EQ(prose_adrs_for("docs/adr-003-notes.txt", adrs, all), std::vector<std::size_t>{2});
  EXPECT_EQ(prose_adrs_for("src/x.ts", adrs, all), (std::vector<std::size_t>{0, 1}));  // approved only
}

// The project's own ADRs hold on the project's own sources.
TEST(Validator, ProjectIsCompliantWithItsOwnAdrs) {
  namespace fs = std::filesystem;
  CheckRequest req;
  req.adr_path = "docs/adr";
  for (const auto& e : fs::recursive_directory_iterator(fs::path(PM_SOURCE_DIR) / "src")) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) {
      req.files.push_back(fs::relative(e.path(), PM_SOURCE_DIR).generic_string());
    }
  }
  ASSERT_GT(req.files.size(), 20u);
  engine::Workspace ws({PM_SOURCE_DIR}, 10 * 1024 * 1024);
  auto r = check_compliance(ws, req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GE(r->checked.size(), 5u);
  for (const auto& v : r->violations) ADD_FAILURE() << v.adr_id << " " << v.rule_id << " " << v.file << ":" << v.line;
  for (const auto& w : r->warnings) ADD_FAILURE() << w.adr_id << ": " << w.message;
  EXPECT_EQ(r->decision(), "pass");
  // Each project ADR carries at least one checkable rule.
  for (auto i : r->checked) EXPECT_FALSE(r->adrs[i].checks.empty()) << r->adrs[i].id;
}

}  // namespace
}  // namespace pm::adr
