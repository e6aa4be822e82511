// phase-mirror-mcp store init|migrate|check: create, upgrade and verify the
// embedded database.
#include "cli/store_common.hpp"
#include "store/dynamodb/backends.hpp"
#include "store/services.hpp"
#include "store/sqlite/database.hpp"

namespace pm::cli {

namespace {

using namespace admin;

const char* kStoreHelp =
    "Usage:\n"
    "  phase-mirror-mcp store init    [--json]   create the local database (PHASE_MIRROR_DATA_DIR)\n"
    "  phase-mirror-mcp store migrate [--json]   upgrade its schema to this binary's version\n"
    "  phase-mirror-mcp store check   [--json]   run SQLite's integrity check\n\n"
    "The database is <PHASE_MIRROR_DATA_DIR>/phase-mirror.db (default $XDG_DATA_HOME/phase-mirror, else\n"
    "~/.local/share/phase-mirror), WAL mode, shared safely by concurrent processes. Every command is\n"
    "idempotent. Exit code: 0 success, 1 store failure, 2 usage error.";

}  // namespace

int run_store(const std::vector<std::string>& args, const Config& config) {
  if (auto code = help_requested(args, kStoreHelp)) return *code;
  const std::string& sub = args[0];
  const std::string cmd = "store " + sub;
  if (sub != "init" && sub != "migrate" && sub != "check") {
    return usage_error("store", "unknown sub-command '" + sub + "' (init, migrate, check)");
  }
  if (auto bad = unknown_argument(args, 1, {}, {"--json"})) return usage_error(cmd, "unknown argument " + *bad);
  const bool json = has_flag(args, "--json");
  store::Services stores(config);
  auto db = stores.database();  // opening creates and migrates
  if (!db.ok()) return fail(cmd, db.error(), json);
  const int from = (*db)->opened_version();
  const int to = (*db)->schema_version();
  Json j{{"success", true}, {"backend", "sqlite"}, {"databasePath", (*db)->path()}, {"schemaVersion", to}};
  std::string text;
  if (sub == "check") {
    auto st = (*db)->integrity_check();
    if (!st.ok()) return fail(cmd, st.error(), json);
    j["integrity"] = "ok";
    text = "database " + (*db)->path() + ": integrity ok, schema version " + std::to_string(to);
  } else {
    j["previousVersion"] = from;
    j["migrated"] = from != to;
    if (from == 0) {
      text = "created " + (*db)->path() + " (schema version " + std::to_string(to) + ")";
    } else if (from != to) {
      text = "migrated " + (*db)->path() + " from schema version " + std::to_string(from) + " to " + std::to_string(to);
    } else {
      text = (*db)->path() + " is up to date (schema version " + std::to_string(to) + ")";
    }
  }
  if ((config.fp_table_name || config.consent_table_name || config.block_counter_table_name) && sub == "init") {
    // Creates each configured DynamoDB table that does not exist yet (layouts in docs/stores.md).
    auto tables = store::dynamodb::init_tables(config);
    if (!tables.ok()) return fail(cmd, tables.error(), json);
    j["dynamodb"] = *tables;
    for (const auto& line : *tables) text += "\n" + line;
  } else if (config.fp_table_name || config.consent_table_name || config.block_counter_table_name) {
    j["note"] = "DynamoDB tables are configured; this command manages the local database only.";
    text += "\nnote: DynamoDB tables are configured; this command manages the local database only.";
  }
  print_out(json ? dump_pretty(j) : text);
  return kOk;
}

}  // namespace pm::cli
