#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pm {

using SysTime = std::chrono::system_clock::time_point;

// YYYY-MM-DDTHH:mm:ss.sssZ (UTC, always 3 fractional digits).
std::string iso8601_ms(SysTime t);
std::string now_iso8601_ms();
// Milliseconds since the Unix epoch.
std::int64_t to_epoch_ms(SysTime t);
SysTime from_epoch_ms(std::int64_t ms);

// Parses RFC 3339 / ISO-8601 date-times: YYYY-MM-DDTHH:MM[:SS[.frac]](Z|±HH:MM),
// and a bare date YYYY-MM-DD when allow_date_only. Validates ranges and leap years.
std::optional<SysTime> parse_iso8601(std::string_view s, bool allow_date_only = false);

// True for the datetime shape zod's .datetime() accepts (UTC 'Z' only, seconds optional).
bool is_utc_datetime(std::string_view s);

}  // namespace pm
