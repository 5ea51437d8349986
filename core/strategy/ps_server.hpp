#pragma once
// A parameter-server server (ps.hpp): shard k of the flat parameters and its optimizer
// state. It keeps, per worker position, the last iteration pushed (its clock) and who plays
// it (the sender of its last push), so a position taken over after a worker's death is
// answered at its new player without the server having to know who died.
//
// Resilient to workers' deaths under BSP: a position's push of an iteration it already has
// is a step redone after a death: ignored (the sum keeps the first, equal by construction:
// the same parameters and samples), but answered when the iteration is done, since the
// first answer may have been dropped as composed in the old view. Not healed yet: a
// server's death, and a worker's under asp or ssp with a bound (kAsyncUnhealed).
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/config.hpp"
#include "core/model/model.hpp"
#include "core/model/sgd.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/gradient_step.hpp"
#include "core/strategy/healing_loop.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/ps.hpp"

namespace ringtmp {

template <Transport T>
class PsServerNode {
 public:
  PsServerNode(T& transport, const RunConfig& c, const PsLayout& layout, int64_t total)
      : ep_(transport, "server", c.peer_timeout, /*resilient=*/true),
        k_(ep_.rank() - layout.workers),
        n_(layout.workers),
        begin_(layout.shard_begin[size_t(k_)]),
        size_(layout.shard_size(k_)),
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        sgd_({c.lr, c.momentum, c.weight_decay}, size_, storage_),
        total_(total),
        aggregate_(ps_aggregates(c)),
        bound_(c.ps_mode == PsMode::asp ? std::numeric_limits<int64_t>::max() / 2 : c.staleness),
        shard_bytes_(memory::floats(int64_t(size_))),
        clock_(size_t(n_), 0),
        player_(size_t(n_)),
        waiting_(size_t(n_), false),
        early_(aggregate_ ? size_t(n_) : 0) {
    // empty when timing-only
    if (storage_ == Storage::values) params_ = init_param_range(mlp_layers(c.layers, c.activation), c.seed, begin_, size_);
    for (int p = 0; p < n_; ++p) player_[size_t(p)] = p;
  }

  NodeOutcome run() {
    ep_.recorder().hold(MemoryPart::params, shard_bytes_);
    ep_.recorder().hold(MemoryPart::optimizer, sgd_.state_bytes());
    auto on_push = [&](int from, const Message& m) {
      const auto* p = std::get_if<PushGradient>(&m.payload);
      return from >= 0 && from < n_ && p && p->shard == k_;
    };
    out_.status = run_healing(
        ep_, [&] { return finished(); },
        [&] {
          auto r = ep_.await(on_push, "a gradient push");
          return r.ok() ? on_arrival(r->from, std::get<PushGradient>(r->message.payload)) : r.status();
        },
        [&] { return recover(); });
    out_.max_staleness = max_staleness_;
    out_.param_offset = begin_;
    out_.params = std::move(params_);
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  struct HeldPush {
    FloatBuffer values;
    double loss = 0;
  };

  bool finished() const {
    if (aggregate_) return completed_ == total_;
    for (int p = 0; p < n_; ++p)
      if (clock_[size_t(p)] < total_ || waiting_[size_t(p)]) return false;
    return true;
  }

  Status on_arrival(int from, PushGradient& push) {
    const int p = push.position;
    if (p >= n_ || push.values.size() != size_)
      return Status::errorf("node {}: push from worker {} for position {} with {} values; expected a position below {} "
                            "with {}", ep_.rank(), from, p, push.values.size(), n_, size_);
    player_[size_t(p)] = from;
    if (aggregate_ && push.iteration <= clock_[size_t(p)]) {  // a step redone after a death
      if (push.iteration == completed_) {
        replies_ = 0;
        reply(from, p);
      }
      return {};
    }
    if (push.iteration != clock_[size_t(p)] + 1)
      return Status::errorf("node {}: push from worker {} for position {} iteration {}; expected iteration {}", ep_.rank(),
                            from, p, push.iteration, clock_[size_t(p)] + 1);
    clock_[size_t(p)] = push.iteration;
    waiting_[size_t(p)] = true;
    replies_ = 0;
    return aggregate_ ? sum_in_order(p, HeldPush{std::move(push.values.values()), push.loss_sum})
                      : apply_at_once(push.values.values());
  }

  // BSP: the iteration's sum is built in position order as pushes arrive (the same float
  // sums as local SGD); a push that arrives before its turn waits in `early_`.
  Status sum_in_order(int p, HeldPush&& push) {
    if (p != next_in_sum_) {
      early_[size_t(p)] = std::move(push);
      ep_.recorder().hold(MemoryPart::held_pushes, ++held_ * shard_bytes_);
      return {};
    }
    add_to_sum(std::move(push));
    for (; next_in_sum_ < n_ && early_[size_t(next_in_sum_)]; --held_) {
      HeldPush waited = std::move(*early_[size_t(next_in_sum_)]);
      early_[size_t(next_in_sum_)].reset();
      add_to_sum(std::move(waited));
    }
    if (next_in_sum_ < n_) return {};
    ep_.compute(int64_t(3) * int64_t(size_), [&] { sgd_.step(params_, sum_); });
    next_in_sum_ = 0;
    completed_ = clock_[0];
    completed_loss_ = loss_sum_;
    // One answer per player, for all of its positions.
    std::vector<bool> answered(size_t(ep_.size()), false);
    for (int q = 0; q < n_; ++q) {
      const int to = player_[size_t(q)];
      waiting_[size_t(q)] = false;
      if (answered[size_t(to)]) continue;
      answered[size_t(to)] = true;
      reply(to, q);
    }
    return {};
  }

  void add_to_sum(HeldPush&& push) {
    if (next_in_sum_ == 0) {
      ep_.compute(0, [&] { sum_ = std::move(push.values); });
      ep_.recorder().hold(MemoryPart::grads, shard_bytes_);
      loss_sum_ = 0;
    } else {
      ep_.compute(int64_t(size_), [&] {
        VectorMap(sum_.data(), Eigen::Index(size_)) += ConstVectorMap(push.values.data(), Eigen::Index(size_));
      });
    }
    loss_sum_ += push.loss;
    ++next_in_sum_;
  }

  // ASP/SSP: each push is applied at once; every waiting position the staleness bound now
  // allows is answered (position order: deterministic).
  Status apply_at_once(FloatBuffer& values) {
    ep_.recorder().hold(MemoryPart::held_pushes, shard_bytes_);  // the push in hand
    ep_.compute(int64_t(3) * int64_t(size_), [&] { sgd_.step(params_, values); });
    const int64_t slowest = *std::min_element(clock_.begin(), clock_.end());
    for (int p = 0; p < n_; ++p) {
      if (!waiting_[size_t(p)]) continue;
      const int64_t ahead = clock_[size_t(p)] - slowest;
      if (clock_[size_t(p)] < total_ && ahead > bound_) continue;
      if (clock_[size_t(p)] < total_) max_staleness_ = std::max(max_staleness_, ahead);
      waiting_[size_t(p)] = false;
      reply(player_[size_t(p)], p);
    }
    return {};
  }

  // Empty when a death of `rank` heals.
  std::string why_unhealable(int rank) const {
    if (rank >= n_)
      return fmt::format("server {} lost its shard (a parameter server's servers do not heal yet)", rank - n_);
    if (ep_.view().live.front() >= n_) return "no worker is left to train";
    if (!aggregate_) return kAsyncUnhealed;
    return {};
  }

  void reply(int to, int position) {
    ep_.recorder().hold(MemoryPart::messages, ++replies_ * shard_bytes_);
    const int64_t iteration = aggregate_ ? completed_ : clock_[size_t(position)];
    ep_.send(to, Message{ParamShard{iteration, k_, flat_range(params_, 0, size_, storage_), completed_loss_,
                                    position}});
  }

  // A view change: a worker's position is taken over by a live worker, whose pushes say so;
  // the server only records what it learned. A server's death is not healed yet.
  Status recover() {
    Recovery rec;
    const auto deaths = ep_.take_view_change();
    for (const auto& d : deaths) {
      const std::string unhealable = why_unhealable(d.rank);
      if (!unhealable.empty()) {
        ep_.cannot_heal(d);
        return Status::errorf("node {}: peer {} is down ({}): {}", ep_.rank(), d.rank, d.reason, unhealable);
      }
      rec.dead.push_back(d.rank);
    }
    rec.detected_at = deaths.empty() ? ep_.now() : deaths.front().at;
    rec.resumed_at = ep_.now();
    out_.recoveries.push_back(std::move(rec));
    return {};
  }

  Endpoint<T> ep_;
  int k_, n_;
  size_t begin_, size_;
  Storage storage_;
  FloatBuffer params_;
  Sgd sgd_;
  int64_t total_;
  bool aggregate_;
  int64_t bound_;
  int64_t shard_bytes_;
  std::vector<int64_t> clock_;  // per position: the last iteration pushed
  std::vector<int> player_;     // per position: the worker that pushed it last
  std::vector<bool> waiting_;   // per position: pushed, not yet answered
  std::vector<std::optional<HeldPush>> early_;
  FloatBuffer sum_;
  double loss_sum_ = 0;  // the iteration's loss, summed in position order with the gradients
  // BSP: the whole loss of iteration completed_ (an answer to a redone push comes while the
  // next iteration's loss is being summed).
  double completed_loss_ = 0;
  int next_in_sum_ = 0, held_ = 0;
  int64_t completed_ = 0;  // BSP: iterations summed and applied
  int replies_ = 0;        // answers built by the current answering loop
  int64_t max_staleness_ = 0;
  NodeOutcome out_;
};

}  // namespace ringtmp
