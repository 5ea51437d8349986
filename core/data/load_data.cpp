#include "core/data/load_data.hpp"

#include <fmt/format.h>

#include "core/data/idx.hpp"
#include "core/data/synthetic.hpp"

namespace ringtmp {

StatusOr<DataSplit> load_data(const RunConfig& c) {
  if (c.timing_only) {
    // Nothing is computed, so nothing is read: one all-zero batch keeps every node's data
    // path (batching, label messages) the shape of the real run.
    DataSplit d;
    d.name = fmt::format("{} (timing only: not loaded)", to_string(c.dataset));
    d.train.x = Matrix::Zero(c.layers.front(), c.batch);
    d.train.y.assign(size_t(c.batch), 0);
    d.train.classes = c.layers.back();
    return d;
  }
  if (c.dataset == DatasetKind::fashion_mnist) return load_fashion_mnist(c.data_dir);
  SyntheticOptions o;
  o.features = c.layers.front();
  o.classes = c.layers.back();
  o.train_samples = c.synthetic_train;
  o.test_samples = c.synthetic_test;
  o.seed = c.seed ^ 0x5eed5eedULL;
  return make_synthetic(o);
}

}  // namespace ringtmp
