#pragma once
// A layer of an MLP: Dense(in -> out) followed by an activation. It is the unit the
// partitioner assigns to stages.
#include <span>
#include <vector>

#include "core/model/activation.hpp"
#include "core/model/dense.hpp"

namespace ringtmp {

struct LayerSpec {
  int in = 0;
  int out = 0;
  Activation activation = Activation::none;
  bool operator==(const LayerSpec&) const = default;
};

// widths {784, 256, 128, 10} -> three layers; every hidden layer gets `hidden`, the last none
// (its outputs are the logits).
inline std::vector<LayerSpec> mlp_layers(std::span<const int> widths, Activation hidden) {
  std::vector<LayerSpec> layers;
  for (size_t i = 0; i + 1 < widths.size(); ++i)
    layers.push_back({widths[i], widths[i + 1], i + 2 == widths.size() ? Activation::none : hidden});
  return layers;
}

// Counted flops of one training step of a layer (forward, backward with input gradient):
// the cost the partitioner balances.
inline int64_t layer_train_flops(const LayerSpec& l, int64_t batch) {
  return dense::forward_flops(l.in, l.out, batch) + dense::backward_flops(l.in, l.out, batch, true) +
         2 * activation_flops(l.activation, int64_t(l.out) * batch);
}

inline int64_t layer_param_count(const LayerSpec& l) { return int64_t(l.in) * l.out + l.out; }

}  // namespace ringtmp
