#pragma once
// The in-process backend: every node a thread, every node a mailbox (an EventQueue). Real
// concurrency, no copies: a sent message moves into the receiver's queue. Tests run whole
// clusters in one process on it. Keeps the Transport contract (transport.hpp).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/transport/event_queue.hpp"
#include "core/transport/transport.hpp"

namespace ringtmp {

// The shared part: one mailbox per rank, and who is down. Thread-safe.
class InProcHub {
 public:
  explicit InProcHub(int size);
  int size() const { return int(boxes_.size()); }

  // Moves m into `to`'s mailbox; dropped when either end is down.
  void deliver(int from, int to, Message&& m);
  Event wait(int rank, double timeout_s);
  // The failure hook, from any thread: `rank` fails. Every other live node gets
  // PeerDown(rank) once, after whatever `rank` had delivered to it; from now on nothing
  // reaches `rank` or comes from it, and its own recv only times out. Idempotent.
  void fail(int rank, const std::string& reason);
  bool is_down(int rank) const;
  // Seconds on the steady clock since the hub was made: one clock for every node.
  double now() const;

 private:
  std::vector<std::unique_ptr<EventQueue>> boxes_;
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
