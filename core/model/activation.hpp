#pragma once
// Element-wise activations, forward and backward side by side. Both work in place on the
// layer's output: ReLU's mask and tanh's derivative are recovered from the output alone,
// so a layer stashes one matrix per micro-batch, not two.
#include <cstdint>
#include <string_view>

#include "core/model/tensor.hpp"

namespace ringtmp {

enum class Activation { none, relu, tanh };

std::string_view to_string(Activation a);

namespace relu {
// A = max(Z, 0), in place.
inline void forward(Eigen::Ref<Matrix> A) { A = A.cwiseMax(0.0f); }
// dZ = dA * (A > 0), in place on dA.
inline void backward(Eigen::Ref<Matrix> dA, const Eigen::Ref<const Matrix>& A) {
  dA = (A.array() > 0.0f).select(dA, 0.0f);
}
}  // namespace relu

namespace tanh_act {
inline void forward(Eigen::Ref<Matrix> A) { A = A.array().tanh(); }
// dZ = dA * (1 - A^2), in place on dA.
inline void backward(Eigen::Ref<Matrix> dA, const Eigen::Ref<const Matrix>& A) {
  dA.array() *= (1.0f - A.array().square());
}
}  // namespace tanh_act

inline void activation_forward(Activation a, Eigen::Ref<Matrix> A) {
  if (a == Activation::relu) relu::forward(A);
  else if (a == Activation::tanh) tanh_act::forward(A);
}
inline void activation_backward(Activation a, Eigen::Ref<Matrix> dA,
                                const Eigen::Ref<const Matrix>& A) {
  if (a == Activation::relu) relu::backward(dA, A);
  else if (a == Activation::tanh) tanh_act::backward(dA, A);
}
// Counted flops per element: one for relu's compare; tanh counted as a handful.
inline int64_t activation_flops(Activation a, int64_t elements) {
  return a == Activation::none ? 0 : a == Activation::relu ? elements : 4 * elements;
}

}  // namespace ringtmp
