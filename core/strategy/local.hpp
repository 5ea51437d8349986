#pragma once
// `local`: one node, minibatch SGD. The numerical reference every distributed schedule that
// claims equivalence (ring gpipe/1f1b, ps bsp, allreduce) is tested against.
#include "core/config.hpp"
#include "core/data/dataset.hpp"
#include "core/metrics/run_result.hpp"
#include "core/status.hpp"
#include "core/strategy/progress.hpp"

namespace ringtmp {

// Iterations a config asks for: --iterations when set, else epochs x full batches per epoch.
int64_t planned_iterations(const RunConfig& config, int64_t train_samples);

// Seed of the minibatch order; shared by every strategy so they see the same batches.
uint64_t batch_order_seed(const RunConfig& config);

StatusOr<RunResult> run_local(const RunConfig& config, const DataSplit& data,
                              const ProgressFn& progress = {});

}  // namespace ringtmp
