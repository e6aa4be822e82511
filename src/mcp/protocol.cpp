#include "mcp/protocol.hpp"

#include <algorithm>

namespace pm::mcp {

const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> v = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  return v;
}

bool is_supported_protocol_version(std::string_view version) {
  const auto& v = supported_protocol_versions();
  return std::find(v.begin(), v.end(), version) != v.end();
}

std::string negotiate_protocol_version(std::string_view requested) {
  return is_supported_protocol_version(requested) ? std::string(requested) : kLatestProtocolVersion;
}

Json make_result(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json make_error(const Json& id, int code, const std::string& message, Json data) {
  Json err = {{"code", code}, {"message", message}};
  if (!data.is_null()) err["data"] = std::move(data);
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}};
}

Json make_notification(const std::string& method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

bool valid_id(const Json& id) {
  return id.is_string() || id.is_number_integer() || id.is_number_unsigned();
}

ParsedMessage parse_message(std::string_view text) {
  ParsedMessage out;
  out.message = parse_or_discard(text);
  if (!out.message.is_discarded()) return out;
  std::string why;
  if (!is_valid_utf8(text)) {
    why = "Parse error: the message is not valid UTF-8 (JSON-RPC messages must be UTF-8)";
  } else if (json_nests_deeper_than(text, kMaxJsonDepth)) {
    why = "Parse error: the message nests arrays/objects deeper than the limit of " + std::to_string(kMaxJsonDepth) +
          " levels";
  } else {
    why = "Parse error: the message is not valid JSON";
  }
  out.error = make_error(nullptr, rpc::kParseError, why);
  return out;
}

}  // namespace pm::mcp
