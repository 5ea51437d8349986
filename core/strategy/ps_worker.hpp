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
// worker serves every shard itself (ps_shard.hpp).
//
// Asynchronous (asp, ssp with a bound): every position runs at its own clock. A position
// taken over starts where the servers hold it: the lowest of its clocks over the shards
// (asked of each shard's head); a shard already ahead answers that push without applying it.
//
// Rejoin (ps_recovery.hpp): a worker back from a death is admitted at an iteration's start
// (any but the last) while a server lives. It asks the worker that played its position for
// its parameters and iteration; that worker gives the position back (and the dead ones after
// it) and answers. The joiner then pushes as a taker redoing a step: a push a shard already
// holds is not summed again, and is answered to whoever pushed it last.
#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/run_model.hpp"
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
  // `rejoining`: a new incarnation of a rank that died (membership.hpp): it joins the running
  // cluster and takes its position back.
  PsWorkerNode(T& transport, const RunConfig& c, const PsLayout& layout, std::shared_ptr<const CheckpointSet> resume,
               const Dataset& train, const ProgressFn& progress, bool rejoining = false)
      : c_(c),
        layout_(layout),
        progress_(progress),
        ep_(transport, "worker", c.peer_timeout, /*resilient=*/true),
        // Timing-only: shapes, counts and flops only, no values (10,000 workers, one model each).
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        model_(model_layers(c), 0, storage_, c.threads),
        train_(train),
        total_(planned_iterations(c, train.size())),
        aggregate_(ps_aggregates(c)),
        checkpoints_(c, layout.workers + layout.servers, std::move(resume)),
        joining_(rejoining) {
    model_.init(c.seed);
    positions_.push_back(position(ep_.rank()));
    positions_.back().placed = true;
    placement_ = shard_placement(layout_, ep_.view(), c.server_replicas);
    answers_.assign(size_t(layout_.servers), {});
    if (const NodeCheckpoint* ck = checkpoints_.resume_part(ep_.rank())) resume_from(*ck);
  }

  NodeOutcome run() {
    if (!resume_error_.ok()) {
      out_.status = resume_error_;
      ep_.finish_into(out_);
      return std::move(out_);
    }
    ep_.recorder().hold(MemoryPart::params, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::grads, model_.param_bytes());
    if (joining_) out_.status = rejoin();
    bool left = false;
    if (out_.status.ok())
      out_.status = run_healing(
          ep_, [&] { return left; },
          [&] {
            if (!all_done()) return step();
            ep_.set_joins_admissible(false);
            Status s = leave_together(ep_, "the others to finish", [&](int from, Message& m) { return serve(from, m); });
            left = s.ok();
            return s;
          },
          [&] { return recover(); });
    out_.whole_losses = aggregate_;
    // A server died: its shard's final parameters may live on no server any more; under BSP
    // every worker's copy is the servers', under asp/ssp the last it pulled (the merge lets a
    // live server's shard win, and among workers the highest rank's). With no server left,
    // the promoted worker's shards are the final ones: it alone writes the model, from them.
    const int servers_left = int(live_servers(layout_, ep_.view()).size());
    if (storage_ == Storage::values && servers_left < layout_.servers && (servers_left > 0 || !keepers_.empty())) {
      for (auto& [k, kept] : keepers_) install(k, kept.params());
      out_.param_offset = 0;
      out_.params = model_.release_params();
    }
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  struct HeldAnswer {
    ParamShard shard;
    int64_t arrival;
  };
  struct Position {
    int rank;
    std::unique_ptr<SliceSource> data;
    int64_t drawn = 0;  // the iteration whose batch it drew last
    int64_t done = 0;   // the iterations completed (every shard's answer installed)
    // Taken over under asp/ssp: whether its clocks are in (it then starts at their lowest),
    // and each shard's (kUnknownClock: not known there; nullopt: not answered yet).
    bool placed = false;
    std::vector<std::optional<int64_t>> clocks;
    // asp/ssp: whether the in-hand iteration's pushes went out in this view, and each
    // shard's answer to them (with its arrival order: the freshest is installed).
    bool pushed = false;
    std::vector<std::optional<HeldAnswer>> answers;
    LossRecord loss;  // of the in-hand iteration's last push
  };
  // BSP: each shard's answer for the iteration in hand (one per worker, for all its positions).
  struct ShardAnswer {
    std::optional<ParamShard> latest;
  };

  Position position(int rank) const {
    Position q{rank, std::make_unique<SliceSource>(train_, c_, layout_.workers, rank, storage_)};
    q.answers.assign(size_t(layout_.servers), std::nullopt);
    return q;
  }

  Position* played(int rank) {
    auto q = std::find_if(positions_.begin(), positions_.end(), [&](const Position& x) { return x.rank == rank; });
    return q == positions_.end() ? nullptr : &*q;
  }
  // A position whose clocks are still asked for is not done, whatever its fallback says.
  bool all_done() const {
    return std::all_of(positions_.begin(), positions_.end(), [&](const Position& q) { return q.placed && q.done == total_; });
  }
  bool all_placed() const {
    return std::all_of(positions_.begin(), positions_.end(), [](const Position& q) { return q.placed; });
  }

  bool expected(int from, const Message& m) const {
    if (const auto* r = std::get_if<Resync>(&m.payload)) return from < layout_.workers && r->iteration < 0;
    if (const auto* p = std::get_if<ParamShard>(&m.payload))
      return p->shard >= 0 && p->shard < layout_.servers && from == placement_[size_t(p->shard)].server;
    if (const auto* push = std::get_if<PushGradient>(&m.payload)) return from < layout_.workers && keepers_.contains(push->shard);
    const auto* r = std::get_if<ShardReplica>(&m.payload);
    if (!r || r->shard < 0 || r->shard >= layout_.servers) return false;
    if (r->what == ShardReplica::What::request) return true;
    if (r->what != ShardReplica::What::clock) return false;
    // A clock asked of a shard this node serves, or the answer of the shard's head.
    return keepers_.contains(r->shard) ? from < layout_.workers : from == placement_[size_t(r->shard)].server;
  }

  // An answer, a push to a shard this node serves, a request for its copy of a shard, a
  // clock asked or answered, or a joiner's request for its position back; anything else
  // (late, once finished) is ignored.
  Status serve(int from, Message& m) {
    if (!expected(from, m)) return {};
    if (std::holds_alternative<Resync>(m.payload)) {
      const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
      hand_position_back(from);
      if (!out_.recoveries.empty()) out_.recoveries.back().bytes_sent += ep_.recorder().metrics().bytes_sent - sent_before;
      return {};
    }
    if (auto* p = std::get_if<ParamShard>(&m.payload)) return take_answer(std::move(*p), from);
    if (auto* push = std::get_if<PushGradient>(&m.payload)) return keepers_.at(push->shard).on_push(from, *push);
    const auto& r = std::get<ShardReplica>(m.payload);
    if (r.what == ShardReplica::What::clock) {
      if (keepers_.contains(r.shard)) return keepers_.at(r.shard).on_clock_query(from, r);
      take_clock(r.position, r.shard, r.iteration);
      return {};
    }
    ep_.send(from, Message{copy_of(r.shard, /*with_values=*/r.iteration >= 0)});
    return {};
  }

  // A shard's parameters for the iteration in hand (from its server, or from this node's own
  // keeper when promoted).
  Status take_answer(ParamShard&& p, int from) {
    Position* q = played(p.position);
    if (!q || p.iteration != q->done + 1) return {};  // a second answer to a push redone: the first one came
    const int k = p.shard;
    if (p.values.size() != layout_.shard_size(k))
      return Status::errorf("node {}: shard {} arrived from node {} with {} values, expected {}", ep_.rank(), k, from,
                            p.values.size(), layout_.shard_size(k));
    if (aggregate_) answers_[size_t(k)].latest = std::move(p);
    else q->answers[size_t(k)] = HeldAnswer{std::move(p), ++arrivals_};
    return {};
  }

  // This node's copy of shard k, for a server that lost every other: the parameters of the
  // iteration in hand when its server already answered it, else those installed; without
  // values, the report of which iteration that is (asp/ssp: its own position's, installed).
  ShardReplica copy_of(int k, bool with_values) const {
    ShardReplica copy{done_, k, ShardReplica::What::copy, {}, 0};
    if (aggregate_ && answers_[size_t(k)].latest) {
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

  // Positions taken over under asp/ssp first wait for their clocks (meanwhile serving).
  Status step() {
    // A node back from a death joins where an iteration is still to come after this one (in
    // some position played here: asynchronous positions run apart).
    const bool more = std::any_of(positions_.begin(), positions_.end(), [&](const Position& q) { return q.done + 1 < total_; });
    ep_.set_joins_admissible(more && ps_admits_joins(layout_, ep_.view()));
    if (Status s = ep_.admit_waiting_joins("an iteration to start"); !s.ok()) return s;
    while (!all_placed())
      if (Status s = serve_next("a position's clock from a server"); !s.ok()) return s;
    return aggregate_ ? step_together() : step_own_pace();
  }

  Status serve_next(const char* awaiting) {
    auto r = ep_.await([&](int from, const Message& m) { return expected(from, m); }, awaiting);
    return r.ok() ? serve(r->from, r->message) : r.status();
  }

  // BSP: one iteration of every position, with the same parameters; the servers' answers
  // installed only once every shard answered.
  Status step_together() {
    for (auto& q : positions_)
      if (Status s = push_position(q, [&](int k) { return answers_[size_t(k)].latest.has_value(); }); !s.ok()) return s;
    // The answers; meanwhile, pushes to the shards this node serves (promoted) and requests
    // for this node's copy of a shard (a new server reseeding it).
    while (!std::all_of(answers_.begin(), answers_.end(), [](const ShardAnswer& a) { return a.latest.has_value(); }))
      if (Status s = serve_next("parameters from a server"); !s.ok()) return s;
    for (int k = 0; k < layout_.servers; ++k) install(k, answers_[size_t(k)].latest->values);
    const double whole = answers_[0].latest->loss_sum;
    answers_.assign(size_t(layout_.servers), {});
    for (auto& q : positions_) q.done = q.drawn;
    done_ = positions_.front().done;
    samples_ += c_.batch;
    keep_for_eval(done_);
    out_.losses.push_back({done_, ep_.now(), whole, c_.batch});
    report_progress(done_, whole / c_.batch);
    return checkpoints_.due(done_) ? write_checkpoints() : Status{};
  }

  // BSP only (config refuses asp/ssp): each position this node plays is a part, which holds
  // where the position is and the losses: its parameters are the servers' after the
  // iteration (every shard's answer installed), so a resume takes them from the shards'
  // parts rather than every worker writing the whole model to its SD card.
  Status write_checkpoints() {
    for (const auto& q : positions_) {
      NodeCheckpoint ck = model_part(q.rank, fmt::format("worker {}", q.rank), done_, samples_, out_.losses, {}, {},
                                     /*values=*/false);
      if (Status s = checkpoints_.write(ep_, std::move(ck), 0); !s.ok()) return s;
    }
    return {};
  }

  void resume_from(const NodeCheckpoint& ck) {
    for (int k = 0; k < layout_.servers; ++k) {
      const NodeCheckpoint* shard = checkpoints_.resume_part(ShardKeeper<T>::checkpoint_part(layout_, k));
      const auto* params = shard ? shard->find("params") : nullptr;
      if (!params || params->values.size() != layout_.shard_size(k)) {
        resume_error_ = Status::errorf("node {}: the checkpoint of shard {} does not hold its {} parameters", ep_.rank(),
                                       k, layout_.shard_size(k));
        return;
      }
      install(k, params->values);
    }
    done_ = ck.iteration;
    samples_ = ck.samples;
    out_.losses = restored_losses(ck);
    auto& own = positions_.front();
    own.data->skip(done_);
    own.drawn = own.done = done_;
  }

  // asp/ssp: every position at its own pace (a taken-over position may be ahead of this
  // node's own by more than the staleness bound, which then holds it back until the slower
  // one advances: they cannot wait for each other). A position whose pushes are out waits
  // for its answers; one answered by every shard installs them (each shard's freshest) and
  // pushes its next iteration.
  Status step_own_pace() {
    complete_answered();
    for (auto& q : positions_) {
      if (q.done == total_ || q.pushed) continue;
      if (Status s = push_position(q, [&](int k) { return q.answers[size_t(k)].has_value(); }); !s.ok()) return s;
      q.pushed = true;
    }
    if (complete_answered()) return {};  // answered at once by this node's own shards (promoted)
    if (Status s = serve_next("parameters from a server"); !s.ok()) return s;
    complete_answered();
    return {};
  }

  // asp/ssp: the positions every shard answered (answers are taken for the in-hand
  // iteration only) install them and are done with it. Whether any was.
  bool complete_answered() {
    bool any = false;
    for (auto& q : positions_) {
      if (!std::all_of(q.answers.begin(), q.answers.end(), [](const auto& a) { return a.has_value(); })) continue;
      for (int k = 0; k < layout_.servers; ++k) {
        auto& a = *q.answers[size_t(k)];
        if (a.arrival > installed_arrival_[size_t(k)]) {
          install(k, a.shard.values);
          installed_arrival_[size_t(k)] = a.arrival;
        }
      }
      q.answers.assign(size_t(layout_.servers), std::nullopt);
      q.pushed = false;
      q.done = q.drawn;
      any = true;
      // Recorded once complete: a position taken over mid-iteration is redone from there by
      // its taker, and the worker that died recorded nothing for it.
      q.loss.time = ep_.now();
      out_.losses.push_back(q.loss);
      if (&q == &positions_.front()) keep_for_eval(q.done);
      if (q.rank == ep_.rank()) report_progress(q.loss.iteration, q.loss.loss_sum / q.loss.samples);
    }
    done_ = positions_.front().done;
    return any;
  }

  // --eval-every: the model this worker installed after its iteration `it`, kept by the
  // lowest live worker alone. Under bsp every worker's copy is the servers' model; under
  // asp/ssp it is that worker's view of it, the model its next gradient is computed on.
  void keep_for_eval(int64_t it) {
    if (storage_ != Storage::values || !eval_due(c_.eval_every, c_.timing_only, it, total_)) return;
    const auto workers = live_workers(layout_, ep_.view());
    if (workers.empty() || workers.front() != ep_.rank()) return;
    keep_for_evaluation(out_.snapshots, it, ep_.now(), 0, model_.params());
  }

  // Shard k's values (an answer's Floats, a keeper's buffer) into this node's model.
  template <class Values>
  void install(int k, const Values& values) {
    if (storage_ == Storage::values)
      std::copy(values.begin(), values.end(), model_.params().begin() + ptrdiff_t(layout_.shard_begin[size_t(k)]));
  }

  // Position q's gradient of its next iteration with the parameters installed last, pushed
  // to every shard but those `answered` (all of them, unless the step is being redone).
  template <class Answered>
  Status push_position(Position& q, Answered&& answered) {
    if (q.done == total_) return {};
    const int64_t it = q.done + 1;
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
      if (answered(k)) continue;
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
    q.loss = LossRecord{it, 0, loss, b.size};
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
    const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
    auto deaths = std::exchange(deaths_while_joining_, {});
    for (auto& d : ep_.take_view_change()) deaths.push_back(std::move(d));
    for (const auto& d : deaths) rec.dead.push_back(d.rank);
    rec.detected_at = deaths.empty() ? ep_.now() : deaths.front().at;
    rec.joined = ep_.take_joins();
    placement_ = shard_placement(layout_, ep_.view(), c_.server_replicas);
    for (int k = 0; k < layout_.servers; ++k) {
      if (placement_[size_t(k)].server != ep_.rank() || keepers_.contains(k)) continue;
      ShardKeeper<T> keeper(ep_, c_, layout_, k, total_, [this](ParamShard&& p) { (void)take_answer(std::move(p), ep_.rank()); });
      const ShardReplica own = copy_of(k, /*with_values=*/true);
      if (Status s = reseed_from_workers(ep_, keeper, live_workers(layout_, ep_.view()), &own); !s.ok()) return s;
      keeper.checkpoint_to(&checkpoints_);
      keepers_.emplace(k, std::move(keeper));
      int64_t served = 0;  // the shards this node serves: parameters and optimizer state
      for (const auto& [shard, kept] : keepers_) served += kept.param_bytes() + kept.state_bytes();
      ep_.recorder().hold(MemoryPart::replicas, served);
    }
    for (auto& q : positions_) q.pushed = false;  // what is unanswered goes out again, in this view
    give_back_positions();
    take_over_dead_positions();
    rec.resumed_at = ep_.now();
    rec.iterations_redone = positions_.front().drawn > done_ ? 1 : 0;
    rec.bytes_sent = ep_.recorder().metrics().bytes_sent - sent_before;
    out_.recoveries.push_back(std::move(rec));
    return {};
  }

  // This node's own rejoin: admitted, it asks its position's player for the parameters it
  // installed and the iteration they are of, then recovers as after any view change (taking
  // the dead positions after its own). Another death meanwhile: asked again, in the new view.
  Status rejoin() {
    if (Status s = ep_.join(); !s.ok()) return s;
    const double admitted_at = ep_.now();
    const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
    Status s = take_position_back();
    while (!s.ok() && ep_.view_changed()) {  // asked again in the newer view; the change is recovered below
      for (auto& d : ep_.take_view_change()) deaths_while_joining_.push_back(std::move(d));
      for (int r : ep_.take_joins()) joins_while_joining_.push_back(r);
      s = take_position_back();
    }
    if (!s.ok()) return s;
    if (s = recover(); !s.ok()) return s;
    auto& rec = out_.recoveries.back();
    rec.rejoin = true;
    rec.detected_at = admitted_at;
    rec.joined.insert(rec.joined.begin(), joins_while_joining_.begin(), joins_while_joining_.end());
    rec.bytes_sent = ep_.recorder().metrics().bytes_sent - sent_before;
    return {};
  }

  // The parameters from its position's player, asked for (again after any change of view:
  // the request may have reached the player stale, or the player died).
  Status take_position_back() {
    const int player = position_player(layout_, ep_.view(), ep_.rank());
    if (player == ep_.rank()) return Status::errorf("node {}: back from a death, no live worker to rejoin", ep_.rank());
    ep_.send(player, Message{Resync{-1, 0, {}}});
    auto got = ep_.await([&](int from, const Message& m) {
      const auto* r = std::get_if<Resync>(&m.payload);
      return from == player && r && r->iteration >= 0;
    }, "the parameters from the worker that played this node's position");
    if (!got.ok()) return got.status();
    const auto& r = std::get<Resync>(got->message.payload);
    if (r.iteration > total_ || r.state.size() != model_.param_count())
      return Status::errorf("node {}: back from a death, worker {} sent iteration {} with {} parameters, expected at "
                            "most {} with {}", ep_.rank(), player, r.iteration, r.state.size(), total_,
                            model_.param_count());
    if (r.state.has_values()) std::copy(r.state.begin(), r.state.end(), model_.params().begin());
    done_ = r.iteration;
    samples_ = done_ * c_.batch;
    if (aggregate_) {
      place(positions_.front(), done_);  // every position at done_
    } else {
      // Asynchronous: where its position stands is the shards' business, as for a position
      // taken over (its clocks, asked in the recovery below); the player's iteration is the
      // fallback when no shard knows.
      auto& own = positions_.front();
      own.placed = false;
      own.done = own.drawn = done_;
    }
    return {};
  }

  // To a joiner whose position this node gave back, asking (a Resync of iteration -1): the
  // parameters installed here and their iteration, under BSP every worker's at that
  // iteration; a push this node made for the position and the joiner makes again is held
  // once by the shard.
  void hand_position_back(int joiner) {
    Floats params = storage_ == Storage::values
                        ? Floats(FloatBuffer(model_.params().begin(), model_.params().end()))
                        : Floats::count_only(model_.param_count());
    ep_.send(joiner, Message{Resync{done_, 0, std::move(params)}});
  }

  // After a rejoin: the positions from the next live worker on are its again.
  void give_back_positions() {
    auto given = std::find_if(positions_.begin() + 1, positions_.end(),
                              [&](const Position& q) { return ep_.view().is_live(q.rank); });
    positions_.erase(given, positions_.end());
  }

  // The dead workers after this node's positions, up to the next live worker: their
  // positions join this node's. BSP: each slice brought to the iterations completed.
  // Asynchronous: each asks every shard's head where the position stands (again after any
  // view change while the answers are out: those of the old view were dropped).
  void take_over_dead_positions() {
    const int n = layout_.workers;
    for (int p = (positions_.back().rank + 1) % n; p != ep_.rank() && !ep_.view().is_live(p); p = (p + 1) % n) {
      positions_.push_back(position(p));
      if (aggregate_) place(positions_.back(), done_);
    }
    for (auto& q : positions_) {
      if (q.placed) continue;
      q.clocks.assign(size_t(layout_.servers), std::nullopt);
      for (int k = 0; k < layout_.servers; ++k) {
        if (auto keeper = keepers_.find(k); keeper != keepers_.end())
          take_clock(q.rank, k, keeper->second.clock_of(q.rank));
        else
          ep_.send(placement_[size_t(k)].server, Message{ShardReplica{-1, k, ShardReplica::What::clock, {}, 0, q.rank}});
      }
    }
  }

  // Shard k's clock for position p; once every shard's is in, the position starts at the
  // lowest known (with none known, where this node's own position stands).
  void take_clock(int p, int k, int64_t clock) {
    Position* q = played(p);
    if (!q || q->placed || q->clocks.empty() || (clock < 0 && clock != kUnknownClock)) return;  // -1: a question
    q->clocks[size_t(k)] = clock;
    if (!std::all_of(q->clocks.begin(), q->clocks.end(), [](const auto& c) { return c.has_value(); })) return;
    int64_t start = std::numeric_limits<int64_t>::max();
    for (const auto& c : q->clocks)
      if (*c != kUnknownClock) start = std::min(start, *c);
    place(*q, start == std::numeric_limits<int64_t>::max() ? positions_.front().done : std::min(start, total_));
  }

  void place(Position& q, int64_t done) {
    q.data->skip(done);
    q.drawn = q.done = done;
    q.placed = true;
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
  std::vector<ShardAnswer> answers_;  // BSP: for the iteration in hand
  int64_t arrivals_ = 0;                // asp/ssp: answers taken so far
  std::vector<int64_t> installed_arrival_ = std::vector<int64_t>(size_t(layout_.servers), 0);
  NodeOutcome out_;
  Checkpointer checkpoints_;
  Status resume_error_;
  int64_t done_ = 0;  // iterations completed (every shard's parameters installed)
  int64_t samples_ = 0;
  bool joining_;  // a new incarnation, back from a death: run() rejoins first
  // View changes seen while rejoining, for the recovery that ends the rejoin.
  std::vector<Detection> deaths_while_joining_;
  std::vector<int> joins_while_joining_;
};

}  // namespace ringtmp
