// analyze_dissonance's engine end to end (read, hash, parse, all rules,
// decision, payload): a generated 1 MB workflow (target < 20 ms) and a
// 100-file request.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/analyzer.hpp"

namespace {

namespace fs = std::filesystem;

// risky = true: every job carries findings (an injected PR title, a
// third-party action pinned to a tag; its job-level write scope is least
// privilege), the worst case for the finding and payload code; false: a clean
// workflow of the same shape.
std::string big_workflow(std::size_t target_bytes, bool risky) {
  std::string w = std::string("name: big\non:\n  ") + (risky ? "pull_request_target" : "pull_request") +
                  ":\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n";
  for (int j = 0; w.size() < target_bytes; ++j) {
    const std::string id = std::to_string(j);
    w += "  job" + id + ":\n    name: Job " + id + "\n    runs-on: ubuntu-latest\n    permissions:\n" +
         "      contents: read\n" + (risky ? "      pull-requests: write\n" : "") + "    env:\n      LEVEL: \"" + id +
         "\"\n    steps:\n" +
         (risky ? "      - uses: docker/setup-buildx-action@v3\n"
                : "      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11\n") +
         "        with:\n          fetch-depth: 0\n" + "      - name: Build " + id +
         "\n        run: |\n          make build TARGET=" + id + "\n" +
         (risky ? "          echo \"${{ github.event.pull_request.title }}\"\n" : "") +
         "      - uses: actions/setup-node@1a4442cacd436585916779262731d5b162bc6ec7\n" +
         "        with:\n          node-version: 20\n";
  }
  return w;
}

class Workspace {
 public:
  Workspace() : root_(fs::temp_directory_path() / ("pm-analyze-bench-" + std::to_string(::getpid()))) {
    fs::create_directories(root_ / ".github/workflows");
  }
  ~Workspace() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void write(const std::string& rel, const std::string& content) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << content;
  }
  std::string root() const { return root_.string(); }

 private:
  fs::path root_;
};

void run(benchmark::State& state, const pm::engine::AnalysisRequest& req, const std::string& root, std::size_t bytes) {
  const pm::engine::Workspace ws({root}, 10ull * 1024 * 1024);
  const pm::engine::AnalyzerOptions opt;
  for (auto _ : state) {
    auto r = pm::engine::run_analysis(req, ws, opt);
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(pm::engine::analysis_json(*r));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_Analyze1MBWorkflow(benchmark::State& state) {
  Workspace dir;
  const std::string w = big_workflow(1 << 20, state.range(0) != 0);
  dir.write(".github/workflows/big.yml", w);
  pm::engine::AnalysisRequest req;
  req.mode = "pull_request";
  req.files = {".github/workflows/big.yml"};
  run(state, req, dir.root(), w.size());
}
BENCHMARK(BM_Analyze1MBWorkflow)->ArgName("risky")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// What follows the workflow model: the rules, the decision and the payload,
// on the workflow of BM_Analyze1MBWorkflow parsed once.
void BM_AnalyzeParsed1MB(benchmark::State& state) {
  const std::string w = big_workflow(1 << 20, state.range(0) != 0);
  pm::engine::AnalysisInput input;
  input.mode = "pull_request";
  input.workflows.push_back(pm::engine::parse_workflow(".github/workflows/big.yml", w));
  const pm::engine::AnalyzerOptions opt;
  for (auto _ : state) {
    pm::engine::AnalysisRun run;
    run.mode = "pull_request";
    run.result = pm::engine::analyze(input, opt);
    benchmark::DoNotOptimize(pm::engine::analysis_json(run));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * w.size()));
}
BENCHMARK(BM_AnalyzeParsed1MB)->ArgName("risky")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Analyze100Files(benchmark::State& state) {
  Workspace dir;
  pm::engine::AnalysisRequest req;
  req.mode = "pull_request";
  std::size_t bytes = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string rel =
        i % 2 == 0 ? ".github/workflows/w" + std::to_string(i) + ".yml" : "src/module" + std::to_string(i) + ".cpp";
    const std::string content = i % 2 == 0 ? big_workflow(2048, i % 4 == 0) : std::string(2048, 'x') + "\n";
    dir.write(rel, content);
    req.files.push_back(rel);
    bytes += content.size();
  }
  run(state, req, dir.root(), bytes);
}
BENCHMARK(BM_Analyze100Files)->Unit(benchmark::kMillisecond);

}  // namespace
