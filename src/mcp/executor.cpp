#include "mcp/executor.hpp"

#include <algorithm>

#include "util/memory.hpp"

namespace pm::mcp {

namespace {
constexpr auto kIdleTrimDelay = std::chrono::seconds(1);
// How long a worker that just finished a job stays awake for the next one.
constexpr auto kSpinForWork = std::chrono::microseconds(200);
}  // namespace

Executor::Executor(unsigned workers) {
  for (unsigned i = 0; i < std::max(1u, workers); ++i) workers_.emplace_back([this] { worker_loop(); });
  watchdog_ = std::thread([this] { watchdog_loop(); });
}

Executor::~Executor() {
  (void)stop(std::chrono::milliseconds::max());
}

bool Executor::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(job));
    queued_.store(queue_.size(), std::memory_order_relaxed);
  }
  work_cv_.notify_one();
  return true;
}

void Executor::worker_loop() {
  std::unique_lock lock(mu_);
  bool ran = false;
  for (;;) {
    if (ran && queue_.empty() && !stopping_) {
      // A client that works through calls one by one sends the next a few tens of
      // microseconds after reading an answer. Waiting for it a moment awake, before going
      // to sleep on the condition variable, spares the call the wake-up of a sleeping
      // thread (on a VM, of an idle virtual CPU): a third of a small call's round trip.
      lock.unlock();
      spin_for_work();
      lock.lock();
    }
    // A large call (a 1 MB workflow, 200 ADRs) leaves its peak working set in the
    // allocator's free lists. Once the pool has been idle for a second, hand it back to
    // the system: a server waiting in the background stays small, and no call pays for
    // the page faults of a trim right before it.
    while (!work_cv_.wait_for(lock, kIdleTrimDelay, [this] { return stopping_ || !queue_.empty(); })) {
      if (busy_ == 0 && trim_pending_.exchange(false, std::memory_order_relaxed)) {
        lock.unlock();
        release_free_memory();
        lock.lock();
      }
    }
    if (queue_.empty()) break;  // stopping and nothing left
    Job job = std::move(queue_.front());
    queue_.pop_front();
    queued_.store(queue_.size(), std::memory_order_relaxed);
    ran = true;
    ++busy_;
    lock.unlock();
    job();
    job = nullptr;  // what the job captured is released outside the lock
    lock.lock();
    --busy_;
    if (busy_ == 0 && queue_.empty()) idle_cv_.notify_all();
  }
  ++exited_;
  idle_cv_.notify_all();
}

void Executor::spin_for_work() const {
  const auto until = Clock::now() + kSpinForWork;
  while (queued_.load(std::memory_order_relaxed) == 0 && Clock::now() < until) {
    // Gives the core away when another thread (the one reading the next message) needs it.
    std::this_thread::yield();
  }
}

Executor::TimerId Executor::arm(Clock::time_point deadline, std::function<void()> on_expire) {
  TimerId id = 0;
  bool earliest = false;
  {
    std::lock_guard lock(mu_);
    id = next_timer_++;
    earliest = deadline < watchdog_wakes_;
    timers_.emplace(deadline, std::make_pair(id, std::move(on_expire)));
  }
  // Calls share one timeout, so a new deadline is rarely sooner than the watchdog's own
  // wake-up, even when the timer before it was disarmed: the watchdog is woken only when
  // it must wake sooner than it planned, not once per call.
  if (earliest) timer_cv_.notify_all();
  return id;
}

void Executor::disarm(TimerId id) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(timers_.begin(), timers_.end(), [id](const auto& t) { return t.second.first == id; });
  if (it != timers_.end()) timers_.erase(it);
}

void Executor::watchdog_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      watchdog_wakes_ = Clock::time_point::max();
      timer_cv_.wait(lock);
      watchdog_wakes_ = Clock::time_point::min();
      continue;
    }
    auto first = timers_.begin();
    // A copy: disarm() may erase the entry while this thread waits.
    const Clock::time_point when = first->first;
    if (when > Clock::now()) {
      watchdog_wakes_ = when;
      timer_cv_.wait_until(lock, when);
      watchdog_wakes_ = Clock::time_point::min();
      continue;
    }
    auto fire = std::move(first->second.second);
    timers_.erase(first);
    lock.unlock();
    fire();
    lock.lock();
  }
}

bool Executor::wait_idle(std::chrono::milliseconds grace) {
  std::unique_lock lock(mu_);
  auto idle = [this] { return queue_.empty() && busy_ == 0; };
  if (grace == std::chrono::milliseconds::max()) {
    idle_cv_.wait(lock, idle);
    return true;
  }
  return idle_cv_.wait_for(lock, grace, idle);
}

bool Executor::stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mu_);
    if (workers_.empty() && !watchdog_.joinable()) return true;
    stopping_ = true;
    timers_.clear();
  }
  work_cv_.notify_all();
  timer_cv_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  std::unique_lock lock(mu_);
  auto all_out = [this] { return exited_ == workers_.size(); };
  const bool joined = grace == std::chrono::milliseconds::max() ? (idle_cv_.wait(lock, all_out), true)
                                                                : idle_cv_.wait_for(lock, grace, all_out);
  lock.unlock();
  for (auto& t : workers_) {
    if (joined) {
      t.join();
    } else {
      t.detach();
    }
  }
  workers_.clear();
  return joined;
}

}  // namespace pm::mcp
