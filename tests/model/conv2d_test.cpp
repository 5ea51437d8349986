// Conv2d: forward against the textbook sum, backward against finite differences over
// strides, paddings and odd sizes (im2col and the one-channel direct path), and chunked
// im2col equal to one sample at a time.
#include "core/model/conv2d.hpp"

#include <doctest/doctest.h>

#include "core/model/layer_spec.hpp"
#include "tests/model/layer_check.hpp"

using namespace ringtmp;
using ringtmp::testing::check_layer_gradients;
using ringtmp::testing::layer_output;
using ringtmp::testing::random_matrix;

namespace {

LayerSpec conv(Shape in, int channels, int kernel, int stride, int pad) {
  auto l = make_layer(layer::Conv2d{channels, kernel, stride, pad}, in, Activation::none);
  REQUIRE(l.ok());
  return *l;
}

// The textbook sum, in double, channels-last: y[s][oy][ox][co] = b[co] + sum over ky, kx, ci.
Matrix direct_conv(const LayerSpec& l, const Matrix& X, const std::vector<float>& p) {
  const auto& k = std::get<layer::Conv2d>(l.kind);
  const Shape in = l.in, out = l.out;
  const float* bias = p.data() + layer_weight_count(l);
  Matrix Y(l.out_features(), X.cols());
  for (Eigen::Index s = 0; s < X.cols(); ++s)
    for (int oy = 0; oy < out.h; ++oy)
      for (int ox = 0; ox < out.w; ++ox)
        for (int co = 0; co < out.c; ++co) {
          double sum = bias[co];
          for (int ky = 0; ky < k.kernel; ++ky)
            for (int kx = 0; kx < k.kernel; ++kx) {
              const int iy = oy * k.stride - k.pad + ky, ix = ox * k.stride - k.pad + kx;
              if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
              for (int ci = 0; ci < in.c; ++ci)
                sum += double(p[size_t(co) + size_t(out.c) * ((ky * k.kernel + kx) * in.c + ci)]) *
                       X((iy * in.w + ix) * in.c + ci, s);
            }
          Y((oy * out.w + ox) * out.c + co, s) = float(sum);
        }
  return Y;
}

}  // namespace

TEST_CASE("conv output shapes follow (in + 2 pad - kernel) / stride + 1") {
  CHECK(conv({1, 28, 28}, 6, 5, 1, 2).out == Shape{6, 28, 28});
  CHECK(conv({6, 14, 14}, 16, 5, 1, 0).out == Shape{16, 10, 10});
  CHECK(conv({3, 7, 6}, 4, 3, 2, 1).out == Shape{4, 4, 3});
  CHECK(!make_layer(layer::Conv2d{4, 5, 1, 0}, {1, 4, 4}, Activation::none).ok());   // does not fit
  CHECK(!make_layer(layer::Conv2d{4, 3, 1, 3}, {1, 8, 8}, Activation::none).ok());   // pad >= kernel
  CHECK(!make_layer(layer::Conv2d{0, 3, 1, 0}, {1, 8, 8}, Activation::none).ok());   // no channels
  CHECK(layer_param_count(conv({3, 8, 8}, 4, 3, 1, 1)) == 4 * 3 * 3 * 3 + 4);
}

TEST_CASE("conv forward equals the direct convolution (stride, padding, odd sizes)") {
  for (auto [in, ch, k, s, p] : {std::tuple{Shape{3, 7, 6}, 4, 3, 2, 1}, std::tuple{Shape{2, 5, 5}, 3, 5, 1, 2},
                                 std::tuple{Shape{1, 9, 7}, 2, 2, 3, 0}, std::tuple{Shape{5, 3, 3}, 1, 1, 1, 0},
                                 // one channel at stride 1: the direct path (conv2d_direct.hpp)
                                 std::tuple{Shape{1, 9, 7}, 3, 5, 1, 2}, std::tuple{Shape{1, 6, 5}, 2, 3, 1, 0},
                                 // its blocks: 6 channels + a tail, rows of 2 vectors + 1, 5 taps + 2
                                 std::tuple{Shape{1, 21, 19}, 8, 7, 1, 3}, std::tuple{Shape{1, 4, 18}, 13, 1, 1, 0}}) {
    const LayerSpec l = conv(in, ch, k, s, p);
    CAPTURE(layer_text(l));
    Rng rng(5);
    const Matrix X = random_matrix(l.in_features(), 3, rng);
    std::vector<float> params(size_t(layer_param_count(l)));
    for (float& v : params) v = rng.normal();
    const Matrix got = layer_output(l, X, params), want = direct_conv(l, X, params);
    CHECK((got - want).cwiseAbs().maxCoeff() <= 1e-4f * std::max(1.0f, want.cwiseAbs().maxCoeff()));
  }
}

TEST_CASE("conv backward matches finite differences for weights, biases and input") {
  check_layer_gradients(conv({3, 7, 6}, 4, 3, 2, 1), 2, 11);   // stride 2 and padding
  check_layer_gradients(conv({2, 5, 5}, 3, 5, 1, 2), 2, 12);   // kernel as wide as the image
  check_layer_gradients(conv({1, 9, 7}, 2, 2, 3, 0), 3, 13);   // stride past the kernel: pixels skipped
  check_layer_gradients(conv({2, 4, 5}, 2, 3, 1, 0), 1, 14);   // odd, non-square
  check_layer_gradients(conv({1, 9, 7}, 3, 5, 1, 2), 2, 15);   // one channel, stride 1: direct
  check_layer_gradients(conv({1, 6, 5}, 2, 3, 1, 0), 3, 16);   // direct, no padding
  check_layer_gradients(conv({1, 13, 19}, 8, 7, 1, 3), 2, 17);  // direct: every block and tail
  check_layer_gradients(conv({1, 4, 18}, 7, 1, 1, 0), 2, 18);   // direct, 1x1 kernel
}

TEST_CASE("chunked im2col gives what one sample at a time gives") {
  // 16x32x32 with a 3x3 kernel: 147k floats of receptive fields per sample, 7 per chunk.
  const LayerSpec l = conv({16, 32, 32}, 8, 3, 1, 1);
  const conv2d::Geometry g{l.in, l.out, 3, 1, 1};
  REQUIRE(conv2d::chunk_samples(g, 10) < 10);
  Rng rng(3);
  const Matrix X = random_matrix(l.in_features(), 10, rng);
  std::vector<float> params(size_t(layer_param_count(l)));
  for (float& v : params) v = 0.1f * rng.normal();
  const Matrix all = layer_output(l, X, params);
  for (int s = 0; s < 10; ++s) {
    const Matrix one = layer_output(l, X.col(s), params);
    CHECK((all.col(s) - one).cwiseAbs().maxCoeff() <= 1e-5f);
  }
  // Backward: the weight gradient of ten samples is the sum of each one's.
  const Matrix dY = random_matrix(l.out_features(), 10, rng);
  FloatBuffer work(size_t(layer_workspace_floats(l, 10)));
  std::vector<float> grads(params.size(), 0.0f), each(params.size(), 0.0f);
  Matrix dX(l.in_features(), 10), dx_one(l.in_features(), 1);
  layer_backward(l, {l.in, l.out, 10, work.data()}, dX.data(), grads.data(), dY.data(), X.data(), params.data());
  for (int s = 0; s < 10; ++s) {
    const Matrix x = X.col(s), dy = dY.col(s);
    layer_backward(l, {l.in, l.out, 1, work.data()}, dx_one.data(), each.data(), dy.data(), x.data(), params.data());
    CHECK((dX.col(s) - dx_one).cwiseAbs().maxCoeff() <= 1e-4f);
  }
  double worst = 0;
  for (size_t i = 0; i < grads.size(); ++i) worst = std::max(worst, double(std::abs(grads[i] - each[i])));
  CHECK(worst <= 1e-3);
}
