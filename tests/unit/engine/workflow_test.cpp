#include "engine/workflow.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pm::engine {
namespace {

std::vector<std::string> trigger_names(const WorkflowFile& wf) {
  std::vector<std::string> out;
  for (const auto& t : wf.triggers) out.emplace_back(t.value);
  return out;
}

TEST(WorkflowModel, OnAsFlowList) {
  auto wf = parse_workflow(".github/workflows/ci.yml",
                           "name: CI\non: [push, pull_request_target]\njobs:\n  build:\n    runs-on: ubuntu-latest\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  EXPECT_EQ(trigger_names(wf), (std::vector<std::string>{"push", "pull_request_target"}));
  EXPECT_EQ(wf.on_line, 2);
  EXPECT_TRUE(wf.has_trigger("pull_request_target"));
  EXPECT_FALSE(wf.has_trigger("pull_request"));
  ASSERT_TRUE(wf.name.has_value());
  EXPECT_EQ(wf.name->value, "CI");
}

TEST(WorkflowModel, OnAsStringAndAsMappingWithNullValues) {
  auto a = parse_workflow("a.yml", "on: push\njobs: {}\n");
  EXPECT_EQ(trigger_names(a), (std::vector<std::string>{"push"}));
  auto b = parse_workflow("b.yml",
                          "on:\n"
                          "  issue_comment:\n"
                          "  workflow_run:\n"
                          "    workflows: [CI]\n"
                          "    types: [completed]\n"
                          "  workflow_call:\n"
                          "    secrets:\n"
                          "      token:\n"
                          "        required: true\n"
                          "jobs: {}\n");
  ASSERT_FALSE(b.parse_error.has_value());
  EXPECT_EQ(trigger_names(b), (std::vector<std::string>{"issue_comment", "workflow_run", "workflow_call"}));
  EXPECT_EQ(b.triggers[1].line, 3);
}

TEST(WorkflowModel, OnAsBooleanKeyIsAcceptedDefensively) {
  auto wf = parse_workflow("a.yml", "true: [pull_request]\njobs: {}\n");
  EXPECT_EQ(trigger_names(wf), (std::vector<std::string>{"pull_request"}));
}

TEST(WorkflowModel, PermissionsAtWorkflowAndJobLevel) {
  auto wf = parse_workflow("p.yml",
                           "on: push\n"
                           "permissions: write-all\n"
                           "jobs:\n"
                           "  a:\n"
                           "    permissions:\n"
                           "      contents: read\n"
                           "      pull-requests: write\n"
                           "    runs-on: ubuntu-latest\n"
                           "  b:\n"
                           "    permissions: {}\n"
                           "  c:\n"
                           "    runs-on: ubuntu-latest\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  EXPECT_TRUE(wf.permissions.present);
  EXPECT_EQ(wf.permissions.shorthand, "write-all");
  EXPECT_EQ(wf.permissions.line, 2);
  ASSERT_EQ(wf.jobs.size(), 3u);
  const auto& a = wf.jobs[0].permissions;
  EXPECT_TRUE(a.present);
  EXPECT_EQ(a.shorthand, "");
  ASSERT_EQ(a.scopes.size(), 2u);
  EXPECT_EQ(a.scopes[1].first, "pull-requests");
  EXPECT_EQ(a.scopes[1].second.value, "write");
  EXPECT_EQ(a.scopes[1].second.line, 7);
  EXPECT_TRUE(wf.jobs[1].permissions.present);
  EXPECT_TRUE(wf.jobs[1].permissions.scopes.empty());
  EXPECT_FALSE(wf.jobs[2].permissions.present);
}

TEST(WorkflowModel, StepsWithRunLinesAndInputs) {
  auto wf = parse_workflow("s.yml",
                           "on: pull_request\n"                       // 1
                           "jobs:\n"                                  // 2
                           "  test:\n"                                // 3
                           "    runs-on: ubuntu-latest\n"             // 4
                           "    steps:\n"                             // 5
                           "      - uses: actions/checkout@v4\n"      // 6
                           "        with:\n"                          // 7
                           "          ref: ${{ github.head_ref }}\n"  // 8
                           "      - id: build\n"                      // 9
                           "        name: Build\n"                    // 10
                           "        if: success()\n"                  // 11
                           "        shell: bash\n"                    // 12
                           "        env:\n"                           // 13
                           "          TITLE: x\n"                     // 14
                           "        run: |\n"                         // 15
                           "          make\n"                         // 16
                           "          make test\n"                    // 17
                           "      - run: echo done\n");               // 18
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_EQ(wf.jobs.size(), 1u);
  const Job& job = wf.jobs[0];
  EXPECT_EQ(job.id, "test");
  EXPECT_EQ(job.line, 3);
  ASSERT_EQ(job.steps.size(), 3u);
  EXPECT_EQ(job.steps[0].line, 6);
  EXPECT_EQ(job.steps[0].uses->value, "actions/checkout@v4");
  ASSERT_EQ(job.steps[0].with.size(), 1u);
  EXPECT_EQ(job.steps[0].with[0].first, "ref");
  EXPECT_EQ(job.steps[0].with[0].second.line, 8);
  const Step& build = job.steps[1];
  EXPECT_EQ(build.line, 9);
  EXPECT_EQ(build.id->value, "build");
  EXPECT_EQ(build.name->value, "Build");
  EXPECT_EQ(build.if_cond->value, "success()");
  EXPECT_EQ(build.shell->value, "bash");
  EXPECT_EQ(build.env.at(0).first, "TITLE");
  ASSERT_TRUE(build.run.has_value());
  EXPECT_EQ(build.run->value, "make\nmake test\n");
  EXPECT_EQ(build.run->line, 16);  // the script starts after the `|`
  EXPECT_EQ(build.run->column, 11);
  PositionCursor cursor(wf, *build.run);
  EXPECT_EQ(cursor.at(build.run->value.find("make test")).line, 17);
  EXPECT_EQ(cursor.at(build.run->value.find("make test")).column, 11);
  EXPECT_EQ(job.steps[2].run->line, 18);
  EXPECT_EQ(wf.line_text(17), "make test");
}

TEST(WorkflowModel, PositionsInsideFoldedScalarsFollowTheSource) {
  auto wf = parse_workflow("f.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  a:\n"
                           "    steps:\n"
                           "      - run: >\n"
                           "          echo one\n"
                           "          echo two\n");
  const Located& run = *wf.jobs[0].steps[0].run;
  EXPECT_EQ(run.value, "echo one echo two\n");
  PositionCursor cursor(wf, run);
  const Position two = cursor.at(run.value.find("two"));
  EXPECT_EQ(two.line, 7);
  EXPECT_EQ(two.column, 16);
}

// Every scalar style: the position of each `${{` in the value is where it is
// written in the source.
TEST(WorkflowModel, PositionsOfExpressionsInEveryScalarStyle) {
  const std::string text =
      "on: push\n"                                                       // 1
      "jobs:\n"                                                          // 2
      "  a:\n"                                                           // 3
      "    steps:\n"                                                     // 4
      "      - run: echo ${{ github.head_ref }}\n"                       // 5 plain
      "      - run: 'echo ''${{ a }}'' ${{ b }}'\n"                      // 6 single-quoted
      "      - run: \"echo \\\"${{ c }}\\\" \\u00e9 \\x41 ${{ d }}\"\n"  // 7 double-quoted, escapes
      "      - run: \"first \\\n"                                        // 8 escaped line break
      "          ${{ e }}\"\n"                                           // 9
      "      - run: |\n"                                                 // 10 literal
      "          echo start\n"                                           // 11
      "            indented ${{ f }}\n"                                  // 12
      "          ${{ g }} end\n"                                         // 13
      "      - run: >-\n"                                                // 14 folded
      "          echo ${{ h }}\n"                                        // 15
      "\n"                                                               // 16
      "          then ${{ i }}\n"                                        // 17
      "      - run: plain\n"                                             // 18 multi-line plain
      "          continued ${{ j }}\n";                                  // 19
  auto wf = parse_workflow("s.yml", text);
  ASSERT_FALSE(wf.parse_error.has_value()) << wf.parse_error->message;
  const auto& steps = wf.jobs[0].steps;
  ASSERT_EQ(steps.size(), 7u);
  std::vector<std::pair<int, int>> got;
  for (const auto& step : steps) {
    PositionCursor cursor(wf, *step.run);
    for (std::size_t p = step.run->value.find("${{"); p != std::string_view::npos;
         p = step.run->value.find("${{", p + 1)) {
      const Position at = cursor.at(p);
      got.emplace_back(at.line, at.column);
      EXPECT_EQ(wf.source_line(at.line).substr(static_cast<std::size_t>(at.column) - 1, 3), "${{")
          << "line " << at.line << " column " << at.column;
    }
  }
  EXPECT_EQ(
      got,
      (std::vector<std::pair<int, int>>{
          {5, 19}, {6, 22}, {6, 33}, {7, 22}, {7, 45}, {9, 11}, {12, 22}, {13, 11}, {15, 16}, {17, 16}, {19, 21}}));
  // Asking again from the start restarts the walk.
  PositionCursor cursor(wf, *steps[4].run);
  EXPECT_EQ(cursor.at(steps[4].run->value.find("${{ g")).line, 13);
  EXPECT_EQ(cursor.at(0).line, 11);
  EXPECT_EQ(cursor.at(0).column, 11);
}

TEST(WorkflowModel, ValueColumns) {
  auto wf = parse_workflow("c.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  build:\n"
                           "    container: \"node:20\"\n"
                           "    steps:\n"
                           "      - uses: 'actions/checkout@v4'\n"
                           "      - uses: \u00e9/x@v1\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  EXPECT_EQ(wf.jobs[0].column, 3);
  EXPECT_EQ(wf.jobs[0].container_image->column, 17);
  EXPECT_EQ(wf.jobs[0].steps[0].uses->column, 16);
  EXPECT_EQ(wf.jobs[0].steps[1].uses->column, 15);
  EXPECT_EQ(wf.triggers[0].column, 5);
}

TEST(WorkflowModel, MatrixValuesWithTheirPositions) {
  auto wf = parse_workflow("m.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  a:\n"
                           "    strategy:\n"
                           "      matrix:\n"
                           "        image: [node:20, 'python:3.12']\n"
                           "        os: ${{ fromJSON(needs.setup.outputs.os) }}\n"
                           "        config:\n"
                           "          - {name: x, image: alpine}\n"
                           "        include:\n"
                           "          - image: redis@sha256:abc\n"
                           "            extra: yes\n"
                           "        exclude:\n"
                           "          - image: node:20\n"
                           "    container: ${{ matrix.image }}\n"
                           "  b:\n"
                           "    strategy:\n"
                           "      matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}\n"
                           "  c:\n"
                           "    runs-on: x\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_NE(wf.jobs[0].matrix, nullptr);
  const Matrix& m = *wf.jobs[0].matrix;
  EXPECT_EQ(m.line, 5);
  EXPECT_FALSE(m.from_expression);
  std::vector<std::string> got;
  for (const auto& v : m.values)
    got.push_back(std::string(v.key) + "=" + std::string(v.value.value) + "@" + std::to_string(v.value.line) + ":" +
                  std::to_string(v.value.column));
  EXPECT_EQ(got,
            (std::vector<std::string>{"image=node:20@6:17", "image=python:3.12@6:27", "config.name=x@9:20",
                                      "config.image=alpine@9:30", "image=redis@sha256:abc@11:20", "extra=yes@12:20"}));
  EXPECT_EQ(m.expression_keys, (std::vector<std::string_view>{"os"}));
  ASSERT_NE(wf.jobs[1].matrix, nullptr);
  EXPECT_TRUE(wf.jobs[1].matrix->from_expression);
  EXPECT_EQ(wf.jobs[2].matrix, nullptr);
}

TEST(WorkflowModel, InputsOfReusableManualAndActionFiles) {
  auto wf = parse_workflow("w.yml",
                           "on:\n"
                           "  workflow_call:\n"
                           "    inputs:\n"
                           "      version:\n"
                           "        type: string\n"
                           "      dry-run:\n"
                           "        type: boolean\n"
                           "  workflow_dispatch:\n"
                           "    inputs:\n"
                           "      target: {type: choice, options: [a, b]}\n"
                           "      note:\n"
                           "jobs:\n"
                           "  a:\n"
                           "    runs-on: x\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_EQ(wf.inputs.size(), 4u);
  EXPECT_EQ(wf.inputs[0].name, "version");
  EXPECT_EQ(wf.inputs[0].type, "string");
  EXPECT_EQ(wf.inputs[0].source, InputSource::kWorkflowCall);
  EXPECT_EQ(wf.inputs[0].line, 4);
  EXPECT_EQ(wf.inputs[1].type, "boolean");
  EXPECT_EQ(wf.inputs[2].name, "target");
  EXPECT_EQ(wf.inputs[2].type, "choice");
  EXPECT_EQ(wf.inputs[2].source, InputSource::kWorkflowDispatch);
  EXPECT_EQ(wf.inputs[3].type, "");
  auto action = parse_workflow(
      "action.yml", "name: x\ninputs:\n  token:\n    required: true\nruns:\n  using: composite\n  steps: []\n");
  ASSERT_EQ(action.inputs.size(), 1u);
  EXPECT_EQ(action.inputs[0].source, InputSource::kAction);
  EXPECT_TRUE(action.is_action);
  EXPECT_FALSE(wf.is_action);
}

TEST(WorkflowModel, NulBytesAndInvalidUtf8AreParseErrorsAtTheirPosition) {
  const std::string nul = std::string("on: push\njobs:\n  a:\n    steps:\n      - run: echo \"x") + '\0' + "\"\n";
  auto a = parse_workflow("a.yml", nul);
  ASSERT_TRUE(a.parse_error.has_value());
  EXPECT_EQ(a.parse_error->line, 5);
  EXPECT_EQ(a.parse_error->column, 21);
  EXPECT_EQ(a.parse_error->message, "a NUL byte at byte offset 51: a workflow must be UTF-8 text");
  for (const std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    auto b = parse_workflow("b.yml", "name: \xc3\xa9t\xc3\xa9 " + bad + "\non: push\njobs: {}\n");
    ASSERT_TRUE(b.parse_error.has_value()) << bad.size();
    EXPECT_EQ(b.parse_error->line, 1);
    EXPECT_EQ(b.parse_error->column, 11);
    EXPECT_EQ(b.parse_error->message, "invalid UTF-8 at byte offset 12: a workflow must be UTF-8 text");
  }
  // Valid multi-byte text (and a BOM) is fine.
  auto c = parse_workflow("c.yml", "\xef\xbb\xbfname: \xe2\x9c\x93 \xf0\x9f\x9a\x80\non: push\njobs: {}\n");
  EXPECT_FALSE(c.parse_error.has_value()) << c.parse_error->message;
}

TEST(WorkflowModel, ReusableWorkflowJobEnvironmentContainerServicesNeeds) {
  auto wf = parse_workflow("r.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  call:\n"
                           "    uses: org/repo/.github/workflows/deploy.yml@v1\n"
                           "    secrets: inherit\n"
                           "  call2:\n"
                           "    uses: ./.github/workflows/local.yml\n"
                           "    secrets:\n"
                           "      token: ${{ secrets.TOKEN }}\n"
                           "  deploy:\n"
                           "    needs: [call, call2]\n"
                           "    environment:\n"
                           "      name: production\n"
                           "      url: https://example.com\n"
                           "    container:\n"
                           "      image: node:20\n"
                           "    services:\n"
                           "      db:\n"
                           "        image: postgres:16\n"
                           "      cache: redis:7\n"
                           "  single:\n"
                           "    needs: deploy\n"
                           "    environment: staging\n"
                           "    container: alpine:3\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_EQ(wf.jobs.size(), 4u);
  EXPECT_EQ(wf.jobs[0].uses->value, "org/repo/.github/workflows/deploy.yml@v1");
  ASSERT_TRUE(wf.jobs[0].secrets_inherit.has_value());
  EXPECT_EQ(wf.jobs[0].secrets_inherit->line, 5);
  EXPECT_FALSE(wf.jobs[1].secrets_inherit.has_value());
  ASSERT_EQ(wf.jobs[1].secrets.size(), 1u);
  EXPECT_EQ(wf.jobs[1].secrets[0].first, "token");
  const Job& deploy = wf.jobs[2];
  EXPECT_EQ(deploy.needs, (std::vector<std::string_view>{"call", "call2"}));
  EXPECT_EQ(deploy.environment->value, "production");
  EXPECT_EQ(deploy.container_image->value, "node:20");
  EXPECT_EQ(deploy.container_image->line, 16);
  ASSERT_EQ(deploy.services_images.size(), 2u);
  EXPECT_EQ(deploy.services_images[0].value, "postgres:16");
  EXPECT_EQ(deploy.services_images[1].value, "redis:7");
  EXPECT_EQ(wf.jobs[3].needs, (std::vector<std::string_view>{"deploy"}));
  EXPECT_EQ(wf.jobs[3].environment->value, "staging");
  EXPECT_EQ(wf.jobs[3].container_image->value, "alpine:3");
}

TEST(WorkflowModel, AnchorsInJobsAreExpanded) {
  auto wf = parse_workflow("x.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  a: &job\n"
                           "    runs-on: ubuntu-latest\n"
                           "    steps:\n"
                           "      - uses: actions/checkout@v4\n"
                           "  b: *job\n"
                           "  c:\n"
                           "    <<: *job\n"
                           "    environment: prod\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  ASSERT_EQ(wf.jobs.size(), 3u);
  ASSERT_EQ(wf.jobs[1].steps.size(), 1u);
  EXPECT_EQ(wf.jobs[1].steps[0].uses->value, "actions/checkout@v4");
  EXPECT_EQ(wf.jobs[1].steps[0].line, 6);
  ASSERT_EQ(wf.jobs[2].steps.size(), 1u);
  EXPECT_EQ(wf.jobs[2].environment->value, "prod");
}

TEST(WorkflowModel, CompositeActionBecomesOnePseudoJob) {
  auto wf = parse_workflow("action.yml",
                           "name: Setup\n"
                           "runs:\n"
                           "  using: composite\n"
                           "  steps:\n"
                           "    - uses: actions/setup-node@v4\n"
                           "    - run: npm ci\n"
                           "      shell: bash\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  EXPECT_TRUE(wf.is_composite_action);
  ASSERT_EQ(wf.jobs.size(), 1u);
  ASSERT_EQ(wf.jobs[0].steps.size(), 2u);
  EXPECT_EQ(wf.jobs[0].steps[1].run->value, "npm ci");
  EXPECT_EQ(wf.jobs[0].steps[1].run->line, 6);
  EXPECT_TRUE(wf.triggers.empty());
}

TEST(WorkflowModel, ShapeErrorsDoNotCrash) {
  auto a = parse_workflow("a.yml", "on: push\njobs:\n  - not\n  - a map\n");
  ASSERT_TRUE(a.parse_error.has_value());
  EXPECT_EQ(a.parse_error->line, 3);
  EXPECT_EQ(trigger_names(a), (std::vector<std::string>{"push"}));
  auto b = parse_workflow("b.yml", "on: push\njobs:\n  a:\n    steps: run everything\n  b: 3\n");
  ASSERT_FALSE(b.parse_error.has_value());
  ASSERT_EQ(b.jobs.size(), 2u);
  EXPECT_TRUE(b.jobs[0].steps.empty());
  auto c = parse_workflow("c.yml", "- just\n- a list\n");
  ASSERT_TRUE(c.parse_error.has_value());
}

bool within(std::string_view part, const std::string& whole) {
  return std::less_equal<const char*>()(whole.data(), part.data()) &&
         std::less_equal<const char*>()(part.data() + part.size(), whole.data() + whole.size());
}

TEST(WorkflowModel, VerbatimValuesAreViewsIntoTheSourceOthersIntoTheTextStore) {
  auto wf = parse_workflow("v.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  build:\n"
                           "    steps:\n"
                           "      - uses: actions/checkout@v4\n"
                           "      - name: \"say \\\"hi\\\"\"\n"
                           "        run: |\n"
                           "          echo one\n"
                           "          echo two\n");
  ASSERT_FALSE(wf.parse_error.has_value());
  const auto& steps = wf.jobs.at(0).steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].uses->value, "actions/checkout@v4");
  EXPECT_TRUE(within(steps[0].uses->value, *wf.source));
  EXPECT_TRUE(within(wf.jobs[0].id, *wf.source));
  // An escaped quoted scalar and a block scalar are not written verbatim.
  EXPECT_EQ(steps[1].name->value, "say \"hi\"");
  EXPECT_FALSE(within(steps[1].name->value, *wf.source));
  EXPECT_EQ(steps[1].run->value, "echo one\necho two\n");
  EXPECT_FALSE(within(steps[1].run->value, *wf.source));
  EXPECT_NE(wf.text, nullptr);

  auto plain = parse_workflow("p.yml", "on: push\njobs:\n  a:\n    steps:\n      - run: make\n");
  EXPECT_EQ(plain.text, nullptr);  // nothing needed copying
}

TEST(WorkflowModel, ValuesOutliveTheFileTheyWereCopiedFrom) {
  // A flow mapping goes through libyaml: every value is copied to the store.
  auto original = std::make_unique<WorkflowFile>(
      parse_workflow("c.yml",
                     "on: {push: {branches: [main]}}\n"
                     "jobs:\n"
                     "  build:\n"
                     "    permissions: {contents: write}\n"
                     "    steps:\n"
                     "      - {uses: 'actions/setup-node@v4', with: {node-version: '20'}}\n"
                     "      - run: >\n"
                     "          npm ci\n"
                     "          npm test\n"));
  ASSERT_FALSE(original->parse_error.has_value());
  const WorkflowFile copy = *original;
  original.reset();
  ASSERT_EQ(copy.jobs.size(), 1u);
  const Job& job = copy.jobs[0];
  EXPECT_EQ(job.id, "build");
  ASSERT_EQ(job.permissions.scopes.size(), 1u);
  EXPECT_EQ(job.permissions.scopes[0].first, "contents");
  EXPECT_EQ(job.permissions.scopes[0].second.value, "write");
  ASSERT_EQ(job.steps.size(), 2u);
  EXPECT_EQ(job.steps[0].uses->value, "actions/setup-node@v4");
  ASSERT_EQ(job.steps[0].with.size(), 1u);
  EXPECT_EQ(job.steps[0].with[0].first, "node-version");
  EXPECT_EQ(job.steps[0].with[0].second.value, "20");
  EXPECT_EQ(job.steps[1].run->value, "npm ci npm test\n");
  EXPECT_EQ(copy.triggers.at(0).value, "push");
}

TEST(WorkflowModel, OptionalLocatedBehavesAsAnOptional) {
  OptionalLocated absent;
  EXPECT_FALSE(absent.has_value());
  EXPECT_FALSE(absent);
  EXPECT_THROW((void)absent.value(), std::bad_optional_access);
  OptionalLocated none = std::nullopt;
  EXPECT_FALSE(none);
  // Line 0 is a value like any other (a Located built by hand); only -1 is absence.
  const OptionalLocated zero = Located{"", 0};
  EXPECT_TRUE(zero.has_value());
  const OptionalLocated present = Located{"actions/checkout@v4", 7};
  ASSERT_TRUE(present);
  EXPECT_EQ(present->value, "actions/checkout@v4");
  EXPECT_EQ((*present).line, 7);
  EXPECT_EQ(present.value().line, 7);
  none = present;
  EXPECT_TRUE(none);

  // A step without the optional keys has none of them.
  auto wf = parse_workflow("o.yml", "on: push\njobs:\n  a:\n    steps:\n      - run: make\n");
  const Step& step = wf.jobs.at(0).steps.at(0);
  EXPECT_TRUE(step.run);
  EXPECT_FALSE(step.id || step.name || step.uses || step.if_cond || step.shell);
}

TEST(WorkflowModel, TextStoreKeepsEveryPieceWhereItWas) {
  TextStore store;
  EXPECT_TRUE(store.add("").empty());
  std::vector<std::pair<std::string_view, std::string>> added;
  // Small pieces over several chunks, and pieces larger than any chunk.
  for (int i = 0; i < 3000; ++i) {
    std::string piece = (i % 500 == 499) ? std::string(std::size_t{3} << 20, static_cast<char>('a' + i % 26))
                                         : "piece-" + std::to_string(i);
    added.emplace_back(store.add(piece), piece);
  }
  for (const auto& [view, expected] : added) ASSERT_EQ(view, expected);
}

TEST(WorkflowModel, InvalidInputsBecomeParseErrors) {
  auto empty = parse_workflow("e.yml", "");
  ASSERT_TRUE(empty.parse_error.has_value());
  auto bad = parse_workflow("b.yml", "on: push\njobs:\n  a: [\n");
  ASSERT_TRUE(bad.parse_error.has_value());
  EXPECT_GE(bad.parse_error->line, 3);
  auto utf = parse_workflow("u.yml", "on: push\nname: \xc3\x28\n");
  ASSERT_TRUE(utf.parse_error.has_value());
  EXPECT_EQ(utf.parse_error->line, 2);
  ASSERT_EQ(utf.line_count(), 3u);  // source lines are kept for evidence
}

TEST(WorkflowModel, RunsOnLabelsGroupsAndRegistryCredentials) {
  auto wf = parse_workflow(".github/workflows/ci.yml",
                           "on: push\n"
                           "jobs:\n"
                           "  a:\n"
                           "    runs-on: ubuntu-latest\n"
                           "  b:\n"
                           "    runs-on: [self-hosted, linux, x64]\n"
                           "  c:\n"
                           "    runs-on:\n"
                           "      group: large-runners\n"
                           "      labels: gpu\n"
                           "    container:\n"
                           "      image: ghcr.io/octo/build:1\n"
                           "      credentials:\n"
                           "        username: octo\n"
                           "        password: ${{ secrets.GHCR_TOKEN }}\n"
                           "    services:\n"
                           "      db:\n"
                           "        image: postgres:16\n"
                           "      cache:\n"
                           "        image: registry.example.com/cache:2\n"
                           "        credentials:\n"
                           "          password: hunter2\n");
  ASSERT_FALSE(wf.parse_error.has_value()) << wf.parse_error->message;
  ASSERT_EQ(wf.jobs.size(), 3u);
  ASSERT_EQ(wf.jobs[0].runs_on.size(), 1u);
  EXPECT_EQ(wf.jobs[0].runs_on[0].value, "ubuntu-latest");
  EXPECT_FALSE(wf.jobs[0].runner_group.has_value());
  ASSERT_EQ(wf.jobs[1].runs_on.size(), 3u);
  EXPECT_EQ(wf.jobs[1].runs_on[0].value, "self-hosted");
  EXPECT_EQ(wf.jobs[1].runs_on[0].line, 6);
  EXPECT_EQ(wf.jobs[1].runs_on[2].value, "x64");
  const Job& c = wf.jobs[2];
  ASSERT_EQ(c.runs_on.size(), 1u);
  EXPECT_EQ(c.runs_on[0].value, "gpu");
  ASSERT_TRUE(c.runner_group.has_value());
  EXPECT_EQ(c.runner_group->value, "large-runners");
  ASSERT_EQ(c.registry_credentials.size(), 2u);
  EXPECT_EQ(c.registry_credentials[0].service, "");
  EXPECT_EQ(c.registry_credentials[0].line, 13);
  EXPECT_EQ(c.registry_credentials[0].column, 7);
  EXPECT_EQ(c.registry_credentials[0].image->value, "ghcr.io/octo/build:1");
  EXPECT_EQ(c.registry_credentials[0].username->value, "octo");
  EXPECT_EQ(c.registry_credentials[0].password->line, 15);
  EXPECT_EQ(c.registry_credentials[1].service, "cache");
  EXPECT_FALSE(c.registry_credentials[1].username.has_value());
  EXPECT_EQ(c.registry_credentials[1].password->value, "hunter2");
  EXPECT_EQ(c.registry_credentials[1].password->line, 22);
}

}  // namespace
}  // namespace pm::engine
