// JSON-RPC framing and dispatch: each input is a session transcript, one
// message per line, fed to a fresh mcp::Server exactly as the stdio read loop
// feeds it (Server::handle_line). The server carries the six real tool
// definitions (names, schemas, tiers, annotations), so initialize, tools/list,
// schema validation of tools/call arguments, envelopes, cancellation, progress,
// roots responses and every JSON-RPC error path run. Only the handlers are
// replaced by a deterministic stand-in: the real handlers read files and stores
// and are covered by tool_args_fuzz.
//
// Checked beyond the sanitizers: everything the server sends is a JSON-RPC 2.0
// object that serialises, and every request with a valid id is answered at
// most once.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/metrics.hpp"
#include "mcp/server.hpp"
#include "store/services.hpp"
#include "tools/registry.hpp"
#include "util/config.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

namespace {

[[noreturn]] void fail(const std::string& what, const pm::Json& message) {
  std::fprintf(stderr, "jsonrpc_fuzz: %s: %s\n", what.c_str(), pm::dump_line(message).substr(0, 2000).c_str());
  std::abort();
}

const pm::Config& config() {
  static const pm::Config c = [] {
    pm::Config cfg;
    cfg.call_timeout_ms = 0;     // no watchdog thread: runs stay deterministic
    cfg.rate_limit_per_sec = 0;  // the token bucket depends on the clock
    cfg.workspace = "/nonexistent-fuzz-workspace";
    cfg.data_dir = "/nonexistent-fuzz-data";
    return cfg;
  }();
  return c;
}

// Stand-in handler: echoes the (already validated) arguments, reports
// progress, and takes the error and exception paths on request.
pm::mcp::ToolResult stand_in(const pm::Json& args, pm::mcp::ToolContext& ctx) {
  ctx.progress(1, 2, "half way");
  ctx.progress(1, 2, "not increasing: dropped");
  if (args.is_object() && args.contains("context") && args["context"] == "throw") {
    throw std::runtime_error("stand-in handler failure");
  }
  if (args.is_object() && args.contains("context") && args["context"] == "error") {
    return pm::Error::invalid_input("stand-in refused", pm::Json{{"args", args}});
  }
  pm::mcp::ToolOutput out;
  out.payload = pm::Json{{"arguments", args}, {"requestId", ctx.request_id()}};
  out.decision = args.size() % 3 == 0 ? "pass" : (args.size() % 3 == 1 ? "warn" : "block");
  out.degraded = args.size() % 2 == 1;
  return out;
}

const std::vector<pm::mcp::ToolDef>& tool_defs() {
  static const std::vector<pm::mcp::ToolDef> defs = [] {
    static pm::mcp::Metrics metrics;
    static pm::store::Services stores(config());
    pm::tools::Runtime runtime{config(), metrics, {}};
    runtime.stores = &stores;
    auto tools = pm::tools::build_tools(runtime);
    for (auto& t : tools) t.handler = stand_in;
    return tools;
  }();
  return defs;
}

struct Capture {
  std::mutex mu;
  std::map<std::string, int> responses;  // per dumped id (null id excluded)

  bool send(const pm::Json& m) {
    if (!m.is_object() || m.value("jsonrpc", pm::Json()) != "2.0") fail("not a JSON-RPC 2.0 message", m);
    const std::string line = pm::dump_line(m);  // must not throw on any content
    if (line.find('\n') != std::string::npos) fail("message spans more than one line", m);
    const bool is_response = m.contains("result") || m.contains("error");
    if (is_response && !m.contains("id")) fail("response without id", m);
    if (is_response && !m["id"].is_null()) {
      std::lock_guard lock(mu);
      if (++responses[pm::dump_line(m["id"])] > 1 && !seen_duplicate_ids.count(pm::dump_line(m["id"]))) {
        fail("request answered twice", m);
      }
    }
    return true;
  }
  std::map<std::string, bool> seen_duplicate_ids;  // ids the input itself reuses
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pm::log::configure(pm::log::Level::kEmergency, pm::log::Format::kText);
  tool_defs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= input.size();) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    lines.emplace_back(input.substr(start, end - start));
    start = end + 1;
  }

  Capture capture;
  // A client may reuse an id once the first call is answered; only a second
  // answer to a single request is a bug, so reused ids are exempt.
  {
    std::map<std::string, int> ids;
    for (const auto& l : lines) {
      const pm::Json m = pm::parse_or_discard(l);
      if (m.is_object() && m.contains("id") && !m["id"].is_null() && ++ids[pm::dump_line(m["id"])] > 1) {
        capture.seen_duplicate_ids[pm::dump_line(m["id"])] = true;
      }
    }
  }

  pm::mcp::Metrics metrics;
  {
    pm::mcp::Server server(
        config(), metrics, tool_defs(), [&capture](const pm::Json& m) { return capture.send(m); }, 1);
    for (const auto& l : lines) server.handle_line(l);
    server.drain(std::chrono::seconds(10));
  }
  return 0;
}
