#pragma once
// Finite-difference gradient checking shared by the layer tests: central differences of a
// scalar function of a float buffer, compared with an analytic gradient.
#include <cmath>
#include <functional>

#include <doctest/doctest.h>

#include "core/model/rng.hpp"
#include "core/model/tensor.hpp"

namespace ringtmp::testing {

inline Matrix random_matrix(int rows, int cols, Rng& rng, float scale = 1.0f) {
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = scale * rng.normal();
  return m;
}

// Checks d f / d x[i] == analytic[i] for every i, by central differences. float32 numerics:
// eps 1e-3 and a relative tolerance of 1e-2 (with an absolute floor) separate a right
// gradient (errors ~1e-4) from a wrong one (errors ~1).
inline void check_gradient(float* x, size_t n, const float* analytic,
                           const std::function<double()>& f, const char* what) {
  constexpr float eps = 1e-3f;
  for (size_t i = 0; i < n; ++i) {
    const float saved = x[i];
    x[i] = saved + eps;
    const double up = f();
    x[i] = saved - eps;
    const double down = f();
    x[i] = saved;
    const double numeric = (up - down) / (2.0 * eps);
    const double tol = 1e-2 * std::max(1.0, std::abs(numeric));
    INFO(what, "[", i, "] numeric ", numeric, " analytic ", analytic[i]);
    CHECK(std::abs(numeric - analytic[i]) <= tol);
  }
}

// <R, Y>: a scalar whose gradient w.r.t. Y is R, used to probe one layer in isolation.
inline double probe(const Matrix& R, const Matrix& Y) { return (R.cast<double>().array() * Y.cast<double>().array()).sum(); }

}  // namespace ringtmp::testing
