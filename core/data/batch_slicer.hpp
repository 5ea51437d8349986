#pragma once
// A data-parallel worker's share of each global minibatch. With iid sharding, worker w of N
// takes its contiguous slice of exactly the minibatch `local` would train on (the same
// epoch permutations, the same Batcher), so ps-bsp and all-reduce can be compared with
// local sample for sample, while the dataset itself stays shared and read-only. With
// by-label sharding, the worker draws its slice-sized batches from its own label-sorted
// shard (non-iid).
#include <memory>

#include "core/data/batcher.hpp"
#include "core/data/shard.hpp"

namespace ringtmp {

class BatchSlicer {
 public:
  BatchSlicer(const Dataset& data, int global_batch, int slices, int slice, uint64_t seed,
              ShardMode mode);
  Batch next() { return batcher_.next(); }
  // Resilience: a survivor that takes over a dead worker's slice starts a slicer for it
  // and skips the batches already trained on (the same epochs and permutations, nothing
  // gathered); again() gives the last batch once more (the step in flight, redone).
  void skip(int64_t batches) { batcher_.skip(batches); }
  Batch again() { return batcher_.again(); }
  int slice_size() const { return size_; }
  // Samples of each global batch that slice `slice` of `slices` takes.
  static int slice_size(int global_batch, int slices, int slice) {
    return global_batch / slices + (slice < global_batch % slices ? 1 : 0);
  }

 private:
  int size_;
  std::unique_ptr<const Dataset> shard_;  // by-label: this worker's own samples
  Batcher batcher_;
};

}  // namespace ringtmp
