#pragma once
// Checks one layer through the layer table (core/model/layer_spec.hpp) against finite
// differences: the gradient of <R, Y(X, params)> w.r.t. X and every parameter, with Y the
// layer's output before its activation.
#include <vector>

#include <doctest/doctest.h>

#include "core/model/layer_spec.hpp"
#include "tests/model/gradcheck.hpp"

namespace ringtmp::testing {

inline Matrix layer_output(const LayerSpec& l, const Matrix& X, const std::vector<float>& params) {
  FloatBuffer work(size_t(layer_workspace_floats(l, int(X.cols()))));
  Matrix Y(l.out_features(), X.cols());
  layer_forward(l, {l.in, l.out, int(X.cols()), work.data()}, Y.data(), X.data(), params.data());
  return Y;
}

inline void check_layer_gradients(const LayerSpec& l, int batch, uint64_t seed) {
  Rng rng(seed);
  Matrix X = random_matrix(l.in_features(), batch, rng);
  std::vector<float> params(size_t(layer_param_count(l)));
  for (float& p : params) p = 0.5f * rng.normal();
  const Matrix R = random_matrix(l.out_features(), batch, rng);
  auto f = [&] { return probe(R, layer_output(l, X, params)); };

  FloatBuffer work(size_t(layer_workspace_floats(l, batch)));
  std::vector<float> grads(params.size(), 0.0f);
  Matrix dX(l.in_features(), batch);
  Matrix dY = R;
  layer_backward(l, {l.in, l.out, batch, work.data()}, dX.data(), grads.data(), dY.data(), X.data(), params.data());
  check_gradient(params.data(), params.size(), grads.data(), f, "dparams");
  check_gradient(X.data(), size_t(X.size()), dX.data(), f, "dinput");
}

}  // namespace ringtmp::testing
