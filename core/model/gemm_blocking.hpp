#pragma once
// Fixed GEMM blocking, so that the same seed gives the same bits on every x86-64-v3 host.
//
// Eigen cuts a large product into blocks sized from the CPU caches it detects at run time
// (internal::manage_caching_sizes -> computeProductBlockingSizes). The block depth kc splits
// the k-sum into partial sums, so a 48 KiB L1 (kc = 432 for float with AVX2) and a 32 KiB
// L1 (kc = 288) add the 784 terms of a first-layer product in different groups and round
// differently: the loss differs from the first iteration and drifts apart over training.
// We therefore tell Eigen the cache sizes instead of letting it ask the CPU.
//
// Why a call into Eigen's process-wide setting rather than a value we pass around: Eigen
// reads it from a function-local static inside every product and offers no per-call
// blocking; there is nothing of ours to configure. Model's constructor calls this, so every
// entry point (train, sim, node, tests, benches that build a Model) is pinned before its
// first product without having to remember. Setting the values it already holds is skipped,
// so once pinned, products running on other threads only ever read it.
//
// The values are those Eigen detects on the machine that produced results/ (48 KiB L1d,
// 1 MiB L2), so the published figures stand. For float products on one thread only L1 and
// L2 enter the blocking (L3 only as "present or not"); the L3 figure is a plausible one.
// bench/gemm_ceiling --detected-caches compares the speed against Eigen's own choice.
#include <cstddef>
#include <mutex>

#include <Eigen/Core>

namespace ringtmp {

inline constexpr std::ptrdiff_t kGemmL1Bytes = 48 * 1024;
inline constexpr std::ptrdiff_t kGemmL2Bytes = 1024 * 1024;
inline constexpr std::ptrdiff_t kGemmL3Bytes = 32 * 1024 * 1024;

// Idempotent and thread-safe; cheap enough to call from every Model constructor.
inline void pin_gemm_blocking() {
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  if (Eigen::l1CacheSize() != kGemmL1Bytes || Eigen::l2CacheSize() != kGemmL2Bytes ||
      Eigen::l3CacheSize() != kGemmL3Bytes)
    Eigen::setCpuCacheSizes(kGemmL1Bytes, kGemmL2Bytes, kGemmL3Bytes);
}

}  // namespace ringtmp
