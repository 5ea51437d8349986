#pragma once
// A parameter-server worker (ps.hpp). It plays one or more worker positions: its own, and,
// once workers died, the dead positions after its own up to the next live worker (the
// workers' ring wraps), as all-reduce does. Each iteration it computes every position's
// gradient with the same parameters, pushes each to every shard's server, and installs the
// parameters only once every shard has answered, so a step redone after a death starts
// from the parameters it started from the first time.
//
// Resilient: a worker's death is a view change. The survivors take the dead positions over
// and redo the step in flight: they push the iteration again to every shard that has not
// answered it (a server ignores a position's second push of an iteration, and answers it
// when the iteration is already done: its first answer may have been dropped as composed in
// the old view). A BSP server's answer carries the minibatch's whole loss, which every
// worker records, so the loss trace survives a worker's death. A server's death moves its
// shards (ps_server.hpp); the worker pushes to where the view's placement says, answers a
// new server's request for its copy of a shard, and, when no server is left, the lowest live
// worker serves every shard itself (ps_shard.hpp). Not healed yet, the worker stops naming
// the death: any under asp or ssp with a bound (kAsyncUnhealed).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/model/model.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/gradient_step.hpp"
#include "core/strategy/healing_loop.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/local.hpp"
#include "core/strategy/progress.hpp"
#include "core/strategy/ps.hpp"
#include "core/strategy/ps_recovery.hpp"
#include "core/strategy/ps_shard.hpp"

namespace ringtmp {

template <Transport T>
class PsWorkerNode {
 public:
  PsWorkerNode(T& transport, const RunConfig& c, const PsLayout& layout, const Dataset& train,
               const ProgressFn& progress)
      : c_(c),
        layout_(layout),
        progress_(progress),
        ep_(transport, "worker", c.peer_timeout, /*resilient=*/true),
        // Timing-only: shapes, counts and flops only, no values (10,000 workers, one model each).
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        model_(mlp_layers(c.layers, c.activation), 0, storage_),
        train_(train),
        total_(planned_iterations(c, train.size())),
        aggregate_(ps_aggregates(c)) {
    model_.init(c.seed);
    positions_.push_back(position(ep_.rank()));
    placement_ = shard_placement(layout_, ep_.view(), c.server_replicas);
  }

  NodeOutcome run() {
    ep_.recorder().hold(MemoryPart::params, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::grads, model_.param_bytes());
    bool left = false;
    out_.status = run_healing(
        ep_, [&] { return left; },
        [&] {
          if (done_ < total_) return iteration(done_ + 1);
          Status s = leave_together(ep_, "the others to finish", [&](int from, Message& m) { return serve(from, m); });
          left = s.ok();
          return s;
        },
        [&] { return recover(); });
    out_.whole_losses = aggregate_;
    // A server died: its shard's final parameters may live on no server any more; under BSP
    // every worker's copy is the servers' (the merge lets a live server's shard win).
    const auto& live = ep_.view().live;
    const auto live_servers = live.end() - std::lower_bound(live.begin(), live.end(), layout_.workers);
    if (aggregate_ && storage_ == Storage::values && live_servers < layout_.servers) {
      out_.param_offset = 0;
      out_.params = model_.release_params();
    }
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  struct Position {
    int rank;
    std::unique_ptr<SliceSource> data;
    int64_t drawn = 0;  // the iteration whose batch it drew last
  };
  // What the servers answered for the iteration in hand, per shard: the freshest parameters,
  // and the positions answered (asp/ssp answer each push; bsp answers a worker once).
  struct ShardAnswer {
    std::optional<ParamShard> latest;
    std::set<int> positions;
  };

  Position position(int rank) const {
    return Position{rank, std::make_unique<SliceSource>(train_, c_, layout_.workers, rank, storage_)};
  }
  bool answered(const ShardAnswer& a, const Position& q) const {
    return aggregate_ ? a.latest.has_value() : a.positions.contains(q.rank);
  }
  bool answered(const ShardAnswer& a) const {
    return std::all_of(positions_.begin(), positions_.end(), [&](const Position& q) { return answered(a, q); });
  }

  bool expected(int from, const Message& m) const {
    if (const auto* p = std::get_if<ParamShard>(&m.payload))
      return p->shard >= 0 && p->shard < layout_.servers && from == placement_[size_t(p->shard)].server;
    if (const auto* push = std::get_if<PushGradient>(&m.payload)) return from < layout_.workers && keepers_.contains(push->shard);
    const auto* r = std::get_if<ShardReplica>(&m.payload);
    return r && r->what == ShardReplica::What::request && r->shard >= 0 && r->shard < layout_.servers;
  }

  // An answer, a push to a shard this node serves, or a request for its copy of a shard;
  // anything else (late, once finished) is ignored.
  Status serve(int from, Message& m) {
    if (!expected(from, m)) return {};
    if (auto* p = std::get_if<ParamShard>(&m.payload)) return take_answer(std::move(*p), from);
    if (auto* push = std::get_if<PushGradient>(&m.payload)) return keepers_.at(push->shard).on_push(from, *push);
    const auto& request = std::get<ShardReplica>(m.payload);
    ep_.send(from, Message{copy_of(request.shard, /*with_values=*/request.iteration >= 0)});
    return {};
  }

  // A shard's parameters for the iteration in hand (from its server, or from this node's own
  // keeper when promoted).
  Status take_answer(ParamShard&& p, int from) {
    if (p.iteration < answers_for_) return {};  // a second answer to a push redone: the first one came
    const int k = p.shard;
    if (p.values.size() != layout_.shard_size(k))
      return Status::errorf("node {}: shard {} arrived from node {} with {} values, expected {}", ep_.rank(), k, from,
                            p.values.size(), layout_.shard_size(k));
    auto& a = answers_[size_t(k)];
    a.positions.insert(p.position);
    a.latest = std::move(p);
    return {};
  }

  // This node's copy of shard k, for a server that lost every other: the parameters of the
  // iteration in hand when its server already answered it, else those installed; without
  // values, the report of which iteration that is.
  ShardReplica copy_of(int k, bool with_values) const {
    ShardReplica copy{done_, k, ShardReplica::What::copy, {}, 0};
    if (size_t(k) < answers_.size() && answers_[size_t(k)].latest) {
      const auto& a = *answers_[size_t(k)].latest;
      copy.iteration = a.iteration;
      copy.loss_sum = a.loss_sum;
      if (with_values) copy.values = a.values;
      return copy;
    }
    if (aggregate_ && !out_.losses.empty()) copy.loss_sum = out_.losses.back().loss_sum;
    if (with_values)
      copy.values = flat_range(model_.params(), layout_.shard_begin[size_t(k)], layout_.shard_size(k), storage_);
    return copy;
  }

  Status iteration(int64_t it) {
    if (answers_for_ != it) {
      answers_.assign(size_t(layout_.servers), {});
      answers_for_ = it;
    }
    // Every position's gradient with the parameters of iteration it - 1, pushed to the
    // shards that have not answered it yet (all of them, unless the step is being redone).
    for (auto& q : positions_) {
      const bool redo = q.drawn == it;
      const Batch b = redo ? q.data->again() : q.data->next();
      q.drawn = it;
      const float scale = 1.0f / float(aggregate_ ? c_.batch : q.data->slice_size());
      double loss = 0;
      ep_.compute(GradientStep::flops(model_, b.size), [&] { loss = step_.run(model_, b, scale); });
      ep_.recorder().hold(MemoryPart::activations, memory::gradient_step_bytes(model_, b.size));
      ep_.recorder().hold(MemoryPart::messages, model_.param_bytes());  // every shard's push at once
      const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
      for (int k = 0; k < layout_.servers; ++k) {
        if (answered(answers_[size_t(k)], q)) continue;
        PushGradient push{it, k, flat_range(model_.grads(), layout_.shard_begin[size_t(k)], layout_.shard_size(k), storage_),
                          q.rank, loss};
        const int server = placement_[size_t(k)].server;
        if (server != ep_.rank()) {
          ep_.send(server, Message{std::move(push)});
        } else if (Status s = keepers_.at(k).on_push(ep_.rank(), push); !s.ok()) {
          return s;
        }
      }
      if (redo && !out_.recoveries.empty()) out_.recoveries.back().bytes_sent += ep_.recorder().metrics().bytes_sent - sent_before;
      if (!aggregate_ && !redo) out_.losses.push_back({it, ep_.now(), loss, b.size});
      if (!aggregate_ && !redo && q.rank == ep_.rank()) report_progress(it, loss / b.size);
    }
    // The answers; meanwhile, pushes to the shards this node serves (promoted) and requests
    // for this node's copy of a shard (a new server reseeding it).
    while (!std::all_of(answers_.begin(), answers_.end(), [&](const ShardAnswer& a) { return answered(a); })) {
      auto r = ep_.await([&](int from, const Message& m) { return expected(from, m); }, "parameters from a server");
      if (!r.ok()) return r.status();
      if (Status s = serve(r->from, r->message); !s.ok()) return s;
    }
    // Every shard answered: the parameters of iteration it, installed at once.
    for (int k = 0; k < layout_.servers; ++k) {
      const auto& values = answers_[size_t(k)].latest->values;
      if (storage_ == Storage::values)
        std::copy(values.begin(), values.end(), model_.params().begin() + ptrdiff_t(layout_.shard_begin[size_t(k)]));
    }
    done_ = it;
    samples_ += c_.batch;
    if (aggregate_) {
      const double whole = answers_[0].latest->loss_sum;
      out_.losses.push_back({it, ep_.now(), whole, c_.batch});
      report_progress(it, whole / c_.batch);
    }
    return {};
  }

  // The lowest live worker reports progress (samples: the whole cluster's).
  void report_progress(int64_t it, double mean_loss) {
    if (progress_ && ep_.rank() == ep_.view().live.front())
      progress_({it, total_, mean_loss, ep_.now(), aggregate_ ? samples_ : it * int64_t(c_.batch)});
  }

  // A view change: dead workers' positions are taken over; a dead server's shards move to
  // the servers placement names (ps_server.hpp), or to this node when it is the lowest live
  // worker and no server is left: it then serves them, reseeded from the workers' copies.
  Status recover() {
    Recovery rec;
    const auto deaths = ep_.take_view_change();
    for (const auto& d : deaths) rec.dead.push_back(d.rank);
    if (!deaths.empty()) rec.detected_at = deaths.front().at;
    for (const auto& d : deaths) {
      if (!aggregate_) {
        ep_.cannot_heal(d);
        return Status::errorf("node {}: peer {} is down ({}): {}", ep_.rank(), d.rank, d.reason, kAsyncUnhealed);
      }
    }
    take_over_dead_positions();
    placement_ = shard_placement(layout_, ep_.view(), c_.server_replicas);
    for (int k = 0; k < layout_.servers; ++k) {
      if (placement_[size_t(k)].server != ep_.rank() || keepers_.contains(k)) continue;
      ShardKeeper<T> keeper(ep_, c_, layout_, k, total_, [this](ParamShard&& p) { (void)take_answer(std::move(p), ep_.rank()); });
      const ShardReplica own = copy_of(k, /*with_values=*/true);
      if (Status s = reseed_from_workers(ep_, keeper, live_workers(layout_, ep_.view()), &own); !s.ok()) return s;
      keepers_.emplace(k, std::move(keeper));
      ep_.recorder().hold(MemoryPart::replicas, int64_t(keepers_.size()) * keepers_.at(k).param_bytes());
    }
    rec.resumed_at = ep_.now();
    rec.iterations_redone = positions_.front().drawn > done_ ? 1 : 0;
    out_.recoveries.push_back(std::move(rec));
    return {};
  }

  // The dead workers after this node's positions, up to the next live worker: their
  // positions join this node's, each slice brought to the iterations completed.
  void take_over_dead_positions() {
    const int n = layout_.workers;
    for (int p = (positions_.back().rank + 1) % n; p != ep_.rank() && !ep_.view().is_live(p); p = (p + 1) % n) {
      positions_.push_back(position(p));
      positions_.back().data->skip(done_);
      positions_.back().drawn = done_;
    }
  }

  const RunConfig& c_;
  const PsLayout& layout_;
  const ProgressFn& progress_;
  Endpoint<T> ep_;
  Storage storage_;
  Model model_;
  const Dataset& train_;
  int64_t total_;
  bool aggregate_;
  std::vector<Position> positions_;  // this node's own first, then the dead ones after it
  GradientStep step_;
  std::vector<ShardPlacement> placement_;      // who serves each shard in the current view
  std::map<int, ShardKeeper<T>> keepers_;       // the shards this node serves (promoted)
  std::vector<ShardAnswer> answers_;
  int64_t answers_for_ = 0;
  NodeOutcome out_;
  int64_t done_ = 0;  // iterations completed (every shard's parameters installed)
  int64_t samples_ = 0;
};

}  // namespace ringtmp
