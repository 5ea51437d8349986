#pragma once
// A seeded synthetic classification problem of any width and class count, for fast tests:
// each class is a Gaussian blob around a random centre. Learnable, but not trivially so
// (the blobs overlap at the default spread).
#include <cstdint>

#include "core/data/dataset.hpp"

namespace ringtmp {

struct SyntheticOptions {
  int features = 32;
  int classes = 4;
  int64_t train_samples = 4096;
  int64_t test_samples = 1024;
  float spread = 1.0f;  // noise stddev relative to the centres' (unit) scale
  uint64_t seed = 1;
};

DataSplit make_synthetic(const SyntheticOptions& options);

}  // namespace ringtmp
