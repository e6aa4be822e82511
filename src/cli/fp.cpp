// phase-mirror-mcp fp record|review|list: fill and inspect the FP store.
#include <CLI/CLI.hpp>

#include "cli/store_common.hpp"
#include "store/services.hpp"

namespace pm::cli {

namespace {

using namespace admin;

struct FpOptions {
  std::string org, rule, finding, repo, outcome, reviewed_by, note, event_id, rule_version, at;
  std::string event, since, until;
  std::size_t limit = 0;
  bool json = false;
};

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

int record(const FpOptions& o, store::Services& stores) {
  const bool json = o.json;
  store::FpRecord rec;
  rec.rule_id = o.rule;
  rec.finding_id = o.finding;
  rec.repository = o.repo;
  rec.reviewed_by = o.reviewed_by;
  rec.note = o.note;
  rec.event_id = o.event_id;
  rec.rule_version = o.rule_version;
  if (!o.outcome.empty()) rec.outcome = *store::parse_fp_outcome(o.outcome);
  if (rec.outcome != store::FpOutcome::kPending && rec.reviewed_by.empty()) {
    return usage_error("fp record", "--reviewed-by is required with --outcome " + std::string(to_string(rec.outcome)));
  }
  if (!o.at.empty()) rec.created_at_ms = *parse_date(o.at);
  auto key = stores.org_key(o.org);
  if (!key.ok()) return fail("fp record", key.error(), json);
  auto fp = stores.fp_store();
  if (!fp.ok()) return fail("fp record", fp.error(), json);
  auto e = (*fp)->record(*key, rec);
  if (!e.ok()) return fail("fp record", e.error(), json);
  print_out(json ? dump_pretty(Json{{"success", true}, {"event", event_json(*e)}}) : "recorded " + event_line(*e));
  return kOk;
}

int review(const FpOptions& o, store::Services& stores) {
  const bool json = o.json;
  if (o.event.empty() == o.finding.empty()) return usage_error("fp review", "give exactly one of --event or --finding");
  store::FpReview rv;
  rv.event_id = o.event;
  rv.finding_id = o.finding;
  rv.outcome = *store::parse_fp_outcome(o.outcome);
  rv.reviewed_by = o.reviewed_by;
  rv.note = o.note;
  auto key = stores.org_key(o.org);
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

int list(const FpOptions& o, store::Services& stores) {
  const bool json = o.json;
  store::FpListQuery q;
  if (!o.rule.empty()) q.rule_id = o.rule;
  if (!o.since.empty()) q.window.since_ms = *parse_date(o.since);
  if (!o.until.empty()) q.window.until_ms = *parse_date(o.until);
  if (o.limit > 0) q.limit = o.limit;
  auto key = stores.org_key(o.org);
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

void define_fp(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("fp", "False-positive store: record findings, review them, list them");
  cmd->require_subcommand(1);
  cmd->footer(
      "The FP rate of a rule is false positives / reviewed events. Org ids are stored only as HMAC-SHA256\n"
      "under the org salt. Exit code: 0 success, 1 store or input failure, 2 usage error.");
  auto o = std::make_shared<FpOptions>();
  const auto select = [&action, o](int (*fn)(const FpOptions&, store::Services&)) {
    return [&action, o, fn] {
      action = [o, fn](const Config& c) {
        store::Services stores(c);
        return fn(*o, stores);
      };
    };
  };
  const auto org = [&o](CLI::App* sub) {
    add_value(sub, "--org", o->org, "Organisation (kept only as an HMAC)")
        ->type_name("ORG")
        ->required()
        ->check(org_id());
  };

  auto* rec = cmd->add_subcommand("record", "Record a finding (pending unless --outcome says otherwise)");
  org(rec);
  add_value(rec, "--rule", o->rule, "Rule of the finding")->type_name("MD-###")->required()->check(rule_id());
  add_value(rec, "--finding", o->finding, "findingId of the finding")->type_name("ID")->required();
  add_value(rec, "--repo", o->repo, "Repository")->type_name("OWNER/NAME")->check(repository_name());
  add_value(rec, "--outcome", o->outcome, "Review outcome (default pending)")
      ->type_name("OUTCOME")
      ->check(CLI::IsMember({"pending", "false_positive", "true_positive"}));
  add_value(rec, "--reviewed-by", o->reviewed_by, "Reviewer (required with an outcome other than pending)")
      ->type_name("WHO");
  add_value(rec, "--note", o->note, "Review note")->type_name("TEXT");
  add_value(rec, "--event-id", o->event_id, "Event id (default: a new UUID)")->type_name("UUID")->transform(uuid());
  add_value(rec, "--rule-version", o->rule_version, "Version of the rule that reported it")->type_name("V");
  add_value(rec, "--at", o->at, "When the finding was reported (default now; not in the future)")
      ->type_name("DATE")
      ->check(iso_date(true));
  add_json_flag(rec, o->json, "Print {success, event} as JSON");
  rec->callback(select(record));

  auto* rev = cmd->add_subcommand("review", "Review recorded findings as false or true positives");
  org(rev);
  auto* event = add_value(rev, "--event", o->event, "Event to review")->type_name("UUID")->transform(uuid());
  add_value(rev, "--finding", o->finding, "Review every event of this findingId")->type_name("ID")->excludes(event);
  add_value(rev, "--outcome", o->outcome, "Review outcome")
      ->type_name("OUTCOME")
      ->required()
      ->check(CLI::IsMember({"false_positive", "true_positive"}));
  add_value(rev, "--reviewed-by", o->reviewed_by, "Reviewer")->type_name("WHO")->required();
  add_value(rev, "--note", o->note, "Review note")->type_name("TEXT");
  add_json_flag(rev, o->json, "Print {success, updated, events} as JSON");
  rev->callback(select(review));

  auto* ls = cmd->add_subcommand("list", "List recorded findings");
  org(ls);
  add_value(ls, "--rule", o->rule, "Only this rule")->type_name("MD-###")->check(rule_id());
  add_value(ls, "--since", o->since, "Only events from this date on")->type_name("DATE")->check(iso_date(false));
  add_value(ls, "--until", o->until, "Only events before this date")->type_name("DATE")->check(iso_date(false));
  ls->add_option("--limit", o->limit, "At most N events")->type_name("N")->check(CLI::Range(1, 100000));
  add_json_flag(ls, o->json, "Print {success, count, events} as JSON");
  ls->callback(select(list));
}

}  // namespace pm::cli
