// ADR compliance: parsing a directory of 200 generated ADRs (both styles,
// each with checkable rules and RFC 2119 prose) and checking 100 source
// files against them.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "adr/validator.hpp"

namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string template_adr(int n) {
  const std::string id = std::to_string(1000 + n).substr(1);
  return "# ADR-" + id + ": Decision number " + std::to_string(n) +
         "\n\n**Status:** Accepted\n**Date:** 2026-01-28\n**Tags:** generated, bench\n\n## Context\n\n"
         "Some context that explains the forces at play, over a few lines of prose\nso that the parser has "
         "something to read. See MD-101.\n\n## Decision\n\n- Modules MUST NOT call `legacy_api_" +
         std::to_string(n) +
         "(`.\n- Services SHOULD log through the logger, and\n  they MAY batch writes.\n\nWorkflows MUST declare "
         "permissions.\n\n## Consequences\n\nEasier audits.\n\n## Compliance Checks\n\n```phase-mirror\n"
         "- id: no-legacy-" +
         std::to_string(n) + "\n  severity: high\n  forbid:\n    pattern: 'legacy_api_" + std::to_string(n) +
         "\\s*\\('\n    in: \"src/**/*.{cpp,hpp}\"\n- id: layering-" + std::to_string(n) +
         "\n  forbid-import:\n    from: \"src/core/**\"\n    to: [\"src/ui/**\", \"vendor/lib" + std::to_string(n) +
         "/**\"]\n```\n";
}

std::string madr_adr(int n) {
  return "---\nstatus: accepted\ndate: 2026-02-01\ndeciders: [a, b]\n---\n\n# Use option " + std::to_string(n) +
         "\n\n## Context and Problem Statement\n\nWhy.\n\n## Decision Outcome\n\nChosen option: \"" +
         std::to_string(n) +
         "\", because code MUST stay simple.\n\n### Confirmation\n\n```phase-mirror\n"
         "- id: header-" +
         std::to_string(n) + "\n  severity: low\n  require:\n    pattern: 'Copyright'\n    in: \"src/core/**\"\n```\n";
}

struct Fixture {
  fs::path root;
  std::vector<std::string> files;
  Fixture() {
    char tmpl[] = "/tmp/pm-adr-bench-XXXXXX";
    root = ::mkdtemp(tmpl);
    for (int i = 1; i <= 200; ++i) {
      if (i % 2 == 0) {
        char name[32];
        std::snprintf(name, sizeof name, "%04d-option-%d.md", i, i);
        write(root / "docs/adr" / name, madr_adr(i));
      } else {
        write(root / "docs/adr" / ("ADR-" + std::to_string(1000 + i).substr(1) + "-decision.md"), template_adr(i));
      }
    }
    for (int i = 0; i < 100; ++i) {
      const std::string rel = std::string(i % 2 ? "src/core/" : "src/ui/") + "file" + std::to_string(i) + ".cpp";
      std::string body = "// Copyright the authors\n#include \"src/core/base.hpp\"\n#include <vector>\n";
      for (int l = 0; l < 200; ++l)
        body += "int f" + std::to_string(l) + "(int x) { return x * " + std::to_string(l) + "; }\n";
      if (i % 10 == 0) body += "void g() { legacy_api_" + std::to_string(i + 1) + "(); }\n";
      write(root / rel, body);
      files.push_back(rel);
    }
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_AdrParseDirectory200(benchmark::State& state) {
  auto& f = fixture();
  pm::engine::Workspace ws({f.root.string()}, 10 * 1024 * 1024);
  for (auto _ : state) {
    pm::Budget budget(pm::Budget::limits_for(50000, pm::adr::kCheckMemoryBytes));  // as the tool sets it up
    auto loaded = pm::adr::load_adrs(ws, "docs/adr", budget);
    benchmark::DoNotOptimize(loaded);
  }
  state.SetItemsProcessed(state.iterations() * 200);
}
BENCHMARK(BM_AdrParseDirectory200)->Unit(benchmark::kMillisecond);

void BM_AdrCheck100FilesAgainst200Adrs(benchmark::State& state) {
  auto& f = fixture();
  pm::engine::Workspace ws({f.root.string()}, 10 * 1024 * 1024);
  pm::adr::CheckRequest req;
  req.files = f.files;
  req.adr_path = "docs/adr";
  for (auto _ : state) {
    pm::Budget budget(pm::Budget::limits_for(50000, pm::adr::kCheckMemoryBytes));
    auto rep = pm::adr::check_compliance(ws, req, budget);
    if (!rep.ok() || rep->violations.empty()) state.SkipWithError("unexpected result");
    benchmark::DoNotOptimize(rep);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_AdrCheck100FilesAgainst200Adrs)->Unit(benchmark::kMillisecond);

}  // namespace
