#pragma once
// Serves minibatches from a training set it borrows (read-only, shared: the dataset is never
// copied, which on a Pi would double the largest allocation of a run and on any machine
// costs a page-faulting copy of it before the first step). At each epoch start a seeded
// permutation reorders an index; each batch gathers its samples' columns into one buffer
// the Batcher owns, so every batch is contiguous and nothing is allocated per batch. Per
// epoch that gathers every sample once, the same traffic as shuffling the data in place.
// The final partial batch of an epoch is dropped, so every update sees a full batch.
//
// A data-parallel worker takes a slice of each global batch: `take` samples from `offset`.
#include <cstdint>
#include <span>
#include <vector>

#include "core/data/dataset.hpp"

namespace ringtmp {

struct Batch {
  const float* x = nullptr;            // (features, size), column-major, borrowed
  std::span<const int32_t> labels;     // (size)
  int size = 0;
  int64_t epoch = 0;
};

// Seed of the permutation applied at the start of `epoch`.
uint64_t epoch_seed(uint64_t seed, int64_t epoch);

class Batcher {
 public:
  // Error-free by construction; the caller checks data.size() >= batch first. `data` must
  // outlive the Batcher. A Batch stays valid until the next call of next() or again().
  Batcher(const Dataset& data, int batch, uint64_t seed) : Batcher(data, batch, seed, 0, batch) {}
  Batcher(const Dataset& data, int batch, uint64_t seed, int offset, int take);

  Batch next();
  // Resilience: skip() moves past batches without gathering them; again() serves the last
  // batch once more (a step in flight, redone).
  void skip(int64_t batches);
  Batch again();
  int64_t batches_per_epoch() const { return data_.size() / batch_; }

 private:
  void advance();  // to the next batch: a new epoch's permutation when one begins
  const Dataset& data_;
  int batch_, offset_, take_;
  uint64_t seed_;
  std::vector<int64_t> order_;  // position -> sample, composed over the epochs so far
  int64_t epoch_ = -1, cursor_ = 0;
  Matrix x_;                    // (features, take): the gathered batch
  std::vector<int32_t> y_;
};

}  // namespace ringtmp
