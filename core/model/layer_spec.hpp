#pragma once
// A layer of an MLP: Dense(in -> out) followed by an activation. It is the unit the
// partitioner assigns to stages.
#include <span>
#include <vector>

#include "core/model/activation.hpp"

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

}  // namespace ringtmp
