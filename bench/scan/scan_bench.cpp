// End-to-end benchmark of `phase-mirror-mcp scan`: a generated repository of
// 200 workflows, 10 composite actions, a dependabot file, 200 ADRs and 300
// source files, scanned as CI would scan it (process start to exit, output
// written), against the PRODUCT.md §11 target of 100 ms.
//
//   pm_scan_bench --binary build/release/phase-mirror-mcp [--runs N] [--smoke] [--json FILE]
//                 [--keep]   (leave the generated repository in place and print its path, for profiling)
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/json.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace {

constexpr double kTargetMs = 100.0;
constexpr const char* kCheckout = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683";

std::string pad3(std::size_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03zu", n);
  return buf;
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Six jobs of a typical CI workflow; every 10th workflow has an unpinned action
// and every 25th an expression injection, so the report has findings to write.
std::string workflow(std::size_t i) {
  std::string s = "name: wf" + std::to_string(i) + "\non:\n  pull_request:\n  push:\n    branches: [main]\n";
  s += "permissions:\n  contents: read\njobs:\n";
  for (int j = 0; j < 6; ++j) {
    const std::string id = "job" + std::to_string(j);
    s += "  " + id + ":\n    runs-on: ubuntu-latest\n    timeout-minutes: 20\n    steps:\n";
    s += "      - uses: " + std::string(i % 10 == 0 && j == 0 ? "actions/checkout@v4" : kCheckout) + "\n";
    s += "        with:\n          persist-credentials: false\n";
    s += "      - name: Build " + id + "\n        run: |\n          make " + id + "\n          make test-" + id + "\n";
  }
  if (i % 25 == 0) {
    s += "  title:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title "
         "}}\"\n";
  }
  return s;
}

std::string composite_action(std::size_t i) {
  return "name: step" + std::to_string(i) + "\ndescription: shared step\nruns:\n  using: composite\n  steps:\n" +
         "    - uses: " + kCheckout + "\n    - run: make setup-" + std::to_string(i) + "\n      shell: bash\n";
}

std::string adr(std::size_t i) {
  const std::string id = "ADR-" + pad3(i);
  std::string s = "# " + id + ": Decision number " + std::to_string(i) + "\n\n**Status:** Accepted\n\n";
  s += "## Context\n\nArea " + std::to_string(i) + " needs a rule.\n\n## Decision\n\n";
  s += "- Workflows MUST NOT use `write-all` permissions.\n- Services SHOULD log through the shared logger.\n";
  if (i % 10 == 0) {
    s += "\n## Compliance Checks\n\n```phase-mirror\n- id: no-console-" + std::to_string(i) +
         "\n  forbid: {pattern: 'console\\.log', in: 'src/**/*.ts'}\n```\n";
  }
  return s;
}

std::string source(std::size_t i) {
  std::string s = "// Module " + std::to_string(i) + "\nimport { store } from '../store/index';\n\n";
  for (int f = 0; f < 20; ++f) {
    s += "export function handler" + std::to_string(f) + "(input: string): string {\n";
    s += "  const value = store.get(input) ?? 'default';\n";
    if (i % 50 == 0 && f == 0) s += "  console.log(value);\n";
    s += "  return value.trim();\n}\n\n";
  }
  return s;
}

std::string make_repository() {
  std::string tmpl = (fs::temp_directory_path() / "pm-scan-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const fs::path root = fs::path(tmpl) / "repo";
  for (std::size_t i = 0; i < 200; ++i) write_file(root / (".github/workflows/wf" + pad3(i) + ".yml"), workflow(i));
  for (std::size_t i = 0; i < 10; ++i)
    write_file(root / ("actions/step" + pad3(i) + "/action.yml"), composite_action(i));
  write_file(root / ".github/dependabot.yml",
             "version: 2\nupdates:\n  - package-ecosystem: github-actions\n"
             "    directory: /\n    schedule: {interval: weekly}\n");
  for (std::size_t i = 1; i <= 200; ++i) write_file(root / ("docs/adr/ADR-" + pad3(i) + "-decision.md"), adr(i));
  for (std::size_t i = 0; i < 300; ++i) write_file(root / ("src/module" + pad3(i) + "/index.ts"), source(i));
  return tmpl;
}

// Milliseconds from posix_spawn to the exit of one scan; the exit code in `code`.
double timed_scan(const std::string& binary, const std::string& root, const std::string& format,
                  const std::string& data_dir, int& code) {
  std::vector<std::string> args = {binary, "scan", "--root", root, "--format", format, "--output", "/dev/null"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (kv.rfind("PHASE_MIRROR_", 0) != 0 && kv.rfind("LOG_LEVEL=", 0) != 0) env_s.push_back(kv);
  }
  env_s.push_back("PHASE_MIRROR_DATA_DIR=" + data_dir);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("posix_spawn failed");
  int status = 0;
  waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ms;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int run(int argc, char** argv) {
  std::string binary = "build/release/phase-mirror-mcp";
  std::string json_out;
  std::size_t runs = 30;
  bool smoke = false;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--binary") {
      binary = value();
    } else if (a == "--runs") {
      runs = std::stoul(value());
    } else if (a == "--json") {
      json_out = value();
    } else if (a == "--keep") {
      keep = true;
    } else if (a == "--smoke") {
      smoke = true;
      runs = 3;
    } else {
      throw std::invalid_argument("unknown option " + a);
    }
  }
  binary = fs::absolute(binary).string();
  const std::string dir = make_repository();
  const std::string root = dir + "/repo";
  const std::string data_dir = dir + "/data";
  fs::create_directories(data_dir);
  pm::Json report{{"smoke", smoke},
                  {"repository", {{"workflows", 200}, {"compositeActions", 10}, {"adrs", 200}, {"sourceFiles", 300}}},
                  {"targetMs", kTargetMs}};
  pm::Json formats = pm::Json::array();
  bool met = true;
  for (const std::string format : {"plain", "sarif"}) {
    int code = 0;
    timed_scan(binary, root, format, data_dir, code);  // warm-up: page cache, first database open
    std::vector<double> ms;
    for (std::size_t r = 0; r < runs; ++r) {
      ms.push_back(timed_scan(binary, root, format, data_dir, code));
      if (code != 1) throw std::runtime_error("scan exited " + std::to_string(code) + ", expected 1 (findings)");
    }
    const double p50 = percentile(ms, 0.5);
    const double p95 = percentile(ms, 0.95);
    met = met && p50 < kTargetMs;
    formats.push_back({{"format", format},
                       {"runs", runs},
                       {"p50Ms", p50},
                       {"p95Ms", p95},
                       {"maxMs", *std::max_element(ms.begin(), ms.end())}});
    std::printf(
        "scan --format %-6s 200 workflows, 10 actions, 200 ADRs, 300 sources: p50 %.1f ms, p95 %.1f ms, "
        "max %.1f ms (%zu runs; target < %.0f ms)\n",
        format.c_str(), p50, p95, *std::max_element(ms.begin(), ms.end()), runs, kTargetMs);
  }
  report["formats"] = formats;
  report["verdict"] = met ? "met" : "NOT MET";
  std::printf("verdict: %s\n", met ? "met" : "NOT MET");
  if (!json_out.empty()) std::ofstream(json_out) << pm::dump_pretty(report) << "\n";
  if (keep) {
    std::printf("repository kept: %s\n", root.c_str());
  } else {
    fs::remove_all(dir);
  }
  return smoke || met ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "pm_scan_bench: " << e.what() << "\n";
    return 2;
  }
}
