#include "l0/request.hpp"

namespace pm::l0 {
namespace {

std::optional<std::string> opt_string(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<double> opt_number(const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::vector<std::string> string_list(const Json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Error missing(std::string message) {
  return Error::missing_parameter(std::move(message), {"Inputs each invariant needs: " + inputs_needed_text()});
}

// A metric is {name, value} (reference form) or a bare number (currentValue/baselineValue).
bool read_metric(const Json& drift, const char* metric_key, const char* value_key, double& value, Json& evidence) {
  if (auto m = drift.find(metric_key); m != drift.end() && m->is_object()) {
    auto v = m->find("value");
    if (v == m->end() || !v->is_number()) return false;
    value = v->get<double>();
    evidence = *m;
    return true;
  }
  if (auto v = opt_number(drift, value_key)) {
    value = *v;
    evidence = *v;
    return true;
  }
  return false;
}

}  // namespace

std::string inputs_needed_text() {
  std::string s;
  for (std::size_t i = 0; i < kInvariantCount; ++i) {
    const auto& inf = info(static_cast<Invariant>(i));
    if (!s.empty()) s += "; ";
    s += std::string(inf.id) + " " + std::string(inf.name) + " needs " + std::string(inf.needs);
  }
  return s;
}

Result<Request> parse_request(const Json& args) {
  const Json& a = args.is_object() ? args : Json::object();
  Request r;

  if (auto c = a.find("checks"); c != a.end() && c->is_array() && !c->empty()) {
    r.wanted.fill(false);
    r.filtered = true;
    for (const auto& v : *c) {
      if (!v.is_string()) continue;
      auto inv = invariant_from_string(v.get_ref<const std::string&>());
      if (!inv) return Error::invalid_input("Unknown check '" + v.get<std::string>() + "'");
      r.wanted[static_cast<std::size_t>(*inv)] = true;
    }
  }

  r.schema_file = opt_string(a, "schemaFile");
  r.expected_schema_hash = opt_string(a, "expectedSchemaHash");
  r.workflow_files = string_list(a, "workflowFiles");
  if (auto f = a.find("files"); f != a.end() && f->is_array()) r.files = string_list(a, "files");
  r.org_id = opt_string(a, "orgId");
  r.rule_id = opt_string(a, "ruleId");
  r.policy_file = opt_string(a, "policyFile");
  r.context = opt_string(a, "context").value_or("");

  if (auto d = a.find("driftCheck"); d != a.end() && d->is_object()) {
    DriftRequest dr;
    if (!read_metric(*d, "currentMetric", "currentValue", dr.current, dr.current_evidence))
      return missing("driftCheck needs driftCheck.currentMetric {name, value} or driftCheck.currentValue");
    if (!read_metric(*d, "baselineMetric", "baselineValue", dr.baseline, dr.baseline_evidence))
      return missing("driftCheck needs driftCheck.baselineMetric {name, value} or driftCheck.baselineValue");
    dr.threshold = opt_number(*d, "threshold").value_or(0.5);
    r.drift = std::move(dr);
  }

  if (auto n = a.find("nonceValidation"); n != a.end() && n->is_object()) {
    NonceRequest nr;
    auto nonce = opt_string(*n, "nonce");
    if (!nonce) return missing("nonceValidation needs nonceValidation.nonce");
    auto ts = opt_string(*n, "timestamp");
    if (!ts) return missing("nonceValidation needs nonceValidation.timestamp");
    nr.nonce = std::move(*nonce);
    nr.timestamp = std::move(*ts);
    nr.max_age_seconds = opt_number(*n, "maxAgeSeconds").value_or(3600);
    r.nonce = std::move(nr);
  }

  if (r.org_id.has_value() != r.rule_id.has_value())
    return missing(r.org_id ? "orgId is given without ruleId: the FP store's witness count needs both"
                            : "ruleId is given without orgId: the FP store's witness count needs both");

  if (auto c = a.find("contractionCheck"); c != a.end() && c->is_object()) {
    ContractionRequest cr;
    auto prev = opt_number(*c, "previousFPR");
    if (!prev) return missing("contractionCheck needs contractionCheck.previousFPR");
    auto cur = opt_number(*c, "currentFPR");
    if (!cur) return missing("contractionCheck needs contractionCheck.currentFPR");
    cr.previous_fpr = *prev;
    cr.current_fpr = *cur;
    if (auto w = c->find("witnessEventCount"); w != c->end() && w->is_number()) {
      cr.witness_event_count = static_cast<long long>(w->get<double>());
    }
    if (auto m = c->find("minRequiredEvents"); m != c->end() && m->is_number()) {
      cr.min_required = static_cast<long long>(m->get<double>());
    }
    if (!cr.witness_event_count && !r.org_id)
      return missing(
          "contractionCheck needs contractionCheck.witnessEventCount, or orgId and ruleId to count reviewed "
          "false-positive events in the FP store");
    r.contraction = cr;
  } else if (r.org_id) {
    return missing(
        "orgId and ruleId are used by L0-005 contraction_witness, which needs contractionCheck "
        "{previousFPR, currentFPR}");
  }

  // Half a pair is an error, never a silent skip.
  if (r.schema_file && !r.expected_schema_hash)
    return missing("schemaFile is given without expectedSchemaHash: L0-001 schema_hash needs both");
  if (!r.schema_file && r.expected_schema_hash)
    return missing("expectedSchemaHash is given without schemaFile: L0-001 schema_hash needs both");

  const bool any_input = r.schema_file || !r.workflow_files.empty() || r.files || r.drift || r.nonce || r.contraction;
  if (!any_input) return missing("validate_l0_invariants needs at least one input. " + inputs_needed_text() + ".");

  // An explicitly requested check must have its input (workflows may still
  // come from `files`, which the loader inspects).
  if (r.filtered) {
    const std::array<bool, kInvariantCount> has = {r.schema_file.has_value(),
                                                   !r.workflow_files.empty() || r.files.has_value(),
                                                   r.drift.has_value(), r.nonce.has_value(), r.contraction.has_value()};
    for (std::size_t i = 0; i < kInvariantCount; ++i) {
      if (r.wanted[i] && !has[i]) {
        const auto& inf = info(static_cast<Invariant>(i));
        return missing("checks requests " + std::string(inf.id) + " " + std::string(inf.name) + ", which needs " +
                       std::string(inf.needs));
      }
    }
  }
  return r;
}

}  // namespace pm::l0
