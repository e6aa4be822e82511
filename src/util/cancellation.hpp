#pragma once
// Why work must stop, set by whoever decides it (the client's notifications/cancelled,
// the call's TIMEOUT, a server shutdown) and read by the code doing the work. One object
// per call, owned by the dispatcher; a per-call budget (time, steps, memory) extends it by
// reading stop_requested() alongside its own limits.
#include <atomic>
#include <cstdint>

namespace pm {

enum class StopReason : std::uint8_t { kNone = 0, kCancelled, kTimeout, kShutdown };

inline const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::kNone: return "none";
    case StopReason::kCancelled: return "cancelled";
    case StopReason::kTimeout: return "timeout";
    case StopReason::kShutdown: return "shutdown";
  }
  return "none";
}

class CancellationToken {
 public:
  // The first reason wins; later calls keep it. Returns true when this call set it.
  bool cancel(StopReason why) noexcept {
    auto none = StopReason::kNone;
    return reason_.compare_exchange_strong(none, why, std::memory_order_acq_rel);
  }
  // Cheap enough for every iteration of a loop (one relaxed load).
  bool stop_requested() const noexcept { return reason_.load(std::memory_order_relaxed) != StopReason::kNone; }
  StopReason reason() const noexcept { return reason_.load(std::memory_order_acquire); }

 private:
  std::atomic<StopReason> reason_{StopReason::kNone};
};

}  // namespace pm
