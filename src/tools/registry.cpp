#include "tools/registry.hpp"

namespace pm::tools {

namespace {

SurfaceExtension g_extension = nullptr;

}  // namespace

void set_surface_extension(SurfaceExtension extension) {
  g_extension = extension;
}

mcp::Surface build_surface(Runtime& rt) {
  mcp::Surface s;
  s.tools.push_back(make_get_server_info(rt));
  s.tools.push_back(make_analyze_dissonance(rt));
  s.tools.push_back(make_validate_l0_invariants(rt));
  s.tools.push_back(make_check_adr_compliance(rt));
  s.tools.push_back(make_query_fp_store(rt));
  s.tools.push_back(make_check_consent_requirements(rt));
  s.prompts = make_prompts(rt);
  s.resources = make_resources(rt);
  if (g_extension != nullptr) g_extension(s);

  // Tier table for get_server_info, in tools/list order.
  rt.tiers.clear();
  for (const auto& t : s.tools) {
    if (t.tier == mcp::ToolTier::kAuthoritative) rt.tiers.emplace_back(t.name, "authoritative");
    if (t.tier == mcp::ToolTier::kExperimental) rt.tiers.emplace_back(t.name, "experimental");
  }
  return s;
}

std::vector<mcp::ToolDef> build_tools(Runtime& rt) {
  return build_surface(rt).tools;
}

}  // namespace pm::tools
