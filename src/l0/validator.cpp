#include "l0/validator.hpp"

#include <charconv>
#include <chrono>
#include <cmath>

#include "util/time.hpp"

namespace pm::l0 {
namespace {

// Keeps the compiler from hoisting a check out of the timing loop or
// dropping its result: the "memory" clobber says anything may have changed.
template <class T>
inline void opaque(const T* p) {
  asm volatile("" : : "r"(p) : "memory");
}

template <class In, class Check>
auto timed(const In& in, Check check, long long& ns) {
  auto out = check(in);  // warm-up: caches, branch predictors
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kTimingRuns; ++i) {
    opaque(&in);
    out = check(in);
    opaque(&out);
  }
  const auto t1 = std::chrono::steady_clock::now();
  const long long total = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
  ns = std::max<long long>(1, (total + kTimingRuns - 1) / kTimingRuns);
  return out;
}

// Numbers in messages as JavaScript prints them: 3600, not 3600.0.
std::string js_number(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return dump_line(Json(v));
}

std::string sev(Invariant inv) {
  return to_string(info(inv).severity);
}

std::string location(const WorkflowCheck& wf, int line) {
  return wf.relative + ":" + std::to_string(line);
}

Json schema_result(const SchemaCheck& sc, bool passed, std::string& message, std::string& remediation) {
  const std::string expected_lower(sc.input.expected.data(), sc.input.expected_len);
  if (passed) {
    message = "Schema hash valid";
  } else {
    message = "Schema hash mismatch for " + sc.file + ": expected " + sc.expected_given + ", actual " +
              sc.actual.substr(0, sc.input.expected_len) +
              (sc.input.expected_len < 64 ? " (full SHA-256 " + sc.actual + ")" : "");
    remediation = "Restore " + sc.file +
                  " to its approved version, or update expectedSchemaHash to its SHA-256 after review "
                  "(sha256sum " +
                  sc.file + ")";
  }
  return Json{{"schemaFile", sc.file},
              {"expected", sc.expected_given},
              {"actual", sc.actual},
              {"comparedChars", sc.input.expected_len},
              {"schemaLength", sc.bytes}};
}

Json workflow_result(const WorkflowCheck& wf, const PermissionOutcome& out, const std::string& policy_source,
                     std::string& message, std::string& remediation) {
  Json ev = Json{{"workflow", wf.file}, {"permissionsDeclared", wf.declared}, {"policy", policy_source}};
  if (wf.parse_error) {
    const auto& pe = *wf.parse_error;
    message = "Workflow " + wf.file + " is not valid YAML (" + location(wf, pe.line) + ": " + pe.message +
              "); its permissions cannot be verified";
    remediation = "Fix the YAML syntax at " + location(wf, pe.line) + ", then validate again";
    ev["parseError"] = Json{{"message", pe.message}, {"line", pe.line}, {"column", pe.column}};
    return ev;
  }
  if (out.passed) {
    message = "Workflow " + wf.file + " follows least privilege";
    return ev;
  }
  Json violations = Json::array();
  Json locations = Json::array();
  std::string listed;
  for (std::size_t i = 0; i < wf.grants.size(); ++i) {
    if (!exceeds(wf.grants[i])) continue;
    const auto& site = wf.sites[i];
    const std::string text = site.scope + ": " + site.granted;
    const std::string loc = location(wf, wf.grants[i].line);
    violations.push_back(text);
    Json l = Json{{"scope", site.scope},
                  {"granted", site.granted},
                  {"ceiling", site.ceiling},
                  {"level", site.job.empty() ? "workflow" : "job"}};
    if (!site.job.empty()) l["job"] = site.job;
    l["file"] = wf.relative;
    l["line"] = wf.grants[i].line;
    l["location"] = loc;
    locations.push_back(std::move(l));
    if (!listed.empty()) listed += ", ";
    listed.append(text).append(" at ").append(loc);
    if (!site.job.empty()) listed.append(" (job ").append(site.job).append(")");
  }
  message = "Workflow " + wf.file + " has excessive permissions: " + listed;
  remediation =
      "Grant at most read (or the ceiling in the policy file) at workflow level and give write scopes only to the "
      "job that needs them, allowed in .github/.phase-mirror/policy.json workflowPermissions";
  ev["violations"] = std::move(violations);
  ev["locations"] = std::move(locations);
  return ev;
}

Json drift_result(const DriftCheck& dc, const DriftOutcome& out, std::string& message, std::string& remediation) {
  const double threshold = dc.input.threshold;
  Json ev = Json::object();
  if (out.unbounded && dc.input.baseline != 0) {
    message = "Drift unbounded: |current - baseline| / |baseline| is too large to represent (current " +
              js_number(dc.input.current) + ", baseline " + js_number(dc.input.baseline) + "); it exceeds threshold " +
              fixed1(threshold * 100) + "%";
    ev["drift"] = nullptr;
    ev["unbounded"] = true;
  } else if (out.unbounded) {
    message = "Drift unbounded: baseline is 0 and current is " + js_number(dc.input.current) +
              " (any change from a zero baseline exceeds threshold " + fixed1(threshold * 100) + "%)";
    ev["drift"] = nullptr;
    ev["unbounded"] = true;
  } else {
    message =
        "Drift " + fixed1(out.drift * 100) + "% " +
        (out.passed ? std::string("within acceptable range") : "exceeds threshold " + fixed1(threshold * 100) + "%");
    ev["drift"] = out.drift;
  }
  if (!out.passed)
    remediation = "Investigate why the metric moved from its baseline before proceeding; re-baseline only after review";
  ev["threshold"] = threshold;
  ev["current"] = dc.current;
  ev["baseline"] = dc.baseline;
  return ev;
}

Json nonce_result(const NonceCheck& nc, const NonceOutcome& out, std::string& message, std::string& remediation) {
  const double age = static_cast<double>(out.age_ms) / 1000.0;
  switch (out.status) {
    case NonceStatus::kFresh: message = "Nonce fresh (age: " + fixed1(age) + "s)"; break;
    case NonceStatus::kExpired:
      message = "Nonce expired (age: " + fixed1(age) + "s, max: " + js_number(nc.max_age_seconds) + "s)";
      break;
    case NonceStatus::kFuture:
      message = "Nonce timestamp is in the future (by " + fixed1(-age) + "s; allowed clock skew " +
                fixed1(static_cast<double>(nc.input.skew_ms) / 1000.0) + "s)";
      break;
    case NonceStatus::kMalformed: message = "Nonce timestamp is not a valid date-time: " + nc.timestamp; break;
    case NonceStatus::kEmpty: message = "Nonce value is empty"; break;
  }
  if (!out.passed()) remediation = "Issue a fresh nonce with the current UTC time and retry";
  Json ev = Json::object();
  if (out.status == NonceStatus::kMalformed) {
    ev["age"] = nullptr;
  } else {
    ev["age"] = age;
  }
  ev["maxAge"] = nc.max_age_seconds;
  ev["nonce"] = nc.nonce;
  if (nc.input.timestamp_valid) {
    ev["timestamp"] = iso8601_ms(from_epoch_ms(nc.input.timestamp_ms));
  } else {
    ev["timestamp"] = nc.timestamp;
  }
  ev["clockSkewSeconds"] = static_cast<double>(nc.input.skew_ms) / 1000.0;
  return ev;
}

Json contraction_result(const ContractionCheck& cc, const ContractionOutcome& out, std::string& message,
                        std::string& remediation) {
  const auto& in = cc.input;
  Json ev = Json{{"decrease", out.decrease}};
  switch (out.status) {
    case ContractionStatus::kNoSignificantDecrease: message = "No significant FPR decrease to validate"; break;
    case ContractionStatus::kValidated:
      message = "FPR decrease validated with " + std::to_string(in.reviewed_events) + " reviewed events";
      break;
    case ContractionStatus::kInsufficient:
      message = "Insufficient evidence: " + std::to_string(in.reviewed_events) +
                " events (minimum: " + std::to_string(in.min_required) + ")";
      remediation =
          "Provide at least " + std::to_string(in.min_required) + " reviewed FP events to justify FPR decrease";
      break;
    case ContractionStatus::kUnavailable:
      message = "Witness count unavailable: " + cc.unavailable_reason.value_or("FP store unavailable");
      remediation = "Retry when the FP store is reachable, or pass contractionCheck.witnessEventCount";
      break;
  }
  if (out.status != ContractionStatus::kNoSignificantDecrease) {
    if (in.count_known) {
      ev["eventCount"] = in.reviewed_events;
      ev["reviewedCount"] = in.reviewed_events;
    }
    ev["minRequired"] = in.min_required;
  }
  ev["previousFPR"] = in.previous_fpr;
  ev["currentFPR"] = in.current_fpr;
  ev["eventSource"] = cc.source;
  if (cc.org_id) ev["orgId"] = *cc.org_id;
  if (cc.rule_id) ev["ruleId"] = *cc.rule_id;
  return ev;
}

}  // namespace

std::string fixed1(double v) {
  // From 1e21 on, toFixed gives what String(v) gives ("1e+21"), not every digit of the value.
  if (!std::isfinite(v) || std::fabs(v) >= 1e21) return dump_line(Json(v));
  // Round half away from zero on the decimal value, as JS toFixed does for ties.
  const double r = std::round(v * 10.0) / 10.0;
  char buf[32];  // below 1e21: a sign, 22 digits, the point and one decimal
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, r, std::chars_format::fixed, 1);
  if (ec != std::errc()) return dump_line(Json(v));
  return std::string(buf, end);
}

Evaluation evaluate(const Inputs& in) {
  Evaluation ev;
  ev.results.reserve(in.workflows.size() + 4);
  auto add = [&ev](CheckResult r) {
    ev.total_ns += r.ns;
    ev.max_ns = std::max(ev.max_ns, r.ns);
    ev.within_target = ev.within_target && r.ns < kTargetNsPerCheck;
    ev.failed += r.passed ? 0 : 1;
    ev.results.push_back(r);
  };
  if (in.schema) {
    CheckResult r;
    r.invariant = Invariant::kSchemaHash;
    r.passed = timed(in.schema->input, check_schema_hash, r.ns);
    add(r);
  }
  for (std::size_t i = 0; i < in.workflows.size(); ++i) {
    const auto& wf = in.workflows[i];
    const PermissionInput pin{wf.grants, wf.parse_error.has_value()};
    CheckResult r;
    r.invariant = Invariant::kPermissionBits;
    r.index = i;
    r.permissions = timed(pin, check_permissions, r.ns);
    r.passed = r.permissions.passed;
    add(r);
  }
  if (in.drift) {
    CheckResult r;
    r.invariant = Invariant::kDriftMagnitude;
    r.drift = timed(in.drift->input, check_drift, r.ns);
    r.passed = r.drift.passed;
    add(r);
  }
  if (in.nonce) {
    CheckResult r;
    r.invariant = Invariant::kNonceFreshness;
    r.nonce = timed(in.nonce->input, check_nonce, r.ns);
    r.passed = r.nonce.passed();
    add(r);
  }
  if (in.contraction) {
    CheckResult r;
    r.invariant = Invariant::kContractionWitness;
    r.contraction = timed(in.contraction->input, check_contraction, r.ns);
    r.passed = r.contraction.passed();
    add(r);
  }
  return ev;
}

std::string decision(const Inputs& in, const Evaluation& ev) {
  if (ev.failed > 0) return "block";
  if (!in.file_errors.empty() || (in.contraction && !in.contraction->input.count_known)) return "warn";
  return "pass";
}

Json render(const Inputs& in, const Evaluation& ev) {
  Json results = Json::array();
  for (const auto& r : ev.results) {
    std::string message, remediation;
    Json evidence;
    switch (r.invariant) {
      case Invariant::kSchemaHash: evidence = schema_result(*in.schema, r.passed, message, remediation); break;
      case Invariant::kPermissionBits:
        evidence = workflow_result(in.workflows[r.index], r.permissions, in.policy_source, message, remediation);
        break;
      case Invariant::kDriftMagnitude: evidence = drift_result(*in.drift, r.drift, message, remediation); break;
      case Invariant::kNonceFreshness: evidence = nonce_result(*in.nonce, r.nonce, message, remediation); break;
      case Invariant::kContractionWitness:
        evidence = contraction_result(*in.contraction, r.contraction, message, remediation);
        break;
    }
    Json o = Json::object();
    o["invariantId"] = info(r.invariant).id;
    o["name"] = info(r.invariant).name;
    o["passed"] = r.passed;
    o["message"] = message;
    o["evidence"] = std::move(evidence);
    if (!r.passed) {
      o["severity"] = sev(r.invariant);
      o["remediation"] = remediation;
    }
    o["performanceNs"] = r.ns;
    results.push_back(std::move(o));
  }

  const std::size_t run = ev.results.size();
  const std::size_t passed = run - ev.failed;
  Json recs = Json::array();
  if (run == 0) {
    recs.push_back("No L0 invariant applied to this input. Inputs each invariant needs: " + inputs_needed_text() + ".");
  } else if (ev.failed == 0) {
    recs.push_back("✅ All L0 invariants passed. Foundation governance checks satisfied.");
  } else {
    recs.push_back("⚠️  " + std::to_string(ev.failed) +
                   " L0 check(s) failed. Review violations before proceeding.");
  }
  if (!ev.within_target)
    recs.push_back("⚠️  L0 validation: slowest check took " + std::to_string(ev.max_ns) +
                   "ns (target: <100ns per check). Performance degradation detected.");
  if (!in.file_errors.empty()) {
    std::string paths;
    for (const auto& fe : in.file_errors) paths += (paths.empty() ? "" : ", ") + fe.path + " (" + fe.code + ")";
    recs.push_back("⚠️  " + std::to_string(in.file_errors.size()) +
                   " file(s) could not be read and were not validated: " + paths);
  }
  if (in.degraded_reason) recs.push_back("⚠️  Degraded: " + *in.degraded_reason);

  const std::string rule(40, '=');
  std::string report = "L0 Invariants Validation Report\n" + rule + "\nTotal checks: " + std::to_string(run) +
                       "\nPassed: " + std::to_string(passed) + "\nFailed: " + std::to_string(ev.failed) +
                       "\nPerformance: " + std::to_string(ev.total_ns) + "ns total, slowest check " +
                       std::to_string(ev.max_ns) +
                       "ns (target: <100ns per check)\nStatus: " + (ev.failed == 0 ? "PASS" : "FAIL") + "\n" + rule;

  Json validation = Json::object();
  validation["allPassed"] = ev.failed == 0;
  validation["checksRun"] = run;
  validation["passed"] = passed;
  validation["failed"] = ev.failed;
  validation["performanceNs"] = ev.total_ns;
  validation["withinPerformanceTarget"] = ev.within_target;
  validation["results"] = std::move(results);
  validation["recommendations"] = std::move(recs);
  validation["report"] = std::move(report);

  Json payload = Json::object();
  payload["validation"] = std::move(validation);
  if (!in.file_errors.empty()) {
    Json fe = Json::array();
    for (const auto& e : in.file_errors) fe.push_back(Json{{"path", e.path}, {"code", e.code}});
    payload["fileErrors"] = std::move(fe);
  }
  if (in.degraded_reason) payload["degradedReason"] = *in.degraded_reason;
  return payload;
}

}  // namespace pm::l0
