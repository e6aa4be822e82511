#include "inputs.hpp"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pm::bench {
namespace {

constexpr const char* kCheckoutSha = "actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11";
constexpr const char* kSetupNodeSha = "actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8";

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string pad3(std::size_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%03zu", n);
  return buf;
}

// A typical CI workflow: one third-party action pinned to a tag (one finding), read-only permissions.
std::string make_small_workflow() {
  return "name: ci\n"
         "on:\n  push:\n    branches: [main]\n  pull_request:\n"
         "permissions:\n  contents: read\n"
         "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
         "      - uses: docker/setup-buildx-action@v3\n"
         "      - name: Build\n        run: |\n          make -j4\n          make test\n";
}

// One job of the large workflow; every 400th job carries a finding (a
// third-party action pinned to a tag) and a job-level write scope (least
// privilege, not a finding); the rest is clean so the response stays realistic.
std::string big_job(std::size_t i) {
  const std::string n = std::to_string(i);
  std::string s = "  build_" + n + ":\n    name: Build part " + n + "\n    runs-on: ubuntu-latest\n";
  s += "    timeout-minutes: 15\n    needs: [setup]\n";
  if (i % 400 == 0) s += "    permissions:\n      contents: write\n";
  s += "    env:\n      PART: \"" + n + "\"\n      NODE_OPTIONS: --max-old-space-size=4096\n";
  s += "    steps:\n      - uses: ";
  s += (i % 400 == 0) ? "docker/setup-buildx-action@v3" : kCheckoutSha;
  s += "\n      - uses: " + std::string(kSetupNodeSha) + "\n        with:\n          node-version: 20\n";
  s += "      - name: Install\n        run: npm ci --workspace part-" + n + "\n";
  s += "      - name: Test part " + n + "\n        run: |\n          npm run lint --workspace part-" + n +
       "\n          npm test --workspace part-" + n + " -- --ci\n";
  return s;
}

std::string make_big_workflow(std::size_t target_bytes) {
  std::string s =
      "name: monorepo\non:\n  push:\n    branches: [main]\n  pull_request:\n    branches: [main]\n"
      "permissions:\n  contents: read\nconcurrency:\n  group: ${{ github.workflow }}-${{ github.ref }}\n"
      "jobs:\n  setup:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: " +
      std::string(kCheckoutSha) + "\n";
  for (std::size_t i = 1; s.size() < target_bytes; ++i) s += big_job(i);
  return s;
}

std::string workflow_n(std::size_t i) {
  std::string s = "name: wf" + std::to_string(i) + "\non:\n  pull_request:\n  push:\n    branches: [main]\n";
  if (i % 5 != 0) s += "permissions:\n  contents: read\n";
  s += "jobs:\n";
  for (int j = 0; j < 6; ++j) {
    const std::string id = "job" + std::to_string(j);
    s += "  " + id + ":\n    runs-on: ubuntu-latest\n    steps:\n      - uses: " + std::string(kCheckoutSha) + "\n";
    s += "      - name: Step " + id + "\n        run: make " + id + "\n";
  }
  if (i % 7 == 0)
    s += "  title:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title "
         "}}\"\n";
  return s;
}

std::string source_n(std::size_t i) {
  std::string s = "// Module " + std::to_string(i) + "\nimport { store } from '../store/index';\n\n";
  for (int f = 0; f < 30; ++f) {
    s += "export function handler" + std::to_string(f) + "(input: string): string {\n";
    s += "  const value = store.get(input) ?? 'default-" + std::to_string(f) + "';\n";
    s += (i % 10 == 0 && f == 0) ? "  console.log(value);\n" : "";
    s += "  return value.trim();\n}\n\n";
  }
  return s;
}

std::string adr_n(std::size_t i) {
  const std::string id = "ADR-" + pad3(i);
  std::string s = "# " + id + ": Decision number " + std::to_string(i) + "\n\n";
  s += (i % 9 == 0) ? "**Status:** Proposed\n" : "**Status:** Accepted\n";
  s += "**Date:** 2026-01-15\n\n## Context\n\nThe platform team needs a rule for area " + std::to_string(i) +
       ". Several services diverged and reviews missed it.\n\n";
  s += "## Decision\n\n";
  s += "- Workflows MUST NOT use `write-all` permissions.\n";
  s += "- Services SHOULD log through the shared logger.\n";
  s += "- Teams MAY add stricter checks locally.\n\n";
  s += "## Consequences\n\nReviews get shorter; exceptions need a new ADR.\n";
  if (i % 10 == 0) {
    s += "\n## Compliance\n\n```phase-mirror\nforbid:\n  pattern: \"console\\\\.log\"\n  in: \"src/**/*.ts\"\n```\n";
  }
  return s;
}

}  // namespace

Inputs::Inputs() {
  std::string tmpl = (fs::temp_directory_path() / "pm-stdio-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  root = tmpl;
  workspace = root + "/workspace";
  data_dir = root + "/data";
  fs::create_directories(data_dir);
  const fs::path ws = workspace;

  write_file(ws / small_workflow, make_small_workflow());
  const std::string big = make_big_workflow(1024 * 1024);
  big_workflow_bytes = big.size();
  write_file(ws / big_workflow, big);

  for (std::size_t i = 0; i < 25; ++i) {
    const std::string p = ".github/workflows/wf" + pad3(i) + ".yml";
    write_file(ws / p, workflow_n(i));
    analysis_files.push_back(p);
  }
  for (std::size_t i = 0; i < 75; ++i) {
    const std::string p = "src/module" + pad3(i) + "/index.ts";
    write_file(ws / p, source_n(i));
    analysis_files.push_back(p);
  }
  const fs::path repo = ws / repository_dir;
  for (std::size_t i = 0; i < 200; ++i)
    write_file(repo / ".github/workflows" / ("wf" + pad3(i) + ".yml"), workflow_n(i));
  for (std::size_t i = 0; i < 10; ++i) {
    write_file(repo / "actions" / ("a" + pad3(i)) / "action.yml",
               "name: a\ndescription: d\nruns:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n");
    write_file(repo / "node_modules" / ("p" + pad3(i)) / "action.yml", "name: vendored\n");
  }
  write_file(
      repo / ".github/dependabot.yml",
      "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n");
  for (std::size_t i = 1; i <= 200; ++i) write_file(ws / adr_dir / ("ADR-" + pad3(i) + "-decision.md"), adr_n(i));
  adr_count = 200;
}

Inputs::~Inputs() {
  std::error_code ec;
  fs::remove_all(root, ec);
}

}  // namespace pm::bench
