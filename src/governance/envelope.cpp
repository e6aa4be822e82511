#include "governance/envelope.hpp"

#include <chrono>

#include "util/crypto.hpp"

namespace pm::governance {

const char* to_string(Tier t) {
  return t == Tier::kExperimental ? "experimental" : "authoritative";
}

namespace {

const char* decision_badge(const std::string& d) {
  if (d == "block") return "\xF0\x9F\x9B\x91 Block";        // U+1F6D1
  if (d == "warn") return "\xE2\x9A\xA0\xEF\xB8\x8F Warn";  // U+26A0 U+FE0F
  if (d == "pass") return "\xE2\x9C\x85 Pass";              // U+2705
  return nullptr;
}

}  // namespace

Json normalize(RawResponse raw, const EnvelopeContext& ctx) {
  // Floor 1: experimental tools never block and never carry an invariant
  // violation. CONSENT_REQUIRED stays: it is an access refusal, not a verdict.
  if (ctx.tier == Tier::kExperimental) {
    bool clamped = false;
    if (raw.decision == "block") {
      raw.decision = "warn";
      clamped = true;
    }
    if (raw.code && *raw.code == "INVARIANT_VIOLATION") {
      raw.code.reset();
      clamped = true;
    }
    if (clamped && !raw.is_error) raw.is_error = false;
  }
  // Floor 2: authoritative tools are advisory on a local machine.
  if (ctx.tier == Tier::kAuthoritative && ctx.environment == Environment::kLocal) {
    raw.degraded_mode = true;
    if (raw.decision == "block") raw.decision = "warn";
    if (!raw.is_error) raw.is_error = false;
  }

  Json env = Json::object();
  env["success"] = raw.success;
  if (raw.code) env["code"] = *raw.code;
  if (raw.message) env["message"] = *raw.message;
  if (raw.is_error) env["isError"] = *raw.is_error;
  env["tier"] = to_string(ctx.tier);
  env["environment"] = to_string(ctx.environment);
  if (raw.decision) env["decision"] = *raw.decision;
  if (raw.degraded_mode) env["degradedMode"] = *raw.degraded_mode;
  env["tierBadge"] = ctx.tier == Tier::kExperimental ? "\xF0\x9F\xA7\xAA Experimental"    // U+1F9EA
                                                     : "\xF0\x9F\x94\x92 Authoritative";  // U+1F512
  env["environmentBadge"] = ctx.environment == Environment::kCloud
                                ? "\xE2\x98\x81\xEF\xB8\x8F Cloud (binding)"  // U+2601 U+FE0F
                                : "\xF0\x9F\x92\xBB Local (degraded)";        // U+1F4BB
  if (raw.decision) {
    if (const char* b = decision_badge(*raw.decision)) env["decisionBadge"] = b;
  }
  env["requestId"] = ctx.request_id;
  env["timestamp"] = ctx.timestamp;
  env["data"] = std::move(raw.data);
  return env;
}

std::string make_request_id() {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  const std::string rnd = random_bytes(9);
  std::string suffix;
  for (unsigned char c : rnd) suffix.push_back(kAlphabet[c % 36]);
  return std::to_string(ms) + "-" + suffix;
}

}  // namespace pm::governance
