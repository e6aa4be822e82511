// Answers within bounds, through the real binary: whatever the repository
// holds or the arguments say, a tool's answer (its text content, the envelope
// as indented JSON) stays within answer::kMaxAnswerBytes, and every clip is
// said in the answer. Each hostile case is built here, smaller than the
// reported ones where that still goes well over the bound.
#include <gtest/gtest.h>

#include <cstdio>

#include "support/server_process.hpp"
#include "util/answer.hpp"

namespace pm::test {
namespace {

std::vector<std::string> bounds_env(const TempDir& dir) {
  return {"PHASE_MIRROR_WORKSPACE=" + dir.path(), "PHASE_MIRROR_DATA_DIR=" + dir.path() + "/data",
          "PHASE_MIRROR_MAX_FILE_BYTES=67108864", "PHASE_MIRROR_CALL_TIMEOUT_MS=0"};
}

// The text a client's model reads, after checking that it is the envelope.
std::size_t answer_bytes(const Json& response) {
  const Json& result = response["result"];
  const std::string& text = result["content"][0]["text"].get_ref<const std::string&>();
  EXPECT_EQ(Json::parse(text), result["structuredContent"]);
  return text.size();
}

Json call_tool(ServerProcess& p, const std::string& tool, const Json& args) {
  return p.request("tools/call", {{"name", tool}, {"arguments", args}}, tool, std::chrono::seconds(60));
}

std::string small_workflow(int i) {
  return "name: w" + std::to_string(i) +
         "\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n";
}

TEST(AnswerBounds, AFiveMegabyteScalarIsClippedWithAMark) {
  TempDir dir;
  const std::string big(5u << 20, 'x');
  dir.write(".github/workflows/big.yml",
            "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n"
            "      - uses: evil/" +
                big + "@v1\n      - run: echo \"${{ github.event.issue.title }}" + std::string(1000, ' ') +
                big.substr(0, 300) + "\"\n");
  ServerProcess p({}, bounds_env(dir));
  p.initialize();
  const Json r = call_tool(p, "analyze_dissonance", {{"files", {".github/workflows/big.yml"}}});
  EXPECT_LE(answer_bytes(r), answer::kMaxAnswerBytes);
  const Json env = envelope(r);
  const Json& findings = env["data"]["analysis"]["findings"];
  ASSERT_EQ(findings.size(), 2u) << dump_line(findings).substr(0, 2000);
  const Json& unpinned = findings[0];
  EXPECT_EQ(unpinned["ruleId"], "MD-105");
  EXPECT_EQ(unpinned["evidence"].get<std::string>().size(), answer::kMaxEvidenceBytes + answer::kEllipsis.size());
  EXPECT_TRUE(unpinned["evidence"].get<std::string>().ends_with(answer::kEllipsis));
  EXPECT_EQ(unpinned["evidenceTruncated"], true);
  EXPECT_EQ(unpinned["messageTruncated"], true);
  EXPECT_EQ(unpinned["contextTruncated"], true);
  EXPECT_TRUE(unpinned["message"].get<std::string>().ends_with(answer::kEllipsis));
  const Json& injection = findings[1];
  EXPECT_EQ(injection["ruleId"], "MD-104");
  EXPECT_EQ(injection["evidenceTruncated"], true);
  EXPECT_FALSE(injection.contains("messageTruncated")) << "its message is short";
}

TEST(AnswerBounds, ManyFilesAreListedInPartWithTheirCount) {
  TempDir dir;
  Json files = Json::array();
  for (int i = 0; i < 1500; ++i) {
    const std::string rel = ".github/workflows/w" + std::to_string(i) + ".yml";
    dir.write(rel, small_workflow(i));
    files.push_back(rel);
  }
  // Missing files with long names: each is an entry of fileErrors.
  for (int i = 0; i < 400; ++i) files.push_back("missing/" + std::string(300, 'm') + std::to_string(i) + ".yml");
  ServerProcess p({}, bounds_env(dir));
  p.initialize();
  const Json r = call_tool(p, "analyze_dissonance", {{"files", files}});
  EXPECT_LE(answer_bytes(r), answer::kMaxAnswerBytes);
  const Json env = envelope(r);
  const Json& a = env["data"]["analysis"];
  EXPECT_EQ(a["filesAnalyzed"], 1500);
  EXPECT_EQ(a["files"].size(), answer::kMaxListed);
  EXPECT_EQ(a["filesTruncated"], true);
  EXPECT_EQ(a["fileErrors"].size(), answer::kMaxListed);
  EXPECT_EQ(a["fileErrorsTotal"], 400);
  EXPECT_EQ(a["fileErrorsTruncated"], true);
  const std::string path = a["fileErrors"][0]["path"];
  EXPECT_EQ(path.size(), answer::kMaxEchoBytes + answer::kEllipsis.size()) << "an echoed path is clipped";
  EXPECT_FALSE(env["data"].contains("answerClipped")) << "the tool's own caps were enough";

  // Who asks for everything (CI: maxFindings 0) gets every entry.
  const Json all = call_tool(p, "analyze_dissonance", {{"files", files}, {"maxFindings", 0}});
  const Json all_env = envelope(all);
  const Json& b = all_env["data"]["analysis"];
  EXPECT_EQ(b["files"].size(), 1500u);
  EXPECT_EQ(b["fileErrors"].size(), 400u);
  EXPECT_FALSE(b.contains("filesTruncated"));
  EXPECT_GT(answer_bytes(all), answer::kMaxAnswerBytes);
}

TEST(AnswerBounds, AnOverlongOrgIdIsRefusedWithoutEchoingIt) {
  TempDir dir;
  ServerProcess p({}, bounds_env(dir));
  p.initialize();
  const std::string huge(50u << 20, 'o');
  for (const auto& [tool, args] : std::vector<std::pair<std::string, Json>>{
           {"query_fp_store", {{"queryType", "fp_rate"}, {"orgId", huge}, {"ruleId", "MD-101"}}},
           {"check_consent_requirements", {{"checkType", "summary"}, {"orgId", huge.substr(0, 1u << 20)}}},
           {"check_consent_requirements", {{"checkType", "summary"}, {"orgId", std::string(257, 'o')}}}}) {
    const Json r = call_tool(p, tool, args);
    EXPECT_LE(answer_bytes(r), 4000u) << tool;
    const Json env = envelope(r);
    EXPECT_EQ(env["code"], "INVALID_INPUT") << tool;
    EXPECT_EQ(env["data"]["details"]["validationErrors"][0]["path"], "/orgId") << dump_line(env);
    EXPECT_EQ(env["data"]["details"]["validationErrors"][0]["message"], "Must be at most 256 character(s) long");
  }
  // 256 characters are within the limit.
  const Json ok =
      call_tool(p, "check_consent_requirements", {{"checkType", "summary"}, {"orgId", std::string(256, 'o')}});
  EXPECT_NE(envelope(ok)["code"], "INVALID_INPUT") << dump_line(envelope(ok)).substr(0, 500);
}

// A path of megabytes is refused before it is resolved (the kernel opens no
// path of PATH_MAX bytes or more), and a long path that is not found comes
// back clipped in the message and the details.
TEST(AnswerBounds, AnOverlongPathIsRefusedAndErrorsDoNotEchoItWhole) {
  TempDir dir;
  ServerProcess p({}, bounds_env(dir));
  p.initialize();
  const Json r = call_tool(p, "analyze_dissonance", {{"files", {std::string(4u << 20, 'p')}}});
  EXPECT_LE(answer_bytes(r), 4000u);
  const Json env = envelope(r);
  EXPECT_EQ(env["code"], "INVALID_INPUT");
  EXPECT_EQ(env["message"], "Path is 4194304 bytes long; a path has at most 4095 bytes");

  const Json missing = call_tool(p, "validate_l0_invariants", {{"files", {std::string(3000, 'm') + ".yml"}}});
  EXPECT_LE(answer_bytes(missing), 8000u);
  const Json m = envelope(missing);
  EXPECT_EQ(m["code"], "FILE_NOT_FOUND") << dump_line(m).substr(0, 300);
  EXPECT_TRUE(m["data"]["detailsClipped"].get<bool>()) << dump_line(m).substr(0, 300);
  EXPECT_LE(m["message"].get<std::string>().size(), answer::kMaxMessageBytes + answer::kEllipsis.size());
}

// Half of the 5 000 ADRs are violated (a prose MUST NOT naming a literal).
TEST(AnswerBounds, FiveThousandAdrsAreSummarisedInPart) {
  TempDir dir;
  for (int i = 1; i <= 5000; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "ADR-%04d", i);
    dir.write(std::string("docs/adr/") + id + "-rule.md",
              std::string("# ") + id + ": Rule " + std::to_string(i) +
                  "\n\n**Status:** Accepted\n\n## Decision\n\nFiles MUST NOT contain `BAD" + std::to_string(i % 2) +
                  "`.\n");
  }
  dir.write("src/a.txt", "BAD1\n");
  ServerProcess p({}, bounds_env(dir));
  p.initialize();
  const Json r = call_tool(p, "check_adr_compliance", {{"files", {"src/a.txt"}}});
  EXPECT_LE(answer_bytes(r), answer::kMaxAnswerBytes);
  const Json env = envelope(r);
  const Json& c = env["data"]["compliance"];
  EXPECT_EQ(c["adrsChecked"], 5000);
  EXPECT_EQ(c["adrDetails"].size(), answer::kMaxListed);
  EXPECT_EQ(c["adrDetailsTruncated"], true);
  EXPECT_EQ(c["adrList"].size(), answer::kMaxListed);
  EXPECT_EQ(c["adrListTruncated"], true);
  EXPECT_EQ(c["violationSummary"]["total"], 2500);
  EXPECT_EQ(c["violations"].size(), 50u);
  EXPECT_EQ(c["violationsTruncated"], true);
  EXPECT_EQ(c["byAdrTruncated"], true);
  EXPECT_LE(c["suggestions"].size(), answer::kMaxListed + 1);
  EXPECT_EQ(env["decision"], "warn");

  const Json all = call_tool(p, "check_adr_compliance", {{"files", {"src/a.txt"}}, {"maxViolations", 0}});
  const Json all_env = envelope(all);
  const Json& d = all_env["data"]["compliance"];
  EXPECT_EQ(d["adrDetails"].size(), 5000u);
  EXPECT_EQ(d["violations"].size(), 2500u);
  EXPECT_FALSE(d.contains("violationsTruncated"));
}

// A tool without caps of its own for a list (L0-002's per-workflow results)
// is held to the bound by the dispatcher, which says what it cut.
TEST(AnswerBounds, TheDispatcherCutsWhatAToolLeftTooLarge) {
  TempDir dir;
  Json files = Json::array();
  for (int i = 0; i < 3000; ++i) {
    const std::string rel = ".github/workflows/w" + std::to_string(i) + ".yml";
    dir.write(rel, "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: x\n");
    files.push_back(rel);
  }
  ServerProcess p({}, bounds_env(dir));
  p.initialize();
  const Json r = call_tool(p, "validate_l0_invariants", {{"workflowFiles", files}});
  EXPECT_LE(answer_bytes(r), answer::kMaxAnswerBytes);
  const Json env = envelope(r);
  const Json& data = env["data"];
  ASSERT_TRUE(data.contains("answerClipped")) << dump_line(data).substr(0, 2000);
  EXPECT_EQ(data["answerClipped"]["limitBytes"], answer::kMaxAnswerBytes);
  const Json& first = data["answerClipped"]["clipped"][0];
  EXPECT_TRUE(first["path"].is_string());
  EXPECT_LT(first["kept"].get<std::size_t>(), first["total"].get<std::size_t>()) << dump_line(first);
  EXPECT_EQ(env["decision"], "warn") << "the decision is the tool's (advisory here), whatever was cut";
}

}  // namespace
}  // namespace pm::test
