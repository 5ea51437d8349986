#pragma once
// Dense (fully connected) layer, forward and backward side by side.
// Shapes: X (in, B), W (out, in), b (out), Y (out, B). W and b are views into the
// model's flat parameter buffer; dW and db into its flat gradient buffer.
#include <cstdint>

#include "core/model/tensor.hpp"

namespace ringtmp::dense {

// Y = W X + b
inline void forward(Eigen::Ref<Matrix> Y, const Eigen::Ref<const Matrix>& X,
                    const Eigen::Ref<const Matrix>& W, const Eigen::Ref<const Vector>& b) {
  Y.noalias() = W * X;
  Y.colwise() += b;
}

// dW += dY X^T, db += rowsum(dY). Gradients accumulate (the caller zeroes them once per
// update), so the gradients of the micro-batches of one minibatch add up.
inline void backward(Eigen::Ref<Matrix> dW, Eigen::Ref<Vector> db,
                     const Eigen::Ref<const Matrix>& dY, const Eigen::Ref<const Matrix>& X) {
  dW.noalias() += dY * X.transpose();
  db += dY.rowwise().sum();
}

// dX = W^T dY, skipped by the caller where no one needs it (the model's first layer).
inline void backward_input(Eigen::Ref<Matrix> dX, const Eigen::Ref<const Matrix>& dY,
                           const Eigen::Ref<const Matrix>& W) {
  dX.noalias() = W.transpose() * dY;
}

// Counted flops (a multiply-add is 2), the figures the simulator charges.
inline int64_t forward_flops(int64_t in, int64_t out, int64_t batch) {
  return 2 * in * out * batch + out * batch;
}
inline int64_t backward_flops(int64_t in, int64_t out, int64_t batch, bool input_grad) {
  return 2 * in * out * batch + out * batch + (input_grad ? 2 * in * out * batch : 0);
}

}  // namespace ringtmp::dense
