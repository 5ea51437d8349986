// The synthetic blobs: the requested shapes, labels in range, bit-identical for a seed,
// different for another seed, and learnable (a nearest-centroid rule beats chance).
#include "core/data/synthetic.hpp"

#include <set>
#include <vector>

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("synthetic sets have the requested shapes and labels in range") {
  const SyntheticOptions o{.features = 12, .classes = 5, .train_samples = 300, .test_samples = 70, .seed = 4};
  const DataSplit s = make_synthetic(o);
  CHECK(!s.name.empty());
  for (const auto& [d, n] : {std::pair{&s.train, 300}, std::pair{&s.test, 70}}) {
    CAPTURE(n);
    CHECK(d->size() == n);
    CHECK(d->x.rows() == 12);
    CHECK(d->x.cols() == n);
    CHECK(d->classes == 5);
    std::set<int32_t> labels(d->y.begin(), d->y.end());
    CHECK(*labels.begin() >= 0);
    CHECK(*labels.rbegin() <= 4);
    CHECK(d->x.allFinite());
  }
  // 300 draws over 5 classes: every class appears.
  CHECK(std::set<int32_t>(s.train.y.begin(), s.train.y.end()).size() == 5);
}

TEST_CASE("synthetic sets are identical for a seed and differ across seeds") {
  SyntheticOptions o{.features = 6, .classes = 3, .train_samples = 100, .test_samples = 20, .seed = 9};
  const DataSplit a = make_synthetic(o), b = make_synthetic(o);
  CHECK(a.train.x == b.train.x);
  CHECK(a.train.y == b.train.y);
  CHECK(a.test.x == b.test.x);
  CHECK(a.test.y == b.test.y);
  o.seed = 10;
  const DataSplit c = make_synthetic(o);
  CHECK(a.train.x != c.train.x);
  CHECK(a.train.y != c.train.y);
  CHECK(a.test.x != c.test.x);
  // Train and test are separate draws, not the same samples twice.
  CHECK(a.train.x.leftCols(20) != a.test.x);
}

TEST_CASE("synthetic classes are learnable: nearest training centroid beats chance") {
  const SyntheticOptions o{.features = 16, .classes = 4, .train_samples = 800, .test_samples = 400, .seed = 2};
  const DataSplit s = make_synthetic(o);
  Matrix centroid = Matrix::Zero(o.features, o.classes);
  std::vector<int> count(size_t(o.classes), 0);
  for (int64_t i = 0; i < s.train.size(); ++i) {
    centroid.col(s.train.y[size_t(i)]) += s.train.x.col(i);
    ++count[size_t(s.train.y[size_t(i)])];
  }
  for (int c = 0; c < o.classes; ++c) centroid.col(c) /= float(count[size_t(c)]);
  int correct = 0;
  for (int64_t i = 0; i < s.test.size(); ++i) {
    Eigen::Index best;
    (centroid.colwise() - s.test.x.col(i)).colwise().squaredNorm().minCoeff(&best);
    correct += int(best) == s.test.y[size_t(i)];
  }
  CHECK(double(correct) / double(s.test.size()) > 0.6);  // chance is 0.25
}
