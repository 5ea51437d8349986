#pragma once
// The Transport concept: the one seam between the training core and a backend, as leveldb's
// Env is to its database. Every strategy is a node program templated over a Transport; the
// in-process, SimGrid and socket backends each provide one.
//
// Contract (every implementation, every backend):
// - rank() in [0, size()), fixed for the transport's life.
// - send(to, Message&&): non-blocking hand-off; the transport owns the message from then
//   on. The node keeps computing while bytes move. A send to a peer that is down is
//   dropped silently: the sender learns of the failure from a PeerDown event.
// - recv(timeout_s): the next event for this node — a Received message from any peer (in
//   each sender's order), a PeerDown(rank) once per peer that failed, or a Timeout when
//   nothing arrived within timeout_s seconds on the node's clock.
// - now(): seconds on the node's clock (simulated in sim, steady in runtime/in-process).
// - compute(flops, fn): runs fn (the real numerics) and, in sim, charges flops to the
//   simulated host; timing-only sims skip fn.
// A transport is used by its node's thread only. Failures of any backend (SimGrid
// exceptions, socket errors, missed heartbeats) arrive as the same PeerDown event.
// Rendezvous, heartbeats, retries and barriers live above the transport, not in it.
#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "core/transport/message.hpp"

namespace ringtmp {

struct Received {
  int from = 0;
  Message message;
};
struct PeerDown {
  int rank = 0;
  std::string reason;
};
struct Timeout {};
using Event = std::variant<Received, PeerDown, Timeout>;

template <class T>
concept Transport = requires(T t, const T ct, int to, Message m, double seconds, int64_t flops,
                             std::function<void()> fn) {
  { ct.rank() } -> std::convertible_to<int>;
  { ct.size() } -> std::convertible_to<int>;
  t.send(to, std::move(m));
  { t.recv(seconds) } -> std::same_as<Event>;
  { t.now() } -> std::convertible_to<double>;
  t.compute(flops, fn);
};

// A transport that forwards every call to an inner one. A fault test derives from it and
// hides the one call it wants to change (drop a send, delay, fail the node) — strategies
// are templates, so the derived type's call is the one they make.
template <class Inner>
class ForwardingTransport {
 public:
  explicit ForwardingTransport(Inner& inner) : inner_(inner) {}
  int rank() const { return inner_.rank(); }
  int size() const { return inner_.size(); }
  void send(int to, Message&& m) { inner_.send(to, std::move(m)); }
  Event recv(double timeout_s) { return inner_.recv(timeout_s); }
  double now() const { return inner_.now(); }
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) { inner_.compute(flops, std::forward<Fn>(fn)); }

 protected:
  Inner& inner_;
};

}  // namespace ringtmp
