// check_adr_compliance through the real binary over stdio, in a temporary
// workspace (PHASE_MIRROR_WORKSPACE), and on this repository itself.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

constexpr const char* kAdr001 = R"(# ADR-001: Workflow Permissions

**Status:** Accepted
**Date:** 2026-01-28

## Decision

Workflows MUST NOT use permissions: write-all.
)";

constexpr const char* kAdr0002 = R"(---
status: accepted
date: 2026-02-01
deciders: [platform]
---

# No shell-outs in the service

## Decision Outcome

Service code **MUST NOT** spawn shells.

### Confirmation

```phase-mirror
- id: no-system
  severity: critical
  message: the service does not spawn shells
  remediation: call the library API instead of a shell command
  forbid:
    pattern: '\bsystem\s*\('
    in: "service/**/*.{c,cpp}"
```
)";

std::vector<std::string> check_adr_env(const TempDir& dir, bool cloud = false) {
  std::vector<std::string> env{"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data"};
  if (cloud) {
    env.push_back("FP_TABLE_NAME=fp");
    env.push_back("CONSENT_TABLE_NAME=consent");
  }
  return env;
}

void write_fixture(const TempDir& dir) {
  dir.write("docs/adr/ADR-001-workflow-permissions.md", kAdr001);
  dir.write("docs/adr/0002-no-shell.md", kAdr0002);
  dir.write("docs/adr/README.md", "# Decisions\n");
  dir.write(".github/workflows/bad.yml", "on: push\njobs:\n  a:\n    permissions: write-all\n    runs-on: x\n");
  dir.write("service/run.cpp", "int main() {\n  return system(\"ls\");\n}\n");
  dir.write("service/ok.cpp", "int main() { return 0; }\n");
}

TEST(CheckAdrCompliance, ListedAfterValidateL0WithTheReferenceSchema) {
  TempDir dir;
  ServerProcess p({}, check_adr_env(dir));
  p.initialize();
  Json r = p.request("tools/list", Json::object(), 2);
  const Json& tools = r["result"]["tools"];
  std::size_t l0 = tools.size(), adr = tools.size();
  for (std::size_t i = 0; i < tools.size(); ++i) {
    if (tools[i]["name"] == "validate_l0_invariants") l0 = i;
    if (tools[i]["name"] == "check_adr_compliance") adr = i;
  }
  ASSERT_LT(adr, tools.size());
  if (l0 < tools.size()) {
    EXPECT_EQ(adr, l0 + 1);
  }
  const Json& schema = tools[adr]["inputSchema"];
  EXPECT_EQ(schema["required"], Json{"files"});
  EXPECT_EQ(schema["properties"]["files"]["minItems"], 1);
  EXPECT_EQ(schema["properties"]["adrs"]["items"]["pattern"], "^ADR-\\d{3,}$");
  EXPECT_EQ(schema["properties"]["adrPath"]["default"], "./docs/adr");
  EXPECT_EQ(schema["properties"]["includeProposed"]["default"], false);
  EXPECT_EQ(schema["properties"]["detail"]["default"], "summary");
  EXPECT_EQ(schema["properties"]["detail"]["enum"], (Json{"summary", "full"}));
  EXPECT_EQ(tools[adr]["annotations"]["readOnlyHint"], true);
}

TEST(CheckAdrCompliance, ViolationsOfBothStylesWithFileLineAndEvidence) {
  TempDir dir;
  write_fixture(dir);
  ServerProcess p({}, check_adr_env(dir));
  p.initialize();
  Json r =
      p.call("check_adr_compliance", {{"files", {".github/workflows/bad.yml", "service/run.cpp", "service/ok.cpp"}}});
  ASSERT_FALSE(r["result"].value("isError", false)) << dump_pretty(r);
  const Json e = envelope(r);
  EXPECT_EQ(Json::parse(r["result"]["content"][0]["text"].get<std::string>()), e);
  EXPECT_EQ(e["success"], true);
  EXPECT_EQ(e["decision"], "warn");  // block, floored to warn in the local environment
  EXPECT_EQ(e["degradedMode"], true);
  const Json& c = e["data"]["compliance"];
  EXPECT_EQ(c["compliant"], false);
  EXPECT_EQ(c["filesChecked"], 3);
  EXPECT_EQ(c["adrsChecked"], 2);
  EXPECT_EQ(c["adrList"], (Json{"ADR-001", "ADR-002"}));
  ASSERT_EQ(c["violations"].size(), 2u) << dump_pretty(c["violations"]);
  const Json& v0 = c["violations"][0];
  EXPECT_EQ(v0["adrId"], "ADR-001");
  EXPECT_EQ(v0["ruleId"], "ADR-001-R1");
  EXPECT_EQ(v0["file"], ".github/workflows/bad.yml");
  EXPECT_EQ(v0["line"], 4);
  EXPECT_EQ(v0["severity"], "high");
  EXPECT_EQ(v0["evidence"], "permissions: write-all");
  const Json& v1 = c["violations"][1];
  EXPECT_EQ(v1["adrId"], "ADR-002");
  EXPECT_EQ(v1["ruleId"], "no-system");
  EXPECT_EQ(v1["file"], "service/run.cpp");
  EXPECT_EQ(v1["line"], 2);
  EXPECT_EQ(v1["severity"], "critical");
  EXPECT_EQ(v1["remediation"], "call the library API instead of a shell command");
  EXPECT_EQ(v1["evidence"], "return system(\"ls\");");
  EXPECT_EQ(c["violationSummary"]["total"], 2);
  EXPECT_EQ(c["violationSummary"]["bySeverity"]["critical"], 1);
  EXPECT_EQ(c["violationSummary"]["byAdr"]["ADR-002"], 1);
  EXPECT_EQ(c["suggestions"][1], "Review compliance checks in ADR-002");
  ASSERT_EQ(c["adrDetails"].size(), 2u);
  EXPECT_EQ(c["adrDetails"][1]["title"], "No shell-outs in the service");
  EXPECT_EQ(c["adrDetails"][1]["status"], "approved");
  EXPECT_EQ(c["adrDetails"][1]["rulesChecked"], 1);
  EXPECT_TRUE(e["data"]["performance"].contains("durationMs"));
}

TEST(CheckAdrCompliance, AdrDetailsAreASummaryUnlessFullDetailIsAsked) {
  TempDir dir;
  write_fixture(dir);
  ServerProcess p({}, check_adr_env(dir));
  p.initialize();
  const Json files = {".github/workflows/bad.yml", "service/run.cpp"};
  const Json summary = envelope(p.call("check_adr_compliance", {{"files", files}}, 2));
  const Json& s = summary["data"]["compliance"]["adrDetails"];
  ASSERT_EQ(s.size(), 2u) << dump_pretty(summary);
  std::vector<std::string> keys;
  for (const auto& [k, v] : s[0].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "title", "status", "file", "tags", "relatedRules", "rulesChecked"}));
  EXPECT_EQ(s[0]["id"], "ADR-001");
  EXPECT_EQ(s[0]["file"], "./docs/adr/ADR-001-workflow-permissions.md");  // as adrPath (default) names it

  const Json full = envelope(p.call("check_adr_compliance", {{"files", files}, {"detail", "full"}}, 3));
  const Json& f = full["data"]["compliance"]["adrDetails"];
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1]["deciders"], Json{"platform"});
  ASSERT_FALSE(f[0]["decisionRules"].empty()) << dump_pretty(f[0]);
  EXPECT_EQ(f[0]["decisionRules"][0]["keyword"], "MUST NOT");
  EXPECT_TRUE(f[1]["checkableRules"].is_array());
  EXPECT_TRUE(f[1]["parseWarnings"].is_array());
  // The verdict and the violations do not depend on the detail asked for.
  EXPECT_EQ(full["data"]["compliance"]["violations"], summary["data"]["compliance"]["violations"]);
  EXPECT_EQ(full["decision"], summary["decision"]);

  const Json bad = p.call("check_adr_compliance", {{"files", files}, {"detail", "everything"}}, 4);
  EXPECT_TRUE(bad["result"].value("isError", false)) << dump_pretty(bad);
}

TEST(CheckAdrCompliance, CloudEnvironmentBlocksOnCriticalViolation) {
  TempDir dir;
  write_fixture(dir);
  ServerProcess p({}, check_adr_env(dir, true));
  p.initialize();
  Json e = envelope(p.call("check_adr_compliance", {{"files", {"service/run.cpp"}}, {"adrs", {"ADR-002"}}}));
  EXPECT_EQ(e["environment"], "cloud");
  EXPECT_EQ(e["decision"], "block");
  Json ok = envelope(p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}}));
  EXPECT_EQ(ok["decision"], "pass");
  EXPECT_EQ(ok["data"]["compliance"]["compliant"], true);
}

TEST(CheckAdrCompliance, ErrorsClientsCanActOn) {
  TempDir dir;
  write_fixture(dir);
  ServerProcess p({}, check_adr_env(dir));
  p.initialize();

  Json none = p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}, {"adrPath", "docs/nothing"}});
  EXPECT_EQ(none["result"]["isError"], true);
  EXPECT_EQ(envelope(none)["code"], "NO_ADRS_FOUND");
  EXPECT_NE(envelope(none)["message"].get<std::string>().find("docs/nothing"), std::string::npos);

  Json unknown = p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}, {"adrs", {"ADR-077"}}});
  EXPECT_EQ(envelope(unknown)["code"], "INVALID_INPUT");
  EXPECT_EQ(envelope(unknown)["data"]["details"]["knownAdrs"], (Json{"ADR-001", "ADR-002"}));

  Json bad_id = p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}, {"adrs", {"bogus"}}});
  EXPECT_EQ(envelope(bad_id)["code"], "INVALID_INPUT");
  EXPECT_EQ(envelope(bad_id)["data"]["details"]["validationErrors"][0]["path"], "/adrs/0");

  Json empty = p.call("check_adr_compliance", {{"files", Json::array()}});
  EXPECT_EQ(envelope(empty)["data"]["details"]["validationErrors"][0]["path"], "/files");

  Json missing = p.call("check_adr_compliance", {{"files", {"nope.cpp", "gone.cpp"}}});
  EXPECT_EQ(missing["result"]["isError"], true);
  EXPECT_EQ(envelope(missing)["code"], "FILE_NOT_FOUND");

  Json outside = p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}, {"adrPath", "../../"}});
  EXPECT_EQ(envelope(outside)["code"], "PATH_OUTSIDE_WORKSPACE");

  // One unreadable file among readable ones: listed, and never compliant.
  Json partial = p.call("check_adr_compliance", {{"files", {"service/ok.cpp", "nope.cpp"}}});
  Json e = envelope(partial);
  EXPECT_EQ(e["success"], true);
  EXPECT_EQ(e["decision"], "warn");
  EXPECT_EQ(e["data"]["compliance"]["compliant"], false);
  EXPECT_EQ(e["data"]["fileErrors"][0]["path"], "nope.cpp");
  EXPECT_EQ(e["data"]["fileErrors"][0]["code"], "FILE_NOT_FOUND");
}

TEST(CheckAdrCompliance, MalformedAdrsAreReportedNotFatal) {
  TempDir dir;
  write_fixture(dir);
  dir.write("docs/adr/ADR-003-binary.md", std::string("\0\1\2\3", 4));
  dir.write("docs/adr/ADR-004-huge.md", std::string(5 * 1024 * 1024, '#'));
  dir.write("docs/adr/ADR-005-regex.md",
            "# ADR-005: R\n\n**Status:** Accepted\n\n## Decision\nX.\n\n## Compliance Checks\n\n```phase-mirror\n"
            "- id: broken\n  forbid: {pattern: 'a(b'}\n```\n");
  dir.write("docs/adr/ADR-006-fence.md", "# ADR-006: F\n\n**Status:** Accepted\n\n```phase-mirror\n- id: x\n");
  ServerProcess p({}, check_adr_env(dir));
  p.initialize();
  Json e = envelope(p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}}));
  ASSERT_EQ(e["success"], true) << dump_pretty(e);
  // Rules were dropped and ADRs could not be read: the check is incomplete, never compliant.
  EXPECT_EQ(e["decision"], "warn");
  EXPECT_EQ(e["data"]["compliance"]["compliant"], false);
  std::string ignored;
  for (const auto& w : e["data"]["compliance"]["ignoredRules"]) {
    ignored += w["adrId"].get<std::string>() + ":" + std::to_string(w["line"].get<int>()) + "\n";
  }
  EXPECT_EQ(ignored, "ADR-003:0\nADR-004:0\nADR-005:12\nADR-006:5\n");
  const Json& suggestions = e["data"]["compliance"]["suggestions"];
  EXPECT_NE(suggestions.back().get<std::string>().find("4 ADR rule(s) or file(s) could not be checked"),
            std::string::npos)
      << suggestions;
  std::string all;
  for (const auto& w : e["data"]["compliance"]["parseWarnings"]) {
    all += w["adrId"].get<std::string>() + ":" + std::to_string(w["line"].get<int>()) + ":" +
           w["message"].get<std::string>() + "\n";
  }
  EXPECT_NE(all.find("ADR-003:0:Binary content"), std::string::npos) << all;
  EXPECT_NE(all.find("ADR-004:0:FILE_TOO_LARGE"), std::string::npos) << all;
  EXPECT_NE(all.find("ADR-005:12:Invalid regex in rule 'broken' of ADR-005"), std::string::npos) << all;
  EXPECT_NE(all.find("ADR-006:5:Unterminated ```phase-mirror block"), std::string::npos) << all;
}

TEST(CheckAdrCompliance, FileNamesThatAreNotUtf8AreCheckedAndSaidSo) {
  TempDir dir;
  write_fixture(dir);
  // "ADR-007-café.md" with é in Latin-1: a name no JSON string can carry as it is.
  dir.write("docs/adr/ADR-007-caf\xe9.md", "# ADR-007: Names\n\n**Status:** Accepted\n\n## Decision\nX.\n");
  ServerProcess p({}, check_adr_env(dir));
  p.initialize();
  const Json response = p.call("check_adr_compliance", {{"files", {"service/ok.cpp"}}});
  const Json e = envelope(response);
  ASSERT_EQ(e["success"], true) << dump_pretty(e);
  bool listed = false;
  for (const auto& a : e["data"]["compliance"]["adrDetails"]) listed = listed || a["id"] == "ADR-007";
  EXPECT_TRUE(listed) << dump_pretty(e["data"]["compliance"]);
  bool warned = false;
  for (const auto& w : e["data"]["compliance"]["parseWarnings"]) {
    if (w["adrId"] == "ADR-007") {
      EXPECT_EQ(w["message"], "File name is not valid UTF-8: it is shown with U+FFFD");
      EXPECT_EQ(w["file"], "./docs/adr/ADR-007-caf\xEF\xBF\xBD.md");  // U+FFFD in place of the byte
      warned = true;
    }
  }
  EXPECT_TRUE(warned) << dump_pretty(e["data"]["compliance"]["parseWarnings"]);
}

TEST(CheckAdrCompliance, ThisRepositoryCompliesWithItsOwnAdrs) {
  namespace fs = std::filesystem;
  Json files = Json::array();
  for (const auto& f : fs::recursive_directory_iterator(fs::path(PM_SOURCE_DIR) / "src")) {
    const auto ext = f.path().extension();
    if (f.is_regular_file() && (ext == ".cpp" || ext == ".hpp")) {
      files.push_back(fs::relative(f.path(), PM_SOURCE_DIR).generic_string());
    }
  }
  TempDir data;
  ServerProcess p({}, {"PHASE_MIRROR_WORKSPACE=" + std::string(PM_SOURCE_DIR), "PHASE_MIRROR_DATA_DIR=" + data.path()});
  p.initialize();
  Json e = envelope(p.call("check_adr_compliance", {{"files", files}}));
  ASSERT_EQ(e["success"], true) << dump_pretty(e);
  EXPECT_EQ(e["decision"], "pass") << dump_pretty(e["data"]["compliance"]["violations"]);
  EXPECT_EQ(e["data"]["compliance"]["compliant"], true);
  EXPECT_GE(e["data"]["compliance"]["adrsChecked"].get<int>(), 5);
  EXPECT_EQ(e["data"]["compliance"]["parseWarnings"], Json::array());
}

}  // namespace
}  // namespace pm::test
