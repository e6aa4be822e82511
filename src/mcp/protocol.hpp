#pragma once
// JSON-RPC 2.0 as MCP uses it: error codes, protocol versions, message builders and the
// parsing of one message's text. Shared by the protocol core and every transport.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json.hpp"

namespace pm::mcp {

inline constexpr const char* kLatestProtocolVersion = "2025-11-25";
// Newest first.
const std::vector<std::string>& supported_protocol_versions();
bool is_supported_protocol_version(std::string_view version);

// JSON-RPC error codes.
namespace rpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
// MCP's "resource not found" (2025-11-25); the same number as kServerNotInitialized, which
// answers requests before initialize.
inline constexpr int kResourceNotFound = -32002;
}  // namespace rpc

Json make_result(const Json& id, Json result);
Json make_error(const Json& id, int code, const std::string& message, Json data = nullptr);
Json make_notification(const std::string& method, Json params);

// A request id is a string or an integer, never null.
bool valid_id(const Json& id);

// One message's text parsed: either the message, or the error response to send
// (id null: nothing of the message could be trusted).
struct ParsedMessage {
  Json message;
  std::optional<Json> error;
};
ParsedMessage parse_message(std::string_view text);

}  // namespace pm::mcp
