#pragma once
// Shapes: every activation matrix is (features, batch), column-major, so one sample is one
// contiguous column and a batch of consecutive samples is a contiguous block (no copy).
#include <vector>

#include <Eigen/Core>

namespace ringtmp {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using Vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Vector>;
using ConstVectorMap = Eigen::Map<const Vector>;

// Every float buffer we own starts on Eigen's alignment. Why: Eigen's vectorised reductions
// (and small products, evaluated coefficient-wise) group their additions by the data's
// address alignment, so a buffer that lands differently from run to run would make the same
// seed give different numbers.
using FloatBuffer = std::vector<float, Eigen::aligned_allocator<float>>;

}  // namespace ringtmp
