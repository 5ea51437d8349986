#pragma once
// The in-process backend: every node a thread, every node a mailbox (mutex, condition
// variable, queue). Real concurrency, no copies: a sent message moves into the receiver's
// queue. Tests run whole clusters in one process on it.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/transport/transport.hpp"

namespace ringtmp {

// The shared part: one mailbox per rank, and who is down. Thread-safe.
class InProcHub {
 public:
  explicit InProcHub(int size);
  int size() const { return int(boxes_.size()); }

  void deliver(int from, int to, Message&& m);
  Event wait(int rank, double timeout_s);
  // Marks `rank` down: every other node gets PeerDown(rank) once; later sends to it drop.
  void fail(int rank, const std::string& reason);
  bool is_down(int rank) const;
  double now() const;

 private:
  struct Mailbox {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Event> events;
  };
  std::vector<std::unique_ptr<Mailbox>> boxes_;
  mutable std::mutex down_mu_;
  std::vector<bool> down_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class InProcTransport {
 public:
  InProcTransport(InProcHub& hub, int rank) : hub_(hub), rank_(rank) {}
  int rank() const { return rank_; }
  int size() const { return hub_.size(); }
  void send(int to, Message&& m) { hub_.deliver(rank_, to, std::move(m)); }
  Event recv(double timeout_s) { return hub_.wait(rank_, timeout_s); }
  double now() const { return hub_.now(); }
  template <class Fn>
  void compute(int64_t /*flops*/, Fn&& fn) { fn(); }
  InProcHub& hub() { return hub_; }

 private:
  InProcHub& hub_;
  int rank_;
};

}  // namespace ringtmp
