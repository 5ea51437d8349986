#include "core/run_model.hpp"
#include "core/strategy/memory_plan.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "core/data/batch_slicer.hpp"
#include "core/strategy/ring_recovery.hpp"
#include "core/strategy/ring_schedule.hpp"

namespace ringtmp {
namespace {

using memory::floats;
using P = MemoryPart;

int64_t momentum_bytes(const RunConfig& c, int64_t params) { return c.momentum != 0.0f ? floats(params) : 0; }

Model stage_model(const RunConfig& c, std::span<const LayerSpec> layers, int begin, int end) {
  return Model({layers.begin() + begin, layers.begin() + end}, begin, Storage::shapes_only, c.threads);
}

}  // namespace

MemoryParts ring_stage_memory(const RunConfig& c, std::span<const LayerSpec> layers, int begin, int end, int i,
                              int n, int64_t iterations, const DatasetShape& data) {
  const Model stage = stage_model(c, layers, begin, end);
  const bool first = i == 0, last = i == n - 1, async = c.schedule == Schedule::async;
  const auto sizes = microbatch_sizes(c.batch, c.microbatches);
  MemoryParts m;
  const int64_t p = int64_t(stage.param_count());
  m[P::params] = floats(p);
  m[P::grads] = floats(p);
  m[P::optimizer] = momentum_bytes(c, p);
  // Sync: the schedule's window of micro-batches, the first (largest) ones. Async: stage 0
  // injects while fewer than N are stashed, so no stage ever holds more than N; the plan
  // takes N of the largest size (the bound).
  const bool holds_input = !first || async;
  int64_t slots = 0, stash = 0;
  if (async) {
    slots = std::min<int64_t>(n, iterations * c.microbatches);
    stash = slots * memory::ring_slot_bytes(stage, sizes[0], holds_input, last);
  } else {
    slots = max_in_flight(c.schedule, n, i, c.microbatches);
    for (int k = 0; k < slots; ++k) stash += memory::ring_slot_bytes(stage, sizes[k], holds_input, last);
  }
  m[P::activations] = stash + stage.backward_workspace_bytes(sizes[0]);
  if (async && !last) m[P::weight_stash] = slots * floats(p);
  // Largest outgoing message: activations forward, the input gradient back, stage 0's labels.
  int64_t message = 0;
  if (!last) message = std::max(message, floats(int64_t(stage.output_width()) * sizes[0]));
  if (!first) message = std::max(message, floats(int64_t(stage.input_width()) * sizes[0]));
  if (first && !last) message = std::max<int64_t>(message, int64_t(sizes[0]) * int64_t(sizeof(int32_t)));
  m[P::messages] = message;
  if (first) m[P::dataset] = data.bytes();  // stage 0 alone reads the data
  return m;
}

namespace {

NodeMemory ring_stage(const RunConfig& c, const ClusterPlan& plan, const DatasetShape& data,
                      ResilienceMemory resilience, int i) {
  const RingLayout& layout = *plan.ring;
  const int n = plan.size;
  const Partition& cut = layout.partition;
  NodeMemory m{i, fmt::format("ring stage {}", i),
               ring_stage_memory(c, layout.layers, cut.begin(i), cut.end(i), i, n, plan.iterations, data),
               c.schedule != Schedule::async};
  if ((resilience.ring_shadows || ring_heals(c)) && n > 1) {
    // The shadows this stage holds (ring_recovery.hpp): each its params, its momentum, and
    // the refresh (a stage-size gradient) held until the iteration commits. And the refresh
    // this stage sends is its largest message when its layers outweigh a block. With
    // --replica-every K > 1 a shadow is a snapshot (params and momentum), the latest two of
    // each held stage and of its own (sync: to roll back to), the latest one in async; the
    // snapshot it sends is params and momentum.
    const StageAssignment a = initial_assignment(cut);
    const bool snapshots = c.replica_every > 1;
    const int64_t kept = !snapshots ? 1 : c.schedule == Schedule::async ? 1 : 2;
    auto stage_bytes = [&](int s) {
      const int64_t p = int64_t(stage_model(c, layout.layers, cut.begin(s), cut.end(s)).param_count());
      return (snapshots ? 1 : 2) * floats(p) + momentum_bytes(c, p);
    };
    int64_t shadows = 0;
    for (int s : shadows_held_by(a, i)) shadows += kept * stage_bytes(s);
    if (snapshots && c.schedule != Schedule::async) shadows += kept * stage_bytes(i);
    m.peak[P::shadows] = shadows;
    m.peak[P::messages] = std::max(m.peak[P::messages],  // p floats either way, and a snapshot's momentum
                                   m.peak[P::params] + (snapshots ? m.peak[P::optimizer] : 0));
  }
  return m;
}

// A data-parallel node: the whole model and one slice of every global batch.
void whole_model(NodeMemory& m, const RunConfig& c, const Model& model, int64_t batch, bool momentum) {
  const int64_t p = int64_t(model.param_count());
  m.peak[P::params] = floats(p);
  m.peak[P::grads] = floats(p);
  if (momentum) m.peak[P::optimizer] = momentum_bytes(c, p);
  m.peak[P::activations] = memory::gradient_step_bytes(model, batch);
}

}  // namespace

NodeMemory plan_local_memory(const RunConfig& c, const DatasetShape& data) {
  const Model model(model_layers(c), 0, Storage::shapes_only, c.threads);
  NodeMemory m{0, "trainer", {}, true};
  whole_model(m, c, model, c.batch, true);
  m.peak[P::dataset] = data.bytes();
  return m;
}

std::vector<NodeMemory> plan_memory(const RunConfig& c, const ClusterPlan& plan, const DatasetShape& data,
                                    ResilienceMemory resilience) {
  if (c.strategy == StrategyKind::local) return {plan_local_memory(c, data)};
  std::vector<NodeMemory> nodes;
  nodes.reserve(size_t(plan.size));
  if (c.strategy == StrategyKind::ring) {
    for (int i = 0; i < plan.size; ++i) nodes.push_back(ring_stage(c, plan, data, resilience, i));
    return nodes;
  }
  const Model model(model_layers(c), 0, Storage::shapes_only, c.threads);
  if (c.strategy == StrategyKind::allreduce) {
    const int n = plan.size;
    int64_t chunk = 0;  // the largest of the N chunks a node sends
    for (int k = 0; k < n && n > 1; ++k)
      chunk = std::max<int64_t>(chunk, int64_t(model.param_count() * size_t(k + 1) / size_t(n) -
                                               model.param_count() * size_t(k) / size_t(n)));
    for (int r = 0; r < n; ++r) {
      NodeMemory m{r, "allreduce worker", {}, true};
      whole_model(m, c, model, BatchSlicer::slice_size(c.batch, n, r), true);
      m.peak[P::messages] = floats(chunk);
      m.peak[P::dataset] = data.bytes();
      nodes.push_back(std::move(m));
    }
    return nodes;
  }
  const PsLayout& ps = *plan.ps;
  for (int w = 0; w < ps.workers; ++w) {
    NodeMemory m{w, "ps worker", {}, true};
    whole_model(m, c, model, BatchSlicer::slice_size(c.batch, ps.workers, w), false);
    m.peak[P::messages] = floats(int64_t(model.param_count()));  // every shard's push, sent at once
    m.peak[P::dataset] = data.bytes();
    nodes.push_back(std::move(m));
  }
  const bool aggregate = ps_aggregates(c);
  for (int k = 0; k < ps.servers; ++k) {
    const int64_t shard = int64_t(ps.shard_size(k));
    NodeMemory m{ps.workers + k, fmt::format("ps server {}", k), {}, true};
    m.peak[P::params] = floats(shard);
    m.peak[P::optimizer] = momentum_bytes(c, shard);
    if (aggregate) {
      m.peak[P::grads] = floats(shard);                       // the running sum
      m.peak[P::held_pushes] = floats(shard) * (ps.workers - 1);  // all but rank 0's may come early
      m.peak[P::messages] = floats(shard) * ps.workers;       // every worker's reply
      m.exact = ps.workers == 1;
    } else {
      m.peak[P::held_pushes] = floats(shard);  // the push being applied
      // asp answers the pusher alone; ssp may release every waiting worker at once.
      const bool asp = c.ps_mode == PsMode::asp;
      m.peak[P::messages] = floats(shard) * (asp ? 1 : ps.workers);
      m.exact = asp || ps.workers == 1;
    }
    const int replicas = std::max(resilience.server_replicas, c.server_replicas);
    for (int r = 1; r <= replicas && r < ps.servers; ++r) {
      const int64_t other = int64_t(ps.shard_size((k + ps.servers - r) % ps.servers));
      m.peak[P::replicas] += floats(other) + momentum_bytes(c, other);
    }
    nodes.push_back(std::move(m));
  }
  return nodes;
}

}  // namespace ringtmp
