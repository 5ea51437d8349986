#pragma once
// The dataset a RunConfig names: Fashion-MNIST from its directory, or the seeded synthetic
// set shaped by the config's layer widths (inputs = first width, classes = last). A
// timing-only config gets a placeholder of one zero batch and an empty test set.
// Before allocating, the model and the dataset are checked against config_limits.hpp; a
// loaded dataset whose features or classes differ from the model's input and output widths
// is an error naming its directory and both numbers.
#include "core/config.hpp"
#include "core/data/dataset.hpp"
#include "core/status.hpp"

namespace ringtmp {

StatusOr<DataSplit> load_data(const RunConfig& config);

// Fashion-MNIST's sizes (github.com/zalandoresearch/fashion-mnist: 60,000 training and 10,000
// test images): what a timing-only run, which loads nothing, plans to hold.
inline constexpr int64_t kFashionMnistTrainSamples = 60000;
inline constexpr int64_t kFashionMnistTestSamples = 10000;

}  // namespace ringtmp
