// get_server_info: identity, configuration (no secrets), tiers, protocol
// versions, storage backends and live metrics. Not enveloped (as the reference).
#include <chrono>
#include <memory>
#include <mutex>

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

struct FixedPart {
  std::once_flag once;
  Json payload;
};

Json fixed_payload(const Runtime& rt) {
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
  Json payload = Json::object();
  payload["name"] = "Phase Mirror MCP Server";
  payload["version"] = kVersion;
  payload["environment"] = to_string(c.environment);
  payload["config"] = std::move(config);
  payload["governanceTiers"] = std::move(tiers);
  payload["protocolVersions"] = mcp::supported_protocol_versions();
  Json rules = Json::array();
  for (const auto& r : engine::all_rules()) rules.push_back(r->info().id);
  payload["capabilities"] = Json{{"tools", std::move(tool_names)},
                                 {"rules", std::move(rules)},
                                 {"protocolVersions", mcp::supported_protocol_versions()}};
  payload["storage"] = storage_info(c);
  return payload;
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
  // Everything but the stores' health, the metrics and the uptime is fixed for the life of
  // the process: built on the first call and copied after that (a small call's round trip
  // over stdio is a budget of 100 us, and rebuilding this took a good part of it).
  auto fixed = std::make_shared<FixedPart>();
  t.handler = [&rt, fixed](const Json&, mcp::ToolContext&) -> mcp::ToolResult {
    std::call_once(fixed->once, [&] { fixed->payload = fixed_payload(rt); });
    mcp::ToolOutput out;
    out.payload = fixed->payload;
    if (rt.stores != nullptr) {
      // Health of each store as last seen; never opens anything ("not opened yet").
      Json health = rt.stores->status();
      Json& storage = out.payload["storage"];
      for (auto& [name, st] : health["stores"].items()) {
        auto it = storage.find(name);
        if (it == storage.end()) continue;
        (*it)["status"] = std::move(st["status"]);
        if (st.contains("reason")) (*it)["reason"] = std::move(st["reason"]);
      }
      storage["backend"] = std::move(health["backend"]);
    }
    out.payload["metrics"] = rt.metrics.snapshot();
    out.payload["uptimeSeconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count();
    return out;
  };
  return t;
}

}  // namespace pm::tools
