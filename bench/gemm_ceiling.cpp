// gemm_ceiling: how fast could one training step of the model possibly go on this core?
// It times ONLY the GEMMs a step does, with the shapes Model::forward/backward give them:
// a dense layer's Y = W X, dW += dY X^T and dX = W^T dY; a conv layer's, chunk by chunk as
// conv2d.hpp cuts the batch, Y = W col, dW += dY col^T and dcol = W^T dY; no input
// gradient for the first layer. Preallocated matrices, single thread. Everything else a
// real step does (im2col, a one-channel conv computed direct, pooling, bias, activation,
// loss, SGD, shuffling) is left out, so the samples/s printed is an upper bound for
// `ringtmp train`.
//
//   gemm_ceiling [--layers 784,256,128,10 | --model lenet5 [--input 1x28x28]] [--batch 64]
//                [--seconds 2] [--caches pinned]
//
// --caches: the cache sizes Eigen blocks its products for. `pinned` (default) is what
// training uses (core/model/gemm_blocking.hpp), `detected` is Eigen's own choice on this
// CPU, `L1,L2,L3` in bytes any other: comparing them prices the pinning.
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <fmt/format.h>

#include "core/model/conv2d.hpp"
#include "core/model/conv2d_direct.hpp"
#include "core/model/gemm_blocking.hpp"
#include "core/model/model_text.hpp"
#include "core/model/tensor.hpp"

using ringtmp::Matrix;

namespace {

std::vector<int> parse_widths(const std::string& text) {
  std::vector<int> w;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) w.push_back(std::atoi(item.c_str()));
  return w;
}

// One product of a step: C = A B, C += A B^T (a weight gradient) or C = A^T B (an input
// gradient), with A, B, C of the shapes the layer gives them.
struct Product {
  enum Form { ab, abt, atb, atbt } form;
  Matrix A, B, C;
  void run() {
    if (form == ab) C.noalias() = A * B;
    else if (form == abt) C.noalias() += A * B.transpose();
    else if (form == atb) C.noalias() = A.transpose() * B;
    else C.noalias() = A.transpose() * B.transpose();
  }
  int64_t flops() const { return 2 * C.rows() * C.cols() * (form == atb || form == atbt ? A.rows() : A.cols()); }
};

// A dense layer's products on `n` samples: out x in weights; `first`: no input gradient.
void add_products(std::vector<Product>& step, int64_t out, int64_t in, int64_t n, bool first) {
  step.push_back({Product::ab, Matrix::Random(out, in), Matrix::Random(in, n), Matrix(out, n)});
  step.push_back({Product::abt, Matrix::Random(out, n), Matrix::Random(in, n), Matrix::Zero(out, in)});
  if (!first) step.push_back({Product::atb, Matrix::Random(out, in), Matrix::Random(out, n), Matrix(in, n)});
}

// A conv layer's, in the forms conv2d.hpp computes them: with few output channels the
// forward transposed (n x channels), the weight gradient always (patch x channels).
void add_conv_products(std::vector<Product>& step, int64_t channels, int64_t patch, int64_t n, bool first) {
  if (channels < ringtmp::conv2d::kFewChannels)
    step.push_back({Product::atbt, Matrix::Random(patch, n), Matrix::Random(channels, patch), Matrix(n, channels)});
  else
    step.push_back({Product::ab, Matrix::Random(channels, patch), Matrix::Random(patch, n), Matrix(channels, n)});
  step.push_back({Product::abt, Matrix::Random(patch, n), Matrix::Random(channels, n), Matrix::Zero(patch, channels)});
  if (!first) step.push_back({Product::atb, Matrix::Random(channels, patch), Matrix::Random(channels, n), Matrix(patch, n)});
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> widths{784, 256, 128, 10};
  std::string model, input = "1x28x28";
  int batch = 64;
  double seconds = 2.0;
  std::string caches = "pinned";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--layers") widths = parse_widths(value);
    else if (key == "--model") model = value;
    else if (key == "--input") input = value;
    else if (key == "--batch") batch = std::atoi(value.c_str());
    else if (key == "--seconds") seconds = std::atof(value.c_str());
    else if (key == "--caches") caches = value;
    else { fmt::print(stderr, "gemm_ceiling: unknown option {}\n", key); return 2; }
  }
  if (widths.size() < 2 || batch < 1) { fmt::print(stderr, "gemm_ceiling: bad --layers/--batch\n"); return 2; }
  std::vector<ringtmp::LayerSpec> specs = ringtmp::mlp_layers(widths, ringtmp::Activation::relu);
  if (!model.empty()) {
    auto shape = ringtmp::parse_shape(input);
    auto parsed = shape.ok() ? ringtmp::parse_model(model, *shape) : ringtmp::StatusOr<std::vector<ringtmp::LayerSpec>>(shape.status());
    if (!parsed.ok()) { fmt::print(stderr, "gemm_ceiling: {}\n", parsed.status().message()); return 2; }
    specs = std::move(*parsed);
  }
  if (caches == "pinned") {
    ringtmp::pin_gemm_blocking();
  } else if (caches != "detected") {
    const std::vector<int> bytes = parse_widths(caches);
    if (bytes.size() != 3 || bytes[0] < 1024 || bytes[1] < bytes[0] || bytes[2] < 0) {
      fmt::print(stderr, "gemm_ceiling: bad --caches {} (pinned, detected or L1,L2,L3 bytes)\n", caches);
      return 2;
    }
    Eigen::setCpuCacheSizes(bytes[0], bytes[1], bytes[2]);
  }
  Eigen::setNbThreads(1);  // the model trains on one thread; a no-op unless built with OpenMP

  // Random contents: zeros could let a future Eigen/BLAS take shortcuts; values stay finite
  // because dW only grows linearly with repetitions.
  std::vector<Product> products;
  for (size_t l = 0; l < specs.size(); ++l) {
    const auto& spec = specs[l];
    if (std::holds_alternative<ringtmp::layer::Dense>(spec.kind)) {
      add_products(products, spec.out_features(), spec.in_features(), batch, l == 0);
    } else if (const auto* conv = std::get_if<ringtmp::layer::Conv2d>(&spec.kind)) {
      const ringtmp::conv2d::Geometry g{spec.in, spec.out, conv->kernel, conv->stride, conv->pad};
      if (ringtmp::conv2d::direct::applies(g)) {  // no GEMM: the bound leaves it out
        fmt::print("gemm_ceiling: layer {} ({}) runs direct, not as GEMMs: not timed\n", l, ringtmp::layer_text(spec));
        continue;
      }
      const int chunk = ringtmp::conv2d::chunk_samples(g, batch);
      for (int s0 = 0; s0 < batch; s0 += chunk)
        add_conv_products(products, spec.out.c, g.patch(), g.pixels() * std::min(chunk, batch - s0), l == 0);
    }
  }
  int64_t flops_per_step = 0;
  for (const auto& p : products) flops_per_step += p.flops();
  const int64_t flops_per_sample = flops_per_step / batch;
  auto step = [&] {
    for (auto& p : products) p.run();
  };

  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 10; ++i) step();  // warm caches and Eigen's blocking buffers
  int64_t steps = 0;
  const auto t0 = Clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds) {
    for (int i = 0; i < 16; ++i) step();  // check the clock rarely: tiny steps at small widths
    steps += 16;
    elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  const double samples_per_second = double(steps) * batch / elapsed;
  const double gflops = samples_per_second * double(flops_per_sample) * 1e-9;
  fmt::print("gemm_ceiling: batch {}, {} steps in {:.2f} s, {} flops/sample, caches {} "
             "(L1 {} L2 {} L3 {} bytes)\n", batch, steps, elapsed, flops_per_sample, caches,
             Eigen::l1CacheSize(), Eigen::l2CacheSize(), Eigen::l3CacheSize());
  fmt::print("gflops {:.2f}\nsamples_per_second {:.0f}\n", gflops, samples_per_second);
  return 0;
}
