#pragma once
// One or more messages of every kind, for codec tests and the fuzzer's seed corpus: small
// ones with odd values (negative ids, NaN-free floats), empty arrays, and an optional big block.
#include <cstdint>
#include <string>
#include <vector>

#include "core/transport/message.hpp"

namespace ringtmp::testing {

inline FloatBuffer ramp(size_t n, float scale = 0.5f) {
  FloatBuffer v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * float(i) - 3.25f;
  return v;
}

inline Block block(int32_t rows, int32_t cols) { return Block{rows, cols, ramp(size_t(rows) * cols)}; }

// Every kind at least once, small enough to try every prefix of every frame.
inline std::vector<Message> sample_messages() {
  return {
      Message{Activations{3, 1, block(4, 5)}},
      Message{Activations{0, 0, block(0, 7)}},  // empty block with a shape
      Message{Gradients{-1, 2147483647, block(3, 2)}},
      Message{Gradients{int64_t(1) << 40, 0, block(0, 0)}},
      Message{Labels{7, 2, {0, 9, 3, 2147483647}}},
      Message{Labels{7, 2, {}}},
      Message{Token{123456789012, -5}},
      Message{PushGradient{4, 1, ramp(10)}},
      Message{PushGradient{4, 1, {}}},
      Message{ParamShard{5, 3, ramp(6, -1.5f)}},
      Message{ReduceChunk{9, 4, 2, ramp(8, 1e-3f), 17.25}},
      Message{ReduceChunk{9, 0, 0, {}}},
      Message{Control{Control::Code::stop, ""}},
      Message{Control{Control::Code::error, "peer 3: connection reset\nby peer"}},
      Message{Resync{12, 0, {}}},
      Message{Resync{12, 3, ramp(6, 0.5f)}},
  };
}

}  // namespace ringtmp::testing
