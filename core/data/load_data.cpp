#include "core/data/load_data.hpp"

#include "core/data/idx.hpp"
#include "core/data/synthetic.hpp"

namespace ringtmp {

StatusOr<DataSplit> load_data(const RunConfig& c) {
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
