// Sharding between nodes and holding out a test set: shards partition the samples exactly
// (no sample lost or duplicated, sizes within one), by-label shards are label-skewed, iid
// shards are not, everything seeded is deterministic, and permutation is a fair shuffle.
#include "core/data/shard.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <doctest/doctest.h>

#include "tests/data/make_dataset.hpp"

using namespace ringtmp;
using ringtmp::testing::id_of;
using ringtmp::testing::labelled_ids;

namespace {

bool is_permutation_of_iota(std::vector<int64_t> v, int64_t n) {
  if (int64_t(v.size()) != n) return false;
  std::sort(v.begin(), v.end());
  for (int64_t i = 0; i < n; ++i)
    if (v[size_t(i)] != i) return false;
  return true;
}

std::set<int32_t> labels_in(const Dataset& d, const std::vector<int64_t>& indices) {
  std::set<int32_t> s;
  for (int64_t i : indices) s.insert(d.y[size_t(i)]);
  return s;
}

}  // namespace

TEST_CASE("shards partition every sample exactly once, sizes within one") {
  for (ShardMode mode : {ShardMode::iid, ShardMode::by_label}) {
    for (int64_t n : {1, 10, 103, 1000}) {
      for (int shards : {1, 2, 3, 7, 10}) {
        CAPTURE(to_string(mode));
        CAPTURE(n);
        CAPTURE(shards);
        // Labels interleaved (i % 10), so by-label really has to reorder.
        const Dataset d = labelled_ids(n, 10, [](int64_t i) { return int(i % 10); });
        std::vector<int64_t> all;
        int64_t smallest = n, largest = 0;
        for (int k = 0; k < shards; ++k) {
          const auto s = shard_indices(d, shards, k, mode, 42);
          smallest = std::min<int64_t>(smallest, int64_t(s.size()));
          largest = std::max<int64_t>(largest, int64_t(s.size()));
          all.insert(all.end(), s.begin(), s.end());
        }
        CHECK(is_permutation_of_iota(all, n));
        CHECK(largest - smallest <= 1);
      }
    }
  }
}

TEST_CASE("by-label shards see few labels; iid shards see them all") {
  // 1000 samples, 10 balanced classes, 5 shards: a by-label shard spans 2 classes.
  const Dataset d = labelled_ids(1000, 10, [](int64_t i) { return int((i * 7) % 10); });
  for (int k = 0; k < 5; ++k) {
    CAPTURE(k);
    const auto by_label = shard_indices(d, 5, k, ShardMode::by_label, 1);
    CHECK(labels_in(d, by_label).size() == 2);
    const auto iid = shard_indices(d, 5, k, ShardMode::iid, 1);
    CHECK(labels_in(d, iid).size() == 10);
  }
  // With shards that do not align with the class boundaries (7 shards of ~143 over classes
  // of 100), a shard still spans at most ceil(143 / 100) + 1 = 3 classes.
  for (int k = 0; k < 7; ++k) {
    CAPTURE(k);
    CHECK(labels_in(d, shard_indices(d, 7, k, ShardMode::by_label, 1)).size() <= 3);
  }
}

TEST_CASE("sharding is deterministic per seed, and iid depends on the seed") {
  const Dataset d = labelled_ids(200, 4, [](int64_t i) { return int(i % 4); });
  for (ShardMode mode : {ShardMode::iid, ShardMode::by_label}) {
    CAPTURE(to_string(mode));
    CHECK(shard_indices(d, 3, 1, mode, 9) == shard_indices(d, 3, 1, mode, 9));
  }
  CHECK(shard_indices(d, 3, 1, ShardMode::iid, 9) != shard_indices(d, 3, 1, ShardMode::iid, 10));
}

TEST_CASE("split_holdout keeps 1 - test_fraction, and the halves partition the set") {
  struct Case {
    int64_t n;
    double fraction;
    int64_t train, test;
  };
  // Fractions whose product with n is a whole number must split exactly. (0.8 and 0.9 are
  // the cases where 1.0 - f is just below the true value in binary floating point.)
  for (const Case c : {Case{100, 0.2, 80, 20}, Case{1000, 0.1, 900, 100}, Case{10, 0.5, 5, 5},
                       Case{10, 0.0, 10, 0}, Case{10, 1.0, 0, 10}, Case{10, 0.8, 2, 8},
                       Case{10, 0.9, 1, 9}, Case{100, 0.9, 10, 90}, Case{1000, 0.8, 200, 800}}) {
    CAPTURE(c.n);
    CAPTURE(c.fraction);
    const Dataset d = labelled_ids(c.n, 3, [](int64_t i) { return int(i % 3); });
    const auto [train, test] = split_holdout(d, c.fraction, 5);
    CHECK(train.size() == c.train);
    CHECK(test.size() == c.test);
    CHECK(train.classes == 3);
    // Every sample lands in exactly one half, with its own label and features.
    std::vector<int64_t> ids;
    for (const Dataset* half : {&train, &test}) {
      for (int64_t j = 0; j < half->size(); ++j) {
        const int64_t id = id_of(*half, j);
        ids.push_back(id);
        CHECK(half->y[size_t(j)] == d.y[size_t(id)]);
        CHECK(half->x(1, j) == -float(id));
      }
    }
    CHECK(is_permutation_of_iota(ids, c.n));
  }
}

TEST_CASE("split_holdout is deterministic per seed") {
  const Dataset d = labelled_ids(50, 2, [](int64_t i) { return int(i % 2); });
  const auto a = split_holdout(d, 0.2, 3), b = split_holdout(d, 0.2, 3), c = split_holdout(d, 0.2, 4);
  CHECK(a.second.x == b.second.x);
  CHECK(a.second.x != c.second.x);
}

TEST_CASE("permutation is a permutation, deterministic per seed, seed-dependent") {
  for (int64_t n : {0, 1, 2, 17, 1000}) {
    CAPTURE(n);
    CHECK(is_permutation_of_iota(permutation(n, 7), n));
    CHECK(permutation(n, 7) == permutation(n, 7));
  }
  CHECK(permutation(1000, 7) != permutation(1000, 8));
  // A shuffle that leaves the identity is not a shuffle.
  const auto p = permutation(1000, 7);
  int64_t fixed = 0;
  for (int64_t i = 0; i < 1000; ++i) fixed += p[size_t(i)] == i;
  CHECK(fixed < 10);  // expected about 1
}

TEST_CASE("permutation draws every ordering of 3 about equally often") {
  // 6000 seeds: each of the 6 orderings is expected 1000 times (sd ~29). An off-by-one in
  // Fisher-Yates (e.g. below(i) instead of below(i + 1)) makes some orderings impossible.
  std::map<std::vector<int64_t>, int> counts;
  for (uint64_t seed = 0; seed < 6000; ++seed) ++counts[permutation(3, seed)];
  CHECK(counts.size() == 6);
  for (const auto& [perm, count] : counts) {
    CAPTURE(count);
    CHECK(count > 850);
    CHECK(count < 1150);
  }
}
