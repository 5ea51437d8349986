#pragma once
// One parameter-server shard (ps.hpp): a key range of the flat parameters, its optimizer
// state, and the per-position bookkeeping of the pushes. A server node keeps the shards it
// serves (their head) and the copies it holds for other servers (their replica); a worker
// promoted after every server died keeps the shards it serves the same way (ps_worker.hpp).
//
// Head. Per worker position, the last iteration pushed (its clock) and who plays it (the
// sender of its last push), so a position taken over after a worker's death is answered at
// its new player without the head having to know who died. A position's push of an
// iteration it already has is a step redone after a death: ignored (the sum keeps the
// first, equal by construction: the same parameters and samples), but answered when the
// iteration is done, since the first answer may have been dropped as composed in the old view.
//
// Chain replication (--server-replicas 1, BSP): the head sends each iteration's summed
// gradient to its replica, which applies the same step (the same bits) and acknowledges;
// the head answers the iteration only once acknowledged. So any iteration a worker was
// answered survives the head's death on the replica, which becomes the head. A replica can
// also be one iteration ahead of every worker (the head died between the ack and its
// answers): the workers redo that iteration's pushes and are answered as for a redone step.
// A new replica receives the whole state (parameters then momentum) and acknowledges it.
//
// Asynchronous (asp, ssp with a bound): each push is applied at once. A push of an iteration
// the position already has is one redone after a death (its answer was dropped, or a worker
// took the position over from where the slowest shard held it): never applied again,
// answered. A worker taking a dead position over asks each head for the position's clock
// (ShardReplica clock) and starts from the lowest. No replica follows an asynchronous shard
// (one message per push would double a server's traffic; config refuses it). So "never
// applied twice" holds while a shard's head lives: a reseeded shard does not know which
// pushes its copy holds (a push whose answer died with the head may be applied again, at
// most one per position).
//
// Reseeding (no copy survived): the shard is rebuilt from a worker's parameters, the
// freshest any live worker holds (its installed parameters, or an answer it holds for the
// iteration in flight), momentum reset to zero: exact without momentum (BSP: every worker
// holds the same parameters after a pull). Asynchronous: the installed copy of the worker
// furthest along, which loses the pushes applied after its last answer; the positions'
// clocks are then unknown, and each position's next push sets its own.
#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/checkpoint/checkpointer.hpp"
#include "core/run_model.hpp"
#include "core/config.hpp"
#include "core/model/model.hpp"
#include "core/model/sgd.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/gradient_step.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/ps.hpp"

namespace ringtmp {

// An asynchronous shard's clock for a position it has not heard from since it was reseeded
// (also the clock answer's value then: message.hpp).
inline constexpr int64_t kUnknownClock = -2;

template <Transport T>
class ShardKeeper {
 public:
  // Where an answer to this node itself goes (a promoted worker serving the shard).
  using LocalAnswer = std::function<void(ParamShard&&)>;

  // The shard as every copy starts it: its initial parameters from the seed.
  // `total`: the run's iterations (asp/ssp: no position waits past it).
  ShardKeeper(Endpoint<T>& ep, const RunConfig& c, const PsLayout& layout, int shard, int64_t total,
              LocalAnswer local = {})
      : ep_(ep),
        k_(shard),
        n_(layout.workers),
        size_(layout.shard_size(shard)),
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        sgd_({c.lr, c.momentum, c.weight_decay}, size_, storage_),
        aggregate_(ps_aggregates(c)),
        bound_(c.ps_mode == PsMode::asp ? std::numeric_limits<int64_t>::max() / 2 : c.staleness),
        shard_bytes_(memory::floats(int64_t(size_))),
        total_(total),
        clock_(size_t(n_), 0),
        player_(size_t(n_)),
        waiting_(size_t(n_), false),
        early_(aggregate_ ? size_t(n_) : 0),
        local_(std::move(local)) {
    // empty when timing-only
    if (storage_ == Storage::values)
      params_ = init_param_range(model_layers(c), c.seed, layout.shard_begin[size_t(shard)], size_);
    for (int p = 0; p < n_; ++p) player_[size_t(p)] = p;
  }

  int shard() const { return k_; }

  // Checkpoints: the head writes the shard (part `workers + shard`) after each due
  // iteration it applies; a replica writes nothing (at the boundary it equals its head).
  void checkpoint_to(Checkpointer* checkpoints) { checkpoints_ = checkpoints; }
  static int checkpoint_part(const PsLayout& layout, int shard) { return layout.workers + shard; }
  // --resume (BSP): the shard as of the checkpoint's iteration, every position's clock there.
  Status resume_from(const NodeCheckpoint& ck) {
    if (!restore_model_part(ck, params_, sgd_.state()))
      return Status::errorf("node {}: the checkpoint of shard {} does not hold its {} parameters and {} momentum values",
                            ep_.rank(), k_, size_, sgd_.state_size());
    completed_ = ck.iteration;
    completed_loss_ = ck.losses.empty() ? 0 : ck.losses.back().loss_sum;
    std::fill(clock_.begin(), clock_.end(), completed_);
    has_state_ = true;
    return {};
  }
  int64_t param_bytes() const { return shard_bytes_; }
  int64_t state_bytes() const { return sgd_.state_bytes(); }
  FloatBuffer& params() { return params_; }
  int64_t max_staleness() const { return max_staleness_; }
  // A replica not yet installed holds nothing to serve from.
  bool has_state() const { return has_state_; }
  void forget_state() { has_state_ = false; }

  // Every position answered up to the run's end (and, with a replica, the replica holds it).
  // Asynchronous: a position of unknown clock counts as finished: it pushes again if it is
  // not, and a server keeps answering until every worker said it is done (leave_together).
  bool finished() const {
    if (aggregate_) return completed_ == total_ && due_.empty();
    for (int p = 0; p < n_; ++p)
      if ((clock_[size_t(p)] != kUnknownClock && clock_[size_t(p)] < total_) || waiting_[size_t(p)]) return false;
    return true;
  }
  // As a replica: the shard's head applied the run's last iteration here too.
  bool replicated() const { return has_state_ && completed_ == total_; }

  // Asynchronous: the last iteration of position `p` applied here (kUnknownClock: none since
  // the shard was reseeded).
  int64_t clock_of(int p) const { return clock_[size_t(p)]; }
  // A worker taking a position over asks where it stands (ShardReplica clock).
  Status on_clock_query(int from, const ShardReplica& query) {
    if (query.position >= n_)
      return Status::errorf("node {}: worker {} asked shard {} for the clock of position {}; there are {}", ep_.rank(),
                            from, k_, query.position, n_);
    ep_.send(from, Message{ShardReplica{clock_of(query.position), k_, ShardReplica::What::clock, {}, 0, query.position}});
    return {};
  }

  // ---- head ----

  Status on_push(int from, PushGradient& push) {
    const int p = push.position;
    if (p >= n_ || push.values.size() != size_)
      return Status::errorf("node {}: push from worker {} for position {} with {} values; expected a position below {} "
                            "with {}", ep_.rank(), from, p, push.values.size(), n_, size_);
    player_[size_t(p)] = from;
    const int64_t clock = clock_[size_t(p)];
    if (aggregate_ && push.iteration <= clock) {  // a step redone after a death
      if (push.iteration == completed_) {
        due_[from] = p;
        answer_if_replicated();
      }
      return {};
    }
    if (!aggregate_ && clock != kUnknownClock && push.iteration <= clock) {  // redone: applied already
      if (push.iteration != clock)
        return Status::errorf("node {}: push from worker {} for position {} iteration {}, behind its clock {}",
                              ep_.rank(), from, p, push.iteration, clock);
      waiting_[size_t(p)] = true;  // answered again, within the staleness bound as any answer
      answer_within_bound();
      return {};
    }
    if (push.iteration != clock + 1 && clock != kUnknownClock)
      return Status::errorf("node {}: push from worker {} for position {} iteration {}; expected iteration {}", ep_.rank(),
                            from, p, push.iteration, clock_[size_t(p)] + 1);
    clock_[size_t(p)] = push.iteration;
    waiting_[size_t(p)] = true;
    replies_ = 0;
    return aggregate_ ? sum_in_order(p, HeldPush{std::move(push.values.values()), push.loss_sum})
                      : apply_at_once(push.values.values());
  }

  // The replica this head keeps in step (-1: none). A new one, or one that may have missed
  // a sum (`resend`: after any view change, messages of the old view were dropped), gets the
  // whole state; the head answers nothing newer than what the replica acknowledged.
  void set_replica(int rank, bool resend) {
    if (rank == replica_ && !resend) return;
    replica_ = rank;
    acked_ = -1;
    if (replica_ < 0) {
      answer_if_replicated();
      return;
    }
    send_sum_or_state(ShardReplica::What::state, replica_);
  }
  // To the server this shard moves back to (back from a death): the whole state, as to a
  // new replica. Whatever this head summed or owed is dropped: the workers push again there.
  void hand_over(int to) { send_sum_or_state(ShardReplica::What::state, to); }
  Status on_ack(int from, int64_t iteration) {
    if (from != replica_) return {};  // an old replica's late answer
    if (iteration > completed_)
      return Status::errorf("node {}: shard {}'s replica on node {} acknowledged iteration {}, ahead of the head's {}",
                            ep_.rank(), k_, from, iteration, completed_);
    acked_ = std::max(acked_, iteration);
    answer_if_replicated();
    return {};
  }

  // After a view change: answers owed to dead players are dropped (whoever took their
  // positions over redoes the push and is answered then).
  void forget_players(const View& view) {
    std::erase_if(due_, [&](const auto& d) { return !view.is_live(d.first); });
    for (int p = 0; p < n_; ++p)
      if (!view.is_live(player_[size_t(p)])) waiting_[size_t(p)] = false;
  }

  // Serving from a copy: the positions' clocks start at the copy's iteration (asynchronous:
  // unknown, each set by the position's next push).
  void become_head() {
    std::fill(clock_.begin(), clock_.end(), aggregate_ ? completed_ : kUnknownClock);
    std::fill(waiting_.begin(), waiting_.end(), false);
    for (auto& e : early_) e.reset();
    next_in_sum_ = held_ = 0;
    due_.clear();
    replica_ = -1;
    acked_ = -1;
  }

  // ---- replica ----

  // `m` (from the shard's head): a summed gradient to apply, or a whole state to install.
  // Acknowledged either way, with the iteration now held.
  Status on_replica(int from, ShardReplica& m) {
    if (m.what == ShardReplica::What::state) {
      if (Status s = install(m, /*with_momentum=*/true); !s.ok()) return s;
    } else if (m.iteration == completed_ + 1 && has_state_) {
      if (m.values.size() != size_)
        return Status::errorf("node {}: shard {}'s summed gradient from node {} has {} values, expected {}", ep_.rank(),
                              k_, from, m.values.size(), size_);
      ep_.compute(int64_t(3) * int64_t(size_), [&] { sgd_.step(params_, m.values.values()); });
      completed_ = m.iteration;
      completed_loss_ = m.loss_sum;
    } else if (m.iteration > completed_ || !has_state_) {
      return Status::errorf("node {}: shard {}'s summed gradient of iteration {} from node {}, holding iteration {}",
                            ep_.rank(), k_, m.iteration, from, has_state_ ? completed_ : -1);
    }
    ep_.send(from, Message{ShardReplica{completed_, k_, ShardReplica::What::ack, {}, 0}});
    return {};
  }

  // A whole state (a head's: parameters then momentum) or a worker's copy (parameters only:
  // momentum reset to zero).
  Status install(ShardReplica& m, bool with_momentum) {
    const size_t momentum = with_momentum ? sgd_.state_size() : 0;
    if (m.values.size() != size_ + momentum)
      return Status::errorf("node {}: shard {}'s {} has {} values, expected {}", ep_.rank(), k_,
                            with_momentum ? "state" : "copy", m.values.size(), size_ + momentum);
    if (storage_ == Storage::values) {
      const auto& v = m.values.values();
      std::copy(v.begin(), v.begin() + ptrdiff_t(size_), params_.begin());
      auto velocity = sgd_.state();
      if (with_momentum) std::copy(v.begin() + ptrdiff_t(size_), v.end(), velocity.begin());
      else std::fill(velocity.begin(), velocity.end(), 0.0f);
    }
    completed_ = m.iteration;
    completed_loss_ = m.loss_sum;
    has_state_ = true;
    return {};
  }

 private:
  struct HeldPush {
    FloatBuffer values;
    double loss = 0;
  };

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
    for (int q = 0; q < n_; ++q) {
      waiting_[size_t(q)] = false;
      due_.emplace(player_[size_t(q)], q);
    }
    if (replica_ >= 0) send_sum_or_state(ShardReplica::What::sum, replica_);
    answer_if_replicated();
    return checkpoints_ && checkpoints_->due(completed_) ? write_checkpoint() : Status{};
  }

  Status write_checkpoint() {
    // The iteration's whole loss, which the shard's answers carry.
    NodeCheckpoint ck = model_part(n_ + k_, fmt::format("shard {}", k_), completed_, 0,
                                   {{completed_, ep_.now(), completed_loss_, 0}}, params_, sgd_.state(),
                                   storage_ == Storage::values);
    return checkpoints_->write(ep_, std::move(ck), int64_t(size_ + sgd_.state_size()));
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

  // ASP/SSP: each push is applied at once, then the waiting positions the bound allows are
  // answered.
  Status apply_at_once(FloatBuffer& values) {
    ep_.recorder().hold(MemoryPart::held_pushes, shard_bytes_);  // the push in hand
    ep_.compute(int64_t(3) * int64_t(size_), [&] { sgd_.step(params_, values); });
    answer_within_bound();
    return {};
  }

  // Every waiting position the staleness bound now allows, in position order (deterministic).
  void answer_within_bound() {
    int64_t slowest = std::numeric_limits<int64_t>::max();
    for (int64_t clock : clock_)
      if (clock != kUnknownClock) slowest = std::min(slowest, clock);
    for (int p = 0; p < n_; ++p) {
      if (!waiting_[size_t(p)]) continue;
      const int64_t ahead = clock_[size_t(p)] - slowest;
      if (clock_[size_t(p)] < total_ && ahead > bound_) continue;
      if (clock_[size_t(p)] < total_) max_staleness_ = std::max(max_staleness_, ahead);
      waiting_[size_t(p)] = false;
      reply(player_[size_t(p)], p, clock_[size_t(p)]);
    }
  }

  void send_sum_or_state(ShardReplica::What what, int to) {
    Floats values;
    if (what == ShardReplica::What::sum) {
      values = flat_range(sum_, 0, size_, storage_);
    } else if (storage_ == Storage::values) {
      FloatBuffer state(params_.begin(), params_.end());
      state.insert(state.end(), sgd_.state().begin(), sgd_.state().end());
      values = Floats(std::move(state));
    } else {
      values = Floats::count_only(size_ + sgd_.state_size());
    }
    ep_.recorder().hold(MemoryPart::messages, int64_t(values.size() * sizeof(float)));
    ep_.send(to, Message{ShardReplica{completed_, k_, what, std::move(values), completed_loss_}});
  }

  void answer_if_replicated() {
    if (replica_ >= 0 && acked_ < completed_) return;
    for (const auto& [to, position] : due_) reply(to, position, completed_);
    due_.clear();
  }

  // The shard's parameters to position `position`'s player, as the answer to its push of
  // `iteration`.
  void reply(int to, int position, int64_t iteration) {
    ParamShard answer{iteration, k_, flat_range(params_, 0, size_, storage_), completed_loss_, position};
    if (to == ep_.rank()) {
      local_(std::move(answer));
      return;
    }
    ep_.recorder().hold(MemoryPart::messages, ++replies_ * shard_bytes_);
    ep_.send(to, Message{std::move(answer)});
  }

  Endpoint<T>& ep_;
  int k_, n_;
  size_t size_;
  Storage storage_;
  FloatBuffer params_;
  Sgd sgd_;
  bool aggregate_;
  int64_t bound_;
  int64_t shard_bytes_;
  int64_t total_;
  std::vector<int64_t> clock_;  // per position: the last iteration pushed (or kUnknownClock)
  std::vector<int> player_;     // per position: the worker that pushed it last
  std::vector<bool> waiting_;   // per position: pushed, not yet answered
  std::vector<std::optional<HeldPush>> early_;
  std::map<int, int> due_;  // BSP: answers owed for iteration completed_, player -> a position of its
  LocalAnswer local_;
  Checkpointer* checkpoints_ = nullptr;
  FloatBuffer sum_;
  double loss_sum_ = 0;  // the iteration's loss, summed in position order with the gradients
  // BSP: the whole loss of iteration completed_ (an answer to a redone push comes while the
  // next iteration's loss is being summed).
  double completed_loss_ = 0;
  int next_in_sum_ = 0, held_ = 0;
  int64_t completed_ = 0;  // BSP (and a replica): iterations summed and applied
  bool has_state_ = true;  // false: a new replica, until the head's state arrives
  int replica_ = -1;       // the head's replica, -1 when none
  int64_t acked_ = -1;     // the last iteration the replica acknowledged
  int replies_ = 0;        // answers built by the current answering loop
  int64_t max_staleness_ = 0;
};

// A shard that lost every copy, rebuilt to serve from the freshest copy any live worker
// holds: each is asked which iteration it holds the shard at (a small report; `own`: this
// node's copy, when it is a worker itself), then the first that holds the latest is asked
// for its parameters: one shard-size message however many workers.
template <Transport T>
Status reseed_from_workers(Endpoint<T>& ep, ShardKeeper<T>& keeper, const std::vector<int>& workers,
                           const ShardReplica* own) {
  const int k = keeper.shard();
  auto await_copy = [&](int from) {
    return ep.await(
        [&](int sender, const Message& m) {
          const auto* c = std::get_if<ShardReplica>(&m.payload);
          return sender == from && c && c->what == ShardReplica::What::copy && c->shard == k;
        },
        "a worker's copy of a shard");
  };
  int freshest = own ? ep.rank() : -1;
  int64_t latest = own ? own->iteration : -1;
  for (int w : workers)
    if (w != ep.rank()) ep.send(w, Message{ShardReplica{-1, k, ShardReplica::What::request, {}, 0}});
  for (int w : workers) {
    if (w == ep.rank()) continue;
    auto r = await_copy(w);
    if (!r.ok()) return r.status();
    const int64_t held = std::get<ShardReplica>(r->message.payload).iteration;
    if (held > latest) latest = held, freshest = w;
  }
  if (freshest < 0) return Status::errorf("node {}: no worker is left to reseed shard {}", ep.rank(), k);
  if (freshest == ep.rank()) {
    ShardReplica mine = *own;
    if (Status s = keeper.install(mine, /*with_momentum=*/false); !s.ok()) return s;
  } else {
    ep.send(freshest, Message{ShardReplica{latest, k, ShardReplica::What::request, {}, 0}});
    auto r = await_copy(freshest);
    if (!r.ok()) return r.status();
    auto& copy = std::get<ShardReplica>(r->message.payload);
    // Fresher than reported is fine (asp/ssp: the worker's position can complete meanwhile,
    // answered by another shard's head); older is not.
    if (copy.iteration < latest)
      return Status::errorf("node {}: worker {} sent its copy of shard {} at iteration {}, having reported {}", ep.rank(),
                            freshest, k, copy.iteration, latest);
    if (Status s = keeper.install(copy, /*with_momentum=*/false); !s.ok()) return s;
  }
  keeper.become_head();
  return {};
}

}  // namespace ringtmp
