#pragma once
// Splits a list of layers into K contiguous stages, minimising the most expensive stage
// (counted flops), as RingTMP assigns one stage per device.
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.hpp"

namespace ringtmp {

struct Partition {
  std::vector<int> first_layer;       // stage k holds layers [first_layer[k], first_layer[k+1])
  std::vector<int64_t> stage_flops;   // per stage
  double imbalance = 0.0;             // max / mean - 1: 0 is perfect balance

  int stages() const { return int(stage_flops.size()); }
  int begin(int k) const { return first_layer[k]; }
  int end(int k) const { return first_layer[k + 1]; }
};

// Optimal (min-max) contiguous split by dynamic programming; O(K * L^2), fine for the
// thousand-layer models the simulator scales to. Error when K < 1 or K > layers.
StatusOr<Partition> partition_layers(std::span<const int64_t> layer_flops, int stages);

}  // namespace ringtmp
