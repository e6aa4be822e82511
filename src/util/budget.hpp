#pragma once
// The work budget of one call: a deadline, a step allowance, a memory
// allowance for what the code builds from its input, and the caller's
// cancellation flag. Every loop whose length the input decides asks the same
// question, `if (!budget.step(cost)) return ...;`, so that TIMEOUT, a client's
// cancel and SIGTERM stop the work within a bounded time however hostile the
// input is.
//
// Running out is an expected outcome, not an exception: step() and charge()
// return false from then on (the stop is sticky), loops unwind normally, and
// the owner of the budget (the tool) checks stopped() and answers error()
// instead of the incomplete result. Nothing is thrown, so no catch-all on the
// way (a rule runner turning exceptions into findings) can swallow a stop.
//
// A Budget is used by one thread at a time; only the cancellation flag is
// shared with the thread that sets it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "util/error.hpp"

namespace pm {

enum class BudgetStop : std::uint8_t {
  kNone,
  kCancelled,  // the cancellation flag or probe said so
  kDeadline,   // the call's time ran out
  kSteps,      // the step allowance ran out
  kMemory,     // the memory allowance ran out
  kScope,      // the deadline of the innermost Scope passed (the outer budget goes on)
};
const char* to_string(BudgetStop s);  // "none", "cancelled", "deadline", "steps", "memory", "scope"

class Budget {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
  // Cost units between two looks at the clock and the cancellation flag. A
  // unit is about one byte touched or one loop iteration, so a look happens at
  // least every few microseconds of work; a cost of this size or more looks at
  // once (a regex run over a chunk of text).
  static constexpr std::uint64_t kLookEvery = 1024;

  struct Limits {
    std::optional<Clock::duration> time;  // from construction on; none: no time limit
    std::uint64_t max_steps = kUnlimited;
    std::uint64_t max_bytes = kUnlimited;
  };

  // No limits and no cancellation: step() and charge() always return true.
  Budget() = default;
  // `cancelled` is owned by the caller (the dispatcher's flag for the call) and
  // must outlive the budget; nullptr: never cancelled.
  explicit Budget(Limits limits, const std::atomic<bool>* cancelled = nullptr);
  // For callers that can only ask a predicate (a tool's ToolContext::cancelled()).
  Budget(Limits limits, std::function<bool()> cancel_probe);

  // Limits from a timeout in milliseconds (0 or less: none), as the call
  // timeout is configured.
  static Limits limits_for(std::int64_t timeout_ms, std::uint64_t max_bytes = kUnlimited);

  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

  // Counts `cost` units of work; false once the budget stopped: stop now.
  [[nodiscard]] bool step(std::uint64_t cost = 1) {
    if (stop_ != BudgetStop::kNone) return false;
    used_ += cost;
    if (used_ < next_look_ && cost < kLookEvery) return true;
    return look();
  }

  // Charges `bytes` built from the input (expansions, compiled patterns, kept
  // text); false once the allowance is exceeded (then the budget stops).
  [[nodiscard]] bool charge(std::uint64_t bytes);

  bool stopped() const { return stop_ != BudgetStop::kNone; }
  BudgetStop reason() const { return stop_; }
  std::uint64_t steps_used() const { return used_; }
  std::uint64_t bytes_charged() const { return charged_; }

  // The error a stopped call answers: TIMEOUT naming `operation` and the limit
  // that ran out (details.budget = reason, details.limit); retryable only for
  // the deadline. Meaningful once stopped().
  Error error(const std::string& operation) const;

  // A tighter deadline for one part of the work (one file's pattern matching):
  // while the Scope lives, step() also stops once `limit` has passed, with
  // reason kScope. When the Scope ends, that stop is lifted and the work goes
  // on under the outer limits (stops for other reasons stay). Scopes nest.
  class Scope {
   public:
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Scope(Scope&& other) = delete;
    Scope& operator=(Scope&&) = delete;
    // True when this scope's deadline stopped the work.
    bool expired() const { return budget_.stop_ == BudgetStop::kScope && budget_.stopped_by_ == depth_; }

   private:
    friend class Budget;
    Scope(Budget& b, Clock::duration limit);
    Budget& budget_;
    std::optional<Clock::time_point> outer_deadline_;
    int outer_owner_ = 0;
    int depth_ = 0;
  };
  [[nodiscard]] Scope scope(Clock::duration limit) { return Scope(*this, limit); }

 private:
  bool look();
  bool cancelled() const;

  Limits limits_;
  const std::atomic<bool>* cancel_flag_ = nullptr;
  std::function<bool()> cancel_probe_;
  std::optional<Clock::time_point> deadline_;  // the tightest deadline in force (call or scope)
  int deadline_owner_ = 0;                     // whose it is: 0 the call, n the n-th nested scope
  int scope_depth_ = 0;
  int stopped_by_ = 0;  // with kScope: the depth of the scope whose deadline passed
  BudgetStop stop_ = BudgetStop::kNone;
  std::uint64_t used_ = 0;
  std::uint64_t next_look_ = kLookEvery;
  std::uint64_t charged_ = 0;
};

}  // namespace pm
