#pragma once
// SGD with momentum and weight decay, PyTorch's convention:
//   v = momentum * v + (g + weight_decay * w);  w -= lr * v
// It updates a flat span, so a parameter-server shard updates just its key range.
#include <span>
#include <vector>

#include "core/model/model.hpp"
#include "core/model/tensor.hpp"

namespace ringtmp {

struct SgdOptions {
  float lr = 0.05f;
  float momentum = 0.0f;
  float weight_decay = 0.0f;
};

class Sgd {
 public:
  // shapes_only: holds no state (a timing-only simulation never steps), accounts for it.
  Sgd(SgdOptions options, size_t size, Storage storage = Storage::values)
      : o_(options),
        state_floats_(options.momentum != 0.0f ? size : 0),
        velocity_(storage == Storage::values ? state_floats_ : 0, 0.0f) {}

  void step(std::span<float> params, std::span<const float> grads) {
    VectorMap w(params.data(), Eigen::Index(params.size()));
    ConstVectorMap g(grads.data(), Eigen::Index(grads.size()));
    if (o_.momentum == 0.0f) {
      if (o_.weight_decay == 0.0f) w -= o_.lr * g;
      else w -= o_.lr * (g + o_.weight_decay * w);
      return;
    }
    VectorMap v(velocity_.data(), Eigen::Index(velocity_.size()));
    if (o_.weight_decay == 0.0f) v = o_.momentum * v + g;
    else v = o_.momentum * v + g + o_.weight_decay * w;
    w -= o_.lr * v;
  }

  // The optimizer state (momentum; empty without), to hand over on recovery; state_size()
  // floats, held only when storage holds values.
  std::span<float> state() { return velocity_; }
  std::span<const float> state() const { return velocity_; }
  size_t state_size() const { return state_floats_; }
  // Accounted memory of the optimizer state.
  int64_t state_bytes() const { return int64_t(state_floats_ * sizeof(float)); }

 private:
  SgdOptions o_;
  size_t state_floats_;
  FloatBuffer velocity_;
};

}  // namespace ringtmp
