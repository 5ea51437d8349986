// The model: one flat buffer, gradients of the whole stack against finite differences,
// stage initialisation equal to the whole model's, counted flops, weight stashing.
#include "core/model/model.hpp"

#include <vector>

#include <doctest/doctest.h>

#include "core/model/loss.hpp"
#include "core/model/model_text.hpp"
#include "tests/model/gradcheck.hpp"

using namespace ringtmp;
using ringtmp::testing::check_gradient;
using ringtmp::testing::random_matrix;

namespace {
const std::vector<int> kWidths = {6, 5, 4, 3};
}

TEST_CASE("parameters live in one flat buffer, layer after layer") {
  Model m(mlp_layers(kWidths, Activation::relu));
  CHECK(m.params().size() == size_t(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3));
  CHECK(m.grads().size() == m.params().size());
  CHECK(m.param_offset(0) == 0);
  CHECK(m.param_offset(1) == 35);
  CHECK(m.param_offset(2) == 59);
  CHECK(m.layers().back().activation == Activation::none);
}

TEST_CASE("whole-model gradient (parameters and input) matches finite differences") {
  for (Activation act : {Activation::relu, Activation::tanh}) {
    CAPTURE(to_string(act));
    Model m(mlp_layers(kWidths, act));
    m.init(3);
    Rng rng(9);
    Matrix X = random_matrix(6, 4, rng);
    const std::vector<int32_t> labels = {0, 2, 1, 2};
    auto loss = [&] {
      ForwardStash s;
      return softmax_cross_entropy(m.forward(s, X.data(), 4), labels, 0.0f, nullptr);
    };
    ForwardStash stash;
    Matrix d;
    softmax_cross_entropy(m.forward(stash, X.data(), 4), labels, 1.0f, &d);
    m.zero_grads();
    Matrix dX(6, 4);
    m.backward(stash, d.data(), dX.data());
    const std::vector<float> grads(m.grads().begin(), m.grads().end());
    check_gradient(m.params().data(), m.params().size(), grads.data(), loss, "dparams");
    check_gradient(X.data(), X.size(), dX.data(), loss, "dinput");
  }
}

TEST_CASE("a whole CNN's gradient (parameters and input) matches finite differences") {
  // Every kind and both activations: conv with padding, max pooling, a strided conv, an
  // overlapping average pool, flatten, dense.
  auto layers = parse_model("conv(3,3,pad=1),relu,maxpool(2),conv(4,3,stride=2,pad=1),tanh,avgpool(2,stride=1),"
                            "flatten,dense(5),tanh,dense(3)", Shape{2, 8, 8});
  REQUIRE(layers.ok());
  Model m(*layers);
  m.init(5);
  Rng rng(6);
  Matrix X = random_matrix(m.input_width(), 3, rng);
  const std::vector<int32_t> labels = {2, 0, 1};
  auto loss = [&] {
    ForwardStash s;
    return softmax_cross_entropy(m.forward(s, X.data(), 3), labels, 0.0f, nullptr);
  };
  ForwardStash stash;
  Matrix d;
  softmax_cross_entropy(m.forward(stash, X.data(), 3), labels, 1.0f, &d);
  m.zero_grads();
  Matrix dX(m.input_width(), 3);
  m.backward(stash, d.data(), dX.data());
  const std::vector<float> grads(m.grads().begin(), m.grads().end());
  check_gradient(m.params().data(), m.params().size(), grads.data(), loss, "dparams");
  check_gradient(X.data(), X.size(), dX.data(), loss, "dinput");
}

TEST_CASE("a CNN stage initialises exactly the values the whole CNN holds in its layers") {
  auto layers = parse_model("lenet5", Shape{1, 28, 28});
  REQUIRE(layers.ok());
  Model whole(*layers);
  whole.init(42);
  Model stage({layers->begin() + 2, layers->end()}, /*first_layer=*/2);
  stage.init(42);
  const auto w = whole.params().subspan(whole.param_offset(2));
  REQUIRE(w.size() == stage.params().size());
  CHECK(std::equal(w.begin(), w.end(), stage.params().begin()));
  // And the forward of the two stages in a row is the whole model's.
  Model head({layers->begin(), layers->begin() + 2}, 0);
  head.init(42);
  Rng rng(1);
  const Matrix X = random_matrix(784, 4, rng);
  ForwardStash a, b, c;
  const Matrix& y_whole = whole.forward(a, X.data(), 4);
  const Matrix& mid = head.forward(b, X.data(), 4);
  const Matrix& y_split = stage.forward(c, mid.data(), 4);
  CHECK((y_whole - y_split).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("a threaded model computes what one thread does, and the same bits every time") {
  auto layers = parse_model("conv(3,3,pad=1),relu,maxpool(2),conv(4,3),tanh,flatten,dense(6),relu,dense(3)", Shape{2, 8, 8});
  REQUIRE(layers.ok());
  // Batches of 7 (ranges of 2, 2, 3) and 2 (fewer samples than threads: empty ranges).
  for (int batch : {7, 2}) {
    CAPTURE(batch);
    Rng rng(4);
    const Matrix X = random_matrix(128, batch, rng);
    std::vector<int32_t> labels(static_cast<size_t>(batch), 0);
    for (int i = 0; i < batch; ++i) labels[size_t(i)] = i % 3;
    auto step = [&](int threads, Matrix& logits, std::vector<float>& grads, Matrix& dX) {
      Model m(*layers, 0, Storage::values, threads);
      m.init(8);
      ForwardStash stash;
      logits = m.forward(stash, X.data(), batch);
      Matrix d;
      softmax_cross_entropy(logits, labels, 1.0f, &d);
      m.zero_grads();
      dX.resize(128, batch);
      m.backward(stash, d.data(), dX.data());
      grads.assign(m.grads().begin(), m.grads().end());
    };
    Matrix y1, y3, y3b, dx1, dx3, dx3b;
    std::vector<float> g1, g3, g3b;
    step(1, y1, g1, dx1);
    step(3, y3, g3, dx3);
    step(3, y3b, g3b, dx3b);
    CHECK((y1 - y3).cwiseAbs().maxCoeff() <= 1e-6f);
    CHECK((dx1 - dx3).cwiseAbs().maxCoeff() <= 1e-6f);
    double worst = 0;
    for (size_t i = 0; i < g1.size(); ++i) worst = std::max(worst, double(std::abs(g1[i] - g3[i])));
    CHECK(worst <= 1e-5);
    CHECK(y3 == y3b);  // run to run, bit for bit
    CHECK(g3 == g3b);
    CHECK(dx3 == dx3b);
  }
}

TEST_CASE("a threaded model's workspace is counted: per thread, plus its gradient buffers") {
  auto layers = parse_model("lenet5", Shape{1, 28, 28});
  REQUIRE(layers.ok());
  const Model one(*layers, 0, Storage::shapes_only, 1), four(*layers, 0, Storage::shapes_only, 4);
  CHECK(four.backward_workspace_bytes(64) > one.backward_workspace_bytes(64));
}

TEST_CASE("a stage initialises exactly the values the whole model holds in its layers") {
  const auto layers = mlp_layers(kWidths, Activation::relu);
  Model whole(layers);
  whole.init(42);
  Model stage({layers.begin() + 1, layers.end()}, /*first_layer=*/1);
  stage.init(42);
  const auto w = whole.params().subspan(whole.param_offset(1));
  REQUIRE(w.size() == stage.params().size());
  CHECK(std::equal(w.begin(), w.end(), stage.params().begin()));
}

TEST_CASE("init depends on the seed and scales by fan-in") {
  Model a(mlp_layers(std::vector<int>{400, 300, 10}, Activation::relu)), b = a;
  a.init(1);
  b.init(2);
  CHECK(!std::equal(a.params().begin(), a.params().end(), b.params().begin()));
  // He-normal: the first layer's weights have variance 2/400.
  const auto w = a.params().first(400 * 300);
  double sq = 0;
  for (float v : w) sq += double(v) * v;
  CHECK(sq / w.size() == doctest::Approx(2.0 / 400).epsilon(0.05));
}

TEST_CASE("counted flops add up the layers' analytic figures") {
  Model m(mlp_layers(std::vector<int>{784, 256, 128, 10}, Activation::relu));
  const int64_t B = 64;
  const int64_t dense_fwd = 2 * B * (784 * 256 + 256 * 128 + 128 * 10) + B * (256 + 128 + 10);
  const int64_t relu = B * (256 + 128);
  CHECK(m.forward_flops(B) == dense_fwd + relu);
  // Backward: dW and db everywhere, dX everywhere but the first layer (unless asked).
  CHECK(m.backward_flops(B, false) == dense_fwd + relu + 2 * B * (256 * 128 + 128 * 10));
  CHECK(m.backward_flops(B, true) == m.backward_flops(B, false) + 2 * B * 784 * 256);
}

TEST_CASE("backward against stashed weights uses those weights for the input gradient") {
  Model m(mlp_layers(std::vector<int>{3, 2}, Activation::none));
  m.init(5);
  const std::vector<float> stashed(m.params().begin(), m.params().end());
  Matrix X = Matrix::Ones(3, 1);
  ForwardStash s;
  m.forward(s, X.data(), 1);
  for (float& p : m.params()) p += 1.0f;  // an update lands between forward and backward
  Matrix d1 = Matrix::Ones(2, 1), d2 = d1;
  Matrix dx_stashed(3, 1), dx_current(3, 1);
  m.backward(s, d1.data(), dx_stashed.data(), stashed.data());
  m.backward(s, d2.data(), dx_current.data());
  // dX = W^T dY: with the stashed weights, dX differs by the +1 added to each weight (2 rows).
  CHECK((dx_current - dx_stashed).isApprox(Matrix::Constant(3, 1, 2.0f)));
}

TEST_CASE("the stash accounts its bytes") {
  Model m(mlp_layers(kWidths, Activation::relu));
  Matrix X = Matrix::Zero(6, 8);
  ForwardStash s;
  m.forward(s, X.data(), 8);
  CHECK(s.bytes() == int64_t(sizeof(float)) * 8 * (5 + 4 + 3));
}
