#include "core/data/synthetic.hpp"

#include <fmt/format.h>

#include "core/model/rng.hpp"

namespace ringtmp {
namespace {

Dataset sample_blobs(const Matrix& centres, int64_t n, float spread, Rng& rng) {
  Dataset d;
  d.classes = int(centres.cols());
  d.x.resize(centres.rows(), n);
  d.y.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    const int c = int(rng.below(uint64_t(d.classes)));
    d.y[size_t(i)] = c;
    for (Eigen::Index f = 0; f < centres.rows(); ++f)
      d.x(f, i) = centres(f, c) + spread * rng.normal();
  }
  return d;
}

}  // namespace

DataSplit make_synthetic(const SyntheticOptions& o) {
  Rng rng(o.seed);
  Rng centre_rng = rng.fork(1), train_rng = rng.fork(2), test_rng = rng.fork(3);
  Matrix centres(o.features, o.classes);
  for (Eigen::Index i = 0; i < centres.size(); ++i) centres.data()[i] = centre_rng.normal();
  DataSplit s;
  s.name = fmt::format("synthetic({}x{})", o.features, o.classes);
  s.train = sample_blobs(centres, o.train_samples, o.spread, train_rng);
  s.test = sample_blobs(centres, o.test_samples, o.spread, test_rng);
  return s;
}

}  // namespace ringtmp
