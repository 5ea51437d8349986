#pragma once
// `ps` — parameter server. Ranks 0..N-1 are workers (full model, a slice of every global
// batch), ranks N..N+K-1 are servers, each owning a contiguous key range (shard) of the flat
// parameter buffer and its optimizer state. Servers run on their own nodes.
//
// A worker computes its gradient, pushes each shard's range to that shard's server, and
// waits for every shard's parameters before its next iteration.
//   bsp (and ssp with S = 0): a server sums the N pushes of an iteration in position order,
//        applies one update, and answers everyone: equal to local SGD on the global batch.
//   asp, ssp S > 0: a server applies each push as it arrives (the worker's mean gradient)
//        and answers the worker at once (asp) or once the worker is at most S iterations
//        ahead of the slowest (ssp). Observed staleness is recorded.
//
// Worker positions: the N slices of the global batch are N positions, one per worker rank.
// A push says which position's gradient it carries. When a worker dies, the live worker
// before it (in the workers' ring) plays its position too (ps_worker.hpp), so every
// iteration still sees the same samples and a BSP server sums the same N gradients in the
// same order: the loss trace after a worker's death is the fault-free one, bit for bit.
// Under asp/ssp the taker plays the position from where the servers hold it (its lowest
// clock over the shards): no push is lost, and none is applied twice while its shard's
// server lives (ps_shard.hpp says what a reseeded shard cannot know). A server's death moves its
// shard to another server, or to a worker when none is left (ps_recovery.hpp, ps_shard.hpp).
#include <string>
#include <vector>

#include "core/config.hpp"

namespace ringtmp {

struct PsLayout {
  int workers = 0;
  int servers = 0;
  std::vector<size_t> shard_begin;  // servers + 1 entries; shard k is [begin[k], begin[k+1])
  size_t shard_size(int k) const { return shard_begin[k + 1] - shard_begin[k]; }
};
PsLayout ps_layout(const RunConfig& c);

// The cluster's roles for messages: "3 workers + 1 server".
std::string ps_roles(const RunConfig& c);

// Whether servers aggregate all pushes of an iteration into one update (BSP semantics).
inline bool ps_aggregates(const RunConfig& c) {
  return c.ps_mode == PsMode::bsp || (c.ps_mode == PsMode::ssp && c.staleness == 0);
}

}  // namespace ringtmp
