// gemm_ceiling: how fast could one training step of the MLP possibly go on this core?
// It times ONLY the GEMMs a step does (forward Y = W X, backward dW += dY X^T and
// dX = W^T dY, no dX for the first layer, as Model::backward) on preallocated matrices,
// single thread. Everything else a real step does (bias, activation, loss, SGD, shuffling)
// is left out, so the samples/s printed is an upper bound for `ringtmp train`.
//
//   gemm_ceiling [--layers 784,256,128,10] [--batch 64] [--seconds 2] [--caches pinned]
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

#include "core/model/gemm_blocking.hpp"
#include "core/model/tensor.hpp"

using ringtmp::Matrix;

namespace {

std::vector<int> parse_widths(const std::string& text) {
  std::vector<int> w;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) w.push_back(std::atoi(item.c_str()));
  return w;
}

struct Layer {
  Matrix W, dW, Y, dY, dX;  // dX empty for the first layer
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> widths{784, 256, 128, 10};
  int batch = 64;
  double seconds = 2.0;
  std::string caches = "pinned";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--layers") widths = parse_widths(value);
    else if (key == "--batch") batch = std::atoi(value.c_str());
    else if (key == "--seconds") seconds = std::atof(value.c_str());
    else if (key == "--caches") caches = value;
    else { fmt::print(stderr, "gemm_ceiling: unknown option {}\n", key); return 2; }
  }
  if (widths.size() < 2 || batch < 1) { fmt::print(stderr, "gemm_ceiling: bad --layers/--batch\n"); return 2; }
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
  const Matrix X0 = Matrix::Random(widths[0], batch);
  std::vector<Layer> layers;
  int64_t flops_per_sample = 0;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    const int in = widths[l], out = widths[l + 1];
    Layer L{Matrix::Random(out, in), Matrix::Zero(out, in), Matrix(out, batch),
            Matrix::Random(out, batch), l == 0 ? Matrix() : Matrix(in, batch)};
    layers.push_back(std::move(L));
    flops_per_sample += 2 * int64_t(in) * out * (l == 0 ? 2 : 3);
  }

  auto step = [&] {
    for (size_t l = 0; l < layers.size(); ++l) {
      const Matrix& X = l == 0 ? X0 : layers[l - 1].Y;
      layers[l].Y.noalias() = layers[l].W * X;
    }
    for (size_t l = layers.size(); l-- > 0;) {
      Layer& L = layers[l];
      const Matrix& X = l == 0 ? X0 : layers[l - 1].Y;
      L.dW.noalias() += L.dY * X.transpose();
      if (l > 0) L.dX.noalias() = L.W.transpose() * L.dY;
    }
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
