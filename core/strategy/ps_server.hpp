#pragma once
// A parameter-server server (ps.hpp): the shards it serves (at first its home shard,
// workers + k = its rank) and, with --server-replicas 1, the copy of the shard before its
// own in the servers' ring (ps_recovery.hpp's placement; ps_shard.hpp's protocol).
//
// Resilient. A worker's death: the dead position is pushed by whoever took it over
// (ps_shard.hpp answers it there, and tells it the position's clock under asp/ssp). A
// server's death: every node derives the new placement from the view; the dead server's
// shard falls to the next live server, which serves it from its replica (BSP: parameters
// and momentum, exact) or, holding none, reseeds it from the workers' parameters (momentum
// reset). After any view change each head sends its replica the whole state again (a sum or
// an ack of the old view may have been dropped).
//
// Rejoin (ps_recovery.hpp): a server back from a death is the first live server at or after
// its home again, so placement gives it its shard back. The server that served the shard
// meanwhile hands it its whole state (parameters and momentum, as to a new replica) in the
// recovery that admits it; the workers push the unanswered iteration to it again.
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/healing_loop.hpp"
#include "core/strategy/ps.hpp"
#include "core/strategy/ps_recovery.hpp"
#include "core/strategy/ps_shard.hpp"

namespace ringtmp {

template <Transport T>
class PsServerNode {
 public:
  // `rejoining`: a new incarnation of a rank that died: it serves nothing until readmitted.
  PsServerNode(T& transport, const RunConfig& c, const PsLayout& layout, int64_t total,
               std::shared_ptr<const CheckpointSet> resume, bool rejoining = false)
      : c_(c),
        layout_(layout),
        ep_(transport, "server", c.peer_timeout, /*resilient=*/true),
        total_(total),
        placement_(shard_placement(layout, ep_.view(), c.server_replicas)),
        checkpoints_(c, layout.workers + layout.servers, std::move(resume)),
        joining_(rejoining) {
    if (joining_) return;
    for (int k = 0; k < layout_.servers; ++k) {
      const auto& p = placement_[size_t(k)];
      if (p.server == ep_.rank()) heads_.emplace(k, keeper(k));
      if (std::find(p.replicas.begin(), p.replicas.end(), ep_.rank()) != p.replicas.end()) copies_.emplace(k, keeper(k));
    }
    // A replica resumes from its head's part: at an iteration boundary the two are equal.
    if (checkpoints_.resume_iteration() > 0)
      for (auto* kept : {&heads_, &copies_})
        for (auto& [k, keeper] : *kept)
          if (resume_error_.ok())
            resume_error_ = keeper.resume_from(*checkpoints_.resume_part(ShardKeeper<T>::checkpoint_part(layout_, k)));
    for (auto& [k, head] : heads_) {
      head.checkpoint_to(&checkpoints_);
      head.set_replica(replica_of(k), /*resend=*/false);
    }
  }

  NodeOutcome run() {
    if (!resume_error_.ok()) {
      out_.status = resume_error_;
      ep_.finish_into(out_);
      return std::move(out_);
    }
    if (joining_) out_.status = rejoin();
    account_state();
    bool left = false;
    if (out_.status.ok())
      out_.status = run_healing(
          ep_, [&] { return left; },
          [&] {
            if (finished()) {
              Status s = leave_together(ep_, "the others to finish", [&](int from, Message& m) { return serve(from, m); });
              left = s.ok();
              return s;
            }
            auto r = ep_.await([&](int from, const Message& m) { return from >= 0 && shard_traffic(m); }, "a gradient push");
            return r.ok() ? on_message(r->from, r->message) : r.status();
          },
          [&] { return recover(); });
    int64_t max_staleness = 0;
    for (const auto& [k, head] : heads_) max_staleness = std::max(max_staleness, head.max_staleness());
    out_.max_staleness = max_staleness;
    // The home shard's parameters (the merge takes each shard from the node that served it).
    const int home = ep_.rank() - layout_.workers;
    if (auto it = heads_.find(home); it != heads_.end()) {
      out_.param_offset = layout_.shard_begin[size_t(home)];
      out_.params = std::move(it->second.params());
    }
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  ShardKeeper<T> keeper(int k) { return ShardKeeper<T>(ep_, c_, layout_, k, total_); }
  int replica_of(int k) const {
    const auto& r = placement_[size_t(k)].replicas;
    return r.empty() ? -1 : r.front();
  }

  bool finished() const {
    for (const auto& [k, head] : heads_)
      if (!head.finished()) return false;
    for (const auto& [k, copy] : copies_)
      if (!copy.replicated()) return false;
    return true;
  }

  Status on_message(int from, Message& m) {
    if (auto* push = std::get_if<PushGradient>(&m.payload)) {
      auto it = heads_.find(push->shard);
      if (from >= layout_.workers || it == heads_.end())
        return Status::errorf("node {}: push for shard {} from node {}, which this node does not serve to it",
                              ep_.rank(), push->shard, from);
      return it->second.on_push(from, *push);
    }
    auto& r = std::get<ShardReplica>(m.payload);
    if (r.shard >= layout_.servers)
      return Status::errorf("node {}: shard replica for shard {} from node {}; there are {} shards", ep_.rank(), r.shard,
                            from, layout_.servers);
    switch (r.what) {
      case ShardReplica::What::clock:
        if (auto it = heads_.find(r.shard); it != heads_.end() && from < layout_.workers)
          return it->second.on_clock_query(from, r);
        return Status::errorf("node {}: {} from node {}, which this node does not serve to it", ep_.rank(), describe(m),
                              from);
      case ShardReplica::What::request:
        // A server back from a death asking for its shard (take_shard_back): the recovery
        // that admitted it here handed the shard over; the request only had to arrive.
        if (from >= layout_.workers) return {};
        return Status::errorf("node {}: {} from node {}, a worker", ep_.rank(), describe(m), from);
      case ShardReplica::What::ack:
        if (auto it = heads_.find(r.shard); it != heads_.end()) return it->second.on_ack(from, r.iteration);
        return {};  // a shard this node no longer serves
      case ShardReplica::What::sum:
      case ShardReplica::What::state:
        if (auto it = copies_.find(r.shard); it != copies_.end() && from == placement_[size_t(r.shard)].server) {
          Status s = it->second.on_replica(from, r);
          account_state();
          return s;
        }
        // A shard handed back late (take_shard_back): this node reseeded it meanwhile.
        if (r.what == ShardReplica::What::state && heads_.contains(r.shard) && from >= layout_.workers) return {};
        return Status::errorf("node {}: {} of shard {} from node {}, which does not keep its replica here", ep_.rank(),
                              describe(m), r.shard, from);
      default:
        return Status::errorf("node {}: unexpected {} from node {}", ep_.rank(), describe(m), from);
    }
  }

  // What a server acts on: pushes, and its shards' replica and clock messages.
  static bool shard_traffic(const Message& m) {
    return std::holds_alternative<PushGradient>(m.payload) || std::holds_alternative<ShardReplica>(m.payload);
  }

  // Once finished: a redone step's push, a replica's traffic; any other message is late.
  Status serve(int from, Message& m) { return shard_traffic(m) ? on_message(from, m) : Status{}; }

  // This node's own rejoin: readmitted, it recovers as after any view change, its shards
  // handed back by the servers that served them. Another change meanwhile: again.
  Status rejoin() {
    if (Status s = ep_.join(); !s.ok()) return s;
    const double admitted_at = ep_.now();
    Status s = recover();
    joining_ = false;  // a handover awaited in an older view was dropped with it: reseeded
    while (!s.ok() && ep_.view_changed()) s = recover();
    if (!s.ok()) return s;
    auto& rec = out_.recoveries.back();
    rec.rejoin = true;
    rec.detected_at = admitted_at;
    return {};
  }

  // A view change. Workers' deaths need nothing here; a server's moves its shards, and a
  // server's rejoin moves its shard back.
  Status recover() {
    Recovery rec;
    rec.joined = ep_.take_joins();
    const auto deaths = ep_.take_view_change();
    for (const auto& d : deaths) {
      rec.dead.push_back(d.rank);
      if (Status s = ps_survivable(layout_, ep_.view()); !s.ok()) {
        ep_.cannot_heal(d);
        return Status::errorf("node {}: peer {} is down ({}): {}", ep_.rank(), d.rank, d.reason, s.message());
      }
    }
    rec.detected_at = deaths.empty() ? ep_.now() : deaths.front().at;
    const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
    placement_ = shard_placement(layout_, ep_.view(), c_.server_replicas);
    for (int k = 0; k < layout_.servers; ++k) {
      const auto& p = placement_[size_t(k)];
      if (p.server == ep_.rank() && !heads_.contains(k)) {
        auto copy = copies_.find(k);
        if (joining_) {
          if (Status s = take_shard_back(k); !s.ok()) return s;
        } else if (copy != copies_.end() && copy->second.has_state()) {
          heads_.emplace(k, std::move(copy->second));
          heads_.at(k).become_head();  // parameters and momentum: exact
        } else {
          auto fresh = keeper(k);
          if (Status s = reseed_from_workers(ep_, fresh, live_workers(layout_, ep_.view()), nullptr); !s.ok())
            return s;
          heads_.emplace(k, std::move(fresh));  // momentum reset
        }
        copies_.erase(k);
      }
      if (p.server != ep_.rank()) {
        // A server back from a death serves its shard again: it gets the whole state.
        if (auto head = heads_.find(k); head != heads_.end()) head->second.hand_over(p.server);
        heads_.erase(k);
      }
      const bool replica_here = std::find(p.replicas.begin(), p.replicas.end(), ep_.rank()) != p.replicas.end();
      if (!replica_here) copies_.erase(k);
      else if (!copies_.contains(k)) copies_.emplace(k, keeper(k)).first->second.forget_state();
    }
    for (auto& [k, head] : heads_) {
      head.forget_players(ep_.view());
      head.set_replica(replica_of(k), /*resend=*/true);
      head.checkpoint_to(&checkpoints_);
    }
    account_state();
    rec.bytes_sent = ep_.recorder().metrics().bytes_sent - sent_before;
    rec.resumed_at = ep_.now();
    out_.recoveries.push_back(std::move(rec));
    return {};
  }

  // A joiner's shard k, handed back by the server that served it meanwhile (a change of view
  // while it waits drops the handover: the next recovery reseeds the shard from the workers).
  // Asked of every live server: the one serving it may get nothing else from the joiner's
  // view (the workers' pushes it answered already), and a message of that view is what
  // makes it admit the joiner too, and hand the shard over.
  Status take_shard_back(int k) {
    for (int s : live_servers(layout_, ep_.view()))
      if (s != ep_.rank()) ep_.send(s, Message{ShardReplica{-1, k, ShardReplica::What::request, {}, 0}});
    auto got = ep_.await([&](int from, const Message& m) {
      const auto* r = std::get_if<ShardReplica>(&m.payload);
      return from >= layout_.workers && r && r->what == ShardReplica::What::state && r->shard == k;
    }, "a shard handed back");
    if (!got.ok()) return got.status();
    auto back = keeper(k);
    if (Status s = back.install(std::get<ShardReplica>(got->message.payload), /*with_momentum=*/true); !s.ok()) return s;
    back.become_head();
    heads_.emplace(k, std::move(back));
    return {};
  }

  void account_state() {
    int64_t params = 0, optimizer = 0, replicas = 0;
    for (const auto& [k, head] : heads_) {
      params += head.param_bytes();
      optimizer += head.state_bytes();
    }
    for (const auto& [k, copy] : copies_) replicas += copy.param_bytes() + copy.state_bytes();
    ep_.recorder().hold(MemoryPart::params, params);
    ep_.recorder().hold(MemoryPart::optimizer, optimizer);
    ep_.recorder().hold(MemoryPart::replicas, replicas);
  }

  const RunConfig& c_;
  const PsLayout& layout_;
  Endpoint<T> ep_;
  int64_t total_;
  std::vector<ShardPlacement> placement_;
  Checkpointer checkpoints_;
  Status resume_error_;
  std::map<int, ShardKeeper<T>> heads_;   // the shards this node serves
  std::map<int, ShardKeeper<T>> copies_;  // the shards this node keeps a replica of
  NodeOutcome out_;
  bool joining_;  // back from a death, not yet serving
};

}  // namespace ringtmp
