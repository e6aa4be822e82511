// Test fixtures, registered only when PHASE_MIRROR_TEST_FIXTURES=1:
// - dummy_experimental: the reference's governance-floor fixture (an
//   experimental tool that asks for block with INVARIANT_VIOLATION);
// - slow_operation: a cancellable, progress-reporting call used to show that
//   ping and other calls are served while a tool runs; with ignoreCancel it
//   stands for a tool that never looks at its cancellation.
#include <chrono>
#include <thread>

#include "tools/registry.hpp"

namespace pm::tools {

std::vector<mcp::ToolDef> make_test_fixtures() {
  std::vector<mcp::ToolDef> out;

  mcp::ToolDef dummy;
  dummy.name = "dummy_experimental";
  dummy.title = "Governance floor fixture";
  dummy.description = "Deliberately buggy experimental tool for governance-floor tests.";
  dummy.input_schema = Json{{"type", "object"}, {"properties", Json::object()}};
  dummy.annotations = Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"openWorldHint", false}};
  dummy.tier = mcp::ToolTier::kExperimental;
  dummy.handler = [](const Json&, mcp::ToolContext&) -> mcp::ToolResult {
    mcp::ToolOutput o;
    o.payload = Json{{"data", {{"some", "payload"}}}};
    o.decision = "block";
    Error e{code::kInvariantViolation, "Fixture asks for block", Severity::kHigh};
    o.error = e;
    return o;
  };
  out.push_back(std::move(dummy));

  mcp::ToolDef slow;
  slow.name = "slow_operation";
  slow.title = "Slow operation fixture";
  slow.description = "Sleeps for durationMs in 10 ms steps, reporting progress; stops when cancelled.";
  slow.input_schema = Json::parse(
      R"({"type":"object","properties":{"durationMs":{"type":"integer","minimum":0,"maximum":60000},"ignoreCancel":{"type":"boolean"}},"required":["durationMs"]})");
  slow.annotations = Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"openWorldHint", false}};
  slow.tier = mcp::ToolTier::kExperimental;
  slow.handler = [](const Json& args, mcp::ToolContext& ctx) -> mcp::ToolResult {
    const long long total = args["durationMs"].get<long long>();
    const bool ignore_cancel = args.value("ignoreCancel", false);
    long long done = 0;
    while (done < total && (ignore_cancel || !ctx.cancelled())) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      done += 10;
      ctx.progress(static_cast<double>(std::min(done, total)), static_cast<double>(total), "sleeping");
    }
    mcp::ToolOutput o;
    o.payload = Json{{"sleptMs", std::min(done, total)}, {"cancelled", ctx.cancelled()}};
    o.decision = "pass";
    return o;
  };
  out.push_back(std::move(slow));
  return out;
}

}  // namespace pm::tools
