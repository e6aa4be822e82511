#pragma once
// Helpers shared by the store admin commands (fp, consent, store, nonce):
// flag checking, usage errors (exit 2), store errors (exit 1), output.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/time.hpp"

namespace pm::cli::admin {

inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;
inline constexpr int kUsage = 2;

// "--flag" names that take a value, and boolean flags. Returns the first
// unknown or incomplete argument, if any.
inline std::optional<std::string> unknown_argument(const std::vector<std::string>& args, std::size_t from,
                                                   const std::set<std::string>& valued,
                                                   const std::set<std::string>& booleans) {
  for (std::size_t i = from; i < args.size(); ++i) {
    std::string a = args[i];
    auto eq = a.find('=');
    std::string name = eq == std::string::npos ? a : a.substr(0, eq);
    if (booleans.count(name) && eq == std::string::npos) continue;
    if (valued.count(name)) {
      if (eq == std::string::npos) {
        if (i + 1 >= args.size()) return a + " (needs a value)";
        ++i;
      }
      continue;
    }
    return a;
  }
  return std::nullopt;
}

// No arguments: help and exit 2; --help or "help": help and exit 0; else nullopt.
inline std::optional<int> help_requested(const std::vector<std::string>& args, const char* help) {
  if (args.empty()) {
    print_out(help);
    return kUsage;
  }
  if (has_flag(args, "--help") || args[0] == "help") {
    print_out(help);
    return kOk;
  }
  return std::nullopt;
}

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
