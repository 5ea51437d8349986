#pragma once
// A node's view of its transport, shared by every strategy and backend: it meters every call
// (busy inside compute, idle inside recv, send-blocked inside send, bytes as the wire codec
// counts them) and keeps the messages that arrived before the node wanted them, so a
// strategy can wait for "the gradient of micro-batch 3" while other messages queue up.
// No message at all for the peer timeout is an error Status: a stall guard only, as a
// dead peer comes as PeerDown (heartbeats, --failure-timeout). A PeerDown is an error too,
// unless the node program is resilient: then the endpoint updates its membership view,
// drops every message composed in the old view, and the error is a view change the program
// recovers from (view_changed()). Every message leaves stamped with the sender's view and is
// judged against the receiver's on arrival (membership.hpp: current, ahead, stale).
// Rejoin: a node back from a death joins (join()) and is admitted where its survivors'
// program allows it (set_joins_admissible): then its join is a view change like a death,
// and the program's recovery hands it its role. Elsewhere its join waits; at the end it is
// turned away.
#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/metrics/node_recorder.hpp"
#include "core/strategy/membership.hpp"
#include "core/strategy/node_outcome.hpp"
#include "core/transport/codec.hpp"
#include "core/transport/transport.hpp"

namespace ringtmp {

template <Transport T>
class Endpoint {
 public:
  // resilient: a PeerDown changes the view instead of ending the node (see above).
  Endpoint(T& transport, std::string role, double peer_timeout, bool resilient = false)
      : t_(transport), rec_(transport.rank(), std::move(role)), timeout_(peer_timeout),
        resilient_(resilient), membership_(transport.size()) {}

  int rank() const { return t_.rank(); }
  int size() const { return t_.size(); }
  double now() const { return t_.now(); }
  NodeRecorder& recorder() { return rec_; }
  const View& view() const { return membership_.view(); }

  // Whether the last error was a view change, and the deaths it learned. Cleared when read.
  bool view_changed() const { return view_changed_; }
  std::vector<Detection> take_view_change() {
    view_changed_ = false;
    return std::exchange(new_deaths_, {});
  }
  // The ranks the last view change readmitted (after take_view_change). Cleared when read.
  std::vector<int> take_joins() { return std::exchange(new_joins_, {}); }

  // Whether a node asking to rejoin is admitted now (a view change that ends the wait it
  // arrives in), or waits. Programs admit only where their recovery hands a role back.
  void set_joins_admissible(bool admissible) { joins_admissible_ = admissible; }
  // Admits the joins that waited, if admissible now: a view change (the error returned).
  Status admit_waiting_joins(const char* at) {
    if (!joins_admissible_ || waiting_joins_.empty()) return {};
    return admit_joins(at);
  }

  // This node is a new incarnation of its rank, back from a death with nothing remembered:
  // asks every rank to readmit it and enters the view of the first admission. Until then it
  // is in no view: what arrives waits, and is judged against the view it enters. Turned
  // away (the run ended) or unanswered for the peer timeout: an error (and no rejoined_at).
  Status join() {
    for (int q = 0; q < size(); ++q)
      if (q != rank()) {
        Message ask{Control{Control::Code::join, ""}};
        rec_.sent(int64_t(encoded_size(ask)));
        t_.send(q, std::move(ask));
      }
    while (true) {
      Event e = receive();
      auto* r = std::get_if<Received>(&e);
      if (!r) {
        if (std::holds_alternative<PeerDown>(e)) {
          replay_.push_back(std::move(e));
          continue;
        }
        return Status::errorf("node {}: asked to rejoin, no answer for {:g} s: not readmitted", rank(), timeout_);
      }
      const auto* control = std::get_if<Control>(&r->message.payload);
      if (control && control->code == Control::Code::done) {
        return Status::errorf("node {}: not readmitted by node {}: {}", rank(), r->from, control->text);
      }
      if (!control || control->code != Control::Code::admit) {
        replay_.push_back(std::move(e));
        continue;
      }
      auto view = parse_admission(control->text, size(), int(r->message.epoch), r->message.view_digest);
      if (!view.ok() || !view->is_live(rank())) {
        ++stale_messages_;  // garbled, or not this incarnation's: never adopted
        continue;
      }
      membership_.adopt(std::move(*view));
      joined_at_ = t_.now();
      return {};
    }
  }

  void send(int to, Message&& m) {
    m.epoch = uint32_t(view().epoch);
    m.view_digest = view().digest;
    const int64_t bytes = int64_t(encoded_size(m));
    const double start = t_.now();
    t_.send(to, std::move(m));
    rec_.span(SpanKind::send, start, t_.now());
    rec_.sent(bytes);
  }

  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    const double start = t_.now();
    t_.compute(flops, std::forward<Fn>(fn));
    rec_.span(SpanKind::busy, start, t_.now());
  }

  // Writes `bytes` to the node's storage through fn (a checkpoint): in sim on the host's
  // modelled storage device; a transport without storage just runs fn.
  template <class Fn>
  void store(int64_t bytes, Fn&& fn) {
    const double start = t_.now();
    if constexpr (requires { t_.store(bytes, std::forward<Fn>(fn)); }) t_.store(bytes, std::forward<Fn>(fn));
    else fn();
    rec_.span(SpanKind::checkpoint, start, t_.now());
    rec_.checkpointed(bytes);
  }

  // The first message (queued or arriving) for which match(from, message) holds.
  template <class Match>
  StatusOr<Received> await(Match&& match, const char* what) {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (match(it->from, it->message)) {
        Received r = std::move(*it);
        pending_.erase(it);
        return r;
      }
    }
    while (true) {
      auto r = next_from_transport(what);
      if (!r.ok()) return r.status();
      if (match(r->from, r->message)) return std::move(*r);
      pending_.push_back(std::move(*r));
    }
  }

  // The oldest message of any kind.
  StatusOr<Received> next(const char* what) {
    if (!pending_.empty()) {
      Received r = std::move(pending_.front());
      pending_.pop_front();
      return r;
    }
    return next_from_transport(what);
  }

  // Whether a queued message matches, without waiting.
  template <class Match>
  bool has_pending(Match&& match) const {
    for (const auto& r : pending_)
      if (match(r.from, r.message)) return true;
    return false;
  }

  // Messages a resilient program keeps across a view change: they arrived while current,
  // and say something that stays true after a death (a shadow's refresh, a loss). The rest
  // of the queue is dropped as composed in the old view.
  void keep_across_view_change(std::function<bool(const Message&)> durable) { durable_ = std::move(durable); }

  // A resilient program that cannot heal a death stops as a non-resilient one would: the
  // run's report then names the death as the cause and this node as its consequence.
  void cannot_heal(const Detection& d) {
    stopped_by_peer_ = true;
    peer_down_seen_at_ = d.at;
  }

  // Hands the metrics out; the endpoint is spent afterwards.
  void finish_into(NodeOutcome& out) {
    for (int joiner : waiting_joins_)
      send(joiner, Message{Control{Control::Code::done, "the run has ended"}});
    waiting_joins_.clear();
    if (joined_at_) out.rejoined_at = joined_at_;
    out.metrics = rec_.metrics();
    out.spans = rec_.take_spans();
    out.spans_truncated = rec_.timeline_truncated();
    out.stopped_by_peer = stopped_by_peer_;
    out.peer_down_seen_at = peer_down_seen_at_;
    out.stale_messages = stale_messages_;
  }

 private:
  StatusOr<Received> next_from_transport(const char* what) {
    while (true) {
      // One idle span per wait: a message held (ahead) or dropped (stale) ends one, and the
      // wait that follows is another (not the first one again: it would count twice).
      Event e;
      if (!replay_.empty()) {  // what reached a joiner before it was admitted
        e = std::move(replay_.front());
        replay_.pop_front();
      } else {
        e = receive();
      }
      if (auto* r = std::get_if<Received>(&e)) {
        if (const auto* control = std::get_if<Control>(&r->message.payload)) {
          if (control->code == Control::Code::admit) {
            // A peer admitted joins: followed if they wait here (else it told nothing new).
            if (classify(view(), int(r->message.epoch), r->message.view_digest) != Arrival::ahead) continue;
            if (admits_to(int(r->message.epoch), r->message.view_digest)) return admit_joins(what);
            // Ahead of a join not here yet (it is on its way from the joiner): kept, so that
            // the join, when it comes, is followed (else this node, past where joins land,
            // would hold it for ever, a view behind everyone).
            admissions_ahead_.emplace_back(int(r->message.epoch), r->message.view_digest);
            continue;
          }
          if (control->code == Control::Code::join) {
            if (!resilient_) continue;  // nothing to rejoin
            // A rank live here: its earlier life's PeerDown is still to come (the join is
            // admitted after it), or the view this node entered has it back already.
            if (view().is_live(r->from)) {
              early_joins_.insert(r->from);
              continue;
            }
            waiting_joins_.insert(r->from);
            if (joins_admissible_ || peers_admitted()) return admit_joins(what);
            continue;
          }
        }
        switch (classify(view(), int(r->message.epoch), r->message.view_digest)) {
          case Arrival::current: return std::move(*r);
          case Arrival::ahead: {
            // A peer admitted the joins waiting here (one iteration ahead of this node, it
            // was where they may land): this node follows, or the two would wait on each other.
            const bool peer_admitted = admits_to(int(r->message.epoch), r->message.view_digest);
            ahead_.push_back(std::move(*r));
            if (peer_admitted) return admit_joins(what);
            continue;
          }
          case Arrival::stale: ++stale_messages_; continue;
        }
      }
      if (auto* d = std::get_if<PeerDown>(&e)) {
        if (resilient_ && !view().is_live(d->rank)) {  // dead in the view this node entered
          waiting_joins_.erase(d->rank);  // a joiner that died again before it was admitted
          continue;
        }
        return peer_down(*d, what);
      }
      return Status::errorf("node {}: no message for {:g} s while waiting for {}, its peers alive: stopped by the "
                            "stall guard (--peer-timeout){}", rank(), timeout_, what, where_stalled());
    }
  }

  // A resilient node's stall: the view it waits in and what it holds, so that a stall after a
  // view change says which nodes disagree.
  std::string where_stalled() const {
    if (!resilient_) return "";
    return fmt::format("; in {}, {} messages queued, {} ahead, joins waiting: {}", view().describe(size()),
                       pending_.size(), ahead_.size(), waiting_joins_.empty() ? "none" : fmt::format(
                           "{}", fmt::join(waiting_joins_, ",")));
  }

  // The transport's next event, metered: the wait as idle (for work until the message that
  // ended it was on the network, for the network from then on), its bytes as received.
  Event receive() {
    const double start = t_.now();
    Event e = t_.recv(timeout_);
    const double end = t_.now();
    auto* r = std::get_if<Received>(&e);
    if (r && r->on_air_at < end) {  // false for NaN: in-process, no network
      const double on_air = std::max(start, r->on_air_at);
      rec_.span(SpanKind::idle, start, on_air);
      rec_.span(SpanKind::idle_network, on_air, end);
    } else {
      rec_.span(SpanKind::idle, start, end);
    }
    if (r) rec_.received(int64_t(encoded_size(r->message)));
    return e;
  }

  // Everything queued was composed in the old view: it can never become current, unless
  // durable. What was ahead may be current now.
  void rejudge_queues() {
      std::deque<Received> kept;
      for (auto& r : pending_) {
        if (durable_ && durable_(r.message)) kept.push_back(std::move(r));
        else ++stale_messages_;
      }
      pending_.swap(kept);
      std::deque<Received> still_ahead;
      for (auto& r : ahead_) {
        switch (classify(view(), int(r.message.epoch), r.message.view_digest)) {
          case Arrival::current: pending_.push_back(std::move(r)); break;
          case Arrival::ahead: still_ahead.push_back(std::move(r)); break;
          case Arrival::stale: ++stale_messages_; break;
        }
      }
      ahead_.swap(still_ahead);
  }

  // Whether a message already here (an admission, or anything held as ahead) shows its
  // sender admitted the waiting joins.
  bool peers_admitted() const {
    for (const auto& [epoch, digest] : admissions_ahead_)
      if (admits_to(epoch, digest)) return true;
    for (const auto& r : ahead_)
      if (admits_to(int(r.message.epoch), r.message.view_digest)) return true;
    return false;
  }

  // Whether admitting the waiting joins would give this node the view (epoch, digest).
  bool admits_to(int epoch, uint64_t digest) const {
    if (waiting_joins_.empty()) return false;
    Membership after = membership_;
    for (int r : waiting_joins_) after.mark_joined(r);
    return classify(after.view(), epoch, digest) == Arrival::current;
  }

  // Readmits every waiting joiner (each dead here); each gets the new view as its admission.
  Status admit_joins(const char* what) {
    std::vector<int> joined;
    for (int r : waiting_joins_) {
      membership_.mark_joined(r);
      new_joins_.push_back(r);
      joined.push_back(r);
    }
    waiting_joins_.clear();
    // The joiners enter this view; every other live node hears of it too, since a node that
    // does not admit here follows only a message of the new view, and its program may send
    // it none (a parameter server's node in its last iteration, or at the end).
    const std::string admission = admission_text(view(), size());
    for (int r : view().live)
      if (r != rank()) send(r, Message{Control{Control::Code::admit, admission}});
    rejudge_queues();
    view_changed_ = true;
    return Status::errorf("node {}: node {} rejoins while waiting for {}; now {}", rank(), fmt::join(joined, ","),
                          what, view().describe(size()));
  }

  StatusOr<Received> peer_down(const PeerDown& d, const char* what) {
    if (resilient_) {
      if (membership_.mark_dead(d.rank)) new_deaths_.push_back({d.rank, t_.now(), d.reason});
      // A join that came before its earlier life's PeerDown waits from now on.
      if (early_joins_.erase(d.rank)) waiting_joins_.insert(d.rank);
      rejudge_queues();
      view_changed_ = true;
      return Status::errorf("node {}: peer {} is down ({}) while waiting for {}; now {}", rank(), d.rank, d.reason,
                            what, view().describe(size()));
    }
    stopped_by_peer_ = true;
    peer_down_seen_at_ = t_.now();
    return Status::errorf("node {}: peer {} is down ({}) while waiting for {}", rank(), d.rank, d.reason, what);
  }

  T& t_;
  NodeRecorder rec_;
  double timeout_;
  std::deque<Received> pending_;
  std::deque<Received> ahead_;  // from senders that have seen deaths this node has not yet
  std::function<bool(const Message&)> durable_;
  bool resilient_;
  Membership membership_;
  bool view_changed_ = false;
  std::vector<Detection> new_deaths_;
  std::vector<int> new_joins_;
  std::set<int> waiting_joins_;  // asked to rejoin, not admitted yet
  std::set<int> early_joins_;    // asked to rejoin while still live here
  std::vector<std::pair<int, uint64_t>> admissions_ahead_;  // admissions seen before their joins
  bool joins_admissible_ = false;
  std::deque<Event> replay_;     // a joiner's: what arrived before its admission
  std::optional<double> joined_at_;
  int64_t stale_messages_ = 0;
  bool stopped_by_peer_ = false;
  double peer_down_seen_at_ = 0;
};

}  // namespace ringtmp
