#include "core/model/loss.hpp"

#include <cassert>
#include <cmath>

namespace ringtmp {

double softmax_cross_entropy(const Eigen::Ref<const Matrix>& logits,
                             std::span<const int32_t> labels, float grad_scale, Matrix* dlogits) {
  assert(labels.size() == size_t(logits.cols()));
  const Eigen::Index classes = logits.rows(), batch = logits.cols();
  if (dlogits) dlogits->resize(classes, batch);
  double total = 0.0;
  for (Eigen::Index j = 0; j < batch; ++j) {
    auto z = logits.col(j);
    const float zmax = z.maxCoeff();  // shift for numerical stability
    const float sum = (z.array() - zmax).exp().sum();
    const float log_sum = std::log(sum);
    const int32_t y = labels[j];
    total += double(log_sum - (z(y) - zmax));
    if (dlogits) {
      auto d = dlogits->col(j);
      d = ((z.array() - zmax).exp() / sum * grad_scale).matrix();
      d(y) -= grad_scale;
    }
  }
  return total;
}

int64_t count_correct(const Eigen::Ref<const Matrix>& logits, std::span<const int32_t> labels) {
  int64_t correct = 0;
  for (Eigen::Index j = 0; j < logits.cols(); ++j) {
    Eigen::Index arg;
    logits.col(j).maxCoeff(&arg);
    correct += (arg == labels[j]);
  }
  return correct;
}

}  // namespace ringtmp
