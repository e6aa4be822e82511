// phase-mirror-mcp fp record|review|list: fill and inspect the FP store.
#include "cli/store_common.hpp"
#include "store/services.hpp"

namespace pm::cli {

namespace {

using namespace admin;

const char* kFpHelp =
    "Usage:\n"
    "  phase-mirror-mcp fp record --org ORG --rule MD-### --finding ID [--repo OWNER/NAME]\n"
    "                             [--outcome pending|false_positive|true_positive] [--reviewed-by WHO]\n"
    "                             [--note TEXT] [--event-id UUID] [--rule-version V] [--at DATE] [--json]\n"
    "  phase-mirror-mcp fp review --org ORG (--event UUID | --finding ID)\n"
    "                             --outcome false_positive|true_positive --reviewed-by WHO [--note TEXT] [--json]\n"
    "  phase-mirror-mcp fp list   --org ORG [--rule MD-###] [--since DATE] [--until DATE] [--limit N] [--json]\n\n"
    "Records findings, reviews them as false or true positives, and lists them. The FP rate of a rule is\n"
    "false positives / reviewed events. Org ids are stored only as HMAC-SHA256 under the org salt.\n"
    "Exit code: 0 success, 1 store or input failure, 2 usage error.";

Json event_json(const store::FpEvent& e) {
  Json j{{"eventId", e.event_id},
         {"ruleId", e.rule_id},
         {"ruleVersion", e.rule_version},
         {"findingId", e.finding_id},
         {"repository", e.repository},
         {"outcome", store::to_string(e.outcome)},
         {"reviewedBy", e.reviewed_by},
         {"reviewedAt", nullptr},
         {"note", e.note},
         {"createdAt", iso(e.created_at_ms)},
         {"updatedAt", iso(e.updated_at_ms)},
         {"saltVersion", e.salt_version}};
  if (e.reviewed_at_ms) j["reviewedAt"] = iso(*e.reviewed_at_ms);
  return j;
}

std::string event_line(const store::FpEvent& e) {
  std::string s = e.event_id + "  " + iso(e.created_at_ms) + "  " + e.rule_id + "  " + e.finding_id + "  " +
                  store::to_string(e.outcome);
  if (!e.reviewed_by.empty()) s += "  by " + e.reviewed_by;
  if (!e.repository.empty()) s += "  " + e.repository;
  if (!e.note.empty()) s += "  \"" + e.note + "\"";
  return s;
}

int record(const std::vector<std::string>& args, store::Services& stores, bool json) {
  if (auto bad = unknown_argument(args, 1,
                                  {"--org", "--rule", "--finding", "--repo", "--outcome", "--reviewed-by", "--note",
                                   "--event-id", "--rule-version", "--at"},
                                  {"--json"})) {
    return usage_error("fp record", "unknown or incomplete argument " + *bad);
  }
  auto org = flag_value(args, "--org");
  auto rule = flag_value(args, "--rule");
  auto finding = flag_value(args, "--finding");
  if (!org || !rule || !finding) return usage_error("fp record", "--org, --rule and --finding are required");
  store::FpRecord rec;
  rec.rule_id = *rule;
  rec.finding_id = *finding;
  rec.repository = flag_value(args, "--repo").value_or("");
  rec.reviewed_by = flag_value(args, "--reviewed-by").value_or("");
  rec.note = flag_value(args, "--note").value_or("");
  rec.event_id = flag_value(args, "--event-id").value_or("");
  rec.rule_version = flag_value(args, "--rule-version").value_or("");
  if (auto o = flag_value(args, "--outcome")) {
    auto parsed = store::parse_fp_outcome(*o);
    if (!parsed) return usage_error("fp record", "--outcome must be pending, false_positive or true_positive");
    rec.outcome = *parsed;
  }
  if (rec.outcome != store::FpOutcome::kPending && rec.reviewed_by.empty()) {
    return usage_error("fp record", "--reviewed-by is required with --outcome " + std::string(to_string(rec.outcome)));
  }
  if (auto at = flag_value(args, "--at")) {
    auto ms = parse_date(*at);
    if (!ms) return usage_error("fp record", "--at must be an ISO-8601 date or date-time");
    rec.created_at_ms = *ms;
  }
  auto key = stores.org_key(*org);
  if (!key.ok()) return fail("fp record", key.error(), json);
  auto fp = stores.fp_store();
  if (!fp.ok()) return fail("fp record", fp.error(), json);
  auto e = (*fp)->record(*key, rec);
  if (!e.ok()) return fail("fp record", e.error(), json);
  print_out(json ? dump_pretty(Json{{"success", true}, {"event", event_json(*e)}}) : "recorded " + event_line(*e));
  return kOk;
}

int review(const std::vector<std::string>& args, store::Services& stores, bool json) {
  if (auto bad = unknown_argument(args, 1, {"--org", "--event", "--finding", "--outcome", "--reviewed-by", "--note"},
                                  {"--json"})) {
    return usage_error("fp review", "unknown or incomplete argument " + *bad);
  }
  auto org = flag_value(args, "--org");
  auto event = flag_value(args, "--event");
  auto finding = flag_value(args, "--finding");
  auto outcome = flag_value(args, "--outcome");
  auto by = flag_value(args, "--reviewed-by");
  if (!org) return usage_error("fp review", "--org is required");
  if (event.has_value() == finding.has_value())
    return usage_error("fp review", "give exactly one of --event or --finding");
  if (!outcome || !by) return usage_error("fp review", "--outcome and --reviewed-by are required");
  auto parsed = store::parse_fp_outcome(*outcome);
  if (!parsed || *parsed == store::FpOutcome::kPending) {
    return usage_error("fp review", "--outcome must be false_positive or true_positive");
  }
  store::FpReview rv;
  rv.event_id = event.value_or("");
  rv.finding_id = finding.value_or("");
  rv.outcome = *parsed;
  rv.reviewed_by = *by;
  rv.note = flag_value(args, "--note").value_or("");
  auto key = stores.org_key(*org);
  if (!key.ok()) return fail("fp review", key.error(), json);
  auto fp = stores.fp_store();
  if (!fp.ok()) return fail("fp review", fp.error(), json);
  auto updated = (*fp)->review(*key, rv);
  if (!updated.ok()) return fail("fp review", updated.error(), json);
  if (json) {
    Json events = Json::array();
    for (const auto& e : *updated) events.push_back(event_json(e));
    print_out(dump_pretty(Json{{"success", true}, {"updated", updated->size()}, {"events", events}}));
  } else {
    std::string out = "reviewed " + std::to_string(updated->size()) + " event(s)";
    for (const auto& e : *updated) out += "\n  " + event_line(e);
    print_out(out);
  }
  return kOk;
}

int list(const std::vector<std::string>& args, store::Services& stores, bool json) {
  if (auto bad = unknown_argument(args, 1, {"--org", "--rule", "--since", "--until", "--limit"}, {"--json"})) {
    return usage_error("fp list", "unknown or incomplete argument " + *bad);
  }
  auto org = flag_value(args, "--org");
  if (!org) return usage_error("fp list", "--org is required");
  store::FpListQuery q;
  q.rule_id = flag_value(args, "--rule");
  if (auto s = flag_value(args, "--since")) {
    auto ms = parse_date(*s);
    if (!ms) return usage_error("fp list", "--since must be an ISO-8601 date or date-time");
    q.window.since_ms = *ms;
  }
  if (auto s = flag_value(args, "--until")) {
    auto ms = parse_date(*s);
    if (!ms) return usage_error("fp list", "--until must be an ISO-8601 date or date-time");
    q.window.until_ms = *ms;
  }
  if (auto l = flag_value(args, "--limit")) {
    char* end = nullptr;
    long n = std::strtol(l->c_str(), &end, 10);
    if (end == l->c_str() || *end != '\0' || n < 1 || n > 100000) {
      return usage_error("fp list", "--limit must be a number from 1 to 100000");
    }
    q.limit = static_cast<std::size_t>(n);
  }
  auto key = stores.org_key(*org);
  if (!key.ok()) return fail("fp list", key.error(), json);
  auto fp = stores.fp_store();
  if (!fp.ok()) return fail("fp list", fp.error(), json);
  auto events = (*fp)->list(*key, q);
  if (!events.ok()) return fail("fp list", events.error(), json);
  if (json) {
    Json arr = Json::array();
    for (const auto& e : *events) arr.push_back(event_json(e));
    print_out(dump_pretty(Json{{"success", true}, {"count", events->size()}, {"events", arr}}));
  } else {
    std::string out = std::to_string(events->size()) + " event(s)";
    for (const auto& e : *events) out += "\n" + event_line(e);
    print_out(out);
  }
  return kOk;
}

}  // namespace

int run_fp(const std::vector<std::string>& args, const Config& config) {
  if (auto code = help_requested(args, kFpHelp)) return *code;
  const bool json = has_flag(args, "--json");
  store::Services stores(config);
  if (args[0] == "record") return record(args, stores, json);
  if (args[0] == "review") return review(args, stores, json);
  if (args[0] == "list") return list(args, stores, json);
  return usage_error("fp", "unknown sub-command '" + args[0] + "' (record, review, list)");
}

}  // namespace pm::cli
