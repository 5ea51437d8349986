// Portable determinism: whatever cache sizes Eigen detects on the host, training through the
// normal entry point gives the same bits, because Model pins the GEMM blocking. The control
// case shows the same products do differ with those cache sizes when nothing pins them, so
// the main case would fail without the pinning.
#include "core/model/gemm_blocking.hpp"

#include <cstddef>
#include <vector>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/model/rng.hpp"
#include "core/strategy/local.hpp"

using namespace ringtmp;

namespace {

// Cache sizes Eigen detects on real hosts: a 32 KiB-L1 x86 (Intel client, AMD Zen 2/3), a
// 48 KiB-L1 one (Intel Ice Lake and later server parts), and Eigen's fallback on aarch64.
struct CacheSizes {
  std::ptrdiff_t l1, l2, l3;
};
const CacheSizes kHosts[] = {
    {32 * 1024, 256 * 1024, 8 * 1024 * 1024},
    {48 * 1024, 2 * 1024 * 1024, 36 * 1024 * 1024},
    {16 * 1024, 512 * 1024, 512 * 1024},
};

// The first layer's k = 784 is deeper than one L1 block at every size above, and the blocks
// differ (kc = 264, 400 and 136 floats with AVX2), so its sums group differently.
const std::vector<int> kLayers = {784, 64, 10};
constexpr int kBatch = 32;

Matrix random_matrix(int rows, int cols, uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(-1.0f, 1.0f);
  return m;
}

std::vector<double> loss_trace() {
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = kLayers;
  c.batch = kBatch;
  c.lr = 0.05f;
  c.iterations = 4;
  c.seed = 3;
  const DataSplit data =
      make_synthetic({.features = kLayers.front(), .classes = kLayers.back(),
                      .train_samples = 256, .test_samples = 64});
  auto r = run_local(c, data);
  REQUIRE(r.ok());
  std::vector<double> losses;
  for (const auto& it : r->trace) losses.push_back(it.loss);
  return losses;
}

}  // namespace

// x86-64 only: there the three blockings give three sets of bits. With aarch64's NEON
// kernels (checked under qemu, scripts/cross-arm64.sh) they give the same bits for this
// product, so the control has nothing to show; the pinned case below runs everywhere.
#if defined(__x86_64__)
TEST_CASE("control: unpinned, the detected cache sizes change the bits of the first layer's product") {
  const Matrix W = random_matrix(kLayers[1], kLayers[0], 1);  // (64, 784)
  const Matrix X = random_matrix(kLayers[0], kBatch, 2);      // (784, 32)
  std::vector<Matrix> products;
  for (const auto& host : kHosts) {
    Eigen::setCpuCacheSizes(host.l1, host.l2, host.l3);
    Matrix Y(W.rows(), X.cols());
    Y.noalias() = W * X;
    products.push_back(Y);
  }
  pin_gemm_blocking();  // leave the process as every other test expects it
  for (size_t h = 1; h < products.size(); ++h) {
    CAPTURE(h);
    CHECK(products[h] != products[0]);
  }
}
#endif

TEST_CASE("training gives bit-identical loss traces whatever cache sizes Eigen detects") {
  std::vector<std::vector<double>> traces;
  for (const auto& host : kHosts) {
    Eigen::setCpuCacheSizes(host.l1, host.l2, host.l3);  // as if detected on that host
    traces.push_back(loss_trace());
    CHECK(Eigen::l1CacheSize() == kGemmL1Bytes);  // the run pinned it
  }
  REQUIRE(traces[0].size() == 4);
  for (size_t h = 1; h < traces.size(); ++h) {
    CAPTURE(h);
    CHECK(traces[h] == traces[0]);  // exact: not a tolerance
  }
}
