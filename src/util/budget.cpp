#include "util/budget.hpp"

#include <algorithm>

namespace pm {

const char* to_string(BudgetStop s) {
  switch (s) {
    case BudgetStop::kNone: return "none";
    case BudgetStop::kCancelled: return "cancelled";
    case BudgetStop::kDeadline: return "deadline";
    case BudgetStop::kShutdown: return "shutdown";
    case BudgetStop::kSteps: return "steps";
    case BudgetStop::kMemory: return "memory";
    case BudgetStop::kScope: return "scope";
  }
  return "none";
}

Budget::Budget(Limits limits, const CancellationToken* cancellation) : limits_(limits), token_(cancellation) {
  if (limits_.time) deadline_ = Clock::now() + *limits_.time;
  next_look_ = std::min(kLookEvery, limits_.max_steps);
}

Budget::Limits Budget::limits_for(std::int64_t timeout_ms, std::uint64_t max_bytes) {
  Limits l;
  if (timeout_ms > 0) l.time = std::chrono::milliseconds(timeout_ms);
  l.max_bytes = max_bytes;
  return l;
}

bool Budget::look() {
  if (used_ > limits_.max_steps) {
    stop_ = BudgetStop::kSteps;
    return false;
  }
  if (token_ != nullptr && token_->stop_requested()) {
    switch (token_->reason()) {
      case StopReason::kTimeout: stop_ = BudgetStop::kDeadline; break;
      case StopReason::kShutdown: stop_ = BudgetStop::kShutdown; break;
      case StopReason::kCancelled:
      case StopReason::kNone: stop_ = BudgetStop::kCancelled; break;
    }
    return false;
  }
  if (deadline_ && Clock::now() >= *deadline_) {
    stop_ = deadline_owner_ == 0 ? BudgetStop::kDeadline : BudgetStop::kScope;
    stopped_by_ = deadline_owner_;
    return false;
  }
  // The next look after kLookEvery more units, and exactly at the step limit.
  const std::uint64_t room = limits_.max_steps - std::min(used_, limits_.max_steps);
  next_look_ = used_ + (room >= kLookEvery ? kLookEvery : room + 1);
  return true;
}

bool Budget::charge(std::uint64_t bytes) {
  if (stop_ != BudgetStop::kNone) return false;
  charged_ = bytes > kUnlimited - charged_ ? kUnlimited : charged_ + bytes;
  if (charged_ > limits_.max_bytes) {
    stop_ = BudgetStop::kMemory;
    return false;
  }
  return true;
}

Error Budget::error(const std::string& operation) const {
  Error e;
  Json details{{"operation", operation}, {"budget", to_string(stop_)}};
  switch (stop_) {
    case BudgetStop::kDeadline:
    case BudgetStop::kScope: {
      const auto ms = limits_.time ? std::chrono::duration_cast<std::chrono::milliseconds>(*limits_.time).count() : 0;
      e = Error::timeout(operation, ms);
      if (limits_.time) {
        e.message = operation + " stopped: it ran past its time limit of " + std::to_string(ms) + " ms";
        details["timeoutMs"] = ms;
      } else {
        e.message = operation + " stopped: the call ran past its time limit";
      }
      break;
    }
    case BudgetStop::kShutdown:
      e = Error{code::kTimeout, operation + " stopped: the server is shutting down", Severity::kLow, true};
      e.suggestions = {"Run the call again once the server is back"};
      break;
    case BudgetStop::kCancelled:
      e = Error{code::kTimeout, operation + " stopped: the call was cancelled", Severity::kLow, false};
      e.suggestions = {"Run the call again if it is still needed"};
      break;
    case BudgetStop::kSteps:
      e = Error{code::kTimeout,
                operation + " stopped: the input needs more than " + std::to_string(limits_.max_steps) +
                    " steps of work, the limit of one call",
                Severity::kMedium, false};
      details["limit"] = limits_.max_steps;
      e.suggestions = {"Check fewer or smaller files per call"};
      break;
    case BudgetStop::kMemory:
      e = Error{code::kTimeout,
                operation + " stopped: the input would need more than " + std::to_string(limits_.max_bytes >> 20) +
                    " MiB of working memory, the limit of one call",
                Severity::kMedium, false};
      details["limitBytes"] = limits_.max_bytes;
      e.suggestions = {"Check fewer or smaller files per call"};
      break;
    case BudgetStop::kNone: e = Error::execution_failed(operation + " reported a stop that did not happen"); break;
  }
  e.details = std::move(details);
  return e;
}

Budget::Scope::Scope(Budget& b, Clock::duration limit)
    : budget_(b), outer_deadline_(b.deadline_), outer_owner_(b.deadline_owner_), depth_(++b.scope_depth_) {
  const auto mine = Clock::now() + limit;
  if (!b.deadline_ || mine < *b.deadline_) {
    b.deadline_ = mine;
    b.deadline_owner_ = depth_;
  }
  b.next_look_ = b.used_;  // the next step looks at the new deadline
}

Budget::Scope::~Scope() {
  Budget& b = budget_;
  b.deadline_ = outer_deadline_;
  b.deadline_owner_ = outer_owner_;
  --b.scope_depth_;
  if (b.stop_ == BudgetStop::kScope && b.stopped_by_ == depth_) {
    b.stop_ = BudgetStop::kNone;
    b.stopped_by_ = 0;
    b.next_look_ = b.used_;
  }
}

}  // namespace pm
