#pragma once
// `ringtmp calibrate`: how fast this machine runs ringtmp's own kernels, for the `host`
// device profile that lets the simulator predict this machine (the runtime's validation
// compares the two). The rate is counted flops over measured seconds of whole training
// steps (forward, loss, backward, SGD update) on the layer shapes and per-node batch the
// configured strategy uses, on one thread as a node computes by default, and on T threads
// (--threads T, or all cores) for the rate each core beyond the first adds. It also times
// writes to this machine's storage, shaped as a checkpoint is written.
#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "core/status.hpp"

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

// This machine's storage as a device profile states it (storage_write_bps,
// storage_latency_s), timed in `dir` with writes shaped as a checkpoint's: create a file,
// write it, fsync, rename it, fsync the directory, each file removed afterwards.
// latency_s: best of 5 such writes of 4 KiB; write_bps: `bytes` over the best of 3 writes of
// `bytes` less latency_s, capped to the profile's range (1e3..1e12 B/s). An error naming
// `dir` when it cannot be written there.
struct StorageRate {
  double write_bps = 0;
  double latency_s = 0;
  int64_t bytes = 0;     // of each large write
  double seconds = 0;    // the best large write, latency included
  std::string dir;
};
StatusOr<StorageRate> measure_storage_write(const std::string& dir, int64_t bytes = int64_t(32) << 20);

// The `host` device profile's INI text, every number with its source: `rate` on one thread,
// `many` the same on more (its threads > 1 adds multicore_efficiency), and `storage` when
// it was measured (its write_bps > 0 adds storage_write_bps and storage_latency_s).
std::string host_profile_ini(const RunConfig& c, const FlopRate& rate, const FlopRate& many = {},
                             const StorageRate& storage = {});

}  // namespace ringtmp
