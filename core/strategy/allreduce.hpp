#pragma once
// `allreduce` — data parallel. Every node holds the full model and a slice of each global
// batch; gradients are summed by a ring reduce-scatter then all-gather over the flat gradient
// buffer cut into N chunks (each node sends 2(N-1)/N of the model per iteration, the
// bandwidth-optimal amount), and every node applies the same update. Talks only to ring
// neighbours: sends to r+1, receives from r-1.
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

namespace ringtmp {

template <Transport T>
NodeOutcome allreduce_node(T& transport, const RunConfig& c, const Dataset& train,
                           const ProgressFn& progress) {
  Endpoint<T> ep(transport, "worker", c.peer_timeout);
  NodeOutcome out;
  const int n = ep.size(), r = ep.rank();
  const int next = (r + 1) % n, prev = (r + n - 1) % n;
  // Timing-only: shapes, counts and flops only, no values (10,000 nodes, one model each).
  const Storage storage = c.timing_only ? Storage::shapes_only : Storage::values;
  Model model(mlp_layers(c.layers, c.activation), 0, storage);
  model.init(c.seed);
  Sgd sgd({c.lr, c.momentum, c.weight_decay}, model.param_count(), storage);
  SliceSource data(train, c, n, r, storage);
  const int64_t total = planned_iterations(c, train.size());
  const size_t p = model.param_count();
  std::vector<size_t> chunk_begin;
  for (int k = 0; k <= n; ++k) chunk_begin.push_back(p * size_t(k) / size_t(n));
  struct Chunk {
    int k;
    size_t begin, size;
  };
  auto chunk = [&](int k) {
    k = ((k % n) + n) % n;
    return Chunk{k, chunk_begin[k], chunk_begin[k + 1] - chunk_begin[k]};
  };
  GradientStep step;
  int64_t samples = 0;
  const float scale = 1.0f / float(c.batch);

  for (int64_t it = 1; it <= total && out.status.ok(); ++it) {
    const Batch b = data.next();
    double loss = 0;
    ep.compute(GradientStep::flops(model, b.size), [&] { loss = step.run(model, b, scale); });
    ep.recorder().hold(MemoryPart::params, model.param_bytes());
    ep.recorder().hold(MemoryPart::grads, model.param_bytes());
    ep.recorder().hold(MemoryPart::optimizer, sgd.state_bytes());
    ep.recorder().hold(MemoryPart::activations, memory::gradient_step_bytes(model, b.size));
    // Steps 0..N-2 reduce-scatter: send chunk r-s, add the received chunk r-s-1.
    // Steps N-1..2N-3 all-gather: send chunk r+1-s', copy the received chunk r-s'.
    for (int step = 0; step < 2 * (n - 1) && out.status.ok(); ++step) {
      const bool gather = step >= n - 1;
      const int s = gather ? step - (n - 1) : step;
      const Chunk sent = chunk(gather ? r + 1 - s : r - s);
      ep.recorder().hold(MemoryPart::messages, memory::floats(int64_t(sent.size)));
      ep.send(next, Message{ReduceChunk{it, step, sent.k, flat_range(model.grads(), sent.begin, sent.size, storage)}});
      const Chunk in = chunk(gather ? r - s : r - s - 1);
      auto got = ep.await([&](int from, const Message& m) {
        const auto* rc = std::get_if<ReduceChunk>(&m.payload);
        return from == prev && rc && rc->iteration == it && rc->step == step;
      }, "a gradient chunk");
      if (!got.ok()) { out.status = got.status(); break; }
      const auto& rc = std::get<ReduceChunk>(got->message.payload);
      if (rc.chunk != in.k || rc.values.size() != in.size) {
        out.status = Status::errorf("node {}: step {} chunk {} with {} values, expected chunk {} with {}",
                                    r, step, rc.chunk, rc.values.size(), in.k, in.size);
        break;
      }
      ep.compute(int64_t(in.size), [&] {
        VectorMap dst(model.grads().data() + in.begin, Eigen::Index(in.size));
        ConstVectorMap src(rc.values.data(), Eigen::Index(rc.values.size()));
        if (gather) dst = src; else dst += src;
      });
    }
    if (!out.status.ok()) break;
    ep.compute(int64_t(3) * int64_t(p), [&] { sgd.step(model.params(), model.grads()); });
    samples += b.size;
    out.losses.push_back({it, ep.now(), loss, b.size});
    if (r == 0 && progress) progress({it, total, loss / b.size, ep.now(), samples * n});
  }
  if (r == 0) out.params = model.release_params();
  ep.finish_into(out);
  return out;
}

}  // namespace ringtmp
