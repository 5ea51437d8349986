#pragma once
// Dividing a dataset between nodes, and holding out a test set.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/data/dataset.hpp"

namespace ringtmp {

enum class ShardMode {
  iid,       // a seeded shuffle dealt out evenly: every shard sees every class
  by_label,  // sorted by label, then cut into contiguous runs: each shard sees few classes
};
std::string_view to_string(ShardMode m);

// Indices of shard k of `shards`; sizes differ by at most one and every sample is in exactly
// one shard.
std::vector<int64_t> shard_indices(const Dataset& data, int shards, int k, ShardMode mode,
                                   uint64_t seed);

// A seeded random split: the first of the pair keeps 1 - test_fraction of the samples.
std::pair<Dataset, Dataset> split_holdout(const Dataset& data, double test_fraction, uint64_t seed);

// A seeded permutation of 0..n-1 (Fisher-Yates on our portable Rng).
std::vector<int64_t> permutation(int64_t n, uint64_t seed);

}  // namespace ringtmp
