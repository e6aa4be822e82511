// YAML parsing, workflow modelling and the workflow-content rules on a
// generated ~1 MB workflow (PRODUCT.md §11: a 1 MB workflow analysed < 20 ms).
#include <benchmark/benchmark.h>
#include <yaml.h>

#include <string>

#include "engine/rules/rules.hpp"
#include "engine/workflow.hpp"
#include "engine/yaml.hpp"

namespace {

using namespace pm::engine;

// Many jobs with realistic steps: checkouts, setup actions, multi-line run
// scripts with expressions, env blocks, a matrix and an anchor/alias pair.
const std::string& big_workflow() {
  static const std::string text = [] {
    std::string t =
        "name: Monorepo CI\n"
        "on:\n"
        "  push:\n"
        "    branches: [main, 'release/**']\n"
        "  pull_request_target:\n"
        "    types: [opened, synchronize, reopened]\n"
        "permissions:\n"
        "  contents: read\n"
        "env:\n"
        "  NODE_VERSION: 20\n"
        "defaults-anchor: &common_env\n"
        "  CI: true\n"
        "  FORCE_COLOR: 1\n"
        "jobs:\n";
    int i = 0;
    while (t.size() < 1024 * 1024) {
      std::string n = std::to_string(i++);
      t += "  build-" + n +
           ":\n"
           "    name: Build package " +
           n +
           "\n"
           "    runs-on: ${{ matrix.os }}\n"
           "    needs: [lint]\n"
           "    permissions:\n"
           "      contents: read\n"
           "      checks: write\n"
           "    strategy:\n"
           "      matrix:\n"
           "        os: [ubuntu-latest, windows-latest]\n"
           "        node: [18, 20, 22]\n"
           "    env: *common_env\n"
           "    steps:\n"
           "      - uses: actions/checkout@v4\n"
           "        with:\n"
           "          fetch-depth: 0\n"
           "      - uses: actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8\n"
           "        with:\n"
           "          node-version: ${{ matrix.node }}\n"
           "          cache: npm\n"
           "      - id: ai-" +
           n +
           "\n"
           "        uses: actions/ai-inference@v1\n"
           "        with:\n"
           "          prompt: Summarise the changes of package " +
           n +
           "\n"
           "      - name: Build and test\n"
           "        env:\n"
           "          PR_TITLE: ${{ github.event.pull_request.title }}\n"
           "        run: |\n"
           "          echo \"Building package " +
           n +
           " for $PR_TITLE\"\n"
           "          npm ci --workspace packages/pkg-" +
           n +
           "\n"
           "          npm run build --workspace packages/pkg-" +
           n +
           "\n"
           "          npm test --workspace packages/pkg-" +
           n +
           " -- --ci --coverage\n"
           "          echo \"ref ${{ github.head_ref }}\"\n"
           "          echo \"${{ steps.ai-" +
           n +
           ".outputs.response }}\" > summary.md\n"
           "      - uses: third-party/upload-coverage@v3\n"
           "        with:\n"
           "          token: ${{ secrets.CODECOV_TOKEN }}\n";
    }
    return t;
  }();
  return text;
}

// libyaml's event loop alone: the floor under BM_YamlParse.
void BM_LibyamlEventsOnly(benchmark::State& state) {
  const std::string& text = big_workflow();
  for (auto _ : state) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    yaml_event_t event;
    bool done = false;
    while (!done && yaml_parser_parse(&parser, &event)) {
      done = event.type == YAML_STREAM_END_EVENT;
      yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_LibyamlEventsOnly)->Unit(benchmark::kMillisecond);

void BM_YamlParse(benchmark::State& state) {
  const std::string& text = big_workflow();
  for (auto _ : state) {
    auto r = yaml::parse(text);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_YamlParse)->Unit(benchmark::kMillisecond);

void BM_ParseWorkflow(benchmark::State& state) {
  const std::string& text = big_workflow();
  for (auto _ : state) {
    auto wf = parse_workflow(".github/workflows/ci.yml", text);
    benchmark::DoNotOptimize(wf);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseWorkflow)->Unit(benchmark::kMillisecond);

const AnalysisInput& big_input() {
  static const AnalysisInput in = [] {
    AnalysisInput a;
    a.workflows.push_back(parse_workflow(".github/workflows/ci.yml", big_workflow()));
    return a;
  }();
  return in;
}

void run_rule(benchmark::State& state, std::unique_ptr<Rule> (*factory)()) {
  auto rule = factory();
  const AnalysisInput& in = big_input();
  std::size_t findings = 0;
  for (auto _ : state) {
    std::vector<Finding> out;
    rule->evaluate(in, out);
    findings = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["findings"] = static_cast<double>(findings);
}

BENCHMARK_CAPTURE(run_rule, MD_002, &rules::make_md_002)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_rule, MD_003, &rules::make_md_003)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_rule, MD_101, &rules::make_md_101)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_rule, MD_103, &rules::make_md_103)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_rule, MD_104, &rules::make_md_104)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_rule, MD_105, &rules::make_md_105)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run_rule, MD_106, &rules::make_md_106)->Unit(benchmark::kMillisecond);

}  // namespace
