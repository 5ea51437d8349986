#pragma once
// Shapes: every activation matrix is (features, batch), column-major, so one sample is one
// contiguous column and a batch of consecutive samples is a contiguous block (no copy).
#include <Eigen/Core>

namespace ringtmp {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Vector>;
using ConstVectorMap = Eigen::Map<const Vector>;

}  // namespace ringtmp
