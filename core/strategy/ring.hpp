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
#include <map>
#include <vector>

#include "core/config.hpp"
#include "core/data/batcher.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"
#include "core/model/partition.hpp"
#include "core/model/sgd.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/local.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/progress.hpp"
#include "core/strategy/ring_partition.hpp"
#include "core/strategy/ring_schedule.hpp"

namespace ringtmp {

// The stage layout every node derives identically from the config.
struct RingLayout {
  std::vector<LayerSpec> layers;
  Partition partition;
  std::vector<size_t> stage_param_offset;  // of each stage's first parameter in the whole model
};
// `devices` (one per rank, when known) makes the cut respect their speeds and memory budgets
// (ring_partition.hpp); without, the stages balance counted flops.
StatusOr<RingLayout> ring_layout(const RunConfig& c, std::span<const StageDevice> devices = {},
                                 int64_t iterations = 0, const DatasetShape& data = {});

template <Transport T>
class RingNode {
 public:
  RingNode(T& transport, const RunConfig& c, const RingLayout& layout, const Dataset& train,
           const ProgressFn& progress)
      : c_(c),
        ep_(transport, "stage", c.peer_timeout),
        n_(transport.size()),
        i_(transport.rank()),
        first_(i_ == 0),
        last_(i_ == n_ - 1),
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        model_({layout.layers.begin() + layout.partition.begin(i_),
                layout.layers.begin() + layout.partition.end(i_)},
               layout.partition.begin(i_), storage_),
        sgd_({c.lr, c.momentum, c.weight_decay}, model_.param_count(), storage_),
        sizes_(microbatch_sizes(c.batch, c.microbatches)),
        async_(c.schedule == Schedule::async),
        progress_(progress) {
    model_.init(c.seed);
    for (int k = 0, off = 0; k < c.microbatches; off += sizes_[k++]) offsets_.push_back(off);
    if (first_) batcher_.emplace(train, c.batch, batch_order_seed(c));
    total_ = planned_iterations(c, train.size());
    credits_ = async_ ? n_ : initial_credits(c.schedule, n_, c.microbatches);
    workspace_bytes_ = model_.backward_workspace_bytes(sizes_[0]);
    out_.param_offset = layout.stage_param_offset[i_];
  }

  NodeOutcome run() {
    ep_.recorder().hold(MemoryPart::params, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::grads, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::optimizer, sgd_.state_bytes());
    account();
    out_.status = async_ ? run_async() : run_sync();
    out_.params.assign(model_.params().begin(), model_.params().end());
    if (async_) out_.max_staleness = max_staleness_;
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  // Timing-only runs hold no values here (shapes_only): stash, input and weights stay empty.
  struct Slot {
    ForwardStash stash;
    FloatBuffer input;    // received activations, or (async stage 0) a copy of the inputs
    Matrix dlogits;       // last stage: loss gradient
    FloatBuffer weights;  // async: the weights this forward used
    int64_t version = 0;
    int size = 0;
    int64_t activation_bytes = 0, weight_bytes = 0;  // accounted (memory_plan.hpp)
  };
  int64_t key(int64_t it, int mb) const { return (it - 1) * c_.microbatches + mb; }

  Status run_sync() {
    const auto ops = pipeline_ops(c_.schedule, n_, i_, c_.microbatches);
    for (int64_t it = 1; it <= total_; ++it) {
      if (first_) batch_ = batcher_->next();
      loss_sum_ = 0;
      for (const auto& op : ops) {
        Status s = op.forward ? forward(it, op.microbatch, nullptr) : backward(it, op.microbatch, nullptr);
        if (!s.ok()) return s;
      }
      update();
      if (last_) record_loss(it, loss_sum_);
    }
    return {};
  }

  Status run_async() {
    const int64_t units = total_ * c_.microbatches;
    int64_t injected = 0, done = 0;
    auto is_grad = [&](int from, const Message& m) { return from == i_ + 1 && m.kind() == MessageKind::gradients; };
    auto is_token = [&](int from, const Message& m) { return from == n_ - 1 && m.kind() == MessageKind::token; };
    auto is_work = [&](int from, const Message& m) { return is_grad(from, m) || (from == i_ - 1 && m.kind() == MessageKind::activations); };
    while (done < units) {
      // Backwards first: they free stashes and return credits (1F1B's steady state).
      if (!last_ && ep_.has_pending(is_grad)) {
        auto r = ep_.await(is_grad, "a gradient");
        if (!r.ok()) return r.status();
        if (auto s = backward_message(r->message); !s.ok()) return s;
        ++done;
        continue;
      }
      // Inject when a credit is held and this stage's own stash is below the window: the
      // token says the last stage finished, but the gradient may still be on its way here.
      if (first_ && injected < units && int(slots_.size()) < n_ &&
          (credits_ > 0 || ep_.has_pending(is_token))) {
        const int64_t it = injected / c_.microbatches + 1;
        const int mb = int(injected % c_.microbatches);
        if (mb == 0) batch_ = batcher_->next();
        if (auto s = forward(it, mb, nullptr); !s.ok()) return s;
        ++injected;
        if (last_) {  // a one-stage ring
          if (auto s = backward(it, mb, nullptr); !s.ok()) return s;
          ++done;
        }
        continue;
      }
      if (first_) {  // nothing to do until a gradient or a credit arrives
        auto r = ep_.await([&](int f, const Message& m) { return is_grad(f, m) || is_token(f, m); },
                           "a gradient or a credit");
        if (!r.ok()) return r.status();
        if (r->message.kind() == MessageKind::token) { ++credits_; continue; }
        if (auto s = backward_message(r->message); !s.ok()) return s;
        ++done;
        continue;
      }
      auto r = ep_.await(is_work, "activations or a gradient");
      if (!r.ok()) return r.status();
      if (r->message.kind() == MessageKind::gradients) {
        if (auto s = backward_message(r->message); !s.ok()) return s;
        ++done;
        continue;
      }
      auto& a = std::get<Activations>(r->message.payload);
      const int64_t it = a.iteration;
      const int mb = a.microbatch;
      if (auto s = forward(it, mb, &a); !s.ok()) return s;
      if (last_) {
        if (auto s = backward(it, mb, nullptr); !s.ok()) return s;
        ++done;
      }
    }
    return {};
  }

  Status take_credit() {
    while (credits_ == 0) {
      auto r = ep_.await([&](int from, const Message& m) { return from == n_ - 1 && m.kind() == MessageKind::token; },
                         "a credit token from the last stage");
      if (!r.ok()) return r.status();
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
    const float* x = nullptr;
    std::span<const int32_t> labels;
    if (first_) {
      if (auto st = take_credit(); !st.ok()) return st;
      const int features = model_.input_width();
      x = batch_.x + int64_t(offsets_[mb]) * features;
      labels = batch_.labels.subspan(offsets_[mb], s.size);
      if (async_) {  // an epoch's reshuffle may move the batch before this backward runs
        if (numeric()) s.input.assign(x, x + int64_t(s.size) * features);
        x = s.input.data();
      }
      if (!last_) {
        ep_.recorder().hold(MemoryPart::messages, int64_t(labels.size() * sizeof(int32_t)));
        ep_.send(n_ - 1, Message{Labels{it, mb, {labels.begin(), labels.end()}}});
      }
    } else {
      Activations received;
      if (!incoming) {
        auto r = ep_.await([&](int from, const Message& m) {
          const auto* a = std::get_if<Activations>(&m.payload);
          return from == i_ - 1 && a && a->iteration == it && a->microbatch == mb;
        }, "activations");
        if (!r.ok()) return r.status();
        received = std::move(std::get<Activations>(r->message.payload));
        incoming = &received;
      }
      if (incoming->block.rows != model_.input_width() || incoming->block.cols != s.size)
        return Status::errorf("node {}: activations of micro-batch {} are {}x{}, expected {}x{}", i_,
                              mb, incoming->block.rows, incoming->block.cols, model_.input_width(), s.size);
      s.input = std::move(incoming->block.data);
      x = s.input.data();
    }
    int64_t weight_floats = 0;
    if (async_ && !last_) {
      weight_floats = int64_t(model_.param_count());
      if (numeric()) s.weights.assign(model_.params().begin(), model_.params().end());
      s.version = version_;
    }
    ep_.compute(model_.forward_flops(s.size), [&] { model_.forward(s.stash, x, s.size); });
    s.activation_bytes = memory::ring_slot_bytes(model_, s.size, !first_ || async_, last_);
    s.weight_bytes = memory::floats(weight_floats);
    activation_bytes_ += s.activation_bytes;
    weight_bytes_ += s.weight_bytes;
    account();
    if (!last_) {
      // Timing-only: the block's shape travels (it sets the bytes), its values do not.
      Block b{model_.output_width(), s.size, {}};
      ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(b.rows) * b.cols));
      if (numeric()) {
        const Matrix& out = s.stash.outputs.back();
        b.data.assign(out.data(), out.data() + out.size());
      }
      ep_.send(i_ + 1, Message{Activations{it, mb, std::move(b)}});
      return {};
    }
    std::vector<int32_t> received_labels;
    if (!first_) {
      auto r = ep_.await([&](int from, const Message& m) {
        const auto* l = std::get_if<Labels>(&m.payload);
        return from == 0 && l && l->iteration == it && l->microbatch == mb;
      }, "labels from stage 0");
      if (!r.ok()) return r.status();
      received_labels = std::move(std::get<Labels>(r->message.payload).labels);
      if (int(received_labels.size()) != s.size)
        return Status::errorf("node {}: {} labels for micro-batch {} of {} samples", i_,
                              received_labels.size(), mb, s.size);
      labels = received_labels;
    }
    for (int32_t y : labels)
      if (y < 0 || y >= model_.output_width())
        return Status::errorf("node {}: label {} outside 0..{}", i_, y, model_.output_width() - 1);
    const float scale = 1.0f / float(async_ ? s.size : c_.batch);
    double loss = 0;
    ep_.compute(loss_flops(model_.output_width(), s.size),
                [&] { loss = softmax_cross_entropy(s.stash.outputs.back(), labels, scale, &s.dlogits); });
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
                            "never forwarded", i_, mb, it);
    Slot& s = slot->second;
    float* dy = nullptr;
    Gradients received;
    if (last_) {
      dy = s.dlogits.data();
    } else {
      if (!incoming) {
        auto r = ep_.await([&](int from, const Message& m) {
          const auto* g = std::get_if<Gradients>(&m.payload);
          return from == i_ + 1 && g && g->iteration == it && g->microbatch == mb;
        }, "a gradient");
        if (!r.ok()) return r.status();
        received = std::move(std::get<Gradients>(r->message.payload));
        incoming = &received;
      }
      if (incoming->block.rows != model_.output_width() || incoming->block.cols != s.size)
        return Status::errorf("node {}: gradient of micro-batch {} is {}x{}, expected {}x{}", i_, mb,
                              incoming->block.rows, incoming->block.cols, model_.output_width(), s.size);
      dy = incoming->block.data.data();
    }
    FloatBuffer dx(first_ || !numeric() ? 0 : size_t(model_.input_width()) * s.size);
    const float* weights = s.weights.empty() ? nullptr : s.weights.data();
    ep_.compute(model_.backward_flops(s.size, !first_),
                [&] { model_.backward(s.stash, dy, first_ ? nullptr : dx.data(), weights); });
    if (!first_) {
      ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(model_.input_width()) * s.size));
      ep_.send(i_ - 1, Message{Gradients{it, mb, Block{model_.input_width(), s.size, std::move(dx)}}});
    }
    if (last_) {
      if (first_) ++credits_;
      else ep_.send(0, Message{Token{it, mb}});
    }
    if (async_) {
      // Updates this stage applied between the micro-batch's forward and its backward.
      if (!last_) max_staleness_ = std::max(max_staleness_, version_ - s.version);
      update();
    }
    activation_bytes_ -= s.activation_bytes;
    weight_bytes_ -= s.weight_bytes;
    slots_.erase(slot);
    return {};
  }

  bool numeric() const { return storage_ == Storage::values; }

  void update() {
    ep_.compute(int64_t(3) * int64_t(model_.param_count()), [&] {
      sgd_.step(model_.params(), model_.grads());
      model_.zero_grads();
    });
    ++version_;
  }

  // The backward workspace is counted from the start: a run allocates it at its first
  // backward and keeps it.
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
  Endpoint<T> ep_;
  const int n_, i_;
  const bool first_, last_;
  const Storage storage_;
  Model model_;
  Sgd sgd_;
  std::vector<int> sizes_, offsets_;
  const bool async_;
  const ProgressFn& progress_;
  std::optional<Batcher> batcher_;
  Batch batch_;
  int64_t total_ = 0;
  int credits_ = 0;
  int64_t version_ = 0, max_staleness_ = 0;
  int64_t workspace_bytes_ = 0, activation_bytes_ = 0, weight_bytes_ = 0, samples_ = 0;
  double loss_sum_ = 0;
  std::map<int64_t, Slot> slots_;
  std::map<int64_t, std::pair<double, int>> async_losses_;
  NodeOutcome out_;
};

}  // namespace ringtmp
