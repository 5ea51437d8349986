#include "core/run_model.hpp"
#include "core/data/load_data.hpp"

#include <fmt/format.h>

#include "core/config_limits.hpp"
#include "core/data/dataset_shape.hpp"
#include "core/data/idx.hpp"
#include "core/data/synthetic.hpp"

namespace ringtmp {

namespace {

// The model reads model_input_features() per sample and scores model_classes(): a
// dataset of another shape would make it read past each sample (fewer features) or train
// on a misaligned one (more).
Status check_fits_model(const DataSplit& d, const RunConfig& c, const std::string& source) {
  for (const auto& [part, set] : {std::pair{"train", &d.train}, std::pair{"test", &d.test}}) {
    if (set->size() == 0) continue;
    if (set->features() != model_input_features(c))
      return Status::errorf("{}: the {} set has {} features per sample but the model's input width is {} "
                            "(model {})", source, part, set->features(), model_input_features(c), model_name(c));
    if (set->classes != model_classes(c))
      return Status::errorf("{}: the {} set has {} classes but the model's output width is {} (model {})",
                            source, part, set->classes, model_classes(c), model_name(c));
  }
  return {};
}

}  // namespace

StatusOr<DataSplit> load_data(const RunConfig& c) {
  // Sizes first: nothing below allocates what these bounds refuse. A timing-only run holds
  // shapes, not parameters, so its model is bounded by the devices' memory plan, not here.
  if (!c.timing_only)
    if (auto s = check_model_limits(c); !s.ok()) return s;
  if (auto s = check_dataset_limits(c); !s.ok()) return s;
  if (c.timing_only) {
    // Nothing is computed, so nothing is read: one all-zero batch keeps every node's data
    // path (batching, label messages) the shape of the real run.
    DataSplit d;
    d.name = fmt::format("{} (timing only: not loaded)", to_string(c.dataset));
    d.train.x = Matrix::Zero(model_input_features(c), c.batch);
    d.train.y.assign(size_t(c.batch), 0);
    d.train.classes = model_classes(c);
    return d;
  }
  if (c.dataset == DatasetKind::fashion_mnist) {
    auto d = load_fashion_mnist(c.data_dir);
    if (!d.ok()) return d;
    if (auto s = check_fits_model(*d, c, "Fashion-MNIST in " + c.data_dir); !s.ok()) return s;
    return d;
  }
  SyntheticOptions o;
  o.features = model_input_features(c);
  o.classes = model_classes(c);
  o.train_samples = c.synthetic_train;
  o.test_samples = c.synthetic_test;
  o.seed = c.seed ^ 0x5eed5eedULL;
  return make_synthetic(o);
}

DatasetShape dataset_shape(const RunConfig& c, const DataSplit* loaded) {
  DatasetShape d;
  d.features = model_input_features(c);
  if (loaded && !c.timing_only) {
    d.train = loaded->train.size();
    d.test = loaded->test.size();
  } else if (c.dataset == DatasetKind::fashion_mnist) {
    d.train = kFashionMnistTrainSamples;
    d.test = kFashionMnistTestSamples;
  } else {
    d.train = c.synthetic_train;
    d.test = c.synthetic_test;
  }
  return d;
}

}  // namespace ringtmp
