#pragma once
// One simulated run: the engine, the platform, one actor per node running the same node
// program as every other backend over a SimTransport, the fault schedule, and energy.
// SimGrid allows one engine per process, so call simulate() once per process (the CLI does;
// tests fork).
#include <string>
#include <vector>

#include "core/data/dataset.hpp"
#include "core/metrics/run_result.hpp"
#include "sim/engine.hpp"
#include "core/strategy/progress.hpp"

namespace ringtmp::sim {

// The config's platform inputs (profiles, device mix, XML file, fault schedule), checked
// without loading data or starting SimGrid: errors here are the user's (the CLI exits 2).
Status check_sim_inputs(const RunConfig& c, const SimOptions& options);

// The run's RunResult with sim_seconds, energy per node (host plugin plus our radio model)
// and the platform's description; an error naming the culprit for bad platform input, or
// listing which node failed when (fault schedule first) if the run did not complete.
StatusOr<RunResult> simulate(const RunConfig& c, const DataSplit& data, const SimOptions& options,
                             const ProgressFn& progress = {});

}  // namespace ringtmp::sim
