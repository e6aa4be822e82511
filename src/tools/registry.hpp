#pragma once
// What the server offers: the six tools, in the fixed tools/list order, the prompts and
// resources, and (in a test build) what the test fixtures add.
#include <string>
#include <utility>
#include <vector>

#include "mcp/metrics.hpp"
#include "mcp/surface.hpp"
#include "mcp/tool.hpp"
#include "store/services.hpp"
#include "util/config.hpp"

namespace pm::tools {

// What tools share for the life of the process.
struct Runtime {
  const Config& config;
  mcp::Metrics& metrics;
  // (tool name, tier) of the enveloped tools, in tools/list order; filled by build_tools.
  std::vector<std::pair<std::string, std::string>> tiers;
  // The stores, opened lazily on first use; null when the process has none.
  store::Services* stores = nullptr;
};

// Tools, prompts and resources, in the order clients list them.
mcp::Surface build_surface(Runtime& rt);
// The tools of build_surface().
std::vector<mcp::ToolDef> build_tools(Runtime& rt);

// A test build's additions (tests/fixtures): set before the command line runs; the release
// binary never sets it.
using SurfaceExtension = void (*)(mcp::Surface& surface);
void set_surface_extension(SurfaceExtension extension);

// One factory per tool (src/tools/<name>.cpp).
mcp::ToolDef make_get_server_info(Runtime& rt);
mcp::ToolDef make_analyze_dissonance(Runtime& rt);
mcp::ToolDef make_validate_l0_invariants(Runtime& rt);
mcp::ToolDef make_check_adr_compliance(Runtime& rt);
mcp::ToolDef make_query_fp_store(Runtime& rt);
mcp::ToolDef make_check_consent_requirements(Runtime& rt);

// Prompts (review_workflow_change, explain_finding) and resources (the policy in force,
// phase-mirror://rules/{id}, phase-mirror://adr/{id}); src/tools/prompts_resources.cpp.
std::vector<mcp::PromptDef> make_prompts(Runtime& rt);
std::vector<mcp::ResourceProvider> make_resources(Runtime& rt);

}  // namespace pm::tools
