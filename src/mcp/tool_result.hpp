#pragma once
// From a tool's handler to the CallToolResult a client sees: input validation against
// the advertised schema, the one place exceptions are caught, the governance envelope,
// and the tools/list description of a tool.
#include <string>

#include "mcp/recorder.hpp"
#include "mcp/tool.hpp"
#include "util/config.hpp"

namespace pm::mcp {

// tools/list entry for a tool (name, title, description, schemas, annotations).
Json describe_tool(const ToolDef& tool);
// The envelope outputSchema shared by the enveloped tools.
const Json& envelope_output_schema();

// Validates `args`, runs the handler, and builds the CallToolResult; fills the outcome,
// duration, error code and decision of `record`. Never throws for what the handler throws.
Json run_tool(const ToolDef& tool, const Json& args, ToolContext& ctx, Environment environment, CallRecord& record);

// The CallToolResult for an error raised around the handler (RATE_LIMITED, TIMEOUT).
Json tool_error_result(const ToolDef& tool, const Error& e, const std::string& request_id, const std::string& timestamp,
                       Environment environment);

}  // namespace pm::mcp
