#pragma once
// Helpers shared by the store admin commands (fp, consent, store, nonce):
// usage errors found after parsing (exit 2), store errors (exit 1), output.
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/time.hpp"

namespace pm::cli::admin {

inline constexpr int kOk = kExitOk;
inline constexpr int kFailure = kExitFailure;
inline constexpr int kUsage = kExitUsage;

inline int usage_error(const std::string& cmd, const std::string& message) {
  print_err("phase-mirror-mcp " + cmd + ": " + message + " (see phase-mirror-mcp " + cmd + " --help)");
  return kUsage;
}

// A store or input error: JSON on stdout with --json, one line on stderr always.
inline int fail(const std::string& cmd, const Error& e, bool json) {
  if (json) {
    Json j{{"success", false}, {"code", e.code}, {"message", e.message}, {"retryable", e.retryable}};
    if (!e.suggestions.empty()) j["suggestions"] = e.suggestions;
    print_out(dump_pretty(j));
  }
  print_err("phase-mirror-mcp " + cmd + ": " + e.code + ": " + e.message);
  return kFailure;
}

inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Epoch ms of an ISO-8601 date or date-time.
inline std::optional<std::int64_t> parse_date(const std::string& s) {
  auto t = parse_iso8601(s, true);
  if (!t) return std::nullopt;
  return to_epoch_ms(*t);
}

inline std::string iso(std::int64_t ms) {
  return iso8601_ms(from_epoch_ms(ms));
}

}  // namespace pm::cli::admin
