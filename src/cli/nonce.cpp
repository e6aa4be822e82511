// phase-mirror-mcp nonce rotate: write a new version of the nonce (keeping the
// previous one) or of the org salt (keeping every earlier one) for look-ups.
#include <CLI/CLI.hpp>

#include "cli/store_common.hpp"
#include "store/services.hpp"

namespace pm::cli {

namespace {

using namespace admin;

struct NonceOptions {
  std::string kind = "nonce";
  bool json = false;
};

int run_nonce(const std::string& sub, const NonceOptions& o, const Config& config) {
  const std::string cmd = "nonce " + sub;
  const store::SecretKind kind = o.kind == "org_salt" ? store::SecretKind::kOrgSalt : store::SecretKind::kNonce;
  const bool json = o.json;
  store::Services stores(config);
  auto src = stores.nonce_source();
  if (!src.ok()) return fail(cmd, src.error(), json);
  if (sub == "rotate") {
    // Make sure a first version exists, so a rotation always leaves a previous one.
    if (auto cur = (*src)->versions(kind); !cur.ok()) return fail(cmd, cur.error(), json);
    auto v = (*src)->rotate(kind);
    if (!v.ok()) return fail(cmd, v.error(), json);
    if (json) {
      print_out(dump_pretty(Json{{"success", true},
                                 {"kind", store::to_string(kind)},
                                 {"backend", (*src)->backend()},
                                 {"version", v->version},
                                 {"previousVersion", v->version - 1},
                                 {"createdAt", iso(v->created_at_ms)}}));
    } else {
      const std::string kept = kind == store::SecretKind::kOrgSalt && v->version > 2
                                   ? "versions 1 to " + std::to_string(v->version - 1)
                                   : "version " + std::to_string(v->version - 1);
      print_out(std::string("rotated ") + store::to_string(kind) + " to version " + std::to_string(v->version) + " (" +
                kept + " still accepted for look-ups)");
    }
    return kOk;
  }
  auto versions = (*src)->versions(kind);
  if (!versions.ok()) return fail(cmd, versions.error(), json);
  Json arr = Json::array();
  std::string text = std::string(store::to_string(kind)) + " versions (" + (*src)->backend() + "):";
  for (const auto& v : *versions) {
    arr.push_back(Json{{"version", v.version}, {"createdAt", iso(v.created_at_ms)}});
    text += "\n  " + std::to_string(v.version) + "  created " + iso(v.created_at_ms);
  }
  print_out(json ? dump_pretty(Json{{"success", true}, {"kind", store::to_string(kind)}, {"versions", arr}}) : text);
  return kOk;
}

}  // namespace

void define_nonce(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("nonce", "Nonce and org salt: rotate, show versions");
  cmd->require_subcommand(1);
  cmd->footer(
      "The previous nonce stays valid; every earlier org salt stays valid for look-ups, so records\n"
      "written under any of them are still found.\n"
      "Local backend: the SQLite store; with NONCE_PARAMETER_NAME set, SSM Parameter Store.\n"
      "Exit code: 0 success, 1 store failure, 2 usage error.");
  auto o = std::make_shared<NonceOptions>();
  for (const std::string sub : {"rotate", "show"}) {
    auto* c = cmd->add_subcommand(sub, sub == "rotate" ? "Write a new version of the nonce or the org salt"
                                                       : "List the versions (never the value)");
    add_value(c, "--kind", o->kind, "Which secret (default nonce)")
        ->type_name("KIND")
        ->check(CLI::IsMember({"nonce", "org_salt"}));
    add_json_flag(c, o->json, "Print the result as JSON");
    c->callback([&action, o, sub] { action = [o, sub](const Config& config) { return run_nonce(sub, *o, config); }; });
  }
}

}  // namespace pm::cli
