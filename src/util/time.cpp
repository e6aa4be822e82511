#include "util/time.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace pm {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's algorithm.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Parsed {
  SysTime time;
  bool utc_z = false;
  bool has_offset = false;
};

std::optional<Parsed> parse(std::string_view s, bool allow_date_only) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  Parsed p;
  std::int64_t ms = 0;
  if (s.size() == 10) {
    if (!allow_date_only) return std::nullopt;
    p.time = from_epoch_ms(days_from_civil(y, mo, d) * 86400000LL);
    return p;
  }
  if (s[10] != 'T' && s[10] != 't') return std::nullopt;
  if (!digits(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mi)) return std::nullopt;
  if (h > 23 || mi > 59) return std::nullopt;
  std::size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, sec) || sec > 59) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      int frac_ms = 0, scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (scale > 0) frac_ms += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return std::nullopt;
      ms = frac_ms;
    }
  }
  std::int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    p.utc_z = true;
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 6 > s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (std::int64_t{oh} * 60 + om) * (s[pos] == '+' ? 1 : -1);
    p.has_offset = true;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t total =
      days_from_civil(y, mo, d) * 86400000LL + (h * 3600LL + mi * 60LL + sec) * 1000LL + ms - offset_min * 60000LL;
  p.time = from_epoch_ms(total);
  return p;
}

}  // namespace

std::int64_t to_epoch_ms(SysTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

SysTime from_epoch_ms(std::int64_t ms) {
  // system_clock counts nanoseconds in 64 bits (years 1677 to 2262). Clients
  // send dates outside that range ("9999-12-31T00:00:00Z"): clamp to the
  // extremes, which keeps their order, instead of overflowing.
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  constexpr std::int64_t kMin = duration_cast<milliseconds>(SysTime::duration::min()).count();
  constexpr std::int64_t kMax = duration_cast<milliseconds>(SysTime::duration::max()).count();
  return SysTime(milliseconds(std::clamp(ms, kMin, kMax)));
}

std::string iso8601_ms(SysTime t) {
  const std::int64_t total_ms = to_epoch_ms(t);
  std::int64_t secs = total_ms / 1000;
  int ms = static_cast<int>(total_ms % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[96];  // room for every field at its widest int: never truncated
  (void)std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string now_iso8601_ms() {
  return iso8601_ms(std::chrono::system_clock::now());
}

std::optional<SysTime> parse_iso8601(std::string_view s, bool allow_date_only) {
  auto p = parse(s, allow_date_only);
  if (!p) return std::nullopt;
  return p->time;
}

bool is_utc_datetime(std::string_view s) {
  auto p = parse(s, false);
  return p && p->utc_z;
}

}  // namespace pm
