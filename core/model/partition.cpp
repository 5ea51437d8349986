#include "core/model/partition.hpp"

#include <algorithm>
#include <limits>

namespace ringtmp {

StatusOr<Partition> partition_layers(std::span<const int64_t> layer_flops, int stages) {
  const int n = int(layer_flops.size());
  if (stages < 1) return Status::errorf("partition: {} stages requested, need at least 1", stages);
  if (stages > n)
    return Status::errorf("partition: {} stages requested but the model has only {} layers "
                          "(each stage needs at least one layer)", stages, n);
  std::vector<int64_t> prefix(n + 1, 0);
  for (int i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + layer_flops[i];

  // Binary search on the bottleneck B: is there a split into <= K stages of cost <= B?
  // Greedy packing answers it; the smallest feasible B is optimal. Then the cut points are
  // chosen greedily from the back so that every stage is non-empty.
  auto fits = [&](int64_t bound) {
    int used = 1;
    int64_t cur = 0;
    for (int i = 0; i < n; ++i) {
      if (layer_flops[i] > bound) return false;
      if (cur + layer_flops[i] > bound) { ++used; cur = 0; }
      cur += layer_flops[i];
    }
    return used <= stages;
  };
  int64_t lo = *std::max_element(layer_flops.begin(), layer_flops.end()), hi = prefix[n];
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (fits(mid)) hi = mid; else lo = mid + 1;
  }
  const int64_t bound = lo;

  // Cut from the back: a stage takes layers while it stays within the bound and leaves at
  // least one layer for each earlier stage.
  std::vector<int> first(stages + 1);
  first[stages] = n;
  int end = n;
  for (int k = stages - 1; k >= 0; --k) {
    int begin = end - 1;
    while (begin - 1 >= k && prefix[end] - prefix[begin - 1] <= bound) --begin;
    if (k == 0) begin = 0;
    first[k] = begin;
    end = begin;
  }

  Partition p;
  p.first_layer = first;
  for (int k = 0; k < stages; ++k) p.stage_flops.push_back(prefix[first[k + 1]] - prefix[first[k]]);
  const double mean = double(prefix[n]) / stages;
  const int64_t worst = *std::max_element(p.stage_flops.begin(), p.stage_flops.end());
  p.imbalance = mean > 0 ? double(worst) / mean - 1.0 : 0.0;
  return p;
}

}  // namespace ringtmp
