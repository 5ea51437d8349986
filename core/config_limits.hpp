#pragma once
// Bounds on what a run config may make a process allocate, checked before anything is
// allocated, so that a typo (--layers 1048576,1048576,3, --synthetic-train 4294967297)
// costs one line naming the setting and the limit rather than std::bad_alloc or an abort.
// The widths and counts themselves are range-checked by RunConfig::validate; these are the
// products of several settings.
#include <cstdint>
#include <span>

#include "core/config.hpp"
#include "core/status.hpp"

namespace ringtmp {

// The model's parameters as float32. Training holds them at least twice more (gradients,
// and momentum or weight stashes), and the largest device we model (the Pi 4B profile) has
// 4 GiB, so a model past 2 GiB of parameters cannot train anywhere we model.
inline constexpr int64_t kMaxModelBytes = int64_t(2) << 30;
// The dataset's features as float32, train and test sets together (Fashion-MNIST is 0.2 GB).
inline constexpr int64_t kMaxDatasetBytes = int64_t(4) << 30;

// Parameters of the MLP whose layer widths these are (weights and biases), saturating at
// INT64_MAX instead of overflowing, so any widths can be asked about.
int64_t mlp_param_count(std::span<const int> widths);

// The config's model against kMaxModelBytes; the error names "layers" (or "model") and both numbers.
Status check_model_limits(const RunConfig& c);
// The dataset load_data would build for c (the synthetic set, or timing-only's placeholder
// batch) against kMaxDatasetBytes; the error names the setting to change.
Status check_dataset_limits(const RunConfig& c);

}  // namespace ringtmp
