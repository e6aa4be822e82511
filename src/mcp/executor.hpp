#pragma once
// Where tool calls run: a fixed pool of worker threads, and a watchdog thread that fires
// a call's timeout callback at its deadline. Knows nothing of JSON-RPC or tools.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace pm::mcp {

class Executor {
 public:
  using Clock = std::chrono::steady_clock;
  using Job = std::function<void()>;

  explicit Executor(unsigned workers);
  ~Executor();  // stops and joins (waits for running jobs however long they take)
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues a job; false once stopping (the job is dropped).
  bool submit(Job job);

  // Calls `on_expire` on the watchdog thread at `deadline` unless disarmed first.
  using TimerId = std::uint64_t;
  TimerId arm(Clock::time_point deadline, std::function<void()> on_expire);
  void disarm(TimerId id);

  // Work that just ran was heavy (a long call, a huge message parsed on the reading
  // thread): trim the heap once the pool has been idle a while. Any thread.
  void note_heavy_job() { trim_pending_.store(true, std::memory_order_relaxed); }

  // Waits until no job is queued or running, up to `grace`. True when idle.
  bool wait_idle(std::chrono::milliseconds grace);
  // Stops taking jobs, lets queued jobs see the stop, and waits up to `grace` for the
  // workers to return. True when every thread was joined; false leaves the workers
  // running detached: the caller must then end the process without destroying this.
  bool stop(std::chrono::milliseconds grace);

 private:
  void worker_loop();
  void spin_for_work() const;
  void watchdog_loop();

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<Job> queue_;
  std::atomic<std::size_t> queued_{0};  // queue_.size(), readable without mu_
  std::vector<std::thread> workers_;
  unsigned busy_ = 0;    // jobs running
  unsigned exited_ = 0;  // workers that returned after stop
  bool stopping_ = false;
  std::atomic<bool> trim_pending_{false};

  std::condition_variable timer_cv_;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> timers_;
  TimerId next_timer_ = 1;
  // When the watchdog wakes by itself (max: not before it is notified; min: it is awake
  // and looks at the timers before it sleeps again).
  Clock::time_point watchdog_wakes_ = Clock::time_point::min();
  std::thread watchdog_;
};

}  // namespace pm::mcp
