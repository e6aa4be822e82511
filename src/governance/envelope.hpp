#pragma once
// The governance envelope and its floors (reference mcp-server.md §4.3–4.4),
// with the fixes of PRODUCT.md §3. Pure functions.
#include <optional>
#include <string>

#include "util/config.hpp"
#include "util/json.hpp"

namespace pm::governance {

enum class Tier { kAuthoritative, kExperimental };
const char* to_string(Tier t);

struct RawResponse {
  bool success = true;
  std::optional<std::string> code;
  std::optional<std::string> message;
  std::optional<bool> is_error;
  std::optional<std::string> decision;  // "block" | "warn" | "pass"
  std::optional<bool> degraded_mode;
  Json data = Json::object();
};

struct EnvelopeContext {
  Tier tier = Tier::kAuthoritative;
  Environment environment = Environment::kLocal;
  std::string request_id;
  std::string timestamp;  // ISO-8601 with milliseconds and Z
};

// Applies the floors and returns the envelope with the documented key order:
// success, code, message, isError, tier, environment, decision, degradedMode,
// tierBadge, environmentBadge, decisionBadge, requestId, timestamp, data.
Json normalize(RawResponse raw, const EnvelopeContext& ctx);

// Request id in the reference's shape: <epoch ms>-<9 base-36 chars>.
std::string make_request_id();

}  // namespace pm::governance
