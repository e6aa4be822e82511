#include "mcp/tool_result.hpp"

#include <chrono>

#include "mcp/schema.hpp"
#include "util/answer.hpp"
#include "util/log.hpp"

namespace pm::mcp {

namespace {

// An error's text and details may carry what the caller sent (a path, a
// value): bounded like every echoed input, so that a megabyte argument does
// not come back whole.
std::string shown(const Error& e) {
  return answer::clip(e.message, answer::kMaxMessageBytes).text;
}

Json error_payload(const Error& e, const std::string& request_id) {
  Json data = Json::object();
  data["error"] = shown(e);
  data["severity"] = to_string(e.severity);
  data["retryable"] = e.retryable;
  if (e.retry_after_ms) data["retryAfterMs"] = *e.retry_after_ms;
  data["suggestions"] = e.suggestions;
  if (!e.details.is_null() && !(e.details.is_object() && e.details.empty())) {
    Json details = e.details;
    if (answer::clip_json(details, answer::kMaxMessageBytes, answer::kMaxListed)) data["detailsClipped"] = true;
    data["details"] = std::move(details);
  }
  data["requestId"] = request_id;
  return data;
}

governance::Tier envelope_tier(const ToolDef& tool) {
  return tool.tier == ToolTier::kExperimental ? governance::Tier::kExperimental : governance::Tier::kAuthoritative;
}

}  // namespace

Json describe_tool(const ToolDef& tool) {
  Json d = Json::object();
  d["name"] = tool.name;
  d["title"] = tool.title;
  d["description"] = tool.description;
  d["inputSchema"] = tool.input_schema;
  if (tool.tier != ToolTier::kPlain) {
    d["outputSchema"] =
        tool.output_schema.is_null() || tool.output_schema.empty() ? envelope_output_schema() : tool.output_schema;
  }
  Json ann = tool.annotations.is_object() ? tool.annotations : Json::object();
  ann["title"] = tool.title;
  d["annotations"] = std::move(ann);
  return d;
}

const Json& envelope_output_schema() {
  static const Json schema = Json::parse(R"({
    "type": "object",
    "properties": {
      "success": {"type": "boolean"},
      "code": {"type": "string"},
      "message": {"type": "string"},
      "isError": {"type": "boolean"},
      "tier": {"type": "string", "enum": ["authoritative", "experimental"]},
      "environment": {"type": "string", "enum": ["local", "cloud"]},
      "decision": {"type": "string", "enum": ["block", "warn", "pass"]},
      "degradedMode": {"type": "boolean"},
      "tierBadge": {"type": "string"},
      "environmentBadge": {"type": "string"},
      "decisionBadge": {"type": "string"},
      "requestId": {"type": "string"},
      "timestamp": {"type": "string", "format": "date-time"},
      "data": {"type": "object"}
    },
    "required": ["success", "tier", "environment", "tierBadge", "environmentBadge", "requestId", "timestamp", "data"]
  })");
  return schema;
}

Json tool_error_result(const ToolDef& tool, const Error& e, const std::string& request_id, const std::string& timestamp,
                       Environment environment) {
  Json structured;
  if (tool.tier == ToolTier::kNone) {
    structured = Json{{"success", false}, {"code", e.code}, {"message", shown(e)}};
    structured["data"] = error_payload(e, request_id);
  } else {
    governance::RawResponse raw;
    raw.success = false;
    raw.code = e.code;
    raw.message = shown(e);
    raw.is_error = true;
    raw.data = error_payload(e, request_id);
    structured = governance::normalize(std::move(raw), {envelope_tier(tool), environment, request_id, timestamp});
  }
  std::string text = dump_pretty(structured);
  answer::fit_answer(structured, text, tool.tier == ToolTier::kNone ? "" : "data");
  Json result = Json::object();
  result["content"] = Json::array({Json{{"type", "text"}, {"text", std::move(text)}}});
  result["structuredContent"] = std::move(structured);
  result["isError"] = true;
  return result;
}

Json run_tool(const ToolDef& tool, const Json& args, ToolContext& ctx, Environment environment, CallRecord& record) {
  const auto start = std::chrono::steady_clock::now();
  ToolResult outcome = Error::execution_failed("Tool produced no result");
  auto issues = validate(tool.input_schema, args);
  if (!issues.empty()) {
    std::string fields;
    for (const auto& i : issues) fields += (fields.empty() ? "" : ", ") + (i.path.empty() ? "(root)" : i.path);
    Error e = Error::invalid_input("Invalid input parameters: " + fields, Json{{"validationErrors", to_json(issues)}});
    e.suggestions = {"Fix the following fields: " + fields, "Refer to the tool's inputSchema for types and limits"};
    outcome = std::move(e);
  } else {
    try {
      outcome = tool.handler(args, ctx);
    } catch (const std::exception& ex) {
      log::error("tool raised an exception",
                 {{"requestId", ctx.request_id()}, {"tool", tool.name}, {"error", ex.what()}});
      outcome =
          Error::execution_failed("Internal error while running " + tool.name + " (request " + ctx.request_id() + ")");
    } catch (...) {
      log::error("tool raised an unknown exception", {{"requestId", ctx.request_id()}, {"tool", tool.name}});
      outcome =
          Error::execution_failed("Internal error while running " + tool.name + " (request " + ctx.request_id() + ")");
    }
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (tool.tier == ToolTier::kPlain) {
    Json result = Json::object();
    if (outcome.ok() && !outcome->error) {
      result["content"] = outcome->payload.value("content", Json::array());
      if (outcome->payload.value("isError", false)) result["isError"] = true;
    } else {
      const Error& e = outcome.ok() ? *outcome->error : outcome.error();
      result["content"] = Json::array({Json{{"type", "text"}, {"text", e.code + ": " + shown(e)}}});
      result["isError"] = true;
      record.error_code = e.code;
    }
    record.duration_ms = ms;
    record.outcome = result.value("isError", false) ? "error" : "ok";
    return result;
  }
  const bool complete = outcome.ok() && outcome->complete;

  Json structured;
  bool is_error = false;
  std::optional<std::string> error_code;
  if (tool.tier == ToolTier::kNone) {
    if (outcome.ok()) {
      structured = std::move(outcome->payload);
    } else {
      const Error& e = outcome.error();
      structured = Json{{"success", false}, {"code", e.code}, {"message", shown(e)}};
      structured["data"] = error_payload(e, ctx.request_id());
      is_error = true;
      error_code = e.code;
    }
  } else {
    governance::RawResponse raw;
    if (outcome.ok() && !outcome->error) {
      raw.success = true;
      raw.decision = outcome->decision;
      if (outcome->degraded) raw.degraded_mode = true;
      raw.data = std::move(outcome->payload);
    } else {
      const Error& e = outcome.ok() ? *outcome->error : outcome.error();
      raw.success = false;
      raw.code = e.code;
      raw.message = shown(e);
      raw.is_error = true;
      Json data = error_payload(e, ctx.request_id());
      if (outcome.ok()) {
        for (auto it = outcome->payload.begin(); it != outcome->payload.end(); ++it) data[it.key()] = it.value();
        raw.decision = outcome->decision;
        if (outcome->degraded) raw.degraded_mode = true;
      }
      raw.data = std::move(data);
      error_code = e.code;
    }
    if (tool.tier == ToolTier::kAuthoritative) record.verdict = raw.decision.value_or("");
    structured =
        governance::normalize(std::move(raw), {envelope_tier(tool), environment, ctx.request_id(), ctx.timestamp()});
    is_error = structured.value("isError", false);
  }

  // Whatever the tool itself did not clip stays within one client's result.
  std::string text = dump_pretty(structured);
  if (!complete) answer::fit_answer(structured, text, tool.tier == ToolTier::kNone ? "" : "data");

  record.duration_ms = ms;
  record.outcome = is_error ? "error" : "ok";
  record.error_code = error_code;
  if (structured.contains("decision")) record.decision = structured["decision"];
  if (tool.tier != ToolTier::kAuthoritative && record.decision.is_string()) record.verdict = record.decision;

  Json result = Json::object();
  result["content"] = Json::array({Json{{"type", "text"}, {"text", std::move(text)}}});
  const bool has_envelope_flag = structured.contains("isError");
  result["structuredContent"] = std::move(structured);
  if (is_error || (tool.tier != ToolTier::kNone && has_envelope_flag)) result["isError"] = is_error;
  return result;
}

}  // namespace pm::mcp
