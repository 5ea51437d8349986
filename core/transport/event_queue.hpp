#pragma once
// One node's queue of transport events, for the backends whose nodes are threads (the
// in-process hub's mailboxes, the TCP mesh's inbox): producers push from any thread, the
// node's thread waits. It keeps three promises of the Transport contract (transport.hpp) in
// one place, whatever the producers race: nothing from a peer after its PeerDown, one
// PeerDown per peer (until `revive`: a new incarnation of it, back from its death), and
// nothing at all once the node itself is out (close; `interrupt`, then `reopen` for its
// next life). Unbounded: the strategies bound what is in flight themselves.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "core/steady_seconds.hpp"
#include "core/transport/transport.hpp"

namespace ringtmp {

class EventQueue {
 public:
  // Queues e, unless it breaks the contract's order (a message from, or a second PeerDown
  // of, a peer already reported down) or the queue is closed: then e is dropped.
  void push(Event e) {
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      if (const int peer = sender(e); peer >= 0) {
        if (peer >= int(down_.size())) down_.resize(size_t(peer) + 1, false);
        if (down_[size_t(peer)]) return;
        if (std::holds_alternative<PeerDown>(e)) down_[size_t(peer)] = true;
      }
      events_.push_back(std::move(e));
    }
    cv_.notify_one();
  }

  // The oldest event, or Timeout once timeout_s seconds (steady clock) have passed without
  // one; timeout_s <= 0 (or NaN) polls.
  Event wait(double timeout_s) {
    const auto deadline = steady_deadline(timeout_s);  // clamped: a huge timeout cannot overflow
    std::unique_lock lock(mu_);
    if (!cv_.wait_until(lock, deadline, [&] { return !events_.empty() || interrupted_; }) || events_.empty())
      return Timeout{};
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

  // The node is out (failed, killed, or closed its transport): what is queued and whatever
  // comes later is dropped, and wait only times out.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    events_.clear();
  }

  // The node's life ended under it (the TCP mesh found it was stopped past its peers'
  // failure detection): as close, and a wait returns at once, so its thread learns it now.
  void interrupt() {
    {
      std::lock_guard lock(mu_);
      closed_ = interrupted_ = true;
      events_.clear();
    }
    cv_.notify_all();
  }

  // The node's next life (it rejoins): empty and open, every peer live again. A queue closed
  // for good (close) stays closed.
  void reopen() {
    std::lock_guard lock(mu_);
    if (closed_ && !interrupted_) return;
    closed_ = interrupted_ = false;
    events_.clear();
    down_.clear();
  }

  // `peer` is back from a death (a new incarnation): its events count again, and it may go
  // down once more.
  void revive(int peer) {
    std::lock_guard lock(mu_);
    if (peer < int(down_.size())) down_[size_t(peer)] = false;
  }

 private:
  // The peer an event is from or about; -1 for Timeout.
  static int sender(const Event& e) {
    if (auto* r = std::get_if<Received>(&e)) return r->from;
    if (auto* d = std::get_if<PeerDown>(&e)) return d->rank;
    return -1;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::vector<bool> down_;  // by rank: PeerDown already queued
  bool closed_ = false, interrupted_ = false;
};

}  // namespace ringtmp
