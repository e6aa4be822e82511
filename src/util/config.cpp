#include "util/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace pm {

const char* to_string(Environment e) {
  return e == Environment::kCloud ? "cloud" : "local";
}

std::optional<std::string> env_var_exact(const char* name) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): no setenv/putenv/unsetenv anywhere in the process
  if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return std::string(v);
  return std::nullopt;
}

std::optional<std::string> env_var(const char* name) {
  if (auto v = env_var_exact(name)) return v;
  return env_var_exact((std::string("COPILOT_MCP_") + name).c_str());
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Error config_error(const std::string& var, const std::string& value, const std::string& choices) {
  Error e{code::kInvalidInput, "Invalid " + var + " '" + value + "': expected one of " + choices, Severity::kHigh};
  return e;
}

}  // namespace

Result<Config> Config::from_env() {
  Config c;
  if (auto v = env_var("AWS_REGION")) c.aws_region = *v;
  c.fp_table_name = env_var("FP_TABLE_NAME");
  c.consent_table_name = env_var("CONSENT_TABLE_NAME");
  c.block_counter_table_name = env_var("BLOCK_COUNTER_TABLE_NAME");
  c.nonce_parameter_name = env_var("NONCE_PARAMETER_NAME");
  c.environment = c.fp_table_name && c.consent_table_name ? Environment::kCloud : Environment::kLocal;

  if (auto v = env_var("LOG_LEVEL")) {
    const std::string l = lower(*v);
    if (l != "error" && l != "warn" && l != "warning" && l != "info" && l != "debug") {
      return config_error("LOG_LEVEL", *v, "error, warn, info, debug");
    }
    c.log_level = l == "warning" ? "warn" : l;
    c.log_level_value = *log::parse_level(l);
  }
  if (auto v = env_var("LOG_FORMAT")) {
    const std::string f = lower(*v);
    if (f == "json") {
      c.log_format = log::Format::kJson;
    } else if (f != "text") {
      return config_error("LOG_FORMAT", *v, "text, json");
    }
  }
  if (auto v = env_var("METRICS_FORMAT")) {
    const std::string f = lower(*v);
    if (f == "emf") {
      c.metrics_emf = true;
    } else if (f != "none") {
      return config_error("METRICS_FORMAT", *v, "emf, none");
    }
  }
  c.workspace = env_var("PHASE_MIRROR_WORKSPACE");
  if (auto v = env_var("PHASE_MIRROR_DATA_DIR")) {
    c.data_dir = *v;
  } else if (auto x = env_var("XDG_DATA_HOME")) {
    c.data_dir = *x + "/phase-mirror";
  } else if (auto h = env_var("HOME")) {
    c.data_dir = *h + "/.local/share/phase-mirror";
  } else {
    c.data_dir = ".phase-mirror";
  }
  if (auto v = env_var("PHASE_MIRROR_MAX_FILE_BYTES")) {
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(v->c_str(), &end, 10);
    if (errno != 0 || end == v->c_str() || *end != '\0' || n == 0 || (*v)[0] == '-') {
      return config_error("PHASE_MIRROR_MAX_FILE_BYTES", *v, "a positive integer (bytes)");
    }
    c.max_file_bytes = n;
  }
  auto number = [](const char* var, double min, double max, double& out) -> std::optional<Error> {
    auto v = env_var(var);
    if (!v) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double d = std::strtod(v->c_str(), &end);
    if (errno != 0 || end == v->c_str() || *end != '\0' || !(d >= min && d <= max)) {
      return config_error(var, *v,
                          "a number from " + std::to_string(static_cast<long long>(min)) + " to " +
                              std::to_string(static_cast<long long>(max)));
    }
    out = d;
    return std::nullopt;
  };
  if (auto e = number("PHASE_MIRROR_RATE_LIMIT", 0, 1e6, c.rate_limit_per_sec)) return *e;
  if (auto e = number("PHASE_MIRROR_RATE_BURST", 1, 1e6, c.rate_burst)) return *e;
  double timeout = static_cast<double>(c.call_timeout_ms);
  if (auto e = number("PHASE_MIRROR_CALL_TIMEOUT_MS", 0, 86400000, timeout)) return *e;
  c.call_timeout_ms = static_cast<std::int64_t>(timeout);
  // Whole numbers: a fraction is refused rather than cut.
  auto whole = [&number](const char* var, double min, double max, double fallback,
                         double& out) -> std::optional<Error> {
    out = fallback;
    if (auto e = number(var, min, max, out)) return e;
    if (out != std::floor(out)) return config_error(var, *env_var(var), "a whole number");
    return std::nullopt;
  };
  double n = 0;
  if (auto e = whole("PHASE_MIRROR_WORKERS", 1, 64, c.workers, n)) return *e;
  c.workers = static_cast<unsigned>(n);
  if (auto e = whole("PHASE_MIRROR_SHUTDOWN_GRACE_MS", 0, 600000, static_cast<double>(c.shutdown_grace_ms), n))
    return *e;
  c.shutdown_grace_ms = static_cast<std::int64_t>(n);
  if (auto e = whole("PHASE_MIRROR_ROOTS_WAIT_MS", 0, 60000, static_cast<double>(c.roots_wait_ms), n)) return *e;
  c.roots_wait_ms = static_cast<std::int64_t>(n);
  if (auto e = whole("PHASE_MIRROR_MAX_BLOCKS_PER_HOUR", 1, 1e6, c.max_blocks_per_hour, n)) return *e;
  c.max_blocks_per_hour = static_cast<int>(n);
  return c;
}

}  // namespace pm
