#pragma once
// A labelled classification set held as one (features, samples) column-major float matrix:
// sample i is column i, so a run of consecutive samples is a contiguous block a batch can
// view without copying.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/model/tensor.hpp"

namespace ringtmp {

struct Dataset {
  Matrix x;                     // (features, samples)
  std::vector<int32_t> y;       // (samples), each in [0, classes)
  int classes = 0;

  int64_t size() const { return int64_t(y.size()); }
  int features() const { return int(x.rows()); }
  // Pointer to the first feature of sample i: a batch starting at i is (features, B) from here.
  const float* sample(int64_t i) const { return x.data() + i * x.rows(); }
  std::span<const int32_t> labels(int64_t first, int64_t count) const {
    return {y.data() + first, size_t(count)};
  }
  // The samples at `indices`, in that order.
  Dataset subset(std::span<const int64_t> indices) const;
};

struct DataSplit {
  Dataset train;
  Dataset test;
  std::string name;  // for logs and summary.json
};

}  // namespace ringtmp
