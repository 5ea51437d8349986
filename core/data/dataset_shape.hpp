#pragma once
// The samples a node's process holds when it reads the data: the training and test sets as
// load_data keeps them (column-major floats and int32 labels). The memory plan counts them.
#include <cstdint>

#include "core/config.hpp"
#include "core/data/dataset.hpp"

namespace ringtmp {

struct DatasetShape {
  int64_t train = 0, test = 0;
  int features = 0;
  int64_t bytes() const { return (train + test) * (int64_t(features) * int64_t(sizeof(float)) + 4); }
};

// What a real run of `c` loads: the loaded split's sizes, or (timing-only runs load nothing)
// the sizes the named dataset has.
DatasetShape dataset_shape(const RunConfig& c, const DataSplit* loaded);

}  // namespace ringtmp
