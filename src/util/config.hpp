#pragma once
// Process configuration, read once from the environment at start-up.
#include <cstdint>
#include <optional>
#include <string>

#include "util/error.hpp"
#include "util/log.hpp"

namespace pm {

enum class Environment { kLocal, kCloud };
const char* to_string(Environment e);

struct Config {
  std::string aws_region = "us-east-1";
  std::optional<std::string> fp_table_name;
  std::optional<std::string> consent_table_name;
  std::optional<std::string> block_counter_table_name;
  std::optional<std::string> nonce_parameter_name;
  std::string log_level = "info";  // as configured (lower-cased)
  log::Level log_level_value = log::Level::kInfo;
  log::Format log_format = log::Format::kText;
  bool metrics_emf = false;
  std::optional<std::string> workspace;  // PHASE_MIRROR_WORKSPACE
  std::string data_dir;                  // PHASE_MIRROR_DATA_DIR or XDG default
  std::uint64_t max_file_bytes = 10ull * 1024 * 1024;
  Environment environment = Environment::kLocal;
  // Per-tool token bucket (PHASE_MIRROR_RATE_LIMIT calls/s, PHASE_MIRROR_RATE_BURST);
  // 0 disables limiting.
  double rate_limit_per_sec = 20;
  double rate_burst = 40;
  // Per-call timeout (PHASE_MIRROR_CALL_TIMEOUT_MS); 0 disables it.
  std::int64_t call_timeout_ms = 50000;
  // After SIGTERM, how long a call that ignores its cancellation may keep the process
  // alive (PHASE_MIRROR_SHUTDOWN_GRACE_MS); the process exits when it runs out.
  std::int64_t shutdown_grace_ms = 2000;
  // How long the first call that needs the workspace waits for the client's roots/list
  // answer (PHASE_MIRROR_ROOTS_WAIT_MS); a client that misses it is not waited for again.
  std::int64_t roots_wait_ms = 1000;
  // Worker threads for tool calls (PHASE_MIRROR_WORKERS, 1 to 64).
  unsigned workers = 4;
  // Circuit breaker: blocks per repository per hour before a block degrades to warn
  // (PHASE_MIRROR_MAX_BLOCKS_PER_HOUR, default 100 as the reference).
  int max_blocks_per_hour = 100;

  // Reads the environment. Fails with a message naming the valid values when
  // a variable has an invalid value (LOG_LEVEL, LOG_FORMAT, METRICS_FORMAT, ...).
  static Result<Config> from_env();

  // Path of the embedded SQLite database: <data_dir>/phase-mirror.db.
  std::string database_path() const { return data_dir + "/phase-mirror.db"; }
};

// Reads NAME, falling back to COPILOT_MCP_NAME. Empty counts as unset.
std::optional<std::string> env_var(const char* name);
// Reads NAME only. Empty counts as unset. The one place that calls getenv, which is safe
// from any thread here because nothing in the process changes its environment.
std::optional<std::string> env_var_exact(const char* name);

}  // namespace pm
