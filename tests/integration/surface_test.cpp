// Prompts, resources, resource templates and completions of the release binary over stdio:
// what a client lists, reads and completes, and the errors it gets for what does not exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace pm::test {
namespace {

const char* kSurfaceWorkflow =
    "name: ci\non: pull_request\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: make\n";
const char* kSurfaceAdr =
    "# ADR-004: Pin every action\n\n**Status:** Accepted\n\n## Decision\n\nWorkflows MUST pin actions to a "
    "commit.\n";

class Surface : public ::testing::Test {
 protected:
  Surface() : process_({}, {"PHASE_MIRROR_WORKSPACE=" + dir_.path(), "PHASE_MIRROR_DATA_DIR=" + dir_.path() + "/d"}) {
    dir_.write(".github/workflows/ci.yml", kSurfaceWorkflow);
    dir_.write(".github/workflows/release.yaml", kSurfaceWorkflow);
    dir_.write(".github/workflows/notes.txt", "not a workflow");
    dir_.write("docs/adr/ADR-004-pins.md", kSurfaceAdr);
    dir_.write("docs/adr/0012-superseded.md",
               "---\nstatus: superseded by ADR-004\n---\n# Old rule\n\n## Decision Outcome\n\nNothing.\n");
    init_ = process_.initialize();
  }
  Json rpc(const std::string& method, Json params) { return process_.request(method, std::move(params), next_++); }
  Json complete(Json ref, const std::string& argument, const std::string& value) {
    return rpc("completion/complete", {{"ref", std::move(ref)}, {"argument", {{"name", argument}, {"value", value}}}});
  }

  TempDir dir_;
  ServerProcess process_;
  Json init_;
  int next_ = 1;
};

std::vector<std::string> values(const Json& completion) {
  return completion["result"]["completion"]["values"].get<std::vector<std::string>>();
}

TEST_F(Surface, CapabilitiesDeclarePromptsResourcesAndCompletions) {
  const Json caps = init_["result"]["capabilities"];
  EXPECT_EQ(caps["prompts"], Json({{"listChanged", false}}));
  EXPECT_EQ(caps["resources"], Json({{"subscribe", false}, {"listChanged", false}}));
  EXPECT_EQ(caps["completions"], Json::object());
}

TEST_F(Surface, PromptsListNamesBothPromptsWithTheirArguments) {
  const Json r = rpc("prompts/list", Json::object());
  const Json prompts = r["result"]["prompts"];
  ASSERT_EQ(prompts.size(), 2u) << dump_pretty(r);
  EXPECT_EQ(prompts[0]["name"], "review_workflow_change");
  EXPECT_EQ(prompts[0]["title"], "Review this workflow change");
  EXPECT_EQ(prompts[0]["arguments"][0],
            Json({{"name", "path"}, {"description", prompts[0]["arguments"][0]["description"]}, {"required", true}}));
  EXPECT_EQ(prompts[1]["name"], "explain_finding");
  EXPECT_EQ(prompts[1]["arguments"][0]["name"], "ruleId");
  EXPECT_EQ(prompts[1]["arguments"][0]["required"], true);
}

TEST_F(Surface, ReviewPromptEmbedsTheWorkflowAndNamesTheTools) {
  const Json r =
      rpc("prompts/get", {{"name", "review_workflow_change"},
                          {"arguments", {{"path", ".github/workflows/ci.yml"}, {"diff", "+permissions: write-all"}}}});
  const Json messages = r["result"]["messages"];
  ASSERT_EQ(messages.size(), 3u) << dump_pretty(r);
  const std::string ask = messages[0]["content"]["text"];
  EXPECT_NE(ask.find("analyze_dissonance"), std::string::npos);
  EXPECT_NE(ask.find(".github/workflows/ci.yml"), std::string::npos);
  EXPECT_EQ(messages[1]["content"]["type"], "resource");
  EXPECT_EQ(messages[1]["content"]["resource"]["text"], kSurfaceWorkflow);
  EXPECT_EQ(messages[1]["content"]["resource"]["mimeType"], "application/yaml");
  EXPECT_NE(messages[2]["content"]["text"].get<std::string>().find("+permissions: write-all"), std::string::npos);
}

TEST_F(Surface, ExplainPromptCarriesTheRuleDocsAndTheLinesAroundTheFinding) {
  const Json r =
      rpc("prompts/get", {{"name", "explain_finding"},
                          {"arguments", {{"ruleId", "MD-101"}, {"file", ".github/workflows/ci.yml"}, {"line", "3"}}}});
  const Json messages = r["result"]["messages"];
  ASSERT_EQ(messages.size(), 3u) << dump_pretty(r);
  EXPECT_NE(messages[0]["content"]["text"].get<std::string>().find("MD-101"), std::string::npos);
  EXPECT_EQ(messages[1]["content"]["resource"]["uri"], "phase-mirror://rules/MD-101");
  EXPECT_EQ(messages[1]["content"]["resource"]["text"].get<std::string>().rfind("# MD-101: ", 0), 0u);
  EXPECT_NE(messages[2]["content"]["text"].get<std::string>().find("> 3 | permissions: write-all"), std::string::npos)
      << messages[2];
}

TEST_F(Surface, PromptErrorsAreTheClientsWithSpecificMessages) {
  Json r = rpc("prompts/get", {{"name", "review_workflow_change"}, {"arguments", Json::object()}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["message"], "Missing required argument 'path' of prompt review_workflow_change");
  r = rpc("prompts/get", {{"name", "review_workflow_change"}, {"arguments", {{"path", "../../etc/passwd"}}}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_NE(r["error"]["message"].get<std::string>().find("outside"), std::string::npos) << r;
  r = rpc("prompts/get", {{"name", "review_workflow_change"}, {"arguments", {{"path", "missing.yml"}}}});
  EXPECT_EQ(r["error"]["code"], -32602);
  r = rpc("prompts/get", {{"name", "explain_finding"}, {"arguments", {{"ruleId", "MD-999"}}}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["message"].get<std::string>().rfind("Unknown rule 'MD-999' (rules: MD-001, ", 0), 0u) << r;
  r = rpc("prompts/get",
          {{"name", "explain_finding"},
           {"arguments", {{"ruleId", "MD-101"}, {"file", ".github/workflows/ci.yml"}, {"line", "400"}}}});
  EXPECT_EQ(r["error"]["message"], "Line 400 is past the end of .github/workflows/ci.yml (9 lines)");
  r = rpc("prompts/get", {{"name", "no_such_prompt"}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["message"], "Unknown prompt: no_such_prompt");
}

TEST_F(Surface, ResourcesListThePolicyEveryRuleAndTheWorkspacesAdrs) {
  const Json r = rpc("resources/list", Json::object());
  std::vector<std::string> uris;
  for (const auto& res : r["result"]["resources"]) uris.push_back(res["uri"]);
  ASSERT_GE(uris.size(), 3u) << dump_pretty(r);
  EXPECT_EQ(uris.front(), "phase-mirror://policy");
  EXPECT_NE(std::find(uris.begin(), uris.end(), "phase-mirror://rules/MD-001"), uris.end());
  EXPECT_NE(std::find(uris.begin(), uris.end(), "phase-mirror://rules/MD-106"), uris.end());
  EXPECT_EQ(uris[uris.size() - 2], "phase-mirror://adr/ADR-004");
  EXPECT_EQ(uris.back(), "phase-mirror://adr/ADR-012");
  // A template ADR's title names its id, a MADR one's does not: both are listed as "id: title".
  EXPECT_EQ(r["result"]["resources"][uris.size() - 2]["title"], "ADR-004: Pin every action");
  const Json adr = r["result"]["resources"].back();
  EXPECT_EQ(adr["title"], "ADR-012: Old rule");
  EXPECT_EQ(adr["description"], "Status: superseded, superseded by ADR-004");

  const Json t = rpc("resources/templates/list", Json::object());
  ASSERT_EQ(t["result"]["resourceTemplates"].size(), 2u) << dump_pretty(t);
  EXPECT_EQ(t["result"]["resourceTemplates"][0]["uriTemplate"], "phase-mirror://rules/{id}");
  EXPECT_EQ(t["result"]["resourceTemplates"][1]["uriTemplate"], "phase-mirror://adr/{id}");
}

TEST_F(Surface, ReadingRulesAdrsAndThePolicy) {
  Json r = rpc("resources/read", {{"uri", "phase-mirror://rules/MD-105"}});
  const Json rule = r["result"]["contents"][0];
  EXPECT_EQ(rule["mimeType"], "text/markdown");
  EXPECT_EQ(rule["text"].get<std::string>().rfind("# MD-105: ", 0), 0u) << r;
  EXPECT_NE(rule["text"].get<std::string>().find("## Remediation"), std::string::npos);

  r = rpc("resources/read", {{"uri", "phase-mirror://adr/ADR-004"}});
  EXPECT_EQ(r["result"]["contents"][0]["text"], kSurfaceAdr);

  // Without a policy file: the defaults, and says so.
  r = rpc("resources/read", {{"uri", "phase-mirror://policy"}});
  Json policy = Json::parse(r["result"]["contents"][0]["text"].get<std::string>());
  EXPECT_EQ(policy["source"], nullptr);
  EXPECT_EQ(policy["mergeQueue"]["requiredForDefaultBranch"], true);
  EXPECT_EQ(policy["workflowPermissionsSet"], false);

  dir_.write(
      ".github/.phase-mirror/policy.json",
      R"({"schemaVersion":"1.0.0","mergeQueue":{"allowBypassForAdmins":true},"workflowPermissions":{"packages":"write"}})");
  r = rpc("resources/read", {{"uri", "phase-mirror://policy"}});
  policy = Json::parse(r["result"]["contents"][0]["text"].get<std::string>());
  EXPECT_EQ(policy["source"], ".github/.phase-mirror/policy.json");
  EXPECT_EQ(policy["mergeQueue"]["allowBypassForAdmins"], true);
  EXPECT_EQ(policy["workflowPermissions"], Json({{"packages", "write"}}));
  EXPECT_EQ(policy["workflowPermissionsSet"], true);

  dir_.write(".github/.phase-mirror/policy.json",
             R"({"schemaVersion":"1.0.0","mergeQueue":{"allowBypassForAdmins":"yes"}})");
  r = rpc("resources/read", {{"uri", "phase-mirror://policy"}});
  EXPECT_EQ(r["error"]["code"], -32602) << r;
  EXPECT_NE(r["error"]["message"].get<std::string>().find("allowBypassForAdmins"), std::string::npos) << r;
}

TEST_F(Surface, UnknownResourcesAreResourceNotFound) {
  for (const char* uri :
       {"phase-mirror://rules/MD-999", "phase-mirror://adr/ADR-999", "phase-mirror://nothing", "file:///etc/passwd"}) {
    const Json r = rpc("resources/read", {{"uri", uri}});
    EXPECT_EQ(r["error"]["code"], -32002) << uri;
    EXPECT_EQ(r["error"]["data"]["uri"], uri);
  }
  const Json r = rpc("resources/read", Json::object());
  EXPECT_EQ(r["error"]["code"], -32602);
}

TEST_F(Surface, CompletionsForPromptArgumentsAndTemplateVariables) {
  EXPECT_EQ(values(complete({{"type", "ref/resource"}, {"uri", "phase-mirror://rules/{id}"}}, "id", "md-10")),
            (std::vector<std::string>{"MD-101", "MD-102", "MD-103", "MD-104", "MD-105", "MD-106", "MD-107", "MD-108",
                                      "MD-109"}));
  EXPECT_EQ(values(complete({{"type", "ref/resource"}, {"uri", "phase-mirror://adr/{id}"}}, "id", "")),
            (std::vector<std::string>{"ADR-004", "ADR-012"}));
  EXPECT_EQ(values(complete({{"type", "ref/prompt"}, {"name", "review_workflow_change"}}, "path", ".github/")),
            (std::vector<std::string>{".github/workflows/ci.yml", ".github/workflows/release.yaml"}));
  EXPECT_EQ(values(complete({{"type", "ref/prompt"}, {"name", "explain_finding"}}, "ruleId", "MD-00")).size(), 5u);
  // Free text has nothing to offer, and says so with an empty list.
  const Json none = complete({{"type", "ref/prompt"}, {"name", "review_workflow_change"}}, "diff", "");
  EXPECT_EQ(none["result"]["completion"], Json({{"values", Json::array()}, {"total", 0}, {"hasMore", false}}));

  Json r = complete({{"type", "ref/prompt"}, {"name", "explain_finding"}}, "nope", "");
  EXPECT_EQ(r["error"]["code"], -32602);
  r = complete({{"type", "ref/resource"}, {"uri", "phase-mirror://other/{id}"}}, "id", "");
  EXPECT_EQ(r["error"]["code"], -32602);
}

TEST_F(Surface, TheClientsRootIsTheWorkspaceOfPromptsAndResources) {
  TempDir other;
  other.write("docs/adr/ADR-077-roots.md", "# ADR-077: Roots\n\n**Status:** Proposed\n");
  ServerProcess p({}, {"PHASE_MIRROR_WORKSPACE=" + dir_.path(), "PHASE_MIRROR_DATA_DIR=" + dir_.path() + "/d2"});
  p.initialize("2025-11-25", {{"roots", Json::object()}});
  p.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "resources/list"}, {"params", Json::object()}});
  const auto ask = p.wait_for([](const Json& m) { return m.value("method", "") == "roots/list"; });
  ASSERT_TRUE(ask);
  p.send({{"jsonrpc", "2.0"},
          {"id", (*ask)["id"]},
          {"result", {{"roots", {{{"uri", "file://" + other.path()}, {"name", "other"}}}}}}});
  const auto r = p.wait_for([](const Json& m) { return m.contains("id") && m["id"] == 1; });
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["result"]["resources"].back()["uri"], "phase-mirror://adr/ADR-077") << dump_pretty(*r);
}

}  // namespace
}  // namespace pm::test
