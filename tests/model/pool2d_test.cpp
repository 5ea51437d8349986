// Max and average pooling: shapes, forward by hand, backward against finite differences
// (overlapping windows, odd sizes), and where a tie's gradient goes.
#include "core/model/pool2d.hpp"

#include <numeric>

#include <doctest/doctest.h>

#include "core/model/layer_spec.hpp"
#include "tests/model/layer_check.hpp"

using namespace ringtmp;
using ringtmp::testing::check_layer_gradients;
using ringtmp::testing::layer_output;

namespace {
template <class Kind>
LayerSpec pool(Shape in, int kernel, int stride) {
  auto l = make_layer(Kind{kernel, stride}, in, Activation::none);
  REQUIRE(l.ok());
  return *l;
}
}  // namespace

TEST_CASE("pooling shapes: floor mode, channels kept") {
  CHECK(pool<layer::MaxPool2d>({6, 28, 28}, 2, 2).out == Shape{6, 14, 14});
  CHECK(pool<layer::MaxPool2d>({3, 7, 7}, 2, 2).out == Shape{3, 3, 3});  // the last row and column unused
  CHECK(pool<layer::AvgPool2d>({2, 5, 4}, 3, 1).out == Shape{2, 3, 2});
  CHECK(!make_layer(layer::MaxPool2d{4, 4}, {1, 3, 8}, Activation::none).ok());
  CHECK(layer_param_count(pool<layer::MaxPool2d>({6, 28, 28}, 2, 2)) == 0);
}

TEST_CASE("pooling forward by hand, two channels interleaved") {
  // One 2x4 image of 2 channels, channels-last: channel 0 = 1..8, channel 1 = -(1..8).
  Matrix X(16, 1);
  for (int i = 0; i < 8; ++i) X(2 * i, 0) = float(i + 1), X(2 * i + 1, 0) = -float(i + 1);
  const Matrix mx = layer_output(pool<layer::MaxPool2d>({2, 2, 4}, 2, 2), X, {});
  REQUIRE(mx.rows() == 4);
  CHECK(mx(0, 0) == 6);   // max(1, 2, 5, 6)
  CHECK(mx(1, 0) == -1);  // max(-1, -2, -5, -6)
  CHECK(mx(2, 0) == 8);
  CHECK(mx(3, 0) == -3);
  const Matrix av = layer_output(pool<layer::AvgPool2d>({2, 2, 4}, 2, 2), X, {});
  CHECK(av(0, 0) == doctest::Approx(3.5));
  CHECK(av(3, 0) == doctest::Approx(-5.5));
}

TEST_CASE("pooling backward matches finite differences") {
  check_layer_gradients(pool<layer::MaxPool2d>({3, 7, 7}, 2, 2), 2, 21);
  check_layer_gradients(pool<layer::MaxPool2d>({2, 5, 6}, 3, 1), 2, 22);  // overlapping windows
  check_layer_gradients(pool<layer::AvgPool2d>({3, 7, 7}, 2, 2), 2, 23);
  check_layer_gradients(pool<layer::AvgPool2d>({2, 5, 6}, 3, 2), 3, 24);  // overlapping, odd
}

TEST_CASE("a max-pooling tie sends the whole gradient to the first maximum") {
  const LayerSpec l = pool<layer::MaxPool2d>({1, 2, 2}, 2, 2);
  Matrix X = Matrix::Constant(4, 1, 3.0f);
  Matrix dY = Matrix::Constant(1, 1, 5.0f), dX(4, 1);
  layer_backward(l, {l.in, l.out, 1, nullptr}, dX.data(), nullptr, dY.data(), X.data(), nullptr);
  CHECK(dX(0, 0) == 5.0f);
  CHECK(dX(1, 0) == 0.0f);
  CHECK(dX(2, 0) == 0.0f);
  CHECK(dX(3, 0) == 0.0f);
  // A tie between the second and fourth pixels: the second (row-major first) takes it.
  X << 1, 4, 2, 4;
  layer_backward(l, {l.in, l.out, 1, nullptr}, dX.data(), nullptr, dY.data(), X.data(), nullptr);
  CHECK(dX(1, 0) == 5.0f);
  CHECK(dX.sum() == 5.0f);
}

TEST_CASE("flatten keeps the bytes and passes the gradient through") {
  auto l = make_layer(layer::Flatten{}, {3, 2, 2}, Activation::none);
  REQUIRE(l.ok());
  CHECK(l->out == Shape{12, 1, 1});
  check_layer_gradients(*l, 2, 31);
}
