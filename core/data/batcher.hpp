#pragma once
// Serves minibatches from a training set it owns. At each epoch start it reorders the
// samples in place by a seeded permutation (cycle-following, one spare column), so every
// batch is a contiguous block of columns: no per-batch copy, no per-sample allocation.
// The final partial batch of an epoch is dropped, so every update sees a full batch.
#include <cstdint>
#include <span>

#include "core/data/dataset.hpp"

namespace ringtmp {

struct Batch {
  const float* x = nullptr;            // (features, size), column-major, borrowed
  std::span<const int32_t> labels;     // (size)
  int size = 0;
  int64_t epoch = 0;
};

// Seed of the permutation applied at the start of `epoch` (shared with BatchSlicer, so both
// serve the same minibatches).
uint64_t epoch_seed(uint64_t seed, int64_t epoch);

class Batcher {
 public:
  // Error-free by construction; the caller checks data.size() >= batch first.
  Batcher(Dataset data, int batch, uint64_t seed);

  Batch next();
  int64_t batches_per_epoch() const { return data_.size() / batch_; }
  const Dataset& data() const { return data_; }

 private:
  void shuffle();
  Dataset data_;
  int batch_;
  uint64_t seed_;
  int64_t epoch_ = -1;
  int64_t cursor_ = 0;
};

}  // namespace ringtmp
