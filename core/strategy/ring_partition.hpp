#pragma once
// RingTMP's stage cuts on real devices: contiguous layers per stage, as fast as the slowest
// stage allows (counted flops over each device's speed), and each stage within its device's
// memory budget (its memory plan, memory_plan.hpp: a Pi 3B+ in a mix of Pi 4Bs gets a
// smaller stage). When every device is alike and everything fits, the cut is exactly the
// flops-balanced one of partition_layers.
#include <span>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/data/dataset_shape.hpp"
#include "core/model/layer_spec.hpp"
#include "core/model/partition.hpp"
#include "core/status.hpp"

namespace ringtmp {

struct StageDevice {
  std::string name;      // for messages: "pi3b+"
  double flops = 1;      // speed; only ratios matter
  int64_t budget = 0;    // bytes the stage's plan may use; 0: no limit
  std::string budget_source;  // "a pi3b+", "--memory-budget"
};

// Error when no contiguous cut fits the budgets, saying where the tightest cut overflows and
// by how much.
StatusOr<Partition> partition_ring(const RunConfig& c, const std::vector<LayerSpec>& layers,
                                   std::span<const StageDevice> devices, int64_t iterations,
                                   const DatasetShape& data);

}  // namespace ringtmp
