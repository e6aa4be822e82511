// Tool-argument validation: the first byte picks one of the six real tools
// (build_tools() order), the rest is parsed as JSON and checked against that
// tool's advertised input schema by mcp::validate. Arguments are then run
// through the real dispatcher (Server::call_tool_now: validation, handler,
// envelope), against a small fixture workspace and a SQLite store in a
// temporary directory, so arguments that pass the schema reach the handlers'
// own parsing and the engines behind them.
//
// Checked beyond the sanitizers: validation issues carry a keyword and a JSON
// pointer that leads into the arguments (or to a missing required member);
// INVALID_INPUT results agree with validate(); a handler never throws (the
// dispatcher would turn that into EXECUTION_FAILED, a bug for valid input).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/metrics.hpp"
#include "mcp/schema.hpp"
#include "mcp/server.hpp"
#include "store/services.hpp"
#include "tools/registry.hpp"
#include "util/config.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const pm::Json& detail) {
  std::fprintf(stderr, "tool_args_fuzz: %s: %s\n", what.c_str(), pm::dump_line(detail).substr(0, 2000).c_str());
  std::abort();
}

void write_file(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// Files the corpus names (docs/FUZZING.md lists them), so that valid
// arguments find something to read.
void make_workspace(const fs::path& root) {
  write_file(root / ".github/workflows/ci.yml", R"(name: ci
on:
  pull_request_target:
    branches: [main]
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
      - uses: some/action@main
  merge:
    needs: build
    uses: org/repo/.github/workflows/merge.yml@v1
    secrets: inherit
)");
  write_file(root / ".github/.phase-mirror/policy.json",
             R"({"schemaVersion":"1.0.0","mergeQueue":{"requiredForDefaultBranch":true,"allowBypassForAdmins":false,)"
             R"("requireLinearHistory":true,"allowDirectPushes":false},"workflowPermissions":{"contents":"read"}})");
  write_file(root / "protection.json",
             R"({"required_status_checks":{"strict":false,"contexts":["build"]},"enforce_admins":{"enabled":false}})");
  write_file(root / "baseline.json",
             R"({"schemaVersion":"1.0.0","createdAt":"2026-01-01T00:00:00Z","files":{".github/workflows/ci.yml":)"
             R"("0000000000000000000000000000000000000000000000000000000000000000"}})");
  write_file(root / "schema.json", R"({"type":"object"})");
  write_file(root / "src/main.cpp", "#include \"db/client.hpp\"\nint main() { return system(\"rm -rf /\"); }\n");
  write_file(root / "package.json", R"({"name":"x","dependencies":{"left-pad":"*"}})");
  write_file(root / "docs/adr/ADR-001-workflow-permissions.md", R"(# ADR-001: Workflow permissions

**Status:** Approved
**Date:** 2026-01-10

## Decision

Workflows MUST NOT use `write-all`. Jobs SHOULD declare permissions.

## Compliance

```phase-mirror
- forbid:
    pattern: 'system\('
    in: 'src/**/*.cpp'
- forbid-import:
    from: 'src/**'
    to: 'db/**'
- max-permissions:
    contents: read
```
)");
  write_file(root / "docs/adr/0002-use-madr.md", R"(---
status: proposed
date: 2026-02-01
deciders: [a, b]
---
# Use MADR

## Decision Outcome

We MUST keep a changelog. Tests SHALL NOT be skipped.
)");
}

struct Harness {
  fs::path dir;
  pm::Config config;
  pm::mcp::Metrics metrics;
  std::unique_ptr<pm::store::Services> stores;
  std::unique_ptr<pm::tools::Runtime> runtime;
  std::unique_ptr<pm::mcp::Server> server;

  Harness() {
    std::string tmpl = (fs::temp_directory_path() / "pm-tool-args-fuzz-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) fail("mkdtemp failed", tmpl);
    dir = tmpl;
    make_workspace(dir / "ws");
    config.workspace = (dir / "ws").string();
    config.data_dir = (dir / "data").string();
    config.call_timeout_ms = 0;
    config.rate_limit_per_sec = 0;
    stores = std::make_unique<pm::store::Services>(config);
    runtime = std::make_unique<pm::tools::Runtime>(pm::tools::Runtime{config, metrics, {}});
    runtime->stores = stores.get();
    server = std::make_unique<pm::mcp::Server>(
        config, metrics, pm::tools::build_tools(*runtime), [](const pm::Json&) { return true; }, 1);
    for (const auto& t : server->tools()) {
      if (!pm::mcp::check_supported(t.input_schema).empty()) fail("schema uses unsupported keywords", t.name);
    }
  }
  ~Harness() {
    server.reset();
    stores.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Harness* g_harness = nullptr;

void check_issue_paths(const pm::Json& args, const std::vector<pm::mcp::ValidationIssue>& issues) {
  for (const auto& i : issues) {
    if (i.keyword.empty() || i.message.empty()) fail("issue without keyword or message", i.path);
    if (!i.path.empty() && i.path[0] != '/') fail("issue path is not a JSON pointer", i.path);
    pm::Json::json_pointer ptr;
    try {
      ptr = pm::Json::json_pointer(i.path);
    } catch (const std::exception&) {
      fail("issue path does not parse as a JSON pointer", i.path);
    }
    // "required" names a member that is absent: its parent must exist.
    const auto target = i.keyword == "required" ? ptr.parent_pointer() : ptr;
    if (!args.contains(target)) fail("issue path leads nowhere in the arguments", i.path);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  // The dispatcher logs a handler exception at error level before turning it
  // into EXECUTION_FAILED; for valid arguments that is a bug.
  pm::log::set_forwarder(
      [](pm::log::Level, const pm::Json& record) {
        const std::string msg = record.value("msg", std::string());
        if (msg.find("raised") != std::string::npos) fail("tool handler threw", record);
      },
      pm::log::Level::kError);
  static Harness harness;
  g_harness = &harness;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& tools = g_harness->server->tools();
  const auto& tool = tools[data[0] % tools.size()];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  pm::Json args = pm::parse_or_discard(text);
  if (args.is_discarded()) args = pm::Json(std::string(text));

  const auto issues = pm::mcp::validate(tool.input_schema, args);
  check_issue_paths(args, issues);
  const pm::Json listed = pm::mcp::to_json(issues);
  if (listed.size() != issues.size()) fail("to_json lost issues", listed);

  const pm::Json result = g_harness->server->call_tool_now(tool.name, args);
  if (!result.is_object() || !result.contains("structuredContent")) fail("no CallToolResult", result);
  const pm::Json& sc = result["structuredContent"];
  const bool invalid = sc.value("code", std::string()) == "INVALID_INPUT";
  if (!issues.empty() && !invalid) fail("schema violation not reported as INVALID_INPUT", result);
  if (!issues.empty() && result.value("isError", false) != true) fail("INVALID_INPUT without isError", result);
  pm::dump_pretty(result);
  return 0;
}
