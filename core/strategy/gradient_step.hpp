#pragma once
// One whole-model gradient on a batch — zero, forward, loss, backward — as local, the
// parameter-server workers and the all-reduce nodes all compute it. Owns its workspace, so
// repeated steps allocate nothing.
#include "core/data/batcher.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"

namespace ringtmp {

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
  int64_t stash_bytes() const { return stash_.bytes(); }

 private:
  ForwardStash stash_;
  Matrix dlogits_;
};

}  // namespace ringtmp
