#include "core/data/dataset.hpp"

namespace ringtmp {

Dataset Dataset::subset(std::span<const int64_t> indices) const {
  Dataset d;
  d.classes = classes;
  d.x.resize(x.rows(), Eigen::Index(indices.size()));
  d.y.resize(indices.size());
  for (size_t j = 0; j < indices.size(); ++j) {
    d.x.col(Eigen::Index(j)) = x.col(Eigen::Index(indices[j]));
    d.y[j] = y[indices[j]];
  }
  return d;
}

}  // namespace ringtmp
