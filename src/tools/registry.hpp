#pragma once
// The six tools, in the fixed tools/list order.
#include <string>
#include <utility>
#include <vector>

#include "mcp/metrics.hpp"
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

std::vector<mcp::ToolDef> build_tools(Runtime& rt);

// One factory per tool (src/tools/<name>.cpp).
mcp::ToolDef make_get_server_info(Runtime& rt);
mcp::ToolDef make_analyze_dissonance(Runtime& rt);
mcp::ToolDef make_validate_l0_invariants(Runtime& rt);
mcp::ToolDef make_check_adr_compliance(Runtime& rt);
mcp::ToolDef make_query_fp_store(Runtime& rt);
mcp::ToolDef make_check_consent_requirements(Runtime& rt);

// Test-only tools (PHASE_MIRROR_TEST_FIXTURES=1), appended after the six.
std::vector<mcp::ToolDef> make_test_fixtures();

}  // namespace pm::tools
