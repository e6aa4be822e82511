// Protocol-layer micro-benchmarks: JSON-RPC parse + dispatch through the real
// pm::mcp::Server (a capturing sender stands in for stdout), schema validation
// of a typical analyze_dissonance argument object, envelope normalisation and
// serialisation of a typical envelope.
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include "governance/envelope.hpp"
#include "mcp/metrics.hpp"
#include "mcp/schema.hpp"
#include "mcp/server.hpp"
#include "tools/registry.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace {

using pm::Json;

// Collects what the server sends; lets a benchmark wait for the answer to a tools/call.
struct Capture {
  std::mutex mu;
  std::condition_variable cv;
  long long last_id = -1;
  std::size_t bytes = 0;

  bool send(const Json& msg) {
    const std::string line = pm::dump_line(msg);  // the transport serialises every message
    std::lock_guard lock(mu);
    bytes += line.size();
    if (auto it = msg.find("id"); it != msg.end() && it->is_number_integer()) last_id = it->get<long long>();
    cv.notify_all();
    return true;
  }
  void wait_for(long long id) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return last_id == id; });
  }
};

// A server with the production tool set, initialised, logging only errors.
struct Fixture {
  pm::Config config;
  pm::mcp::Metrics metrics;
  pm::tools::Runtime runtime{config, metrics, {}};
  Capture capture;
  pm::mcp::Server server;

  Fixture()
      : config(quiet_config()),
        server(config, metrics, pm::tools::build_tools(runtime), [this](const Json& m) { return capture.send(m); }) {
    server.handle_line(
        R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})");
    server.handle_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }
  static pm::Config quiet_config() {
    pm::Config c;
    c.rate_limit_per_sec = 0;  // measure the call, not the limiter
    c.log_level = "error";
    c.log_level_value = pm::log::Level::kError;
    pm::log::configure(pm::log::Level::kError, pm::log::Format::kText);
    return c;
  }
};

void BM_Rpc_Ping(benchmark::State& state) {
  Fixture f;
  const std::string line = R"({"jsonrpc":"2.0","id":7,"method":"ping"})";
  for (auto _ : state) f.server.handle_line(line);
  benchmark::DoNotOptimize(f.capture.bytes);
}
BENCHMARK(BM_Rpc_Ping);

void BM_Rpc_ToolsList(benchmark::State& state) {
  Fixture f;
  const std::string line = R"({"jsonrpc":"2.0","id":8,"method":"tools/list","params":{}})";
  for (auto _ : state) f.server.handle_line(line);
  state.SetLabel(std::to_string(f.server.tools().size()) + " tools");
}
BENCHMARK(BM_Rpc_ToolsList);

// Whole tools/call of get_server_info through the worker pool: parse, validate,
// handler, envelope, serialisation — the server's part of a small call.
void BM_Rpc_ToolsCall_GetServerInfo(benchmark::State& state) {
  Fixture f;
  long long id = 100;
  for (auto _ : state) {
    ++id;
    f.server.handle_line(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                         R"(,"method":"tools/call","params":{"name":"get_server_info","arguments":{}}})");
    f.capture.wait_for(id);
  }
}
BENCHMARK(BM_Rpc_ToolsCall_GetServerInfo)->UseRealTime();

void BM_Rpc_ParseError(benchmark::State& state) {
  Fixture f;
  const std::string line = R"({"jsonrpc":"2.0","id":9,"method":)";
  for (auto _ : state) f.server.handle_line(line);
}
BENCHMARK(BM_Rpc_ParseError);

// The advertised analyze_dissonance schema when the tool is registered,
// otherwise the reference's schema for it.
Json analyze_schema() {
  pm::Config config;
  pm::mcp::Metrics metrics;
  pm::tools::Runtime rt{config, metrics, {}};
  for (const auto& t : pm::tools::build_tools(rt))
    if (t.name == "analyze_dissonance") return t.input_schema;
  return Json::parse(R"({"type":"object","properties":{
    "files":{"type":"array","items":{"type":"string"}},
    "context":{"type":"string"},
    "mode":{"type":"string","enum":["pull_request","issue","merge_group","drift"]}},
    "required":["files"]})");
}

Json analyze_args() {
  return Json{{"files",
               {".github/workflows/ci.yml", ".github/workflows/release.yml", "src/store/index.ts",
                "docs/adr/ADR-004-org-ids.md"}},
              {"context", "acme/payments#1423: tighten release permissions"},
              {"mode", "pull_request"},
              {"repository", {{"owner", "acme"}, {"name", "payments"}, {"branch", "main"}}},
              {"commitSha", "b4ffde65f46336ab88eb53be808477a3936bae11"},
              {"author", "octocat"}};
}

void BM_Schema_ValidateAnalyzeArgs(benchmark::State& state) {
  const Json schema = analyze_schema();
  const Json args = analyze_args();
  for (auto _ : state) {
    auto issues = pm::mcp::validate(schema, args);
    benchmark::DoNotOptimize(issues);
  }
}
BENCHMARK(BM_Schema_ValidateAnalyzeArgs);

void BM_Schema_ValidateAnalyzeArgs_Invalid(benchmark::State& state) {
  const Json schema = analyze_schema();
  const Json args = Json{{"files", {1, 2, "ok"}}, {"mode", "sideways"}};
  for (auto _ : state) {
    auto issues = pm::mcp::validate(schema, args);
    benchmark::DoNotOptimize(issues);
  }
}
BENCHMARK(BM_Schema_ValidateAnalyzeArgs_Invalid);

// A typical analyze_dissonance payload: five findings, a summary, a decision.
Json analysis_payload() {
  Json findings = Json::array();
  for (int i = 0; i < 5; ++i) {
    findings.push_back(Json{{"findingId", "0f3a9c1d2e4b5a6978877665544332" + std::to_string(10 + i)},
                            {"ruleId", "MD-10" + std::to_string(1 + i)},
                            {"severity", i == 0 ? "critical" : "medium"},
                            {"message", "Third-party action is not pinned to a full commit SHA"},
                            {"file", ".github/workflows/release.yml"},
                            {"line", 12 + i * 7},
                            {"evidence", "uses: some-org/deploy-action@v3"},
                            {"remediation", "Pin the action to a 40-character commit SHA."}});
  }
  return Json{{"analysis", {{"outcome", "block"}, {"findings", findings}, {"suppressed", Json::array()}}},
              {"summary", "1 critical, 4 medium findings in 4 files"},
              {"filesAnalyzed", 4},
              {"fileErrors", Json::array()}};
}

void BM_Envelope_Normalize(benchmark::State& state) {
  const Json payload = analysis_payload();
  pm::governance::EnvelopeContext ctx;
  ctx.request_id = "1795598164193-73l033rqc";
  ctx.timestamp = "2026-11-25T09:16:04.194Z";
  for (auto _ : state) {
    pm::governance::RawResponse raw;
    raw.decision = "block";
    raw.data = payload;
    Json env = pm::governance::normalize(std::move(raw), ctx);
    benchmark::DoNotOptimize(env);
  }
}
BENCHMARK(BM_Envelope_Normalize);

void BM_Envelope_DumpPretty(benchmark::State& state) {
  pm::governance::RawResponse raw;
  raw.decision = "block";
  raw.data = analysis_payload();
  pm::governance::EnvelopeContext ctx;
  ctx.request_id = "1795598164193-73l033rqc";
  ctx.timestamp = "2026-11-25T09:16:04.194Z";
  const Json env = pm::governance::normalize(std::move(raw), ctx);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = pm::dump_pretty(env);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_Envelope_DumpPretty);

}  // namespace
