#pragma once
// What local, the parameter-server workers and the all-reduce nodes share: one whole-model
// gradient on a batch (zero, forward, loss, backward; owns its workspace, so repeated steps
// allocate nothing), a data-parallel node's batch source, and flat ranges as message values.
#include <optional>

#include "core/config.hpp"
#include "core/data/batch_slicer.hpp"
#include "core/data/batcher.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"
#include "core/strategy/local.hpp"
#include "core/transport/message.hpp"

namespace ringtmp {

// Elements [first, first + count) of a flat parameter or gradient buffer as message values;
// only their count when the model holds shapes only (the buffer is empty then).
inline Floats flat_range(std::span<const float> flat, size_t first, size_t count, Storage storage) {
  if (storage == Storage::shapes_only) return Floats::count_only(count);
  return Floats(flat.begin() + first, flat.begin() + first + count);
}

// A data-parallel node's batches: its slice of each global batch, or in a timing-only run
// (shapes only) just the slice's size: no samples gathered, no epoch permutations (10,000
// workers each permuting the whole set every epoch were the simulator's hot spot, and
// their gather buffers gigabytes).
class SliceSource {
 public:
  SliceSource(const Dataset& train, const RunConfig& c, int slices, int slice, Storage storage)
      : size_(BatchSlicer::slice_size(c.batch, slices, slice)) {
    if (storage == Storage::values) slicer_.emplace(train, c.batch, slices, slice, batch_order_seed(c), c.shard);
  }
  Batch next() { return slicer_ ? slicer_->next() : Batch{nullptr, {}, size_, 0}; }
  // Resilience (BatchSlicer::skip, again): a dead worker's slice taken over from its
  // iteration on, and the step in flight's batch once more.
  void skip(int64_t batches) {
    if (slicer_) slicer_->skip(batches);
  }
  Batch again() { return slicer_ ? slicer_->again() : Batch{nullptr, {}, size_, 0}; }
  int slice_size() const { return size_; }

 private:
  int size_;
  std::optional<BatchSlicer> slicer_;
};

class GradientStep {
 public:
  // Returns the loss summed over the batch; the gradients (scaled by grad_scale) replace
  // whatever the model's gradient buffer held.
  double run(Model& model, const Batch& b, float grad_scale) {
    model.zero_grads();
    const double loss =
        softmax_cross_entropy(model.forward(stash_, b.x, b.size), b.labels, grad_scale, &dlogits_);
    model.backward(stash_, dlogits_.data(), nullptr);
    return loss;
  }
  static int64_t flops(const Model& model, int batch) {
    return model.forward_flops(batch) + model.backward_flops(batch, false) +
           loss_flops(model.output_width(), batch);
  }

 private:
  ForwardStash stash_;
  Matrix dlogits_;
};

}  // namespace ringtmp
