#include "mcp/recorder.hpp"

#include <chrono>
#include <cmath>

#include "util/log.hpp"
#include "util/time.hpp"

namespace pm::mcp {

Json sanitize_args(const Json& args) {
  if (args.is_string()) {
    const auto& s = args.get_ref<const std::string&>();
    if (s.size() > 256) return "<" + std::to_string(s.size()) + " chars>";
    return args;
  }
  if (args.is_array()) {
    Json out = Json::array();
    for (const auto& a : args) out.push_back(sanitize_args(a));
    return out;
  }
  if (args.is_object()) {
    Json out = Json::object();
    for (auto it = args.begin(); it != args.end(); ++it) {
      // Free text (PR descriptions) is content, not a parameter: log its size only.
      if (it.key() == "context" && it->is_string()) {
        out[it.key()] = "<" + std::to_string(it->get_ref<const std::string&>().size()) + " chars>";
      } else {
        out[it.key()] = sanitize_args(*it);
      }
    }
    return out;
  }
  return args;
}

namespace {
bool is_error_outcome(const CallRecord& r) {
  return r.outcome == "error" || r.outcome == "timeout" || r.outcome == "rate_limited";
}
}  // namespace

void CallLog::count(const CallRecord& r) {
  metrics_.record(r.tool, r.duration_ms, is_error_outcome(r));
}

void CallLog::log(const CallRecord& r) {
  const bool is_error = is_error_outcome(r);
  const double ms = std::round(r.duration_ms * 1000) / 1000;
  Json fields = {{"requestId", r.request_id},
                 {"tool", r.tool},
                 {"args", sanitize_args(r.args)},
                 {"durationMs", ms},
                 {"outcome", r.outcome}};
  if (r.error_code) fields["errorCode"] = *r.error_code;
  if (!r.decision.is_null()) fields["decision"] = r.decision;
  if (is_error && r.outcome != "error") {
    log::warn("tool call", fields);
  } else {
    log::info("tool call", fields);
  }
  if (emf_) {
    // CloudWatch Embedded Metric Format: one record per call, with a ToolName
    // dimension and a dimensionless roll-up (so alarms without dimensions see it).
    Json emf = {{"_aws",
                 {{"Timestamp", to_epoch_ms(std::chrono::system_clock::now())},
                  {"CloudWatchMetrics",
                   Json::array({{{"Namespace", "MCP/Server"},
                                 {"Dimensions", Json::array({Json::array({"ToolName"}), Json::array()})},
                                 {"Metrics", Json::array({{{"Name", "Duration"}, {"Unit", "Milliseconds"}},
                                                          {{"Name", "ErrorCount"}, {"Unit", "Count"}}})}}})}}},
                {"ToolName", r.tool},
                {"Duration", ms},
                {"ErrorCount", is_error ? 1 : 0},
                {"requestId", r.request_id},
                {"outcome", r.outcome}};
    log::raw_line(dump_line(emf));
  }
}

}  // namespace pm::mcp
