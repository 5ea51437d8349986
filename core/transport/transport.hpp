#pragma once
// The Transport concept: the one seam between the training core and a backend, as leveldb's
// Env is to its database. Every strategy is a node program templated over a Transport; the
// in-process (core/transport/inproc.hpp), SimGrid (sim/sim_transport.hpp) and TCP
// (runtime/tcp_transport.hpp) backends each provide one, and one suite checks every promise
// below against all three (tests/transport/transport_contract_test.cpp).
//
// The contract, the same in every backend. A node *fails* when it crashes, is killed, loses
// power, gives up with an error, or is suspected (silent past the heartbeat timeout);
// each backend has a hook that makes one of its nodes fail (InProcHub::fail;
// SimNetwork::fail or its host turned off; TcpTransport::kill, freeze or close with an
// error). Failure is final for the failed incarnation: the transport cuts it off for good,
// suspected or not (a new one may rejoin: below). A
// node that finishes normally has not failed.
//
// rank(), size()
//   size() >= 1 is the number of nodes the cluster started with; rank() in [0, size()) is
//   this node's. Both are fixed for the transport's life (TCP: from connect on), failures
//   included: ranks are never reused or renumbered. Who is still alive is the business of
//   the layer above (membership views).
// Rejoin (sim: SimNetwork::host_back): a rank that failed may come back as a new
// incarnation, memory gone, with a fresh transport of the same rank. The others then
// receive its messages again; the first is its join (core/strategy/endpoint.hpp), after
// every message and the PeerDown of its earlier life. Nothing of the earlier life arrives
// after that.
// send(to, Message&&)
//   `to` in [0, size()), else a programmer error (assert). Returns without waiting for the
//   network, never throws, never reports an error; the transport owns the message from the
//   call on. Sending to oneself is allowed: the message comes back through recv with
//   from == rank(). A message to a peer that has failed is dropped (or lost on the way),
//   silently: the sender learns of failures from PeerDown only.
// Delivery
//   While sender and receiver both live, every message is delivered exactly once and intact
//   (any size up to the codec's max_message_bytes), and one sender's messages to one
//   receiver in the order they were sent. Messages of different senders have no order.
// Failure
//   When peer r fails, every other live node gets PeerDown(r) exactly once, and never for a
//   peer that has not failed. When: at once in-process, for a node that gives up with an
//   error (sim: SimNetwork::fail; TCP: its abort frame) and in TCP for a connection that
//   ends (a killed process); after the heartbeat silence for a node that falls silent (TCP:
//   a frozen process or host; sim: its host turned off): RunConfig::failure_timeout past
//   the last thing heard from it (in sim exactly past its last heartbeat, heartbeats every
//   RunConfig::heartbeat from t = 0). Until then its peers hear nothing from it. Of the messages r sent a node, the node receives a prefix, in
//   order, all before PeerDown(r); the rest are lost.
//   After recv has returned PeerDown(r) it never returns a message from r, and nothing r
//   sends after its failure reaches anyone: a layer that declares r dead on PeerDown never
//   sees a late message from it.
//   After its own failure (and in TCP after close) a node is out: what it sends reaches no
//   one, itself included, and recv returns only Timeout, after timeout_s. (In sim, a node
//   whose host is turned off never returns from the call it was in: its actor is killed.)
// recv(timeout_s)
//   The next event: a Received message, a PeerDown, or Timeout when none came within
//   timeout_s seconds on the node's clock (then now() >= its value at the call +
//   timeout_s). An event returns as soon as it is there. timeout_s <= 0 polls: an event
//   already delivered, else Timeout at once.
// now()
//   Seconds on the node's clock, never decreasing, about 0 when the cluster starts:
//   simulated in sim (the same clock for every node), the steady clock in-process (one clock
//   for all threads) and in TCP (since the rendezvous: nodes agree within the start-up skew).
// compute(flops, fn)
//   Runs fn (the real numerics) on the calling thread and, in sim, charges flops to the
//   simulated host, so that its clock advances by flops / host speed; timing-only sims skip
//   fn.
// store(bytes, fn)  (optional; Endpoint::store falls back to running fn)
//   Runs fn (which writes `bytes` to the node's own storage: a checkpoint) on the calling
//   thread and, in sim, charges the write to the host's modelled storage device, so that
//   its clock advances by the time the device takes to write `bytes` sequentially.
// A transport is used by its node's thread (sim: its actor) only; each backend's failure
// hook says where it may be called from. Failures of any backend (SimGrid exceptions, socket
// errors, missed heartbeats) arrive as the same PeerDown event. Rendezvous, heartbeats and
// retries live in the backend that needs them; membership, epochs, barriers and recovery
// live above the transport, once, in core/.
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <variant>

#include "core/transport/message.hpp"

namespace ringtmp {

struct Received {
  int from = 0;
  Message message;
  // When the message's bytes began to arrive (sim: its transfer started; runtime: its
  // frame's header was read), on the receiver's clock: a wait that ends with this message
  // was a wait for the network from then on. NaN: no network carried it (in-process).
  double on_air_at = std::numeric_limits<double>::quiet_NaN();
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
  template <class Fn>
  void store(int64_t bytes, Fn&& fn) {
    if constexpr (requires { inner_.store(bytes, std::forward<Fn>(fn)); }) inner_.store(bytes, std::forward<Fn>(fn));
    else fn();
  }

 protected:
  Inner& inner_;
};

}  // namespace ringtmp
