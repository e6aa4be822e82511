#pragma once
// The work budget of one call: a deadline, a step allowance, a memory
// allowance for what the code builds from its input, and the call's
// CancellationToken (set by TIMEOUT, notifications/cancelled and SIGTERM).
// Every loop whose length the input decides asks the same question,
// `if (!budget.step(cost)) return ...;`, so that TIMEOUT, a client's cancel
// and SIGTERM stop the work within a bounded time however hostile the input is.
//
// Running out is an expected outcome, not an exception: step() and charge()
// return false from then on (the stop is sticky), loops unwind normally, and
// the owner of the budget (the tool) checks stopped() and answers error()
// instead of the incomplete result. Nothing is thrown, so no catch-all on the
// way (a rule runner turning exceptions into findings) can swallow a stop.
//
// A Budget is used by one thread at a time; only the token is shared with
// the threads that set it.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "util/cancellation.hpp"
#include "util/error.hpp"

namespace pm {

enum class BudgetStop : std::uint8_t {
  kNone,
  kCancelled,  // the client cancelled the call (the token's kCancelled)
  kDeadline,   // the call's time ran out: the budget's own deadline or the dispatcher's TIMEOUT (token)
  kShutdown,   // the server is stopping (the token's kShutdown: SIGTERM, end of input)
  kSteps,      // the step allowance ran out
  kMemory,     // the memory allowance ran out
  kScope,      // the deadline of the innermost Scope passed (the outer budget goes on)
};
// "none", "cancelled", "deadline", "shutdown", "steps", "memory", "scope"
const char* to_string(BudgetStop s);

class Budget {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
  // Cost units between two looks at the clock and the token. A
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
  // `cancellation` is the call's token (ToolContext::cancellation()), owned by
  // the dispatcher; it must outlive the budget. nullptr: never cancelled.
  explicit Budget(Limits limits, const CancellationToken* cancellation = nullptr);

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
  // that ran out (details.budget = reason, details.limit); retryable for the
  // deadline and a shutdown. Meaningful once stopped().
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

  Limits limits_;
  const CancellationToken* token_ = nullptr;
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
