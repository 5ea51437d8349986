#include "core/data/shard.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/model/rng.hpp"

namespace ringtmp {

std::string_view to_string(ShardMode m) { return m == ShardMode::iid ? "iid" : "by-label"; }

std::vector<int64_t> permutation(int64_t n, uint64_t seed) {
  std::vector<int64_t> p(static_cast<size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  Rng rng(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[size_t(i)], p[rng.below(uint64_t(i) + 1)]);
  return p;
}

std::vector<int64_t> shard_indices(const Dataset& data, int shards, int k, ShardMode mode,
                                   uint64_t seed) {
  std::vector<int64_t> order;
  if (mode == ShardMode::iid) {
    order = permutation(data.size(), seed);
  } else {
    order.resize(size_t(data.size()));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return data.y[size_t(a)] < data.y[size_t(b)]; });
  }
  const int64_t n = data.size();
  const int64_t begin = n * k / shards, end = n * (k + 1) / shards;
  return {order.begin() + begin, order.begin() + end};
}

std::pair<Dataset, Dataset> split_holdout(const Dataset& data, double test_fraction,
                                          uint64_t seed) {
  const auto order = permutation(data.size(), seed);
  const auto keep = size_t(data.size() - std::llround(double(data.size()) * test_fraction));
  const std::span<const int64_t> all(order);
  return {data.subset(all.first(keep)), data.subset(all.subspan(keep))};
}

}  // namespace ringtmp
