#include "core/strategy/ring.hpp"

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

}  // namespace ringtmp
