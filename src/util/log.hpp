#pragma once
// Logging to stderr only (stdout belongs to JSON-RPC). Never throws.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/json.hpp"

namespace pm::log {

// RFC 5424 levels as MCP names them; LOG_LEVEL uses the first four.
enum class Level { kDebug = 0, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };
enum class Format { kText, kJson };

// Parses an MCP level name; also accepts "warn" (LOG_LEVEL spelling). Case-insensitive.
std::optional<Level> parse_level(std::string_view name);
const char* level_name(Level l);  // MCP spelling ("warning")

void configure(Level min_level, Format format);
Level min_level();
Format format();

// Emits one line: text "LEVEL message key=value ..." or one JSON object.
// `fields` must be an object (or null).
void write(Level l, std::string_view message, const Json& fields = nullptr);

inline void debug(std::string_view m, const Json& f = nullptr) {
  write(Level::kDebug, m, f);
}
inline void info(std::string_view m, const Json& f = nullptr) {
  write(Level::kInfo, m, f);
}
inline void warn(std::string_view m, const Json& f = nullptr) {
  write(Level::kWarning, m, f);
}
inline void error(std::string_view m, const Json& f = nullptr) {
  write(Level::kError, m, f);
}

// Writes a raw line to stderr as is (banner, EMF records). Thread-safe.
void raw_line(std::string_view line);

// Forwarder for MCP notifications/message, installed by the session. Called
// for every record at or above the client's requested level.
using Forwarder = std::function<void(Level, const Json& record)>;
void set_forwarder(Forwarder f, Level client_level);
void set_client_level(Level l);

}  // namespace pm::log
