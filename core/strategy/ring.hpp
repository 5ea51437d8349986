#pragma once
// `ring` — RingTMP, one node program per stage, templated over the Transport.
//
// Node i holds stage i of the model (contiguous layers, balanced by counted flops).
// Activations go i -> i+1, gradients i+1 -> i. The closing edge carries stage 0's labels to
// the last stage (which computes the loss) and the last stage's completion tokens back to
// stage 0: each token is a credit, and stage 0 injects a micro-batch only when it holds one,
// which bounds the micro-batches in flight. Stage 0 alone reads the training data.
// There is no scheduler: each stage derives its order of passes from (i, N, M) in sync
// schedules, and from the messages that arrive in async.
//   gpipe, 1f1b: one update per minibatch after all its micro-batches (equal to local SGD).
//   async: PipeDream-style, no flush: a stage updates after every micro-batch's backward,
//          which runs against the weights its forward used (weight stashing). At most N
//          micro-batches are in flight, so a gradient is at most N-1 updates stale.
//
// Healing (--replica-every 1; ring_recovery.hpp has who takes what over), sync schedules:
// each stage's shadow (its parameters and momentum) lives on a neighbour, which applies the
// stage's summed gradient of every iteration to it: the same step, so the same bits. A stage
// sends that gradient just before its last backward message of the iteration, on the same
// edge (stage 0: on its forward edge, before the next iteration's activations), so whoever
// received a stage's last backward message of an iteration holds its refresh. An update is
// applied only once the iteration is committed, which a stage learns when stage 0 starts the
// next one (stage 0 itself: when it has every backward message): by then every refresh of
// the iteration is with its holder. So after a death the survivors agree on the most
// iterations any of them applied, T; every survivor and every dead stage's shadow can be
// brought to T, the dead stages' layers merge into their shadow holders, the shadows are
// rebuilt for the new stages, and iteration T+1 is redone from the same weights and the same
// batch: the loss trace is the fault-free one. The loss survives the last stage: its tokens
// carry each micro-batch's loss to stage 0, its refreshes the minibatch's loss to its holder.
// Async: there is no iteration to commit. Each stage sends its holder the gradient of every
// update, before the gradient message of that micro-batch on the same edge, and the holder
// applies it on arrival, so a dead stage's shadow is at least as far along as its
// predecessor. After a death every survivor reports the fewest updates of the states it
// may run (its parts, the dead stages' shadows); the ring resumes from the iteration that
// holds the least of them, and a part skips the step of every redone micro-batch it
// already applied: each micro-batch is applied once by every stage, none is lost, at most
// the micro-batches in flight (one window, N) are redone. The last stage's refreshes carry
// each micro-batch's loss, so the trace outlives it.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/checkpoint/checkpointer.hpp"
#include "core/config.hpp"
#include "core/data/batcher.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"
#include "core/model/partition.hpp"
#include "core/model/sgd.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/healing_loop.hpp"
#include "core/strategy/local.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/progress.hpp"
#include "core/strategy/ring_partition.hpp"
#include "core/strategy/ring_recovery.hpp"
#include "core/strategy/ring_schedule.hpp"
#include "core/strategy/stage_state.hpp"

namespace ringtmp {

// The stage layout every node derives identically from the config.
struct RingLayout {
  std::vector<LayerSpec> layers;
  Partition partition;
  std::vector<size_t> stage_param_offset;  // of each stage's first parameter in the whole model
  std::vector<size_t> layer_param_offset;  // of each layer's, and the model's size at the end
};
// `devices` (one per rank, when known) makes the cut respect their speeds and memory budgets
// (ring_partition.hpp); without, the stages balance counted flops.
StatusOr<RingLayout> ring_layout(const RunConfig& c, std::span<const StageDevice> devices = {},
                                 int64_t iterations = 0, const DatasetShape& data = {});
// The cut as a run reports it: each stage's layers and counted flops per minibatch, and
// between stages what the ring carries per micro-batch (activations forward, the same size
// of gradients back): "0: layers 0-1, 1.2 GFLOP | 147 KiB | 1: ...". A CNN's
// first cuts carry far more than its last; up to `shown` stages, then the largest message.
std::string describe_stages(const RingLayout& layout, const RunConfig& c, int shown = 8);

template <Transport T>
class RingNode {
 public:
  // `rejoining`: a new incarnation of a rank that died (membership.hpp), joining the running
  // ring (ring_rejoins: wherever it heals) instead of starting one.
  RingNode(T& transport, const RunConfig& c, const RingLayout& layout, std::shared_ptr<const CheckpointSet> resume,
           const Dataset& train, const ProgressFn& progress, bool rejoining = false)
      : c_(c),
        heals_(ring_heals(c) && transport.size() > 1),
        ep_(transport, "stage", c.peer_timeout, heals_),
        n_(transport.size()),
        rank_(transport.rank()),
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        layout_(layout),
        train_(train),
        assign_(initial_assignment(layout.partition)),
        settled_(assign_),
        stage_(rank_),
        sizes_(microbatch_sizes(c.batch, c.microbatches)),
        async_(c.schedule == Schedule::async),
        progress_(progress),
        checkpoints_(c, layout.partition.stages(), std::move(resume)) {
    joining_ = rejoining;
    parts_.push_back(initial_part(rank_));
    for (int k = 0, off = 0; k < c.microbatches; off += sizes_[k++]) offsets_.push_back(off);
    if (first()) batcher_.emplace(train, c.batch, batch_order_seed(c));
    total_ = planned_iterations(c, train.size());
    credits_ = async_ ? stages() : initial_credits(c.schedule, n_, c.microbatches);
    if (heals_)
      for (int s : shadows_held_by(assign_, rank_)) shadows_.push_back(initial_shadow(s));
    if (snapshots() && !async_) own_snapshots_.push_back(initial_shadow(rank_));
    if (checkpoints_.resume_iteration() > 0) resume_error_ = resume_from_checkpoint();
  }

  NodeOutcome run() {
    if (!resume_error_.ok()) {
      out_.status = resume_error_;
      ep_.finish_into(out_);
      return std::move(out_);
    }
    if (joining_) {
      // Nothing of its own: its stage comes from the node that ran it, at the next boundary.
      parts_.clear();
      shadows_.clear();
      own_snapshots_.clear();
      Status s = ep_.join();
      ep_.set_joins_admissible(true);  // another joiner back with it is admitted with it
      if (s.ok()) s = recover();
      if (!s.ok()) {
        out_.status = s;
        ep_.finish_into(out_);
        return std::move(out_);
      }
    } else {
      account_state();
      account();
    }
    if (heals_) {
      // Refreshes, snapshots and tokens stay true after a death: kept when the rest of the
      // queue goes (a recovery's own state messages are told apart by their epoch).
      ep_.keep_across_view_change([](const Message& m) {
        return m.kind() == MessageKind::stage_replica || m.kind() == MessageKind::token;
      });
      out_.whole_losses = true;
      auto step = [&] { return async_ ? async_healing_step() : healing_step(); };
      out_.status = run_healing(ep_, [&] { return finished_; }, step, [&] { return recover(); });
    } else {
      out_.status = async_ ? run_async() : run_sync();
    }
    out_.param_offset = layout_.layer_param_offset[size_t(cut_begin(parts_.front().stage))];
    out_.params = parts_.front().model.release_params();
    for (size_t k = 1; k < parts_.size(); ++k) {
      FloatBuffer more = parts_[k].model.release_params();
      out_.params.insert(out_.params.end(), more.begin(), more.end());
    }
    if (async_) out_.max_staleness = max_staleness_;
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  // One stage of the config's cut, run here: normally this node's own; after a takeover also
  // the dead node's, kept as its own model rather than merged into one: Eigen's sums depend
  // on where a layer's weights sit in a buffer, so only the same models give the same bits.
  struct Part {
    int stage = 0;  // in the config's cut
    Model model;
    Sgd sgd;
    int64_t applied = 0;  // async: micro-batches (in run order) whose update it applied
  };
  // Timing-only runs hold no values here (shapes_only): stash, input and weights stay empty.
  struct Slot {
    std::vector<ForwardStash> stash;  // one per part
    std::vector<FloatBuffer> inputs;  // per part: received activations (async stage 0: a copy
                                      // of the inputs), the part before's output
    Matrix dlogits;                   // last stage: loss gradient
    std::vector<FloatBuffer> weights;  // async, per part: the weights this forward used
    int64_t version = 0;
    int size = 0;
    double loss = 0;  // last stage: the micro-batch's loss, for its token
    int64_t activation_bytes = 0, weight_bytes = 0;  // accounted (memory_plan.hpp)
  };
  // A stage of the config's cut held for a neighbour, as of `applied` updates: its
  // parameters, and its momentum inside `sgd`.
  struct Shadow {
    int stage = 0;
    int first_layer = 0, end_layer = 0;
    size_t param_count = 0;
    FloatBuffer params;
    Sgd sgd;
    int64_t applied = 0;
  };
  // A minibatch's loss as this node learned it beside the last stage: whole from a sync
  // refresh, or from its micro-batches' (tokens, async refreshes: one entry each however
  // many told it), summed in micro-batch order as the last stage summed them.
  struct KnownLoss {
    std::optional<double> whole;
    std::map<int, double> microbatches;
    double at = 0;
  };
  int64_t key(int64_t it, int mb) const { return (it - 1) * c_.microbatches + mb; }
  int64_t units() const { return total_ * c_.microbatches; }  // micro-batches of the run
  // --replica-every K > 1: shadows are whole states (snapshots) every K iterations (async:
  // every K M updates) instead of every update's gradient.
  bool snapshots() const { return heals_ && c_.replica_every > 1; }
  int64_t snapshot_every() const { return int64_t(c_.replica_every) * (async_ ? c_.microbatches : 1); }

  int stages() const { return assign_.stages(); }
  bool first() const { return stage_ == 0; }
  bool last() const { return stage_ == stages() - 1; }
  int next_rank() const { return assign_.owner[size_t(stage_) + 1]; }
  int prev_rank() const { return assign_.owner[size_t(stage_) - 1]; }
  int data_rank() const { return assign_.data_rank(); }
  int loss_rank() const { return assign_.loss_rank(); }
  int layer_count() const { return int(layout_.layers.size()); }
  int input_width() const { return parts_.front().model.input_width(); }
  int output_width() const { return parts_.back().model.output_width(); }
  size_t param_count() const {
    size_t p = 0;
    for (const auto& part : parts_) p += part.model.param_count();
    return p;
  }

  SgdOptions sgd_options() const { return {c_.lr, c_.momentum, c_.weight_decay}; }
  int cut_begin(int stage) const { return layout_.partition.begin(stage); }
  int cut_end(int stage) const { return layout_.partition.end(stage); }
  Model stage_model(int stage) const {
    return Model({layout_.layers.begin() + cut_begin(stage), layout_.layers.begin() + cut_end(stage)},
                 cut_begin(stage), storage_, c_.threads);
  }
  // The stages of the config's cut inside layers [begin, end).
  std::vector<int> cut_stages(int begin, int end) const {
    std::vector<int> in;
    for (int s = 0; s < layout_.partition.stages(); ++s)
      if (cut_begin(s) >= begin && cut_end(s) <= end) in.push_back(s);
    return in;
  }

  Part initial_part(int stage) const {
    Model m = stage_model(stage);
    m.init(c_.seed);  // a stage's initial weights depend only on the seed and its layers
    const size_t p = m.param_count();
    return Part{stage, std::move(m), Sgd(sgd_options(), p, storage_)};
  }
  Shadow initial_shadow(int stage) const {
    Part part = initial_part(stage);
    const size_t p = part.model.param_count();
    return Shadow{stage, cut_begin(stage), cut_end(stage), p, part.model.release_params(), std::move(part.sgd), 0};
  }

  Status run_sync() {
    const auto ops = pipeline_ops(c_.schedule, stages(), stage_, c_.microbatches);
    for (int64_t it = applied_ + 1; it <= total_; ++it) {
      if (first()) batch_ = batcher_->next();
      loss_sum_ = 0;
      for (const auto& op : ops) {
        Status s = op.forward ? forward(it, op.microbatch, nullptr) : backward(it, op.microbatch, nullptr);
        if (!s.ok()) return s;
      }
      update();
      keep_for_eval(it);
      if (last()) record_loss(it, loss_sum_);
      if (checkpoints_.due(it))
        if (Status s = write_checkpoints(it); !s.ok()) return s;
    }
    return {};
  }

  // One iteration of a healing ring, or once every iteration is applied the final wait.
  Status healing_step() {
    if (applied_ == total_) {
      ep_.set_joins_admissible(false);
      return finish_together();
    }
    const bool pending = complete_ == applied_ + 1;  // gradients of applied_+1 held, not applied
    const int64_t it = applied_ + (pending ? 2 : 1);
    // A node back from a death is admitted where an iteration is still to come after this one.
    ep_.set_joins_admissible(ring_rejoins(c_) && it < total_);
    if (Status s = ep_.admit_waiting_joins("an iteration to start"); !s.ok()) return s;
    if (first() && drawn_ != it) {
      batch_ = batcher_->next();
      drawn_ = it;
    }
    loss_sum_ = 0;
    backwards_done_ = 0;
    const auto ops = pipeline_ops(c_.schedule, stages(), stage_, c_.microbatches);
    for (size_t k = 0; k < ops.size(); ++k) {
      const PipelineOp& op = ops[k];
      Activations opening;
      Activations* incoming = nullptr;
      if (k == 0 && pending) {
        // Iteration it-1 is committed once stage 0 starts `it`: stage 0 knows it now, the
        // others when the first activations of `it` arrive.
        if (!first()) {
          auto r = ep_.await([&](int from, const Message& m) {
            const auto* a = std::get_if<Activations>(&m.payload);
            return from == prev_rank() && a && a->iteration == it && a->microbatch == op.microbatch;
          }, "activations");
          if (!r.ok()) return r.status();
          opening = std::move(std::get<Activations>(r->message.payload));
          incoming = &opening;
        }
        if (auto s = commit(true); !s.ok()) return s;
        if (checkpoints_.due(applied_))
          if (Status s = write_checkpoints(applied_); !s.ok()) return s;
      }
      started_ = it;  // from here on, a death means this iteration's work is redone
      Status s = op.forward ? forward(it, op.microbatch, incoming) : backward(it, op.microbatch, nullptr);
      if (!s.ok()) return s;
    }
    complete_ = it;
    if (last()) record_loss(it, loss_sum_);
    if (it != total_) return {};
    if (Status s = commit(true); !s.ok()) return s;  // nothing follows to wait for
    return checkpoints_.due(it) ? write_checkpoints(it) : Status{};
  }

  // Applies iteration applied_+1, whose gradients this node holds whole, to its stage and to
  // every shadow at applied_ whose refresh for it is here (`require`: it must be, and is
  // awaited; a recovery takes what it finds, rebuilding live stages' shadows anyway).
  Status commit(bool require) {
    const int64_t it = applied_ + 1;
    update();
    applied_ = it;
    keep_for_eval(it);
    // Everyone installed the last recovery's assignment before anyone could commit.
    previous_shadows_.clear();
    previous_settled_.reset();
    if (snapshots()) {
      take_in_snapshots(false);
      take_in_losses();
      // Before this stage's first message of the next iteration on the holder's edge.
      if (it % snapshot_every() == 0)
        for (const Part& part : parts_) keep_and_send_snapshot(part, it);
      return {};
    }
    for (auto& sh : shadows_) {
      if (sh.applied != it - 1) continue;
      auto refresh = refresh_of(sh, it);
      if (!require && !ep_.has_pending(refresh)) continue;
      auto got = ep_.await(refresh, "a shadow's refresh");
      if (!got.ok()) return got.status();
      apply_refresh(sh, std::get<StageReplica>(got->message.payload));
    }
    return {};
  }

  auto refresh_of(const Shadow& sh, int64_t it) const {
    return [&sh, it](int, const Message& m) {
      const auto* r = std::get_if<StageReplica>(&m.payload);
      return r && r->what == StageReplica::What::gradient && r->iteration == it && r->first_layer == sh.first_layer &&
             r->end_layer == sh.end_layer && r->values.size() == sh.param_count;
    };
  }

  // The same step the stage's owner took, on the same bits.
  void apply_refresh(Shadow& sh, const StageReplica& r) {
    ep_.compute(int64_t(3) * int64_t(sh.param_count), [&] {
      if (numeric() && r.values.has_values()) sh.sgd.step(sh.params, r.values.values());
    });
    sh.applied = r.iteration;
    if (sh.end_layer != layer_count()) return;
    if (!async_) return note_whole_loss(r.iteration, r.loss_sum);
    const int64_t unit = r.iteration - 1;  // an async refresh counts updates: one per micro-batch
    note_token_loss(unit / c_.microbatches + 1, int(unit % c_.microbatches), r.loss_sum);
  }

  // Nobody leaves while another may still need it: a death now is healed like any other.
  Status finish_together() {
    if (Status s = all_reach(kFinished, "the other stages to finish"); !s.ok()) return s;
    finished_ = true;
    return {};
  }

  // Returns once every live node reached `mark` (a Control done with it as text), through
  // barrier_through_lowest; other messages stay pending.
  static constexpr const char* kFinished = "";
  static constexpr const char* kRecovered = "recovered";
  Status all_reach(const char* mark, const char* awaiting) {
    return barrier_through_lowest(ep_, Message{Control{Control::Code::done, mark}}, [&](auto&& accept) -> StatusOr<int> {
      auto got = ep_.await([&](int from, const Message& m) {
        const auto* k = std::get_if<Control>(&m.payload);
        return k && k->code == Control::Code::done && k->text == mark && accept(from);
      }, awaiting);
      if (!got.ok()) return got.status();
      return got->from;
    });
  }

  Status run_async() {
    while (done_ < units())
      if (Status s = async_step(); !s.ok()) return s;
    return {};
  }

  // One event of a healing async ring, or once this stage has finished every micro-batch the
  // final wait. A node back from a death is admitted while this stage has more than an
  // iteration's micro-batches still to finish: its recovery rolls every stage back to an
  // iteration boundary, so there is no other boundary to wait for.
  Status async_healing_step() {
    ep_.set_joins_admissible(ring_rejoins(c_) && done_ + c_.microbatches < units());
    if (done_ == units()) return finish_together();
    if (Status s = ep_.admit_waiting_joins("a micro-batch"); !s.ok()) return s;
    return async_step();
  }

  // One event of the async pipeline: a backward, an injection, or a forward.
  Status async_step() {
    if (heals_) apply_refreshes_held();
    auto is_grad = [&](int from, const Message& m) {
      return !last() && from == next_rank() && m.kind() == MessageKind::gradients;
    };
    auto is_token = [&](int from, const Message& m) { return from == loss_rank() && m.kind() == MessageKind::token; };
    auto is_work = [&](int from, const Message& m) {
      return is_grad(from, m) || (!first() && from == prev_rank() && m.kind() == MessageKind::activations);
    };
    // Backwards first: they free stashes and return credits (1F1B's steady state).
    if (!last() && ep_.has_pending(is_grad)) {
      auto r = ep_.await(is_grad, "a gradient");
      if (!r.ok()) return r.status();
      return backward_message(r->message);
    }
    // Inject when a credit is held and this stage's own stash is below the window: the
    // token says the last stage finished, but the gradient may still be on its way here.
    if (first() && injected_ < units() && int(slots_.size()) < stages() &&
        (credits_ > 0 || ep_.has_pending(is_token))) {
      const int64_t it = injected_ / c_.microbatches + 1;
      const int mb = int(injected_ % c_.microbatches);
      if (mb == 0) batch_ = batcher_->next();
      if (auto s = forward(it, mb, nullptr); !s.ok()) return s;
      ++injected_;
      return last() ? backward(it, mb, nullptr) : Status{};  // a one-stage ring
    }
    if (first()) {  // nothing to do until a gradient or a credit arrives
      auto r = ep_.await([&](int f, const Message& m) { return is_grad(f, m) || is_token(f, m); },
                         "a gradient or a credit");
      if (!r.ok()) return r.status();
      if (const auto* t = std::get_if<Token>(&r->message.payload)) {
        if (heals_) note_token_loss(t->iteration, t->microbatch, t->loss_sum);
        ++credits_;
        return {};
      }
      return backward_message(r->message);
    }
    auto r = ep_.await(is_work, "activations or a gradient");
    if (!r.ok()) return r.status();
    if (r->message.kind() == MessageKind::gradients) return backward_message(r->message);
    auto& a = std::get<Activations>(r->message.payload);
    const int64_t it = a.iteration;
    const int mb = a.microbatch;
    if (auto s = forward(it, mb, &a); !s.ok()) return s;
    return last() ? backward(it, mb, nullptr) : Status{};
  }

  // Async: each shadow takes its refreshes in the order its owner stepped, as they arrive.
  // `recovering`: only what the old view sent (a state of this view is a recovery's own).
  void apply_refreshes_held(bool recovering = false) {
    if (snapshots()) {
      take_in_snapshots(recovering);
      take_in_losses();
      return;
    }
    for (auto& sh : shadows_) {
      while (true) {
        auto refresh = refresh_of(sh, sh.applied + 1);
        if (!ep_.has_pending(refresh)) break;
        auto got = ep_.await(refresh, "a shadow's refresh");
        apply_refresh(sh, std::get<StageReplica>(got->message.payload));
      }
    }
  }

  // --replica-every K > 1. A snapshot is a stage's whole state as of `applied` updates: the
  // owner keeps its own (sync: the latest two, to roll back to) and sends it to the holder,
  // which keeps the latest two of each stage it holds (async: the latest).
  void keep_and_send_snapshot(const Part& part, int64_t applied) {
    StageState st{cut_begin(part.stage), cut_end(part.stage), part.model.param_count(), part.sgd.state_size(), {}, {}};
    if (numeric()) {
      st.params.assign(part.model.params().begin(), part.model.params().end());
      st.momentum.assign(part.sgd.state().begin(), part.sgd.state().end());
    }
    if (!async_) keep_snapshot(own_snapshots_, shadow_from(part.stage, st, applied));
    const int holder = shadow_holder(assign_, stage_);
    if (holder < 0) return;
    ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(st.param_count + st.momentum_count)));
    ep_.send(holder, Message{StageReplica{applied, st.first_layer, st.end_layer, StageReplica::What::state,
                                          state_floats(st), 0}});
    account_state();
  }
  void keep_snapshot(std::vector<Shadow>& kept, Shadow snapshot) {
    const int stage = snapshot.stage;
    kept.push_back(std::move(snapshot));
    const size_t most = async_ ? 1 : 2;
    while (std::count_if(kept.begin(), kept.end(), [&](const Shadow& sh) { return sh.stage == stage; }) > ptrdiff_t(most)) {
      auto oldest = kept.end();
      for (auto k = kept.begin(); k != kept.end(); ++k)
        if (k->stage == stage && (oldest == kept.end() || k->applied < oldest->applied)) oldest = k;
      kept.erase(oldest);
    }
  }
  // The snapshots queued for the stages this node holds, each newer than what it has.
  void take_in_snapshots(bool old_view_only) {
    const uint32_t epoch = uint32_t(ep_.view().epoch);
    std::vector<std::pair<int, int>> held;  // layers of each held stage
    for (const auto& sh : shadows_) held.emplace_back(sh.first_layer, sh.end_layer);
    auto is_snapshot = [&](int, const Message& m) {
      const auto* r = std::get_if<StageReplica>(&m.payload);
      return r && r->what == StageReplica::What::state && (!old_view_only || m.epoch < epoch) &&
             std::find(held.begin(), held.end(), std::pair{r->first_layer, r->end_layer}) != held.end();
    };
    while (ep_.has_pending(is_snapshot)) {
      auto got = ep_.await(is_snapshot, "a snapshot");
      const auto& r = std::get<StageReplica>(got->message.payload);
      const Shadow* like = nullptr;
      int64_t newest = -1;
      for (const auto& sh : shadows_)
        if (sh.first_layer == r.first_layer && sh.end_layer == r.end_layer) {
          like = &sh;
          newest = std::max(newest, sh.applied);
        }
      if (r.iteration <= newest) continue;
      const size_t p = like->param_count;
      auto state = stage_state_from(r.values, r.first_layer, r.end_layer, p, like->sgd.state_size());
      if (!state.ok()) continue;  // a codec-valid frame of the wrong size: dropped (counts checked)
      keep_snapshot(shadows_, shadow_from(like->stage, *state, r.iteration));
    }
    account_state();
  }
  // The last stage's losses sent to its holder beside stage 0 (snapshots carry none).
  void take_in_losses() {
    if (first()) return;  // stage 0's tokens are its credits
    auto is_token = [](int, const Message& m) { return m.kind() == MessageKind::token; };
    while (ep_.has_pending(is_token)) {
      auto got = ep_.await(is_token, "a loss");
      const auto& k = std::get<Token>(got->message.payload);
      note_token_loss(k.iteration, k.microbatch, k.loss_sum);
    }
  }

  Status take_credit() {
    while (credits_ == 0) {
      auto r = ep_.await([&](int from, const Message& m) { return from == loss_rank() && m.kind() == MessageKind::token; },
                         "a credit token from the last stage");
      if (!r.ok()) return r.status();
      const auto& t = std::get<Token>(r->message.payload);
      if (heals_) note_token_loss(t.iteration, t.microbatch, t.loss_sum);
      ++credits_;
    }
    --credits_;
    return {};
  }

  // Forward pass of micro-batch mb of iteration it; `incoming` when the caller already holds
  // the activations, else they are awaited from the previous stage.
  Status forward(int64_t it, int mb, Activations* incoming) {
    Slot& s = slots_[key(it, mb)];
    s.size = sizes_[mb];
    s.stash.resize(parts_.size());
    s.inputs.resize(parts_.size());
    const float* x = nullptr;
    std::span<const int32_t> labels;
    if (first()) {
      if (auto st = take_credit(); !st.ok()) return st;
      const int features = input_width();
      x = batch_.x + int64_t(offsets_[mb]) * features;
      labels = batch_.labels.subspan(offsets_[mb], s.size);
      if (async_) {  // an epoch's reshuffle may move the batch before this backward runs
        if (numeric()) s.inputs[0].assign(x, x + int64_t(s.size) * features);
        x = s.inputs[0].data();
      }
      if (!last()) {
        ep_.recorder().hold(MemoryPart::messages, int64_t(labels.size() * sizeof(int32_t)));
        ep_.send(loss_rank(), Message{Labels{it, mb, {labels.begin(), labels.end()}}});
      }
    } else {
      Activations received;
      if (!incoming) {
        auto r = ep_.await([&](int from, const Message& m) {
          const auto* a = std::get_if<Activations>(&m.payload);
          return from == prev_rank() && a && a->iteration == it && a->microbatch == mb;
        }, "activations");
        if (!r.ok()) return r.status();
        received = std::move(std::get<Activations>(r->message.payload));
        incoming = &received;
      }
      if (incoming->block.rows != input_width() || incoming->block.cols != s.size)
        return Status::errorf("node {}: activations of micro-batch {} are {}x{}, expected {}x{}", rank_,
                              mb, incoming->block.rows, incoming->block.cols, input_width(), s.size);
      s.inputs[0] = std::move(incoming->block.data);
      x = s.inputs[0].data();
    }
    int64_t weight_floats = 0;
    if (async_ && !last()) {
      s.weights.resize(parts_.size());
      for (size_t k = 0; k < parts_.size(); ++k) {
        const Model& m = parts_[k].model;
        weight_floats += int64_t(m.param_count());
        if (numeric()) s.weights[k].assign(m.params().begin(), m.params().end());
      }
      s.version = version_;
    }
    if (async_) started_ = std::max(started_, it);
    s.activation_bytes = 0;
    for (size_t k = 0; k < parts_.size(); ++k) {
      const Model& m = parts_[k].model;
      if (k > 0) {  // the part before's output, copied as the message between two nodes was
        if (numeric()) {
          const Matrix& out = s.stash[k - 1].outputs.back();
          s.inputs[k].assign(out.data(), out.data() + out.size());
        }
        x = s.inputs[k].data();
      }
      ep_.compute(m.forward_flops(s.size), [&] { m.forward(s.stash[k], x, s.size); });
      const bool holds_input = k > 0 || !first() || async_;
      s.activation_bytes += memory::ring_slot_bytes(m, s.size, holds_input, last() && k + 1 == parts_.size());
    }
    s.weight_bytes = memory::floats(weight_floats);
    activation_bytes_ += s.activation_bytes;
    weight_bytes_ += s.weight_bytes;
    account();
    // Timing-only runs hold no outputs (shapes only): read them only where values exist.
    auto output = [&]() -> const Matrix& { return s.stash.back().outputs.back(); };
    if (!last()) {
      // Timing-only: the block's shape travels (it sets the bytes), its values do not.
      Block b{output_width(), s.size, {}};
      ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(b.rows) * b.cols));
      if (numeric()) b.data.assign(output().data(), output().data() + output().size());
      ep_.send(next_rank(), Message{Activations{it, mb, std::move(b)}});
      return {};
    }
    std::vector<int32_t> received_labels;
    if (!first()) {
      auto r = ep_.await([&](int from, const Message& m) {
        const auto* l = std::get_if<Labels>(&m.payload);
        return from == data_rank() && l && l->iteration == it && l->microbatch == mb;
      }, "labels from stage 0");
      if (!r.ok()) return r.status();
      received_labels = std::move(std::get<Labels>(r->message.payload).labels);
      if (int(received_labels.size()) != s.size)
        return Status::errorf("node {}: {} labels for micro-batch {} of {} samples", rank_,
                              received_labels.size(), mb, s.size);
      labels = received_labels;
    }
    for (int32_t y : labels)
      if (y < 0 || y >= output_width())
        return Status::errorf("node {}: label {} outside 0..{}", rank_, y, output_width() - 1);
    const float scale = 1.0f / float(async_ ? s.size : c_.batch);
    double loss = 0;
    ep_.compute(loss_flops(output_width(), s.size),
                [&] { loss = softmax_cross_entropy(output(), labels, scale, &s.dlogits); });
    s.loss = loss;
    if (async_) add_async_loss(it, loss);
    else loss_sum_ += loss;
    return {};
  }

  Status backward_message(Message& m) {
    auto& g = std::get<Gradients>(m.payload);
    return backward(g.iteration, g.microbatch, &g);
  }

  Status backward(int64_t it, int mb, Gradients* incoming) {
    auto slot = slots_.find(key(it, mb));
    if (slot == slots_.end())
      return Status::errorf("node {}: gradient for micro-batch {} of iteration {} that this stage "
                            "never forwarded", rank_, mb, it);
    Slot& s = slot->second;
    float* dy = nullptr;
    Gradients received;
    if (last()) {
      dy = s.dlogits.data();
    } else {
      if (!incoming) {
        auto r = ep_.await([&](int from, const Message& m) {
          const auto* g = std::get_if<Gradients>(&m.payload);
          return from == next_rank() && g && g->iteration == it && g->microbatch == mb;
        }, "a gradient");
        if (!r.ok()) return r.status();
        received = std::move(std::get<Gradients>(r->message.payload));
        incoming = &received;
      }
      if (incoming->block.rows != output_width() || incoming->block.cols != s.size)
        return Status::errorf("node {}: gradient of micro-batch {} is {}x{}, expected {}x{}", rank_, mb,
                              incoming->block.rows, incoming->block.cols, output_width(), s.size);
      dy = incoming->block.data.data();
    }
    // Parts last to first, each one's input gradient the output gradient of the one before.
    FloatBuffer dx;
    for (size_t k = parts_.size(); k-- > 0;) {
      Model& m = parts_[k].model;
      const bool input_grad = k > 0 || !first();
      FloatBuffer dinput(!input_grad || !numeric() ? 0 : size_t(m.input_width()) * s.size);
      const float* weights = k < s.weights.size() && !s.weights[k].empty() ? s.weights[k].data() : nullptr;
      ep_.compute(m.backward_flops(s.size, input_grad),
                  [&] { m.backward(s.stash[k], dy, input_grad ? dinput.data() : nullptr, weights); });
      dx = std::move(dinput);
      dy = dx.data();
    }
    // The refresh goes before the iteration's last backward message (async: this one's), on
    // the same edge.
    const int64_t unit = key(it, mb);
    if (heals_ && !snapshots() && !async_ && ++backwards_done_ == c_.microbatches) send_refreshes(it);
    if (heals_ && !snapshots() && async_)
      for (const Part& part : parts_)
        if (unit >= part.applied) send_refresh(part, unit + 1, s.loss);
    if (!first()) {
      ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(input_width()) * s.size));
      ep_.send(prev_rank(), Message{Gradients{it, mb, Block{input_width(), s.size, std::move(dx)}}});
    }
    if (last()) {
      if (first()) ++credits_;
      else ep_.send(data_rank(), Message{Token{it, mb, s.loss}});
      // Snapshots carry no loss: the holder learns each one too, so the trace outlives both
      // the last stage and stage 0 (they may die together).
      const int holder = shadow_holder(assign_, stage_);
      if (snapshots() && holder >= 0 && holder != data_rank()) ep_.send(holder, Message{Token{it, mb, s.loss}});
    }
    if (async_) {
      // Updates this stage applied between the micro-batch's forward and its backward.
      if (!last()) max_staleness_ = std::max(max_staleness_, version_ - s.version);
      update_once(unit);
      if (snapshots())
        for (const Part& part : parts_)
          if (part.applied == unit + 1 && part.applied % snapshot_every() == 0) keep_and_send_snapshot(part, part.applied);
      ++done_;
    }
    activation_bytes_ -= s.activation_bytes;
    weight_bytes_ -= s.weight_bytes;
    slots_.erase(slot);
    return {};
  }

  // Each part's summed gradient of `it` to the node holding this stage's shadows.
  void send_refreshes(int64_t it) {
    for (const Part& part : parts_) send_refresh(part, it, loss_sum_);
  }
  // One part's gradient, the step it is about to take (`update`: the update count after it;
  // `loss`: the loss behind it, carried when the part computes the loss).
  void send_refresh(const Part& part, int64_t update, double loss) {
    const int holder = shadow_holder(assign_, stage_);
    if (holder < 0) return;
    const Model& m = part.model;
    const size_t p = m.param_count();
    Floats grads = numeric() ? Floats(FloatBuffer(m.grads().begin(), m.grads().end())) : Floats::count_only(p);
    const bool loss_part = cut_end(part.stage) == layer_count();
    ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(p)));
    ep_.send(holder, Message{StageReplica{update, cut_begin(part.stage), cut_end(part.stage),
                                          StageReplica::What::gradient, std::move(grads), loss_part ? loss : 0.0}});
  }

  void note_token_loss(int64_t it, int mb, double loss_sum) {
    KnownLoss& k = known_losses_[it];
    k.microbatches[mb] = loss_sum;
    k.at = ep_.now();
  }
  void note_whole_loss(int64_t it, double loss_sum) {
    KnownLoss& k = known_losses_[it];
    k.whole = loss_sum;
    k.at = ep_.now();
  }

  // ---- recovery ----------------------------------------------------------------------------

  // After a view change: agree on where the run stands, take over the dead stages, rebuild
  // the shadows. Another death meanwhile starts it again in the newer view.
  Status recover() {
    // A survivor admits no join while it heals: a node back from the very death being healed
    // would be handed a stage its shadow holder holds only as a shadow, which the hand-back
    // (parts only) never sends. The join waits for the next step. A joiner still admits one
    // back with it.
    if (!joining_) ep_.set_joins_admissible(false);
    Recovery rec;
    const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
    const int loss_rank_before = loss_rank();
    bool first_deaths = true;
    while (true) {
      for (const auto& d : ep_.take_view_change()) {
        rec.dead.push_back(d.rank);
        if (first_deaths) rec.detected_at = d.at;
        first_deaths = false;
        last_death_ = d;
      }
      for (int r : ep_.take_joins()) {
        rec.joined.push_back(r);
        if (first_deaths) rec.detected_at = ep_.now();
        first_deaths = false;
        rejoined_ = true;
      }
      if (joining_ && !rec.rejoin) {  // this node's own rejoin
        rejoined_ = rec.rejoin = true;
        if (first_deaths) rec.detected_at = ep_.now();
        first_deaths = false;
      }
      Status s = async_ ? heal_async(rec, loss_rank_before) : heal(rec, loss_rank_before);
      if (s.ok()) break;
      if (!ep_.view_changed()) return s;
    }
    rec.resumed_at = ep_.now();
    rec.bytes_sent = ep_.recorder().metrics().bytes_sent - sent_before;
    out_.recoveries.push_back(std::move(rec));
    return {};
  }

  Status heal(Recovery& rec, int loss_rank_before) {
    if (snapshots()) return heal_from_snapshots(rec, loss_rank_before);
    auto target = agree_on_applied(applied_);
    if (!target.ok()) return target.status();
    const int64_t t = target->most;
    if (joining_) return take_over(t);  // nothing to bring along: its stage comes to it
    if (applied_ < t) {
      // Someone applied t, so stage 0 had started t+1: every gradient of t was complete.
      if (applied_ + 1 != t || complete_ != t)
        return Status::errorf("node {}: cannot resume at iteration {}: this stage applied {} and holds the "
                              "gradients of {}", rank_, t, applied_, complete_);
      if (auto s = commit(false); !s.ok()) return s;
    }
    for (auto& sh : shadows_) bring_shadow_to(sh, t);
    rec.iterations_redone = std::max<int64_t>(0, started_ - t);
    if (!ep_.view().is_live(loss_rank_before)) recover_losses(t);
    return take_over(t);
  }

  // --replica-every K > 1, sync: every stage rolls back to the latest snapshot every state
  // to be run has (its own kept ones, the dead stages' shadows), and the iterations since
  // are redone from it with the same batches: the trace is still the fault-free one.
  Status heal_from_snapshots(Recovery& rec, int loss_rank_before) {
    take_in_snapshots(true);
    take_in_losses();
    int64_t latest = applied_;
    for (const auto& part : parts_) latest = std::min(latest, newest_snapshot(own_snapshots_, part.stage));
    for (const auto& sh : shadows_)
      if (!ep_.view().is_live(settled_.owner_of_layer(sh.first_layer)))
        latest = std::min(latest, newest_snapshot(shadows_, sh.stage));
    for (const auto& sh : previous_shadows_) latest = std::min(latest, newest_snapshot(previous_shadows_, sh.stage));
    auto reports = agree_on_applied(latest);
    if (!reports.ok()) return reports.status();
    const int64_t t = reports->fewest;
    rec.iterations_redone = std::max<int64_t>(0, started_ - t);
    if (!ep_.view().is_live(loss_rank_before)) recover_losses(t);
    return take_over(t);
  }
  static int64_t newest_snapshot(const std::vector<Shadow>& kept, int stage) {
    int64_t newest = -1;
    for (const auto& sh : kept)
      if (sh.stage == stage) newest = std::max(newest, sh.applied);
    return newest;
  }

  // Async: every refresh that came before the death moves its shadow on; the run resumes at
  // the start of the iteration holding the fewest updates any state to be run has applied.
  Status heal_async(Recovery& rec, int loss_rank_before) {
    apply_refreshes_held(true);
    auto reports = agree_on_applied(fewest_updates_to_run());
    if (!reports.ok()) return reports.status();
    const int64_t t = reports->fewest / c_.microbatches;
    rec.iterations_redone = std::max<int64_t>(0, started_ - t);
    if (!ep_.view().is_live(loss_rank_before)) recover_losses(t);
    if (Status s = take_over(t); !s.ok()) return s;
    // Nobody runs a micro-batch before everyone installed: a death meanwhile finds every
    // survivor on the new assignment or, not yet there, with the old one to step back to.
    if (Status s = all_reach(kRecovered, "the other stages to recover"); !s.ok()) return s;
    previous_shadows_.clear();
    previous_settled_.reset();
    account_state();
    return {};
  }

  // The fewest updates applied by a state this node may run after the death: its parts, and
  // its shadows of dead stages (a live stage's shadow is rebuilt from its owner).
  int64_t fewest_updates_to_run() const {
    int64_t fewest = units();
    for (const auto& part : parts_) fewest = std::min(fewest, part.applied);
    for (const auto& sh : shadows_)
      if (!ep_.view().is_live(settled_.owner_of_layer(sh.first_layer))) fewest = std::min(fewest, sh.applied);
    for (const auto& sh : previous_shadows_) fewest = std::min(fewest, sh.applied);  // a recovery cut short
    return fewest;
  }

  // The dead stages' layers to their shadows' holders and the shadows rebuilt, from `t`
  // (sync: updates applied; async: whole iterations, every state at least that far along).
  Status take_over(int64_t t) {
    // After a rejoin the joiner's stage is its own again: the config's cut with the stages of
    // the ranks still dead merged, as if they alone had died.
    auto next = rejoined_ ? interim_assignment(initial_assignment(layout_.partition), ep_.view())
                          : interim_assignment(settled_, ep_.view());
    if (!next.ok()) {
      ep_.cannot_heal(last_death_);
      return Status::errorf("node {}: peer {} is down ({}): cannot heal: {}", rank_, last_death_.rank,
                            last_death_.reason, next.status().message());
    }
    // This node's new stage: its own parts and the shadows of the stages it takes over, and
    // after a rejoin the stages handed back to it by the node that ran them.
    const int my_stage = next->stage_of(rank_);
    const int b = next->begin(my_stage), e = next->end(my_stage);
    for (const Part& part : parts_) {
      const int owner = next->owner_of_layer(cut_begin(part.stage));
      if (!rejoined_ || owner == rank_) continue;
      auto state = state_of(part.stage, t);
      if (!state) continue;
      ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(state->first.param_count + state->first.momentum_count)));
      ep_.send(owner, Message{StageReplica{state->second, state->first.first_layer, state->first.end_layer,
                                           StageReplica::What::state, state_floats(state->first), 0}});
    }
    std::vector<StageState> mine;
    std::vector<int64_t> mine_applied;
    for (int s : cut_stages(b, e)) {
      auto state = state_of(s, t);
      if (!state && rejoined_) {
        auto handed = handed_back(s, t);
        if (!handed.ok()) return handed.status();
        state = std::move(*handed);
      }
      if (!state) {
        ep_.cannot_heal(last_death_);
        return Status::errorf("node {}: cannot take over layers {}..{} at iteration {}: this node holds no state of "
                              "them", rank_, cut_begin(s), cut_end(s), t);
      }
      mine.push_back(std::move(state->first));
      mine_applied.push_back(state->second);
    }
    // Every stage's shadow is rebuilt from its owner: the cheapest rule that is right
    // whatever refreshes were lost with the death (a few stage-size messages per death).
    const int holder = shadow_holder(*next, my_stage);
    if (holder >= 0) {
      for (size_t k = 0; k < mine.size(); ++k) {
        const StageState& state = mine[k];
        ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(state.param_count + state.momentum_count)));
        ep_.send(holder, Message{StageReplica{mine_applied[k], state.first_layer, state.end_layer,
                                              StageReplica::What::state, state_floats(state), 0}});
      }
    }
    std::vector<Shadow> rebuilt;
    for (int held : shadows_held_by(*next, rank_))
      for (int s : cut_stages(next->begin(held), next->end(held))) {
        auto got = await_stage_state(s, next->owner[size_t(held)], t, "a shadow's state");
        if (!got.ok()) return got.status();
        rebuilt.push_back(shadow_from(s, got->first, got->second));
      }
    install(*next, mine, mine_applied, std::move(rebuilt), t);
    return {};
  }

  // Stage s as of t from the node that ran it before a rejoin: every node sends each part it
  // no longer runs to its owner in the new assignment. Told from a shadow's rebuild by its
  // layers: a stage this node will run, which nobody holds a shadow of here.
  StatusOr<std::pair<StageState, int64_t>> handed_back(int s, int64_t t) {
    return await_stage_state(s, -1, t, "a stage handed back");
  }

  // Stage s's whole state sent in this view by `from` (-1: by anyone), with the updates it
  // applied: t (async: as far as it got).
  StatusOr<std::pair<StageState, int64_t>> await_stage_state(int s, int from, int64_t t, const char* what) {
    const int sb = cut_begin(s), se = cut_end(s);
    auto got = ep_.await([&](int sender, const Message& m) {
      const auto* r = std::get_if<StageReplica>(&m.payload);
      return (from < 0 || sender == from) && r && r->what == StageReplica::What::state &&
             m.epoch == uint32_t(ep_.view().epoch) && (async_ || r->iteration == t) && r->first_layer == sb &&
             r->end_layer == se;
    }, what);
    if (!got.ok()) return got.status();
    const size_t p = layout_.layer_param_offset[size_t(se)] - layout_.layer_param_offset[size_t(sb)];
    const auto& replica = std::get<StageReplica>(got->message.payload);
    auto state = stage_state_from(replica.values, sb, se, p, Sgd(sgd_options(), p, Storage::shapes_only).state_size());
    if (!state.ok()) return Status::errorf("node {}: {}", rank_, state.status().message());
    return std::pair{std::move(*state), replica.iteration};
  }

  // Every survivor's report (sync: iterations applied, which differ by at most one; async: the
  // fewest updates of a state it may run), the most and the fewest: a joiner's report (it
  // holds nothing yet) counts in neither, so the run goes on from where its survivors stand,
  // whatever the strategy reads (the most, the fewest). Each report also
  // says how many recoveries its sender completed: a death that cut a recovery short can
  // leave some survivors on the new assignment and some still on the old. Then those ahead
  // step back to the old one (they kept its shadows until their first commit, which no one
  // can reach before everyone installed), so all plan from the same assignment.
  struct Reports {
    int64_t most = 0, fewest = 0;
  };
  StatusOr<Reports> agree_on_applied(int64_t report) {
    const View& view = ep_.view();
    // A joiner has applied nothing and completed no recovery: it reports -1, and a
    // generation that never holds the others back; it takes theirs.
    constexpr int32_t kJoinerGeneration = std::numeric_limits<int32_t>::max();
    if (joining_) report = -1;
    const int32_t generation = joining_ ? kJoinerGeneration : settled_generation_;
    for (int q : view.live)
      if (q != rank_) ep_.send(q, Message{Resync{report, generation, {}}});
    std::optional<Reports> reports;
    auto count = [&](int32_t from_generation, int64_t applied) {
      if (from_generation == kJoinerGeneration) return;
      if (!reports) reports = Reports{applied, applied};
      reports->most = std::max(reports->most, applied);
      reports->fewest = std::min(reports->fewest, applied);
    };
    count(generation, report);
    int32_t oldest = generation;
    std::set<int> heard{rank_};
    while (heard.size() < view.live.size()) {
      auto got = ep_.await([&](int from, const Message& m) {
        const auto* r = std::get_if<Resync>(&m.payload);
        return r && r->state.size() == 0 && !heard.contains(from);
      }, "a recovery report");
      if (!got.ok()) return got.status();
      heard.insert(got->from);
      const auto& r = std::get<Resync>(got->message.payload);
      count(r.part, r.iteration);
      oldest = std::min(oldest, r.part);
    }
    // Only joiners left (their survivors died meanwhile): nobody holds a stage to hand back.
    if (!reports)
      return Status::errorf("node {}: every live node of {} is back from a death: nobody holds the model",
                            rank_, view.describe(n_));
    if (joining_) {
      settled_generation_ = oldest;
      return *reports;
    }
    if (oldest < settled_generation_) {
      if (oldest + 1 != settled_generation_ || !previous_settled_)
        return Status::errorf("node {}: recovery reports of {} and {} completed recoveries: cannot agree", rank_,
                              oldest, settled_generation_);
      settled_ = *previous_settled_;
      for (auto& sh : previous_shadows_) shadows_.push_back(std::move(sh));
      previous_shadows_.clear();
      previous_settled_.reset();
      settled_generation_ = oldest;
    }
    return *reports;
  }

  // A shadow one update behind takes its refresh of t if it came (a dead stage's always has).
  void bring_shadow_to(Shadow& sh, int64_t t) {
    if (sh.applied + 1 != t) return;
    auto refresh = refresh_of(sh, t);
    if (!ep_.has_pending(refresh)) return;
    auto got = ep_.await(refresh, "a shadow's refresh");
    apply_refresh(sh, std::get<StageReplica>(got->message.payload));
  }

  // The last stage died: its records went with it. The minibatch losses up to t that this
  // node learned (stage 0 from tokens, the last stage's holder from its refreshes) take
  // their place; the merge keeps one record per iteration.
  void recover_losses(int64_t t) {
    auto is_token = [](int, const Message& m) { return m.kind() == MessageKind::token; };
    while (ep_.has_pending(is_token)) {  // tokens not yet taken as credits carry their loss too
      auto got = ep_.await(is_token, "a token");
      const auto& k = std::get<Token>(got->message.payload);
      note_token_loss(k.iteration, k.microbatch, k.loss_sum);
    }
    std::set<int64_t> recorded;
    for (const auto& l : out_.losses) recorded.insert(l.iteration);
    for (const auto& [it, k] : known_losses_) {
      if (it > t || recorded.contains(it)) continue;
      if (k.whole) {
        out_.losses.push_back({it, k.at, *k.whole, c_.batch});
      } else if (int(k.microbatches.size()) == c_.microbatches) {
        double sum = 0;
        for (const auto& [mb, loss] : k.microbatches) sum += loss;
        out_.losses.push_back({it, k.at, sum, c_.batch});
      }
    }
  }

  // Stage s of the cut from this node's parts or shadows, with the updates it applied: as of
  // t updates (sync), or as far as it got (async).
  std::optional<std::pair<StageState, int64_t>> state_of(int s, int64_t t) const {
    for (const auto& part : parts_) {
      if (part.stage != s || (snapshots() && !async_)) continue;  // sync snapshots: rolled back
      StageState st{cut_begin(s), cut_end(s), part.model.param_count(), part.sgd.state_size(), {}, {}};
      if (numeric()) {
        st.params.assign(part.model.params().begin(), part.model.params().end());
        st.momentum.assign(part.sgd.state().begin(), part.sgd.state().end());
      }
      return std::pair{std::move(st), async_ ? part.applied : t};
    }
    for (const auto* kept : {&own_snapshots_, &shadows_})
      for (const auto& sh : *kept) {
        if (sh.stage != s || (!async_ && sh.applied != t)) continue;
        StageState st{sh.first_layer, sh.end_layer, sh.param_count, sh.sgd.state_size(), sh.params, {}};
        st.momentum.assign(sh.sgd.state().begin(), sh.sgd.state().end());
        return std::pair{std::move(st), sh.applied};
      }
    return std::nullopt;
  }
  Shadow shadow_from(int stage, const StageState& s, int64_t applied) const {
    Shadow sh{stage, s.first_layer, s.end_layer, s.param_count, s.params, Sgd(sgd_options(), s.param_count, storage_),
              applied};
    if (numeric()) std::copy(s.momentum.begin(), s.momentum.end(), sh.sgd.state().begin());
    return sh;
  }

  // The new assignment in force from iteration t+1, everything in flight forgotten. Parts
  // this node already ran are kept as they are; a taken-over stage becomes a part of its own.
  void install(const StageAssignment& next, const std::vector<StageState>& mine, const std::vector<int64_t>& applied,
               std::vector<Shadow> shadows, int64_t t) {
    const bool was_first = first();
    previous_settled_ = settled_;
    previous_shadows_ = std::move(shadows_);
    assign_ = settled_ = next;
    ++settled_generation_;
    stage_ = next.stage_of(rank_);
    std::vector<Part> parts;
    for (size_t k = 0; k < mine.size(); ++k) {
      const StageState& state = mine[k];
      const int s = cut_stages(state.first_layer, state.end_layer).front();
      auto kept = std::find_if(parts_.begin(), parts_.end(), [&](const Part& p) { return p.stage == s; });
      if (kept != parts_.end()) {
        parts.push_back(std::move(*kept));
        if (snapshots() && !async_ && numeric()) {  // rolled back to its snapshot at t
          std::copy(state.params.begin(), state.params.end(), parts.back().model.params().begin());
          std::copy(state.momentum.begin(), state.momentum.end(), parts.back().sgd.state().begin());
        }
      } else {
        Model m = stage_model(s);
        const size_t p = m.param_count();
        Part part{s, std::move(m), Sgd(sgd_options(), p, storage_), applied[k]};
        if (numeric()) {
          std::copy(state.params.begin(), state.params.end(), part.model.params().begin());
          std::copy(state.momentum.begin(), state.momentum.end(), part.sgd.state().begin());
        }
        parts.push_back(std::move(part));
      }
      parts.back().model.zero_grads();
    }
    parts_ = std::move(parts);
    shadows_ = std::move(shadows);
    if (snapshots() && !async_) {
      // Each part's snapshot at t, and the newest older one this node had of its stage (own
      // or shadow): a death that cuts this recovery short may have to roll back further.
      std::vector<Shadow> kept;
      for (size_t k = 0; k < mine.size(); ++k) {
        const Shadow* older = nullptr;
        for (const auto* held : {&own_snapshots_, &previous_shadows_})
          for (const auto& sh : *held)
            if (sh.stage == parts_[k].stage && sh.applied < t && (!older || sh.applied > older->applied)) older = &sh;
        if (older) kept.push_back(*older);
        kept.push_back(shadow_from(parts_[k].stage, mine[k], t));
      }
      own_snapshots_ = std::move(kept);
    }
    applied_ = complete_ = t;
    slots_.clear();
    activation_bytes_ = weight_bytes_ = 0;
    backwards_done_ = 0;
    loss_sum_ = 0;
    credits_ = async_ ? stages() : initial_credits(c_.schedule, stages(), c_.microbatches);
    std::erase_if(out_.losses, [&](const LossRecord& l) { return l.iteration > t; });
    std::erase_if(known_losses_, [&](const auto& k) { return k.first > t; });
    if (async_) {  // the redo starts at iteration t+1's first micro-batch
      injected_ = done_ = t * c_.microbatches;
      started_ = t;
      async_losses_.clear();
    }
    // Stage 0's duties: read the data from where the run stands (async: it may have drawn
    // batches past t).
    if (first() && (!was_first || async_ || snapshots() || joining_)) {
      batcher_.emplace(train_, c_.batch, batch_order_seed(c_));
      for (int64_t k = 0; k < t; ++k) batch_ = batcher_->next();
      drawn_ = t;
    }
    // What the old view left queued: refreshes and tokens. A token's loss is kept (a later
    // death of the last stage may need it) unless its iteration is redone.
    const uint32_t epoch = uint32_t(ep_.view().epoch);
    auto old = [&](int, const Message& m) {
      return m.epoch < epoch && (m.kind() == MessageKind::stage_replica || m.kind() == MessageKind::token);
    };
    while (ep_.has_pending(old)) {
      auto got = ep_.await(old, "an old message");
      if (const auto* k = std::get_if<Token>(&got->message.payload); k && k->iteration <= t)
        note_token_loss(k->iteration, k->microbatch, k->loss_sum);
    }
    joining_ = rejoined_ = false;
    account_state();
    account();
  }

  bool numeric() const { return storage_ == Storage::values; }

  // Sync only (config refuses async): every stage this node runs, as of `it` updates, is a
  // part of the set. Shadows are not written: at an iteration boundary a shadow equals its
  // stage (the same steps on the same bits), so a resume rebuilds it from the stage's part.
  Status write_checkpoints(int64_t it) {
    for (const Part& part : parts_) {
      NodeCheckpoint ck = model_part(part.stage, fmt::format("stage {}", part.stage), it, samples_, out_.losses,
                                     part.model.params(), part.sgd.state(), numeric());
      const int64_t floats = int64_t(part.model.param_count() + part.sgd.state_size());
      if (Status s = checkpoints_.write(ep_, std::move(ck), floats); !s.ok()) return s;
    }
    return {};
  }

  // --resume: this node's stage, and the shadows and snapshots it holds, as of the set's
  // iteration T; the ring starts at T + 1 with nothing in flight.
  Status resume_from_checkpoint() {
    const int64_t t = checkpoints_.resume_iteration();
    // Stage `stage`'s parameters and momentum into the buffers sized for it here.
    auto restore = [&](int stage, std::span<float> params, std::span<float> momentum) {
      const NodeCheckpoint* ck = checkpoints_.resume_part(stage);
      if (ck && restore_model_part(*ck, params, momentum)) return Status{};
      return Status::errorf("node {}: the checkpoint of stage {} does not hold its {} parameters and {} momentum "
                            "values", rank_, stage, params.size(), momentum.size());
    };
    Part& part = parts_.front();
    if (Status s = restore(stage_, part.model.params(), part.sgd.state()); !s.ok()) return s;
    for (auto* held : {&shadows_, &own_snapshots_})
      for (Shadow& sh : *held) {
        if (Status s = restore(sh.stage, sh.params, sh.sgd.state()); !s.ok()) return s;
        sh.applied = t;
      }
    const NodeCheckpoint& mine = *checkpoints_.resume_part(stage_);
    // A healing ring's survivors report the losses once the last stage is gone: each node
    // starts with the last stage's records, as it would hold them had the run not stopped
    // (the merge takes one whole loss per iteration). Without healing only the last stage
    // records, its own.
    out_.losses = restored_losses(heals_ ? *checkpoints_.resume_part(stages() - 1) : mine);
    samples_ = mine.samples;
    applied_ = complete_ = started_ = drawn_ = t;
    version_ = t;
    if (batcher_) batcher_->skip(t);
    return {};
  }

  void update() {
    for (Part& part : parts_) step(part);
    ++version_;
  }
  void step(Part& part) {
    ep_.compute(int64_t(3) * int64_t(part.model.param_count()), [&] {
      part.sgd.step(part.model.params(), part.model.grads());
      part.model.zero_grads();
    });
  }
  // Async: micro-batch `unit`'s update, taken by each part that has not applied it yet (a
  // redo after a recovery runs again micro-batches that some stages applied before).
  void update_once(int64_t unit) {
    bool stepped = false;
    for (Part& part : parts_) {
      if (unit < part.applied) {
        part.model.zero_grads();
        continue;
      }
      step(part);
      part.applied = unit + 1;
      stepped = true;
      // Each stage is evaluated as of its own M-th update: stages of an async ring stand at
      // different versions, and that is the model it has.
      if (part.applied % c_.microbatches == 0) keep_part_for_eval(part, part.applied / c_.microbatches);
    }
    if (stepped) ++version_;
  }

  // --eval-every: each stage this node runs, as of iteration `it`'s update (a stage taken
  // over after a death is kept by its new holder from the iteration it redoes on).
  void keep_for_eval(int64_t it) {
    for (const Part& part : parts_) keep_part_for_eval(part, it);
  }
  void keep_part_for_eval(const Part& part, int64_t it) {
    if (!numeric() || !eval_due(c_.eval_every, c_.timing_only, it, total_)) return;
    keep_for_evaluation(out_.snapshots, it, ep_.now(), layout_.layer_param_offset[size_t(cut_begin(part.stage))],
                        part.model.params());
  }

  // Parameters, gradients, momentum, shadows (and snapshots) and the backward workspace: what the node holds
  // whatever it computes. Each shadow is its parameters, its momentum and the refresh held
  // until the commit. A run allocates a workspace at its first backward and keeps it.
  void account_state() {
    int64_t params = 0, momentum = 0, shadows = 0;
    workspace_bytes_ = 0;
    for (const auto& part : parts_) {
      params += part.model.param_bytes();
      momentum += part.sgd.state_bytes();
      workspace_bytes_ += part.model.backward_workspace_bytes(sizes_[0]);
    }
    // A refreshed shadow: its state and the refresh held until the commit; a snapshot: its state.
    const int64_t copies = snapshots() ? 1 : 2;
    for (const auto* held : {&shadows_, &previous_shadows_, &own_snapshots_})
      for (const auto& sh : *held) shadows += copies * memory::floats(int64_t(sh.param_count)) + sh.sgd.state_bytes();
    ep_.recorder().hold(MemoryPart::params, params);
    ep_.recorder().hold(MemoryPart::grads, params);
    ep_.recorder().hold(MemoryPart::optimizer, momentum);
    ep_.recorder().hold(MemoryPart::shadows, shadows);
  }

  void account() {
    ep_.recorder().hold(MemoryPart::activations, workspace_bytes_ + activation_bytes_);
    ep_.recorder().hold(MemoryPart::weight_stash, weight_bytes_);
  }

  void add_async_loss(int64_t it, double loss) {
    auto& [sum, count] = async_losses_[it];
    sum += loss;
    if (++count == c_.microbatches) {
      record_loss(it, sum);
      async_losses_.erase(it);
    }
  }

  void record_loss(int64_t it, double loss_sum) {
    const double t = ep_.now();
    out_.losses.push_back({it, t, loss_sum, c_.batch});
    samples_ += c_.batch;
    if (progress_) progress_({it, total_, loss_sum / c_.batch, t, samples_});
  }

  const RunConfig& c_;
  const bool heals_;
  Endpoint<T> ep_;
  const int n_, rank_;
  const Storage storage_;
  const RingLayout& layout_;
  const Dataset& train_;
  StageAssignment assign_;   // who runs which stage now
  StageAssignment settled_;  // the last assignment whose shadows were all in place
  int stage_;                // this node's stage in assign_
  std::vector<Part> parts_;  // the cut's stages this node runs, in layer order
  std::vector<int> sizes_, offsets_;
  const bool async_;
  const ProgressFn& progress_;
  Checkpointer checkpoints_;
  Status resume_error_;
  std::optional<Batcher> batcher_;
  Batch batch_;
  int64_t total_ = 0;
  int credits_ = 0;
  int64_t version_ = 0, max_staleness_ = 0;
  int64_t workspace_bytes_ = 0, activation_bytes_ = 0, weight_bytes_ = 0, samples_ = 0;
  double loss_sum_ = 0;
  std::map<int64_t, Slot> slots_;
  std::map<int64_t, std::pair<double, int>> async_losses_;
  // Healing: updates applied, the iteration whose gradients are held whole, the latest
  // iteration begun, the one whose batch stage 0 holds, backward passes of this iteration.
  int64_t applied_ = 0, complete_ = 0, started_ = 0, drawn_ = 0;
  int64_t injected_ = 0, done_ = 0;  // async: micro-batches stage 0 injected, this stage finished
  int backwards_done_ = 0;
  int32_t settled_generation_ = 0;  // recoveries completed
  bool joining_ = false;   // a new incarnation not yet given its stage
  bool rejoined_ = false;  // the recovery in progress readmits a node
  bool finished_ = false;
  std::vector<Shadow> shadows_;
  std::vector<Shadow> own_snapshots_;  // --replica-every K > 1, sync: this node's stages' latest two
  // The assignment and shadows before the last recovery, until this node's first commit
  // after it: a death that interrupts the recovery is planned from them (agree_on_applied).
  std::optional<StageAssignment> previous_settled_;
  std::vector<Shadow> previous_shadows_;
  std::map<int64_t, KnownLoss> known_losses_;
  Detection last_death_;
  NodeOutcome out_;
};

}  // namespace ringtmp
