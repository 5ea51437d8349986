// ReLU and tanh: forward values, and backward (computed from the output alone) against
// finite differences of the forward.
#include "core/model/activation.hpp"

#include <doctest/doctest.h>

#include "tests/model/gradcheck.hpp"

using namespace ringtmp;
using ringtmp::testing::check_gradient;
using ringtmp::testing::probe;
using ringtmp::testing::random_matrix;

namespace {

void check_activation(Activation a) {
  Rng rng(11);
  Matrix Z = random_matrix(6, 4, rng);
  // Keep ReLU inputs away from the kink, where the derivative is undefined.
  for (Eigen::Index i = 0; i < Z.size(); ++i)
    if (std::abs(Z.data()[i]) < 0.05f) Z.data()[i] = 0.3f;
  const Matrix R = random_matrix(6, 4, rng);
  auto f = [&] {
    Matrix A = Z;
    activation_forward(a, A);
    return probe(R, A);
  };
  Matrix A = Z;
  activation_forward(a, A);
  Matrix dZ = R;
  activation_backward(a, dZ, A);
  check_gradient(Z.data(), Z.size(), dZ.data(), f, std::string(to_string(a)).c_str());
}

}  // namespace

TEST_CASE("relu forward clamps negatives, keeps positives") {
  Matrix A(1, 3);
  A << -1, 0, 2;
  relu::forward(A);
  CHECK(A(0, 0) == 0);
  CHECK(A(0, 1) == 0);
  CHECK(A(0, 2) == 2);
}

TEST_CASE("tanh forward matches std::tanh") {
  Matrix A(1, 2);
  A << -0.5f, 1.5f;
  tanh_act::forward(A);
  CHECK(A(0, 0) == doctest::Approx(std::tanh(-0.5)));
  CHECK(A(0, 1) == doctest::Approx(std::tanh(1.5)));
}

TEST_CASE("relu backward matches finite differences") { check_activation(Activation::relu); }
TEST_CASE("tanh backward matches finite differences") { check_activation(Activation::tanh); }
