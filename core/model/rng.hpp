#pragma once
// A seeded generator whose streams are identical on every platform and standard library
// (std::normal_distribution is implementation-defined, so we do not use it): xoshiro256**
// seeded through splitmix64, uniform floats from the top 24 bits, normals by Box-Muller.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace ringtmp {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) s = splitmix64(seed);
  }

  uint64_t next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  float uniform() { return float(next_u64() >> 40) * 0x1.0p-24f; }
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n), without modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next_u64(); while (x >= limit);
    return x % n;
  }

  // Standard normal (Box-Muller, computed in double for a portable result).
  float normal() {
    double u1 = double(next_u64() >> 11) * 0x1.0p-53;
    double u2 = double(next_u64() >> 11) * 0x1.0p-53;
    if (u1 < 1e-300) u1 = 1e-300;
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
  }

  // A generator for a named sub-stream (per node, per purpose) that does not overlap ours.
  Rng fork(uint64_t stream) const { return Rng(s_[0] ^ splitmix_const(stream)); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  static uint64_t splitmix_const(uint64_t x) { return splitmix64(x); }
  uint64_t s_[4];
};

}  // namespace ringtmp
