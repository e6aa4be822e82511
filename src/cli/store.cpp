// phase-mirror-mcp store init|migrate|check: create, upgrade and verify the
// embedded database.
#include <CLI/CLI.hpp>

#include "cli/store_common.hpp"
#include "store/dynamodb/backends.hpp"
#include "store/services.hpp"
#include "store/sqlite/database.hpp"

namespace pm::cli {

namespace {

using namespace admin;

int run_store(const std::string& sub, bool json, const Config& config) {
  const std::string cmd = "store " + sub;
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

}  // namespace

void define_store(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("store", "Local database: init, migrate, check");
  cmd->require_subcommand(1);
  cmd->footer(
      "The database is <PHASE_MIRROR_DATA_DIR>/phase-mirror.db (default $XDG_DATA_HOME/phase-mirror, else\n"
      "~/.local/share/phase-mirror), WAL mode, shared safely by concurrent processes. Every command is\n"
      "idempotent. Exit code: 0 success, 1 store failure, 2 usage error.");
  auto json = std::make_shared<bool>(false);
  const std::pair<const char*, const char*> subs[] = {
      {"init", "Create the local database (and the configured DynamoDB tables)"},
      {"migrate", "Upgrade the database schema to this binary's version"},
      {"check", "Run SQLite's integrity check"}};
  for (const auto& [name, description] : subs) {
    auto* c = cmd->add_subcommand(name, description);
    add_json_flag(c, *json, "Print the result as JSON");
    c->callback([&action, json, sub = std::string(name)] {
      action = [json, sub](const Config& config) { return run_store(sub, *json, config); };
    });
  }
}

}  // namespace pm::cli
