// The Batcher reorders an index into the data it borrows at each epoch start and hands out
// batches gathered into contiguous blocks. What must hold: every (features, label) pair in a batch is a pair of the
// original data, an epoch serves each sample at most once and drops only the final partial
// batch, and the order is new every epoch yet reproducible from the seed.
#include "core/data/batcher.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include <doctest/doctest.h>

#include "tests/data/make_dataset.hpp"

using namespace ringtmp;
using ringtmp::testing::labelled_ids;

namespace {

// Sample i of the original data: features (i, -i, label), label (i * 3) % 5.
Dataset original(int64_t n) { return labelled_ids(n, 5, [](int64_t i) { return int((i * 3) % 5); }); }

// The sample ids of one batch, after checking each column is intact and kept its label.
std::vector<int64_t> checked_ids(const Batch& b, int64_t n) {
  std::vector<int64_t> ids;
  for (int j = 0; j < b.size; ++j) {
    const float* col = b.x + j * 3;  // (features = 3, size), column-major
    const auto id = int64_t(col[0]);
    REQUIRE(id >= 0);
    REQUIRE(id < n);
    CHECK(col[1] == -float(id));
    CHECK(b.labels[size_t(j)] == int((id * 3) % 5));
    CHECK(col[2] == float(b.labels[size_t(j)]));
    ids.push_back(id);
  }
  return ids;
}

// The ids served in `epochs` whole epochs, batch after batch.
std::vector<int64_t> served(Batcher& batcher, int64_t n, int epochs) {
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < batcher.batches_per_epoch() * epochs; ++i) {
    const auto b = batcher.next();
    const auto more = checked_ids(b, n);
    ids.insert(ids.end(), more.begin(), more.end());
  }
  return ids;
}

}  // namespace

TEST_CASE("batches are full, contiguous and keep each sample with its label") {
  const Dataset data = original(50);
  Batcher batcher(data, 8, 3);
  CHECK(batcher.batches_per_epoch() == 6);
  for (int i = 0; i < 20; ++i) {
    const Batch b = batcher.next();
    CHECK(b.size == 8);
    CHECK(b.labels.size() == 8);
    checked_ids(b, 50);
  }
}

TEST_CASE("an epoch serves each sample at most once and drops the final partial batch") {
  for (const auto& [n, batch] : {std::pair{50, 8}, std::pair{48, 8}, std::pair{7, 7}, std::pair{9, 1}}) {
    CAPTURE(n);
    CAPTURE(batch);
    const Dataset data = original(n);
    Batcher batcher(data, batch, 11);
    const int64_t per_epoch = n / batch;
    CHECK(batcher.batches_per_epoch() == per_epoch);
    for (int64_t e = 0; e < 3; ++e) {
      CAPTURE(e);
      std::set<int64_t> seen;
      for (int64_t i = 0; i < per_epoch; ++i) {
        const Batch b = batcher.next();
        CHECK(b.epoch == e);
        for (int64_t id : checked_ids(b, n)) CHECK(seen.insert(id).second);
      }
      CHECK(int64_t(seen.size()) == per_epoch * batch);
    }
  }
}

TEST_CASE("the borrowed data is left as it was") {
  const Dataset data = original(37);
  Batcher batcher(data, 5, 2);
  for (int i = 0; i < 30; ++i) batcher.next();  // several epochs
  const Dataset fresh = original(37);
  CHECK(data.x == fresh.x);
  CHECK(data.y == fresh.y);
}

TEST_CASE("a slice of each batch is that part of the whole batch") {
  const int64_t n = 53;
  const Dataset data = original(n);
  Batcher whole(data, 10, 4), middle(data, 10, 4, 3, 5);
  for (int i = 0; i < 12; ++i) {  // past an epoch boundary (5 batches an epoch)
    const auto all = checked_ids(whole.next(), n);
    const Batch part = middle.next();
    CHECK(part.size == 5);
    CHECK(checked_ids(part, n) == std::vector<int64_t>(all.begin() + 3, all.begin() + 8));
  }
}

TEST_CASE("the order changes between epochs and is reproducible from the seed") {
  const int64_t n = 100;
  const Dataset data = original(n);
  Batcher a(data, 10, 5), b(data, 10, 5), c(data, 10, 6);
  const auto from_a = served(a, n, 3), from_b = served(b, n, 3), from_c = served(c, n, 3);
  CHECK(from_a == from_b);
  CHECK(from_a != from_c);
  // Epochs 0, 1 and 2 of the same batcher come in different orders.
  const auto epoch = [&](int e) {
    return std::vector<int64_t>(from_a.begin() + e * n, from_a.begin() + (e + 1) * n);
  };
  CHECK(epoch(0) != epoch(1));
  CHECK(epoch(1) != epoch(2));
  CHECK(epoch(0) != epoch(2));
  // And none of them is the original order: the first epoch is shuffled too.
  std::vector<int64_t> identity(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) identity[size_t(i)] = i;
  CHECK(epoch(0) != identity);
}
