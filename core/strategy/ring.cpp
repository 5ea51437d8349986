#include "core/strategy/ring.hpp"

#include <fmt/format.h>

#include "core/data/batch_slicer.hpp"
#include "core/platform/byte_size.hpp"
#include "core/run_model.hpp"

namespace ringtmp {

StatusOr<RingLayout> ring_layout(const RunConfig& c, std::span<const StageDevice> devices, int64_t iterations,
                                 const DatasetShape& data) {
  RingLayout l;
  l.layers = model_layers(c);
  std::vector<int64_t> costs;
  for (const auto& spec : l.layers) costs.push_back(layer_train_flops(spec, c.batch));
  auto p = devices.empty() ? partition_layers(costs, c.nodes) : partition_ring(c, l.layers, devices, iterations, data);
  if (!p.ok()) return p.status();
  l.partition = std::move(*p);
  size_t offset = 0;
  for (const auto& spec : l.layers) {
    l.layer_param_offset.push_back(offset);
    offset += size_t(layer_param_count(spec));
  }
  l.layer_param_offset.push_back(offset);
  for (int k = 0; k < l.partition.stages(); ++k)
    l.stage_param_offset.push_back(l.layer_param_offset[size_t(l.partition.begin(k))]);
  return l;
}

std::string describe_stages(const RingLayout& layout, const RunConfig& c, int shown) {
  const Partition& p = layout.partition;
  const int64_t microbatch = microbatch_sizes(c.batch, c.microbatches)[0];
  std::string s;
  int64_t largest = 0;
  for (int k = 0; k < p.stages(); ++k) {
    const int64_t bytes = k + 1 < p.stages() ? layout.layers[size_t(p.end(k) - 1)].out.size() * microbatch * 4 : 0;
    largest = std::max(largest, bytes);
    if (k >= shown) continue;
    s += fmt::format("{}{}: layers {}-{}, {:.3g} GFLOP", k ? " | " : "", k, p.begin(k), p.end(k) - 1,
                     double(p.stage_flops[size_t(k)]) / 1e9);
    if (bytes > 0) s += fmt::format(" | {}", format_bytes(bytes));
  }
  if (p.stages() > shown)
    s += fmt::format(" | ... {} stages in all; the largest message between stages {}", p.stages(), format_bytes(largest));
  return s;
}

}  // namespace ringtmp
