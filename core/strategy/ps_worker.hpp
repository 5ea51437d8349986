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
// worker records, so the loss trace survives a worker's death. Not healed yet, the worker
// stops naming the death: a server's, and any under asp or ssp with a bound (kAsyncUnhealed).
#include <algorithm>
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
  }

  NodeOutcome run() {
    ep_.recorder().hold(MemoryPart::params, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::grads, model_.param_bytes());
    out_.status = run_healing(
        ep_, [&] { return done_ == total_; }, [&] { return iteration(done_ + 1); }, [&] { return recover(); });
    out_.whole_losses = aggregate_;
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
        ep_.send(layout_.workers + k,
                 Message{PushGradient{it, k, flat_range(model_.grads(), layout_.shard_begin[size_t(k)], layout_.shard_size(k), storage_),
                                      q.rank, loss}});
      }
      if (redo && !out_.recoveries.empty()) out_.recoveries.back().bytes_sent += ep_.recorder().metrics().bytes_sent - sent_before;
      if (!aggregate_ && !redo) out_.losses.push_back({it, ep_.now(), loss, b.size});
      if (!aggregate_ && !redo && q.rank == ep_.rank()) report_progress(it, loss / b.size);
    }
    for (int k = 0; k < layout_.servers; ++k) {
      auto& a = answers_[size_t(k)];
      while (!answered(a)) {
        const int server = layout_.workers + k;
        auto r = ep_.await([&](int from, const Message& m) { return from == server && std::holds_alternative<ParamShard>(m.payload); },
                           "parameters from a server");
        if (!r.ok()) return r.status();
        auto& p = std::get<ParamShard>(r->message.payload);
        if (p.iteration < it) continue;  // a second answer to a push redone: the first one came
        if (p.shard != k || p.values.size() != layout_.shard_size(k))
          return Status::errorf("node {}: shard {} arrived from server {} with {} values, expected shard {} with {}",
                                ep_.rank(), p.shard, server, p.values.size(), k, layout_.shard_size(k));
        a.positions.insert(p.position);
        a.latest = std::move(p);
      }
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

  // A view change: workers' positions are taken over; a server's death ends the worker.
  Status recover() {
    Recovery rec;
    const auto deaths = ep_.take_view_change();
    for (const auto& d : deaths) rec.dead.push_back(d.rank);
    if (!deaths.empty()) rec.detected_at = deaths.front().at;
    for (const auto& d : deaths) {
      const bool server = d.rank >= layout_.workers;
      if (server || !aggregate_) {
        ep_.cannot_heal(d);
        return Status::errorf("node {}: peer {} is down ({}): {}", ep_.rank(), d.rank, d.reason,
                              server ? fmt::format("server {} lost its shard (a parameter server's servers do not "
                                                   "heal yet)", d.rank - layout_.workers)
                                     : std::string(kAsyncUnhealed));
      }
    }
    take_over_dead_positions();
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
  std::vector<ShardAnswer> answers_;
  int64_t answers_for_ = 0;
  NodeOutcome out_;
  int64_t done_ = 0;  // iterations completed (every shard's parameters installed)
  int64_t samples_ = 0;
};

}  // namespace ringtmp
