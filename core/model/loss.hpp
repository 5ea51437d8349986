#pragma once
// Softmax cross-entropy over logits (classes, B) and integer labels (B).
#include <cstdint>
#include <span>

#include "core/model/tensor.hpp"

namespace ringtmp {

// Returns the SUM of per-sample losses (the caller divides by whatever batch the update
// covers) and, when dlogits is non-null, writes dlogits = (softmax - onehot) * grad_scale.
// With grad_scale = 1/global_batch, micro-batch gradients add up to the full-batch gradient.
double softmax_cross_entropy(const Eigen::Ref<const Matrix>& logits,
                             std::span<const int32_t> labels, float grad_scale, Matrix* dlogits);

// Number of columns whose arg-max equals the label.
int64_t count_correct(const Eigen::Ref<const Matrix>& logits, std::span<const int32_t> labels);

inline int64_t loss_flops(int64_t classes, int64_t batch) { return 5 * classes * batch; }

}  // namespace ringtmp
