#pragma once
// Which node program runs on a rank, for every strategy — the single entry point a backend
// (in-process threads, SimGrid actors, runtime processes) calls per node.
#include <memory>
#include <optional>

#include "core/checkpoint/checkpoint_set.hpp"
#include "core/strategy/allreduce.hpp"
#include "core/strategy/ps_server.hpp"
#include "core/strategy/ps_worker.hpp"
#include "core/strategy/ring.hpp"

namespace ringtmp {

// Everything each node derives from the config before it starts (identical on all nodes).
struct ClusterPlan {
  int size = 1;                     // ranks in the cluster
  std::optional<RingLayout> ring;   // ring only
  std::optional<PsLayout> ps;       // ps only
  int64_t iterations = 0;
  // --resume: the checkpoint set every node starts from (the backend loads it once, whole).
  std::shared_ptr<const CheckpointSet> resume;
};

// How many parts a complete checkpoint set of this run has: one per ring stage, per ps
// worker and server, per all-reduce position; the local trainer's one.
int checkpoint_parts(const RunConfig& c, const ClusterPlan& plan);
// Loads --resume's newest complete set into plan.resume (nothing without --resume).
// Refused in one line naming the file and what is wrong; `skipped` gets a line per newer
// set passed over as incomplete.
Status load_resume(const RunConfig& c, ClusterPlan& plan, std::vector<std::string>* skipped = nullptr);

// Error when the config cannot be laid out (e.g. more ring stages than layers, or no cut
// that fits the devices). `devices`: each rank's speed and memory budget, when the run knows
// them (every node of a cluster must pass the same); `data`: what a data-reading node holds.
StatusOr<ClusterPlan> plan_cluster(const RunConfig& c, int64_t train_samples,
                                   std::span<const StageDevice> devices = {}, const DatasetShape& data = {});

// The role rank plays (what its node program calls itself in nodes.csv): for a node that
// failed before it could say so.
inline const char* node_role(const RunConfig& c, const ClusterPlan& plan, int rank) {
  switch (c.strategy) {
    case StrategyKind::ring: return "stage";
    case StrategyKind::ps: return rank < plan.ps->workers ? "worker" : "server";
    case StrategyKind::allreduce: return "worker";
    case StrategyKind::local: break;
  }
  return "trainer";
}

// Whether a node back from a death rejoins its cluster (membership.hpp; Endpoint::join):
// all-reduce, the parameter server (every mode), and the synchronous ring refreshing its
// shadows every iteration. The ring with snapshots (a roll back to agree on) and the async
// ring heal a death but carry on without the node when it comes back.
inline bool strategy_rejoins(const RunConfig& c) {
  return c.strategy == StrategyKind::allreduce || c.strategy == StrategyKind::ps || ring_rejoins(c);
}

// `rejoining`: the node is a new incarnation of a rank that died, joining the running
// cluster (strategy_rejoins only); it starts from what its survivors hand it, not --resume.
template <Transport T>
NodeOutcome run_node(T& transport, const RunConfig& c, const ClusterPlan& plan,
                     const Dataset& train, const ProgressFn& progress, bool rejoining = false) {
  if (rejoining && !strategy_rejoins(c)) {
    NodeOutcome out;
    out.status = Status::errorf("node {}: strategy {} does not rejoin a node back from a death", transport.rank(),
                                to_string(c.strategy));
    return out;
  }
  switch (c.strategy) {
    case StrategyKind::ring:
      return RingNode<T>(transport, c, *plan.ring, rejoining ? nullptr : plan.resume, train, progress, rejoining).run();
    case StrategyKind::ps:
      return transport.rank() < plan.ps->workers
                 ? PsWorkerNode<T>(transport, c, *plan.ps, rejoining ? nullptr : plan.resume, train, progress, rejoining).run()
                 : PsServerNode<T>(transport, c, *plan.ps, plan.iterations, rejoining ? nullptr : plan.resume, rejoining).run();
    case StrategyKind::allreduce:
      return allreduce_node(transport, c, rejoining ? nullptr : plan.resume, train, progress, rejoining);
    case StrategyKind::local:
      break;
  }
  NodeOutcome out;
  out.status = Status::error("strategy local has no distributed node program");
  return out;
}

}  // namespace ringtmp
