#pragma once
// Whether a run fits its devices: every node's planned peak (memory_plan.hpp) against the
// memory its device leaves it, checked before any node starts (train, sim, launch, node).
#include <span>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/metrics/run_result.hpp"
#include "core/platform/profiles.hpp"
#include "core/status.hpp"
#include "core/strategy/memory_plan.hpp"
#include "core/strategy/ring_partition.hpp"

namespace ringtmp {

// The first node whose plan exceeds its device's budget (a budget of 0 is no limit), as
// one line: "node 0 (ps worker) needs 1.21 GiB (params 402 MiB, grads 402 MiB, ...) but a
// pi3b+ leaves 766 MiB"
Status check_memory_fits(std::span<const NodeMemory> plan, std::span<const StageDevice> devices);

// The plan per device: a co-located server's parts added to its worker's (the entry keeps
// the worker's rank and says "ps worker + server K"). The plan itself without co-location.
std::vector<NodeMemory> memory_per_device(const RunConfig& c, std::span<const NodeMemory> plan);

// What every rank runs on: each device's speed and budget (--memory-budget when set, else
// its device's usable memory). Empty when the run has no device profiles (a user's SimGrid
// XML) and no --memory-budget.
StatusOr<std::vector<StageDevice>> stage_devices(const RunConfig& c, int ranks, const std::string& platforms_dir);

// The cluster plan a run derives on its devices: the ring cut to their speeds and budgets.
// Every backend and every node of a cluster calls this, so they agree on the layout.
StatusOr<ClusterPlan> plan_cluster_on_devices(const RunConfig& c, const DataSplit& data,
                                              const std::string& platforms_dir);

// The whole check a command runs before any node starts: the plan of every node against its
// budget. Ok, or the one line naming the node that does not fit (the caller exits 2).
// `cut_on_devices`: the run's ring is cut for its devices (sim, launch, node), or balances
// counted flops (train: every node is a thread of this machine).
Status check_run_fits(const RunConfig& c, const DataSplit& data, const std::string& platforms_dir,
                      bool cut_on_devices = true);

// Fills each node's planned_memory_bytes (dataset included) in a finished run, so nodes.csv
// sets the plan beside what was recorded and, under launch, measured.
void note_planned_memory(RunResult& run, const DataSplit& data, const std::string& platforms_dir, bool cut_on_devices);

}  // namespace ringtmp
