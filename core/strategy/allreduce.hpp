#pragma once
// `allreduce` — data parallel. Every node holds the full model and a slice of each global
// batch; gradients are summed by a ring reduce-scatter then all-gather over the flat gradient
// buffer cut into one chunk per live node (each node sends 2(N-1)/N of the model per
// iteration, the bandwidth-optimal amount), and every node applies the same update. Talks
// only to its ring neighbours, except to recover.
//
// Resilient: when a node dies, the ring re-forms among the live nodes (membership view),
// the global batch is re-sliced over them, and the step in flight is redone. Survivors
// first agree on the last iteration completed anywhere (every live node reports its own to
// every other; they differ by at most one, since nobody completes an iteration before
// everyone has computed its gradient). A node one behind takes the parameters and momentum
// of the lowest-ranked node that completed it: every node holds the same model after an
// iteration, so nothing completed is lost and the trace equals the fault-free one up to
// the order of float sums.
#include <algorithm>
#include <map>
#include <vector>

#include "core/config.hpp"
#include "core/data/batch_slicer.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"
#include "core/model/sgd.hpp"
#include "core/strategy/endpoint.hpp"
#include "core/strategy/gradient_step.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/local.hpp"
#include "core/strategy/progress.hpp"
#include "core/strategy/worker_slices.hpp"

namespace ringtmp {

template <Transport T>
class AllreduceNode {
 public:
  AllreduceNode(T& transport, const RunConfig& c, const Dataset& train, const ProgressFn& progress)
      : c_(c),
        progress_(progress),
        ep_(transport, "worker", c.peer_timeout, /*resilient=*/true),
        storage_(c.timing_only ? Storage::shapes_only : Storage::values),
        model_(mlp_layers(c.layers, c.activation), 0, storage_),
        sgd_({c.lr, c.momentum, c.weight_decay}, model_.param_count(), storage_),
        data_(train, c, ep_.size(), ep_.rank(), storage_),
        total_(planned_iterations(c, train.size())) {
    model_.init(c.seed);
    roles_ = allreduce_roles(ep_.view(), c.batch);
  }

  NodeOutcome run() {
    while (done_ < total_ && out_.status.ok()) {
      const int64_t it = done_ + 1;
      Status s = iteration(it);
      if (s.ok()) continue;
      if (!ep_.view_changed()) {
        out_.status = s;
        break;
      }
      s = recover();
      if (!s.ok()) out_.status = s;
    }
    // Every live node holds the same model: the lowest one hands it in.
    if (ep_.rank() == ep_.view().live.front()) out_.params = model_.release_params();
    out_.whole_losses = true;
    ep_.finish_into(out_);
    return std::move(out_);
  }

 private:
  struct Chunk {
    int k;
    size_t begin, size;
  };
  // Chunk k (mod the ring's length) of the flat gradient.
  Chunk chunk(int k) const {
    const int n = int(roles_.ring.size());
    const size_t p = model_.param_count();
    k = ((k % n) + n) % n;
    const size_t begin = p * size_t(k) / size_t(n), end = p * size_t(k + 1) / size_t(n);
    return Chunk{k, begin, end - begin};
  }

  Status iteration(int64_t it) {
    // The step in flight when a node died already drew its batch: it is redone, sliced anew.
    const Batch b = drawn_ == it ? data_.again() : data_.next();
    drawn_ = it;
    const float scale = 1.0f / float(c_.batch);
    double loss = 0;
    ep_.compute(GradientStep::flops(model_, b.size), [&] { loss = step_.run(model_, b, scale); });
    ep_.recorder().hold(MemoryPart::params, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::grads, model_.param_bytes());
    ep_.recorder().hold(MemoryPart::optimizer, sgd_.state_bytes());
    ep_.recorder().hold(MemoryPart::activations, memory::gradient_step_bytes(model_, b.size));
    auto whole_loss = reduce(it, loss);
    if (!whole_loss.ok()) return whole_loss.status();
    ep_.compute(int64_t(3) * int64_t(model_.param_count()), [&] { sgd_.step(model_.params(), model_.grads()); });
    done_ = it;
    samples_ += c_.batch;
    out_.losses.push_back({it, ep_.now(), *whole_loss, c_.batch});
    if (ep_.rank() == ep_.view().live.front() && progress_)
      progress_({it, total_, *whole_loss / c_.batch, ep_.now(), samples_});
    return {};
  }

  // Sums the gradients (and the loss) over the live ring; returns the minibatch's whole loss.
  // Steps 0..n-2 reduce-scatter: send chunk pos-s, add the received chunk pos-s-1.
  // Steps n-1..2n-3 all-gather: send chunk pos+1-s', copy the received chunk pos-s'.
  StatusOr<double> reduce(int64_t it, double own_loss) {
    const auto& ring = roles_.ring;
    const int n = int(ring.size()), pos = ep_.view().position(ep_.rank());
    const int next = ring[size_t((pos + 1) % n)], prev = ring[size_t((pos + n - 1) % n)];
    std::vector<double> chunk_loss(size_t(n), own_loss);
    for (int step = 0; step < 2 * (n - 1); ++step) {
      const bool gather = step >= n - 1;
      const int s = gather ? step - (n - 1) : step;
      const Chunk sent = chunk(gather ? pos + 1 - s : pos - s);
      ep_.recorder().hold(MemoryPart::messages, memory::floats(int64_t(sent.size)));
      ep_.send(next, Message{ReduceChunk{it, step, sent.k, flat_range(model_.grads(), sent.begin, sent.size, storage_),
                                         chunk_loss[size_t(sent.k)]}});
      const Chunk in = chunk(gather ? pos - s : pos - s - 1);
      auto got = ep_.await([&](int from, const Message& m) {
        const auto* rc = std::get_if<ReduceChunk>(&m.payload);
        return from == prev && rc && rc->iteration == it && rc->step == step;
      }, "a gradient chunk");
      if (!got.ok()) return got.status();
      const auto& rc = std::get<ReduceChunk>(got->message.payload);
      if (rc.chunk != in.k || rc.values.size() != in.size)
        return Status::errorf("node {}: step {} chunk {} with {} values, expected chunk {} with {}", ep_.rank(), step,
                              rc.chunk, rc.values.size(), in.k, in.size);
      chunk_loss[size_t(in.k)] = gather ? rc.loss_sum : rc.loss_sum + own_loss;
      ep_.compute(int64_t(in.size), [&] {
        VectorMap dst(model_.grads().data() + in.begin, Eigen::Index(in.size));
        ConstVectorMap src(rc.values.data(), Eigen::Index(rc.values.size()));
        if (gather) dst = src; else dst += src;
      });
    }
    // Chunk 0's sum: the same value on every node (it travelled to all of them).
    return chunk_loss[0];
  }

  // After a view change: agree on the iteration to resume from, catch up, re-form the ring.
  // Another death meanwhile starts the agreement again in the newer view.
  Status recover() {
    Recovery rec;
    const int64_t sent_before = ep_.recorder().metrics().bytes_sent;
    bool first = true;
    while (true) {
      for (const auto& d : ep_.take_view_change()) {
        rec.dead.push_back(d.rank);
        if (first) rec.detected_at = d.at;
        first = false;
      }
      Status s = agree_and_catch_up();
      if (s.ok()) break;
      if (!ep_.view_changed()) return s;
    }
    roles_ = allreduce_roles(ep_.view(), c_.batch);
    const auto& mine = roles_.slices[size_t(ep_.view().position(ep_.rank()))];
    data_.reslice(mine.offset, mine.size);
    rec.resumed_at = ep_.now();
    rec.iterations_redone = drawn_ > done_ ? 1 : 0;
    rec.bytes_sent = ep_.recorder().metrics().bytes_sent - sent_before;
    out_.recoveries.push_back(std::move(rec));
    return {};
  }

  Status agree_and_catch_up() {
    const View& view = ep_.view();
    for (int q : view.live)
      if (q != ep_.rank()) ep_.send(q, Message{Resync{done_, 0, {}}});
    std::map<int, int64_t> done_by{{ep_.rank(), done_}};
    while (done_by.size() < view.live.size()) {
      auto got = ep_.await([&](int from, const Message& m) {
        const auto* r = std::get_if<Resync>(&m.payload);
        return r && r->state.size() == 0 && !done_by.contains(from);
      }, "a recovery report");
      if (!got.ok()) return got.status();
      done_by[got->from] = std::get<Resync>(got->message.payload).iteration;
    }
    int64_t latest = done_;
    for (const auto& [rank, d] : done_by) latest = std::max(latest, d);
    int donor = -1;
    for (const auto& [rank, d] : done_by)
      if (d == latest) { donor = rank; break; }  // the lowest: std::map is ordered
    if (ep_.rank() == donor) {
      for (const auto& [rank, d] : done_by)
        if (d < latest) ep_.send(rank, Message{Resync{latest, 0, state()}});
      return {};
    }
    if (done_ == latest) return {};
    auto got = ep_.await([&](int from, const Message& m) {
      const auto* r = std::get_if<Resync>(&m.payload);
      return from == donor && r && r->state.size() > 0;
    }, "the model from a node that completed the step");
    if (!got.ok()) return got.status();
    const auto& r = std::get<Resync>(got->message.payload);
    const size_t p = model_.param_count(), want = p + sgd_.state_size();
    if (r.iteration != latest || r.state.size() != want)
      return Status::errorf("node {}: recovery state for iteration {} with {} values, expected {} with {}",
                            ep_.rank(), r.iteration, r.state.size(), latest, want);
    if (r.state.has_values()) {
      std::copy_n(r.state.begin(), p, model_.params().begin());
      std::copy(r.state.begin() + ptrdiff_t(p), r.state.end(), sgd_.state().begin());
    }
    done_ = latest;
    samples_ += c_.batch;
    return {};
  }

  // Parameters then momentum: what a node one iteration behind needs to be this one.
  Floats state() const {
    const size_t p = model_.param_count();
    if (storage_ == Storage::shapes_only) return Floats::count_only(p + sgd_.state_size());
    FloatBuffer values(model_.params().begin(), model_.params().end());
    values.insert(values.end(), sgd_.state().begin(), sgd_.state().end());
    return Floats(std::move(values));
  }

  const RunConfig& c_;
  const ProgressFn& progress_;
  Endpoint<T> ep_;
  Storage storage_;
  Model model_;
  Sgd sgd_;
  SliceSource data_;
  int64_t total_;
  AllreduceRoles roles_;
  GradientStep step_;
  NodeOutcome out_;
  int64_t done_ = 0;   // iterations completed (the update applied)
  int64_t drawn_ = 0;  // the iteration whose batch was last drawn
  int64_t samples_ = 0;
};

template <Transport T>
NodeOutcome allreduce_node(T& transport, const RunConfig& c, const Dataset& train, const ProgressFn& progress) {
  return AllreduceNode<T>(transport, c, train, progress).run();
}

}  // namespace ringtmp
