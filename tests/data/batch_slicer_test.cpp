// A survivor taking over a dead worker's slice starts a slicer and skips what was trained:
// it must then serve exactly the batches the dead worker would have (across epochs, iid or
// by-label), and again() the last one once more.
#include "core/data/batch_slicer.hpp"

#include <vector>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"

using namespace ringtmp;

namespace {

std::vector<float> values(const Batch& b, int features) {
  std::vector<float> v(b.x, b.x + size_t(b.size) * size_t(features));
  v.insert(v.end(), b.labels.begin(), b.labels.end());
  return v;
}

}  // namespace

TEST_CASE("a slicer that skips k batches serves what one that drew them would next") {
  const auto data = make_synthetic({.features = 5, .classes = 3, .train_samples = 70, .test_samples = 8});
  for (ShardMode mode : {ShardMode::iid, ShardMode::by_label})
    for (int64_t k : {0, 1, 6, 7, 20}) {  // 70 / 10 = 7 batches an epoch: k crosses epochs
      CAPTURE(k);
      CAPTURE(int(mode));
      BatchSlicer drawn(data.train, 10, 3, 2, 42, mode), skipped(data.train, 10, 3, 2, 42, mode);
      for (int64_t i = 0; i < k; ++i) drawn.next();
      skipped.skip(k);
      for (int i = 0; i < 9; ++i) {
        const auto want = values(drawn.next(), 5);
        CHECK(values(skipped.next(), 5) == want);
        CHECK(values(skipped.again(), 5) == want);
      }
    }
}
