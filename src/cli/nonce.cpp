// phase-mirror-mcp nonce rotate: write a new version of the nonce (keeping the
// previous one) or of the org salt (keeping every earlier one) for look-ups.
#include "cli/store_common.hpp"
#include "store/services.hpp"

namespace pm::cli {

namespace {

using namespace admin;

const char* kNonceHelp =
    "Usage:\n"
    "  phase-mirror-mcp nonce rotate [--kind nonce|org_salt] [--json]\n"
    "  phase-mirror-mcp nonce show   [--kind nonce|org_salt] [--json]   (versions only, never the value)\n\n"
    "Rotates the nonce (default) or the org salt that keys the org-id HMAC. The previous nonce stays\n"
    "valid; every earlier org salt stays valid for look-ups, so records written under any of them are\n"
    "still found. Local backend: the SQLite store;\n"
    "with NONCE_PARAMETER_NAME set, SSM Parameter Store.\n"
    "Exit code: 0 success, 1 store failure, 2 usage error.";

}  // namespace

int run_nonce(const std::vector<std::string>& args, const Config& config) {
  if (auto code = help_requested(args, kNonceHelp)) return *code;
  const std::string& sub = args[0];
  if (sub != "rotate" && sub != "show") return usage_error("nonce", "unknown sub-command '" + sub + "' (rotate, show)");
  const std::string cmd = "nonce " + sub;
  if (auto bad = unknown_argument(args, 1, {"--kind"}, {"--json"})) return usage_error(cmd, "unknown argument " + *bad);
  store::SecretKind kind = store::SecretKind::kNonce;
  if (auto k = flag_value(args, "--kind")) {
    if (*k == "org_salt") {
      kind = store::SecretKind::kOrgSalt;
    } else if (*k != "nonce") {
      return usage_error(cmd, "--kind must be nonce or org_salt");
    }
  }
  const bool json = has_flag(args, "--json");
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

}  // namespace pm::cli
