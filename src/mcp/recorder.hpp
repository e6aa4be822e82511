#pragma once
// What one tool call did, and where that goes. The protocol core reports each call
// exactly once to a Recorder, whichever of worker, watchdog or limiter answered it;
// CallLog is the production recorder (live metrics, the per-call log line, EMF).
#include <optional>
#include <string>

#include "mcp/metrics.hpp"
#include "util/json.hpp"

namespace pm::mcp {

struct CallRecord {
  std::string request_id;
  std::string tool;
  Json args;  // as the client sent them; recorders sanitise before logging
  double duration_ms = 0;
  std::string outcome;  // ok | error | cancelled | timeout | rate_limited
  std::optional<std::string> error_code;
  Json decision;  // null when none
  // An authoritative tool's decision before the local advisory downgrade (what a CI gate
  // acts on), else the envelope's decision; empty when there is none.
  std::string verdict;
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  // The two halves of a record, so that a caller can answer in between: count() before the
  // answer (a client that asks for metrics next sees the call), log() after it (the log
  // lines are not part of the call's round trip).
  virtual void count(const CallRecord& r) = 0;
  virtual void log(const CallRecord& r) = 0;
  void record(const CallRecord& r) {
    count(r);
    log(r);
  }
};

// Live metrics (get_server_info), one log line per call, and with `emf` one CloudWatch
// Embedded Metric Format record per call.
class CallLog final : public Recorder {
 public:
  CallLog(Metrics& metrics, bool emf) : metrics_(metrics), emf_(emf) {}
  void count(const CallRecord& r) override;
  void log(const CallRecord& r) override;

 private:
  Metrics& metrics_;
  bool emf_;
};

// Arguments as they may be logged: paths and parameters yes, free text and long
// strings only by their size.
Json sanitize_args(const Json& args);

}  // namespace pm::mcp
