// get_server_info: identity, configuration (no secrets), tiers, protocol
// versions, storage backends and live metrics. Not enveloped (as the reference).
#include <chrono>

#include "engine/rule.hpp"
#include "mcp/server.hpp"
#include "tools/registry.hpp"
#include "version.hpp"

namespace pm::tools {
namespace {

const auto kStart = std::chrono::steady_clock::now();

Json storage_info(const Config& c) {
  auto backend = [&](const std::optional<std::string>& table) {
    if (table) return Json{{"backend", "dynamodb"}, {"table", *table}, {"region", c.aws_region}};
    return Json{{"backend", "sqlite"}, {"path", c.database_path()}};
  };
  Json s = Json::object();
  s["fpStore"] = backend(c.fp_table_name);
  s["consentStore"] = backend(c.consent_table_name);
  s["blockCounter"] = backend(c.block_counter_table_name);
  s["nonceSource"] = c.nonce_parameter_name
                         ? Json{{"backend", "ssm"}, {"parameter", *c.nonce_parameter_name}, {"region", c.aws_region}}
                         : Json{{"backend", "sqlite"}, {"path", c.database_path()}};
  return s;
}

}  // namespace

mcp::ToolDef make_get_server_info(Runtime& rt) {
  mcp::ToolDef t;
  t.name = "get_server_info";
  t.title = "Server information";
  t.description = "Get information about the Phase Mirror MCP server";
  t.input_schema = Json{{"type", "object"}, {"properties", Json::object()}};
  t.output_schema = Json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "string"}, "version": {"type": "string"},
      "environment": {"type": "string", "enum": ["local", "cloud"]},
      "config": {"type": "object"}, "governanceTiers": {"type": "object"},
      "protocolVersions": {"type": "array", "items": {"type": "string"}},
      "capabilities": {"type": "object"}, "storage": {"type": "object"}, "metrics": {"type": "object"},
      "uptimeSeconds": {"type": "number"}
    },
    "required": ["name", "version", "environment", "config", "governanceTiers"]
  })");
  t.annotations =
      Json{{"readOnlyHint", true}, {"destructiveHint", false}, {"idempotentHint", true}, {"openWorldHint", false}};
  t.tier = mcp::ToolTier::kNone;
  t.handler = [&rt](const Json&, mcp::ToolContext&) -> mcp::ToolResult {
    const Config& c = rt.config;
    Json config = Json::object();
    config["awsRegion"] = c.aws_region;
    if (c.fp_table_name) config["fpTableName"] = *c.fp_table_name;
    if (c.consent_table_name) config["consentTableName"] = *c.consent_table_name;
    if (c.block_counter_table_name) config["blockCounterTableName"] = *c.block_counter_table_name;
    if (c.nonce_parameter_name) config["nonceParameterName"] = *c.nonce_parameter_name;
    config["logLevel"] = c.log_level;
    config["logFormat"] = c.log_format == log::Format::kJson ? "json" : "text";
    config["maxFileBytes"] = c.max_file_bytes;
    if (c.workspace) config["workspace"] = *c.workspace;

    Json tiers = Json::object();
    Json tool_names = Json::array();
    for (const auto& [name, tier] : rt.tiers) {
      tiers[name] = tier;
      tool_names.push_back(name);
    }
    mcp::ToolOutput out;
    out.payload["name"] = "Phase Mirror MCP Server";
    out.payload["version"] = kVersion;
    out.payload["environment"] = to_string(c.environment);
    out.payload["config"] = std::move(config);
    out.payload["governanceTiers"] = std::move(tiers);
    out.payload["protocolVersions"] = mcp::supported_protocol_versions();
    Json rules = Json::array();
    for (const auto& r : engine::all_rules()) rules.push_back(r->info().id);
    out.payload["capabilities"] = Json{
        {"tools", tool_names}, {"rules", std::move(rules)}, {"protocolVersions", mcp::supported_protocol_versions()}};
    out.payload["storage"] = storage_info(c);
    if (rt.stores != nullptr) {
      // Health of each store as last seen; never opens anything ("not opened yet").
      Json health = rt.stores->status();
      for (auto& [name, st] : health["stores"].items()) {
        if (!out.payload["storage"].contains(name)) continue;
        out.payload["storage"][name]["status"] = st["status"];
        if (st.contains("reason")) out.payload["storage"][name]["reason"] = st["reason"];
      }
      out.payload["storage"]["backend"] = health["backend"];
    }
    out.payload["metrics"] = rt.metrics.snapshot();
    out.payload["uptimeSeconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count();
    return out;
  };
  return t;
}

}  // namespace pm::tools
