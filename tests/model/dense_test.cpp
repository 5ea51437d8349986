// Dense layer: forward against a hand computation, backward against finite differences.
#include "core/model/dense.hpp"

#include <doctest/doctest.h>

#include "tests/model/gradcheck.hpp"

using namespace ringtmp;
using ringtmp::testing::check_gradient;
using ringtmp::testing::probe;
using ringtmp::testing::random_matrix;

TEST_CASE("dense forward computes W X + b column by column") {
  Matrix W(2, 3);
  W << 1, 2, 3, 4, 5, 6;
  Vector b(2);
  b << 0.5f, -1;
  Matrix X(3, 2);
  X << 1, 0, 0, 1, 1, 2;  // columns (1,0,1) and (0,1,2)
  Matrix Y(2, 2);
  dense::forward(Y, X, W, b);
  CHECK(Y(0, 0) == doctest::Approx(1 + 3 + 0.5));
  CHECK(Y(1, 0) == doctest::Approx(4 + 6 - 1));
  CHECK(Y(0, 1) == doctest::Approx(2 + 6 + 0.5));
  CHECK(Y(1, 1) == doctest::Approx(5 + 12 - 1));
}

TEST_CASE("dense backward matches finite differences for W, b and X") {
  Rng rng(7);
  const int in = 5, out = 4, batch = 3;
  Matrix W = random_matrix(out, in, rng), X = random_matrix(in, batch, rng);
  Vector b = random_matrix(out, 1, rng);
  const Matrix R = random_matrix(out, batch, rng);
  auto f = [&] {
    Matrix Y(out, batch);
    dense::forward(Y, X, W, b);
    return probe(R, Y);
  };
  Matrix dW = Matrix::Zero(out, in), dX(in, batch);
  Vector db = Vector::Zero(out);
  dense::backward(dW, db, R, X);
  dense::backward_input(dX, R, W);
  check_gradient(W.data(), W.size(), dW.data(), f, "dW");
  check_gradient(b.data(), b.size(), db.data(), f, "db");
  check_gradient(X.data(), X.size(), dX.data(), f, "dX");
}

TEST_CASE("dense backward accumulates parameter gradients across calls") {
  Rng rng(3);
  Matrix X = random_matrix(3, 2, rng), dY = random_matrix(2, 2, rng);
  Matrix dW = Matrix::Zero(2, 3);
  Vector db = Vector::Zero(2);
  dense::backward(dW, db, dY, X);
  const Matrix once = dW;
  dense::backward(dW, db, dY, X);
  CHECK((dW - 2 * once).norm() < 1e-5);
}

TEST_CASE("dense flop counts are 2*in*out per sample plus bias, backward twice that with dX") {
  CHECK(dense::forward_flops(784, 256, 64) == 2 * 784 * 256 * 64 + 256 * 64);
  CHECK(dense::backward_flops(784, 256, 64, false) == 2 * 784 * 256 * 64 + 256 * 64);
  CHECK(dense::backward_flops(784, 256, 64, true) == 4 * 784 * 256 * 64 + 256 * 64);
}
