#include "tools/registry.hpp"

namespace pm::tools {

std::vector<mcp::ToolDef> build_tools(Runtime& rt) {
  std::vector<mcp::ToolDef> tools;
  tools.push_back(make_get_server_info(rt));
  tools.push_back(make_analyze_dissonance(rt));
  tools.push_back(make_validate_l0_invariants(rt));
  tools.push_back(make_check_adr_compliance(rt));
  tools.push_back(make_query_fp_store(rt));
  tools.push_back(make_check_consent_requirements(rt));

  if (env_var("PHASE_MIRROR_TEST_FIXTURES") == "1") {
    for (auto& t : make_test_fixtures()) tools.push_back(std::move(t));
  }
  // Tier table for get_server_info, in tools/list order.
  rt.tiers.clear();
  for (const auto& t : tools) {
    if (t.tier == mcp::ToolTier::kAuthoritative) rt.tiers.emplace_back(t.name, "authoritative");
    if (t.tier == mcp::ToolTier::kExperimental) rt.tiers.emplace_back(t.name, "experimental");
  }
  return tools;
}

}  // namespace pm::tools
