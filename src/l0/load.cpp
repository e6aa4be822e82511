#include "l0/load.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "util/time.hpp"

namespace pm::l0 {
namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const std::string_view suf(suffix);
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// Ceiling for a read-all/write-all shorthand: the lowest ceiling of any scope.
Level shorthand_ceiling(const engine::Policy& policy) {
  Level c = Level::kRead;
  for (const auto& [scope, level] : policy.workflow_permissions) c = std::min(c, engine::gha::level_of(level));
  return c;
}

void add_permissions(const engine::Permissions& p, std::string_view job, const engine::Policy& policy,
                     WorkflowCheck& out) {
  if (!p.present) return;
  out.declared = true;
  if (!p.shorthand.empty()) {
    Grant g;
    g.line = p.line;
    g.ceiling = shorthand_ceiling(policy);
    // write-all, or a value GitHub does not define (counted as write-all): never least privilege.
    g.level = engine::gha::broadest(p);
    g.write_all = g.level == Level::kWrite;
    out.grants.push_back(g);
    out.sites.push_back({"permissions", std::string(p.shorthand), engine::gha::to_string(g.ceiling), std::string(job)});
  }
  for (const auto& [scope, level] : p.scopes) {
    Grant g;
    g.level = engine::gha::level_of(level.value);
    g.ceiling = ceiling_of(policy, scope);
    g.line = level.line != 0 ? level.line : p.line;
    out.grants.push_back(g);
    out.sites.push_back(
        {std::string(scope), std::string(level.value), engine::gha::to_string(g.ceiling), std::string(job)});
  }
}

std::int64_t seconds_to_ms(double s) {
  constexpr double kMax = static_cast<double>(std::numeric_limits<std::int64_t>::max()) / 4;  // 2^61
  const double ms = s * 1000.0;
  return ms >= kMax ? static_cast<std::int64_t>(kMax) : static_cast<std::int64_t>(std::llround(ms));
}

Result<engine::FileData> read_required(const engine::Workspace& ws, const std::string& path) {
  auto f = ws.read(path);
  if (!f) return f.take_error();
  return f;
}

}  // namespace

Level ceiling_of(const engine::Policy& policy, std::string_view scope) {
  return engine::gha::level_of(policy.permission_ceiling(scope));
}

bool normalise_expected_hash(const std::string& given, SchemaHashInput& out) {
  if (given.size() < 8 || given.size() > 64) return false;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto c = static_cast<unsigned char>(given[i]);
    if (!std::isxdigit(c)) return false;
    out.expected[i] = static_cast<char>(std::tolower(c));
  }
  out.expected_len = static_cast<std::uint8_t>(given.size());
  return true;
}

WorkflowCheck extract_permissions(const std::string& given, const std::string& relative, const engine::WorkflowFile& wf,
                                  const engine::Policy& policy) {
  WorkflowCheck out;
  out.file = given;
  out.relative = relative;
  out.parse_error = wf.parse_error;
  add_permissions(wf.permissions, "", policy, out);
  for (const auto& job : wf.jobs) add_permissions(job.permissions, job.id, policy, out);
  return out;
}

Result<Inputs> load(const Request& req, const LoadEnv& env) {
  Budget unlimited;
  Budget& budget = env.budget != nullptr ? *env.budget : unlimited;
  const auto stopped = [&budget] { return budget.error("validate_l0_invariants"); };
  Inputs in;
  in.policy_source = env.policy.loaded ? env.policy.path : "defaults (every scope read)";
  const auto& ws = env.workspace;

  if (req.wants(Invariant::kSchemaHash) && req.schema_file && req.expected_schema_hash) {
    SchemaCheck sc;
    if (!normalise_expected_hash(*req.expected_schema_hash, sc.input))
      return Error::invalid_input("expectedSchemaHash must be 8 to 64 hexadecimal characters (a SHA-256 or a prefix)",
                                  Json{{"field", "expectedSchemaHash"}});
    auto f = read_required(ws, *req.schema_file);
    if (!f) return f.take_error();
    std::copy_n(f->sha256.begin(), std::min<std::size_t>(64, f->sha256.size()), sc.input.actual.begin());
    sc.file = *req.schema_file;
    sc.expected_given = *req.expected_schema_hash;
    sc.actual = f->sha256;
    sc.bytes = f->bytes.size();
    in.schema = std::move(sc);
  }

  if (req.wants(Invariant::kPermissionBits)) {
    for (const auto& path : req.workflow_files) {
      if (!budget.step(Budget::kLookEvery)) return stopped();
      auto f = read_required(ws, path);
      if (!f) return f.take_error();
      const auto wf = engine::parse_workflow(f->path.relative, f->bytes, &budget);
      if (budget.stopped()) return stopped();
      in.workflows.push_back(extract_permissions(path, f->path.relative, wf, env.policy));
    }
  }

  // The generic {files, context} form: workflow files among `files` get L0-002.
  if (req.files) {
    std::size_t readable = 0;
    for (const auto& path : *req.files) {
      if (!budget.step(Budget::kLookEvery + req.workflow_files.size())) return stopped();
      if (std::find(req.workflow_files.begin(), req.workflow_files.end(), path) != req.workflow_files.end()) {
        ++readable;
        continue;
      }
      auto resolved = ws.resolve(path);
      if (!resolved) {
        in.file_errors.push_back({path, resolved.error().code});
        continue;
      }
      const bool workflow_path = engine::gha::is_workflow_path(resolved->relative);
      const bool yaml = ends_with(resolved->relative, ".yml") || ends_with(resolved->relative, ".yaml");
      if (!req.wants(Invariant::kPermissionBits) || (!workflow_path && !yaml)) {
        ++readable;
        continue;
      }
      auto f = ws.read(path);
      if (!f) {
        in.file_errors.push_back({path, f.error().code});
        continue;
      }
      ++readable;
      const auto wf = engine::parse_workflow(f->path.relative, f->bytes, &budget);
      if (budget.stopped()) return stopped();
      if (workflow_path || engine::gha::is_workflow(wf))
        in.workflows.push_back(extract_permissions(path, f->path.relative, wf, env.policy));
    }
    const bool other_inputs = in.schema || !req.workflow_files.empty() || req.drift || req.nonce || req.contraction;
    if (readable == 0 && !req.files->empty() && !other_inputs) {
      Error e = Error::file_not_found(req.files->front());
      e.message =
          req.files->size() == 1 ? e.message : "None of the files could be read (first: " + req.files->front() + ")";
      Json errs = Json::array();
      for (const auto& fe : in.file_errors) errs.push_back(Json{{"path", fe.path}, {"code", fe.code}});
      e.details["fileErrors"] = std::move(errs);
      return e;
    }
    if (req.filtered && req.wants(Invariant::kPermissionBits) && in.workflows.empty() && req.workflow_files.empty())
      return Error::missing_parameter(
          "checks requests L0-002 permission_bits, but none of the files is a GitHub Actions workflow",
          {"Pass workflow files (e.g. .github/workflows/ci.yml) in workflowFiles or files"});
  }

  if (req.wants(Invariant::kDriftMagnitude) && req.drift) {
    DriftCheck dc;
    dc.input = {req.drift->current, req.drift->baseline, req.drift->threshold};
    dc.current = req.drift->current_evidence;
    dc.baseline = req.drift->baseline_evidence;
    in.drift = std::move(dc);
  }

  if (req.wants(Invariant::kNonceFreshness) && req.nonce) {
    NonceCheck nc;
    nc.nonce = req.nonce->nonce;
    nc.timestamp = req.nonce->timestamp;
    nc.max_age_seconds = req.nonce->max_age_seconds;
    auto ts = parse_iso8601(req.nonce->timestamp);
    nc.input.timestamp_valid = ts.has_value();
    nc.input.timestamp_ms = ts ? to_epoch_ms(*ts) : 0;
    nc.input.now_ms = env.now_ms;
    nc.input.max_age_ms = seconds_to_ms(req.nonce->max_age_seconds);
    nc.input.nonce_empty = req.nonce->nonce.empty();
    in.nonce = std::move(nc);
  }

  if (req.wants(Invariant::kContractionWitness) && req.contraction) {
    const auto& cr = *req.contraction;
    ContractionCheck cc;
    cc.input.previous_fpr = cr.previous_fpr;
    cc.input.current_fpr = cr.current_fpr;
    cc.input.min_required = cr.min_required;
    cc.org_id = req.org_id;
    cc.rule_id = req.rule_id;
    cc.source = "witnessEventCount";
    if (req.org_id && req.rule_id && env.witness_count) {
      auto count = env.witness_count(*req.org_id, *req.rule_id);
      if (count) {
        cc.input.reviewed_events = *count;
        cc.source = "fpStore";
      } else {
        const std::string reason = "FP store unavailable for the L0-005 witness count: " + count.error().message;
        in.degraded_reason = reason;
        if (cr.witness_event_count) {
          cc.input.reviewed_events = *cr.witness_event_count;
        } else {
          cc.input.count_known = false;
          cc.unavailable_reason = reason;
        }
      }
    } else if (cr.witness_event_count) {
      cc.input.reviewed_events = *cr.witness_event_count;
    } else {
      return Error::missing_parameter(
          "contractionCheck.witnessEventCount is required: the FP store's count for orgId/ruleId is not available "
          "in this server",
          {"Pass contractionCheck.witnessEventCount (reviewed false-positive events)"});
    }
    in.contraction = std::move(cc);
  }
  return in;
}

}  // namespace pm::l0
