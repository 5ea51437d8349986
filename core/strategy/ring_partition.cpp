#include "core/strategy/ring_partition.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/metrics/memory_parts.hpp"
#include "core/strategy/memory_plan.hpp"

namespace ringtmp {
namespace {

struct Cutter {
  const RunConfig& c;
  const std::vector<LayerSpec>& layers;
  std::span<const StageDevice> devices;
  int64_t iterations;
  const DatasetShape& data;
  std::vector<int64_t> prefix;  // counted training flops of layers [0, l)

  int stages() const { return int(devices.size()); }
  int layer_count() const { return int(layers.size()); }
  double seconds(int k, int begin, int end) const { return double(prefix[end] - prefix[begin]) / devices[k].flops; }
  int64_t bytes(int k, int begin, int end) const {
    return ring_stage_memory(c, layers, begin, end, k, stages(), iterations, data).total();
  }
  double budget(int k) const { return devices[k].budget > 0 ? double(devices[k].budget) : INFINITY; }

  // Greedy from the front: each stage takes the most layers within `seconds_bound` whose
  // plan stays within `budget_scale` x its budget, leaving one layer for each later stage.
  std::optional<std::vector<int>> cut(double seconds_bound, double budget_scale) const {
    std::vector<int> first(stages() + 1, 0);
    int begin = 0;
    for (int k = 0; k < stages(); ++k) {
      const int room = layer_count() - (stages() - 1 - k);  // the furthest end this stage may take
      int end = begin;
      while (end < room && seconds(k, begin, end + 1) <= seconds_bound) ++end;
      while (end > begin && double(bytes(k, begin, end)) > budget_scale * budget(k)) --end;
      if (end == begin || (k == stages() - 1 && end < layer_count())) return std::nullopt;
      first[k + 1] = end;
      begin = end;
    }
    return first;
  }
};

Partition with_cuts(const Cutter& cutter, std::vector<int> first) {
  Partition p;
  p.first_layer = std::move(first);
  double worst = 0, sum = 0;
  for (int k = 0; k < cutter.stages(); ++k) {
    p.stage_flops.push_back(cutter.prefix[p.end(k)] - cutter.prefix[p.begin(k)]);
    const double t = cutter.seconds(k, p.begin(k), p.end(k));
    worst = std::max(worst, t);
    sum += t;
  }
  p.imbalance = sum > 0 ? worst / (sum / cutter.stages()) - 1.0 : 0.0;
  return p;
}

// Smallest x in [lo, hi] with ok(x), by bisection (ok is monotone; ok(hi) holds).
template <class Ok>
double smallest(double lo, double hi, Ok ok) {
  for (int step = 0; step < 100 && hi - lo > 1e-9 * hi; ++step) {
    const double mid = lo + (hi - lo) / 2;
    (ok(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

StatusOr<Partition> partition_ring(const RunConfig& c, const std::vector<LayerSpec>& layers,
                                   std::span<const StageDevice> devices, int64_t iterations,
                                   const DatasetShape& data) {
  std::vector<int64_t> flops;
  for (const auto& l : layers) flops.push_back(layer_train_flops(l, c.batch));
  auto balanced = partition_layers(flops, int(devices.size()));
  if (!balanced.ok()) return balanced.status();
  Cutter cutter{c, layers, devices, iterations, data, {0}};
  for (int64_t f : flops) cutter.prefix.push_back(cutter.prefix.back() + f);

  const bool alike = std::all_of(devices.begin(), devices.end(), [&](const StageDevice& d) { return d.flops == devices[0].flops; });
  bool fits = true;
  for (int k = 0; k < cutter.stages(); ++k)
    fits = fits && double(cutter.bytes(k, balanced->begin(k), balanced->end(k))) <= cutter.budget(k);
  if (alike && fits) return balanced;

  double slowest = devices[0].flops;
  for (const auto& d : devices) slowest = std::min(slowest, d.flops);
  const double all_seconds = double(cutter.prefix.back()) / slowest;  // every layer on the slowest device
  if (cutter.cut(INFINITY, 1.0)) {
    const double bound = smallest(0, all_seconds, [&](double t) { return cutter.cut(t, 1.0).has_value(); });
    return with_cuts(cutter, *cutter.cut(bound, 1.0));
  }
  // Nothing fits: find the cut that overflows least (the smallest common budget scale that
  // fits) and name its worst node.
  double scale_hi = 2;
  while (!cutter.cut(INFINITY, scale_hi) && scale_hi < 1e12) scale_hi *= 2;
  const auto tightest = cutter.cut(INFINITY, smallest(1, scale_hi, [&](double s) { return cutter.cut(INFINITY, s).has_value(); }));
  if (!tightest) return Status::errorf("no cut of the {} layers over {} ring stages fits any budget", layers.size(), devices.size());
  int worst = 0;
  double worst_ratio = 0;
  for (int k = 0; k < cutter.stages(); ++k) {
    const double ratio = double(cutter.bytes(k, (*tightest)[k], (*tightest)[k + 1])) / cutter.budget(k);
    if (ratio > worst_ratio) { worst_ratio = ratio; worst = k; }
  }
  const int64_t need = cutter.bytes(worst, (*tightest)[worst], (*tightest)[worst + 1]);
  return Status::errorf("no cut of the {} layers over {} ring stages fits the devices' memory: the tightest "
                        "still needs {} on node {} (ring stage {}) where {} leaves {}, {} over",
                        layers.size(), devices.size(), format_bytes(need), worst, worst,
                        devices[worst].budget_source, format_bytes(devices[worst].budget),
                        format_bytes(need - devices[worst].budget));
}

}  // namespace ringtmp
