#include "core/run_model.hpp"
#include "core/config_limits.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace ringtmp {
namespace {

constexpr int64_t kFloatBytes = int64_t(sizeof(float));

std::string gib(int64_t bytes) { return fmt::format("{:.1f} GiB", double(bytes) / double(int64_t(1) << 30)); }

}  // namespace

int64_t mlp_param_count(std::span<const int> widths) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    const int64_t in = std::max(widths[i], 0), out = std::max(widths[i + 1], 0);
    const int64_t layer = in * out + out;  // |int| < 2^31: the product fits in 62 bits
    if (layer > kMax - total) return kMax;
    total += layer;
  }
  return total;
}

Status check_model_limits(const RunConfig& c) {
  const int64_t params = model_param_count(c);
  if (params > kMaxModelBytes / kFloatBytes)
    return Status::errorf("invalid value for {}: {} ({} parameters, {} as float32; the limit is {} of "
                          "parameters, what the largest modelled device could train)",
                          c.model.empty() ? "layers" : "model", model_name(c), params,
                          params == std::numeric_limits<int64_t>::max() ? std::string("more than 8 EiB")
                                                                         : gib(params * kFloatBytes),
                          gib(kMaxModelBytes));
  return {};
}

Status check_dataset_limits(const RunConfig& c) {
  if (c.model.empty() && c.layers.empty()) return {};
  const int features = model_input_features(c);
  const int64_t sample_bytes = int64_t(std::max(features, 1)) * kFloatBytes;
  const int64_t max_samples = kMaxDatasetBytes / sample_bytes;
  const auto too_many = [&](std::string_view key, int64_t value, const std::string& samples) {
    return Status::errorf("invalid value for {}: {} ({} samples of {} features exceed the dataset limit of {}: at "
                          "most {} samples of this width)",
                          key, value, samples, features, gib(kMaxDatasetBytes), max_samples);
  };
  if (c.timing_only) {  // load_data's placeholder is one batch
    if (c.batch > max_samples) return too_many("batch", c.batch, std::to_string(c.batch));
    return {};
  }
  if (c.dataset != DatasetKind::synthetic) return {};
  if (c.synthetic_train > max_samples)
    return too_many("synthetic-train", c.synthetic_train, std::to_string(c.synthetic_train));
  if (c.synthetic_test > max_samples - std::max<int64_t>(c.synthetic_train, 0))
    return too_many("synthetic-test", c.synthetic_test, fmt::format("{} + {}", c.synthetic_train, c.synthetic_test));
  return {};
}

}  // namespace ringtmp
