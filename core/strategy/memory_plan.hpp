#pragma once
// The memory plan: for every node of a run, the peak bytes of each part it holds (params,
// grads, momentum, activations, stashed weights, held pushes, resilience copies, messages,
// dataset), derived from the config alone, before anything is allocated. It is the one
// place that knows what each strategy holds and for how long:
//   ring stage i   its layers' params, grads, momentum; the micro-batches the schedule keeps
//                  stashed at once (gpipe M, 1f1b min(N-i, M), async at most N in flight,
//                  each with the weights its forward used); its largest outgoing block.
//   ps worker      the whole model's params and grads (no momentum: servers step), one
//                  slice's activations, every shard's push built at once.
//   ps server      its shard, its momentum, the sum of an iteration's pushes (BSP), the
//                  pushes that arrive before their turn in the rank-order sum (at most N-1),
//                  its replies (one per worker under BSP).
//   allreduce      the whole model, its momentum, one slice's activations, one chunk out.
// The node programs record each part as they hold it (NodeRecorder::hold) through the same
// per-part functions, and a test holds plan and record equal for every strategy and
// schedule; where arrival order decides (async ring slots, a BSP server's early pushes, an
// SSP server's replies) the plan is the bound and says so (`exact` false).
#include <span>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/data/dataset_shape.hpp"
#include "core/metrics/memory_parts.hpp"
#include "core/model/model.hpp"
#include "core/strategy/held_bytes.hpp"
#include "core/strategy/node_program.hpp"

namespace ringtmp {

// Copies resilience adds (issue 12): a ring node's shadows (its neighbours' params, momentum
// and pending refresh: counted whenever the config heals, ring_heals, or when asked here), a
// server's copy of its predecessor's shard (with --server-replicas, or when asked here).
struct ResilienceMemory {
  bool ring_shadows = false;
  int server_replicas = 0;
};

struct NodeMemory {
  int rank = 0;
  std::string role;  // "ring stage 2", "ps worker", "ps server 1", "allreduce worker", "trainer"
  MemoryParts peak;
  bool exact = true;  // false: arrival order decides, and `peak` is the bound
};

// One entry per rank of plan (or the one trainer of a local run, for which plan is unused).
std::vector<NodeMemory> plan_memory(const RunConfig& c, const ClusterPlan& plan, const DatasetShape& data,
                                    ResilienceMemory resilience = {});
NodeMemory plan_local_memory(const RunConfig& c, const DatasetShape& data);

// Ring stage i of n holding layers [begin, end): what the partitioner asks of a candidate cut
// (resilience shadows aside, which depend on the next stage's cut).
MemoryParts ring_stage_memory(const RunConfig& c, std::span<const LayerSpec> layers, int begin, int end, int i,
                              int n, int64_t iterations, const DatasetShape& data);

}  // namespace ringtmp
