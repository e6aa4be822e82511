#include "util/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>

#include "util/secrets.hpp"
#include "util/time.hpp"

namespace pm::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kText};
std::mutex g_mu;  // serialises stderr lines and the forwarder
Forwarder g_forwarder;
std::atomic<Level> g_client_level{Level::kEmergency};
thread_local bool t_in_forwarder = false;

void write_fd2(std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(2, s.data(), s.size());
    if (n <= 0) return;  // stderr gone: logging never throws
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Secret values out of a record: fields named like a secret lose their value,
// and every string loses the secret values the process remembers.
void scrub(Json& j) {
  if (j.is_string()) {
    std::string& s = j.get_ref<std::string&>();
    s = secrets::redact(s);
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (secrets::is_secret_field(it.key())) {
        it.value() = secrets::kMark;
      } else {
        scrub(it.value());
      }
    }
  } else if (j.is_array()) {
    for (auto& v : j) scrub(v);
  }
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "debug") return Level::kDebug;
  if (n == "info") return Level::kInfo;
  if (n == "notice") return Level::kNotice;
  if (n == "warning" || n == "warn") return Level::kWarning;
  if (n == "error") return Level::kError;
  if (n == "critical") return Level::kCritical;
  if (n == "alert") return Level::kAlert;
  if (n == "emergency") return Level::kEmergency;
  return std::nullopt;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kNotice: return "notice";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
    case Level::kCritical: return "critical";
    case Level::kAlert: return "alert";
    case Level::kEmergency: return "emergency";
  }
  return "info";
}

void configure(Level min_level, Format format) {
  g_level = min_level;
  g_format = format;
}
Level min_level() {
  return g_level;
}
Format format() {
  return g_format;
}

void write(Level l, std::string_view message, const Json& fields) {
  try {
    const bool to_stderr = l >= g_level.load();
    const bool to_client = g_forwarder && l >= g_client_level.load();
    if (!to_stderr && !to_client) return;
    Json record = Json::object();
    record["time"] = now_iso8601_ms();
    record["level"] = level_name(l);
    record["msg"] = message;
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) record[it.key()] = it.value();
    }
    scrub(record);
    std::string line;
    if (g_format.load() == Format::kJson) {
      line = dump_line(record);
    } else {
      line = record["time"].get<std::string>() + " " + level_name(l) + " " + record["msg"].get<std::string>();
      for (auto it = record.begin(); it != record.end(); ++it) {
        if (it.key() == "time" || it.key() == "level" || it.key() == "msg") continue;
        line += " " + it.key() + "=" + (it.value().is_string() ? it.value().get<std::string>() : dump_line(it.value()));
      }
      // One record, one line.
      std::replace(line.begin(), line.end(), '\n', ' ');
    }
    line.push_back('\n');
    std::lock_guard lock(g_mu);
    if (to_stderr) write_fd2(line);
    if (to_client && g_forwarder && !t_in_forwarder) {
      t_in_forwarder = true;
      g_forwarder(l, record);
      t_in_forwarder = false;
    }
  } catch (...) {
    // Logging never throws.
  }
}

void raw_line(std::string_view line) {
  std::lock_guard lock(g_mu);
  write_fd2(line);
  write_fd2("\n");
}

void set_forwarder(Forwarder f, Level client_level) {
  std::lock_guard lock(g_mu);
  g_forwarder = std::move(f);
  g_client_level = g_forwarder ? client_level : Level::kEmergency;
}

void set_client_level(Level l) {
  g_client_level = l;
}

}  // namespace pm::log
