#include "core/strategy/ring_recovery.hpp"

#include <algorithm>
#include <cassert>

namespace ringtmp {

int StageAssignment::stage_of(int rank) const {
  const auto it = std::find(owner.begin(), owner.end(), rank);
  return it == owner.end() ? -1 : int(it - owner.begin());
}

int StageAssignment::owner_of_layer(int layer) const {
  assert(layer >= first_layer.front() && layer < first_layer.back());
  const auto it = std::upper_bound(first_layer.begin(), first_layer.end(), layer);
  return owner[size_t(it - first_layer.begin() - 1)];
}

StageAssignment initial_assignment(const Partition& p) {
  StageAssignment a;
  a.first_layer = p.first_layer;
  for (int k = 0; k < p.stages(); ++k) a.owner.push_back(k);
  return a;
}

std::vector<int64_t> ring_layer_flops(std::span<const LayerSpec> layers, int batch) {
  std::vector<int64_t> costs;
  for (const auto& spec : layers) costs.push_back(layer_train_flops(spec, batch));
  return costs;
}

int shadow_holder(const StageAssignment& a, int stage) {
  if (a.stages() < 2) return -1;
  return stage == 0 ? a.owner[1] : a.owner[size_t(stage) - 1];
}

std::vector<int> shadows_held_by(const StageAssignment& a, int rank) {
  std::vector<int> held;
  for (int k = 0; k < a.stages(); ++k)
    if (shadow_holder(a, k) == rank) held.push_back(k);
  return held;
}

Status ring_healable(const StageAssignment& settled, const View& view) {
  if (view.live.empty()) return Status::error("every node of the ring is down: nothing is left to train");
  for (int k = 0; k < settled.stages(); ++k) {
    const int dead = settled.owner[size_t(k)];
    if (view.is_live(dead)) continue;
    // One stage: its owner was the only live rank, so the view above has none left.
    const int holder = shadow_holder(settled, k);
    assert(holder >= 0);
    if (!view.is_live(holder))
      return Status::errorf("ranks {} and {} went down within one replica refresh: stage {} (layers "
                            "{}-{}, on rank {}) had its only replica on rank {}", std::min(dead, holder),
                            std::max(dead, holder), k, settled.begin(k), settled.end(k) - 1, dead, holder);
  }
  return {};
}

StatusOr<StageAssignment> interim_assignment(const StageAssignment& settled, const View& view) {
  if (auto s = ring_healable(settled, view); !s.ok()) return s;
  // A live stage keeps its start, except the first live one, which starts at layer 0 (it
  // absorbs the dead stages before it); a dead stage's layers fall to the live stage before
  // it because no boundary is emitted for it.
  StageAssignment a;
  for (int k = 0; k < settled.stages(); ++k) {
    const int rank = settled.owner[size_t(k)];
    if (!view.is_live(rank)) continue;
    a.first_layer.push_back(a.owner.empty() ? settled.first_layer.front() : settled.begin(k));
    a.owner.push_back(rank);
  }
  a.first_layer.push_back(settled.first_layer.back());
  return a;
}

StatusOr<StageAssignment> rebalanced_assignment(std::span<const int64_t> layer_flops, const View& view) {
  auto p = partition_layers(layer_flops, view.live_count());
  if (!p.ok()) return p.status();
  StageAssignment a;
  a.first_layer = p->first_layer;
  a.owner = view.live;
  return a;
}

std::vector<LayerTransfer> transfer_plan(std::span<const LayerSpec> layers, const StageAssignment& before,
                                         const StageAssignment& after) {
  assert(before.first_layer.back() == int(layers.size()) && after.first_layer.back() == int(layers.size()));
  std::vector<LayerTransfer> plan;
  size_t offset = 0;
  for (int l = 0; l < int(layers.size()); ++l) {
    const size_t count = size_t(layer_param_count(layers[size_t(l)]));
    const int from = before.owner_of_layer(l), to = after.owner_of_layer(l);
    if (from != to) {
      if (!plan.empty() && plan.back().from == from && plan.back().to == to && plan.back().end_layer == l) {
        plan.back().end_layer = l + 1;
        plan.back().param_end = offset + count;
      } else {
        plan.push_back({from, to, l, l + 1, offset, offset + count});
      }
    }
    offset += count;
  }
  return plan;
}

}  // namespace ringtmp
