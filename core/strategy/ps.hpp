#pragma once
// `ps` — parameter server. Ranks 0..N-1 are workers (full model, a slice of every global
// batch), ranks N..N+K-1 are servers, each owning a contiguous key range (shard) of the flat
// parameter buffer and its optimizer state. Servers run on their own nodes.
//
// A worker computes its gradient, pushes each shard's range to that shard's server, and
// waits for every shard's parameters before its next iteration.
//   bsp (and ssp with S = 0): a server sums the N pushes of an iteration in rank order,
//        applies one update, and answers everyone: equal to local SGD on the global batch.
//   asp, ssp S > 0: a server applies each push as it arrives (the worker's mean gradient)
//        and answers the worker at once (asp) or once the worker is at most S iterations
//        ahead of the slowest (ssp). Observed staleness is recorded.
#include <algorithm>
#include <limits>
#include <optional>
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

struct PsLayout {
  int workers = 0;
  int servers = 0;
  std::vector<size_t> shard_begin;  // servers + 1 entries; shard k is [begin[k], begin[k+1])
  size_t shard_size(int k) const { return shard_begin[k + 1] - shard_begin[k]; }
};
PsLayout ps_layout(const RunConfig& c);

// Whether servers aggregate all pushes of an iteration into one update (BSP semantics).
inline bool ps_aggregates(const RunConfig& c) {
  return c.ps_mode == PsMode::bsp || (c.ps_mode == PsMode::ssp && c.staleness == 0);
}

template <Transport T>
NodeOutcome ps_worker(T& transport, const RunConfig& c, const PsLayout& layout,
                      const Dataset& train, const ProgressFn& progress) {
  Endpoint<T> ep(transport, "worker", c.peer_timeout);
  NodeOutcome out;
  const int w = ep.rank();
  // Timing-only: shapes, counts and flops only, no values (10,000 workers, one model each).
  const Storage storage = c.timing_only ? Storage::shapes_only : Storage::values;
  Model model(mlp_layers(c.layers, c.activation), 0, storage);
  model.init(c.seed);
  SliceSource data(train, c, layout.workers, w, storage);
  const int64_t total = planned_iterations(c, train.size());
  const float scale = 1.0f / float(ps_aggregates(c) ? c.batch : data.slice_size());
  GradientStep step;
  int64_t samples = 0;
  ep.recorder().hold(MemoryPart::params, model.param_bytes());
  ep.recorder().hold(MemoryPart::grads, model.param_bytes());

  for (int64_t it = 1; it <= total && out.status.ok(); ++it) {
    const Batch b = data.next();
    double loss = 0;
    ep.compute(GradientStep::flops(model, b.size), [&] { loss = step.run(model, b, scale); });
    ep.recorder().hold(MemoryPart::activations, memory::gradient_step_bytes(model, b.size));
    ep.recorder().hold(MemoryPart::messages, model.param_bytes());  // every shard's push at once
    for (int k = 0; k < layout.servers; ++k)
      ep.send(layout.workers + k, Message{PushGradient{it, k, flat_range(model.grads(), layout.shard_begin[k], layout.shard_size(k), storage)}});
    samples += b.size;
    out.losses.push_back({it, ep.now(), loss, b.size});
    if (w == 0 && progress) progress({it, total, loss / b.size, ep.now(), samples * layout.workers});
    for (int k = 0; k < layout.servers && out.status.ok(); ++k) {
      const int server = layout.workers + k;
      auto r = ep.await([&](int from, const Message& m) {
        const auto* p = std::get_if<ParamShard>(&m.payload);
        return from == server && p && p->iteration == it;
      }, "parameters from a server");
      if (!r.ok()) { out.status = r.status(); break; }
      const auto& values = std::get<ParamShard>(r->message.payload).values;
      if (values.size() != layout.shard_size(k)) {
        out.status = Status::errorf("node {}: shard {} arrived with {} values, expected {}", w, k,
                                    values.size(), layout.shard_size(k));
        break;
      }
      if (storage == Storage::values)
        std::copy(values.begin(), values.end(), model.params().begin() + layout.shard_begin[k]);
    }
  }
  ep.finish_into(out);
  return out;
}

template <Transport T>
NodeOutcome ps_server(T& transport, const RunConfig& c, const PsLayout& layout, int64_t total) {
  Endpoint<T> ep(transport, "server", c.peer_timeout);
  NodeOutcome out;
  const int k = ep.rank() - layout.workers;
  const int n = layout.workers;
  const size_t begin = layout.shard_begin[k], size = layout.shard_size(k);
  const Storage storage = c.timing_only ? Storage::shapes_only : Storage::values;
  FloatBuffer params;  // empty when timing-only
  if (storage == Storage::values) params = init_param_range(mlp_layers(c.layers, c.activation), c.seed, begin, size);
  Sgd sgd({c.lr, c.momentum, c.weight_decay}, size, storage);
  const bool aggregate = ps_aggregates(c);
  const int64_t bound = c.ps_mode == PsMode::asp ? std::numeric_limits<int64_t>::max() / 2 : c.staleness;
  const int64_t shard_bytes = memory::floats(int64_t(size));
  // BSP: the iteration's sum is built in rank order as pushes arrive (the same float sums as
  // local SGD); a push that arrives before its turn waits in `early` (a shard each).
  FloatBuffer sum;
  std::vector<std::optional<FloatBuffer>> early(aggregate ? n : 0);
  int next_in_sum = 0, held = 0;
  std::vector<int64_t> clock(n, 0);      // pushes received per worker
  std::vector<bool> waiting(n, false);   // pushed, not yet answered
  int64_t max_staleness = 0;
  auto on_push = [&](int from, const Message& m) {
    const auto* p = std::get_if<PushGradient>(&m.payload);
    return from >= 0 && from < n && p && p->shard == k;
  };
  int replies = 0;  // built by the current answering loop
  auto reply = [&](int worker) {
    ep.recorder().hold(MemoryPart::messages, ++replies * shard_bytes);
    ep.send(worker, Message{ParamShard{clock[worker], k, flat_range(params, 0, size, storage)}});
    waiting[worker] = false;
  };
  auto add_to_sum = [&](FloatBuffer&& push) {
    if (next_in_sum == 0) {
      ep.compute(0, [&] { sum = std::move(push); });
      ep.recorder().hold(MemoryPart::grads, shard_bytes);
    } else {
      ep.compute(int64_t(size), [&] {
        VectorMap(sum.data(), Eigen::Index(size)) += ConstVectorMap(push.data(), Eigen::Index(size));
      });
    }
    ++next_in_sum;
  };
  ep.recorder().hold(MemoryPart::params, shard_bytes);
  ep.recorder().hold(MemoryPart::optimizer, sgd.state_bytes());

  for (int64_t received = 0; received < total * n && out.status.ok(); ++received) {
    auto r = ep.await(on_push, "a gradient push");
    if (!r.ok()) { out.status = r.status(); break; }
    const int worker = r->from;
    auto& push = std::get<PushGradient>(r->message.payload);
    if (push.values.size() != size || push.iteration != clock[worker] + 1) {
      out.status = Status::errorf("node {}: push from worker {} for iteration {} with {} values; "
                                  "expected iteration {} with {}", ep.rank(), worker, push.iteration,
                                  push.values.size(), clock[worker] + 1, size);
      break;
    }
    clock[worker] = push.iteration;
    waiting[worker] = true;
    replies = 0;
    if (aggregate) {
      if (worker != next_in_sum) {
        early[worker] = std::move(push.values.values());
        ep.recorder().hold(MemoryPart::held_pushes, ++held * shard_bytes);
        continue;
      }
      add_to_sum(std::move(push.values.values()));
      for (; next_in_sum < n && early[next_in_sum]; --held) {
        FloatBuffer waited = std::move(*early[next_in_sum]);
        early[next_in_sum].reset();
        add_to_sum(std::move(waited));
      }
      if (next_in_sum < n) continue;
      ep.compute(int64_t(3) * int64_t(size), [&] { sgd.step(params, sum); });
      next_in_sum = 0;
      for (int w = 0; w < n; ++w) reply(w);
      continue;
    }
    ep.recorder().hold(MemoryPart::held_pushes, shard_bytes);  // the push in hand
    ep.compute(int64_t(3) * int64_t(size), [&] { sgd.step(params, push.values.values()); });
    // Answer every waiting worker the staleness bound now allows (rank order: deterministic).
    const int64_t slowest = *std::min_element(clock.begin(), clock.end());
    for (int w = 0; w < n; ++w) {
      if (!waiting[w]) continue;
      const int64_t ahead = clock[w] - slowest;
      if (clock[w] < total && ahead > bound) continue;
      if (clock[w] < total) max_staleness = std::max(max_staleness, ahead);
      reply(w);
    }
  }
  out.max_staleness = max_staleness;
  out.param_offset = begin;
  out.params = std::move(params);
  ep.finish_into(out);
  return out;
}

}  // namespace ringtmp
