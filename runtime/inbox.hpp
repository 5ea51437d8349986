#pragma once
// The hand-over point between a node's network thread (which pushes the events it decodes)
// and the node's own thread (which waits for them in TcpTransport::recv). Unbounded, as the
// in-process transport's mailbox is: the strategies bound what is in flight themselves.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "core/steady_seconds.hpp"
#include "core/transport/transport.hpp"

namespace ringtmp {

class Inbox {
 public:
  void push(Event e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }

  // The oldest event, or Timeout after timeout_s seconds (steady clock) without one.
  Event wait(double timeout_s) {
    std::unique_lock lock(mu_);
    const auto deadline = steady_deadline(timeout_s);
    if (!cv_.wait_until(lock, deadline, [&] { return !events_.empty(); })) return Timeout{};
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
};

}  // namespace ringtmp
