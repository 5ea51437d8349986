#pragma once
// `ringtmp calibrate`: how fast this machine runs ringtmp's own kernels, for the `host`
// device profile that lets the simulator predict this machine (the runtime's validation
// compares the two). The rate is counted flops over measured seconds of whole training
// steps (forward, loss, backward, SGD update) on the layer shapes and per-node batch the
// configured strategy uses, on one thread as a node computes by default, and on T threads
// (--threads T, or all cores) for the rate each core beyond the first adds.
#include <string>

#include "core/config.hpp"

namespace ringtmp {

struct FlopRate {
  int batch = 0;          // samples per step (the per-node batch of the strategy)
  int64_t steps = 0;
  double seconds = 0;
  double flops_per_s = 0;
  int threads = 1;        // the config's --threads the steps ran on
};

// The batch one node computes on: the micro-batch (ring), its slice of the batch (ps,
// allreduce), or the whole batch (local).
int per_node_batch(const RunConfig& c);

// Best of `rounds` timed rounds of at least `min_seconds` each (the best: a loaded machine
// only slows a round down).
FlopRate measure_flop_rate(const RunConfig& c, double min_seconds = 1.0, int rounds = 3);

// The `host` device profile's INI text, every number with its source: `rate` on one thread,
// and `many` the same on more (its threads > 1 adds multicore_efficiency).
std::string host_profile_ini(const RunConfig& c, const FlopRate& rate, const FlopRate& many = {});

}  // namespace ringtmp
