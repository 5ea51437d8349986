// SGD: plain, momentum and weight decay updates against hand-computed values
// (PyTorch's convention: v = mu v + g + wd w; w -= lr v).
#include "core/model/sgd.hpp"

#include <vector>

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("plain SGD steps against the gradient") {
  std::vector<float> w = {1, 2}, g = {0.5f, -1};
  Sgd sgd({.lr = 0.1f}, w.size());
  sgd.step(w, g);
  CHECK(w[0] == doctest::Approx(0.95));
  CHECK(w[1] == doctest::Approx(2.1));
  CHECK(sgd.state_bytes() == 0);
}

TEST_CASE("momentum accumulates velocity, weight decay pulls towards zero") {
  std::vector<float> w = {1}, g = {1};
  Sgd sgd({.lr = 0.1f, .momentum = 0.9f, .weight_decay = 0.5f}, 1);
  sgd.step(w, g);  // v = 1 + 0.5*1 = 1.5; w = 1 - 0.15 = 0.85
  CHECK(w[0] == doctest::Approx(0.85));
  sgd.step(w, g);  // v = 0.9*1.5 + 1 + 0.425 = 2.775; w = 0.85 - 0.2775
  CHECK(w[0] == doctest::Approx(0.5725));
  CHECK(sgd.state_bytes() == int64_t(sizeof(float)));
}
