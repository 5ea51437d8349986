// Softmax cross-entropy: a known value, the gradient against finite differences, the
// gradient scale, and stability with large logits.
#include "core/model/loss.hpp"

#include <cmath>
#include <vector>

#include <doctest/doctest.h>

#include "tests/model/gradcheck.hpp"

using namespace ringtmp;
using ringtmp::testing::check_gradient;
using ringtmp::testing::random_matrix;

TEST_CASE("uniform logits cost log(classes) per sample") {
  Matrix logits = Matrix::Zero(4, 3);
  const std::vector<int32_t> labels = {0, 1, 3};
  CHECK(softmax_cross_entropy(logits, labels, 1.0f, nullptr) == doctest::Approx(3 * std::log(4.0)));
}

TEST_CASE("loss gradient matches finite differences and scales with grad_scale") {
  Rng rng(5);
  Matrix logits = random_matrix(5, 4, rng, 2.0f);
  const std::vector<int32_t> labels = {4, 0, 2, 2};
  Matrix d;
  softmax_cross_entropy(logits, labels, 1.0f, &d);
  auto f = [&] { return softmax_cross_entropy(logits, labels, 0.0f, nullptr); };
  check_gradient(logits.data(), logits.size(), d.data(), f, "dlogits");

  Matrix d_scaled;
  softmax_cross_entropy(logits, labels, 0.25f, &d_scaled);
  CHECK((d_scaled - 0.25f * d).norm() < 1e-6);
}

TEST_CASE("large logits neither overflow nor lose the answer") {
  Matrix logits(2, 1);
  logits << 1000.0f, 0.0f;
  const std::vector<int32_t> label = {1};
  Matrix d;
  const double loss = softmax_cross_entropy(logits, label, 1.0f, &d);
  CHECK(std::isfinite(loss));
  CHECK(loss == doctest::Approx(1000.0));
  CHECK(d(1, 0) == doctest::Approx(-1.0));
}

TEST_CASE("count_correct counts arg-max hits") {
  Matrix logits(3, 2);
  logits << 0, 5, 9, 0, 1, 1;  // columns: argmax 1, argmax 0
  const std::vector<int32_t> labels = {1, 2};
  CHECK(count_correct(logits, labels) == 1);
}
