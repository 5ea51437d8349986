#pragma once
// One or more messages of every kind, for codec tests and the fuzzer's seed corpus: small
// ones with odd values (negative ids, NaN-free floats), empty arrays, and an optional big block;
// each as sent before any failure (epoch 0) and again stamped with a later membership view.
#include <cstdint>
#include <iterator>
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

// Every kind at least once, small enough to try every prefix of every frame; then the same
// messages stamped with views after failures, cycling through kViews, so every kind occurs
// with a non-zero epoch and a non-zero digest, and the header's extremes are covered.
inline std::vector<Message> sample_messages() {
  struct View {
    uint32_t epoch;
    uint64_t digest;
  };
  static constexpr View kViews[] = {
      {2147483647, 1},                      // the largest epoch a header may carry
      {1, 0x9e3779b97f4a7c15},              // one death
      {2, 0xffffffffffffffff},              // every digest bit set
      {3, 0},                               // a dead set whose tokens sum to 0 mod 2^64
  };
  std::vector<Message> msgs = {
      Message{Activations{3, 1, block(4, 5)}},
      Message{Activations{0, 0, block(0, 7)}},  // empty block with a shape
      Message{Gradients{-1, 2147483647, block(3, 2)}},
      Message{Gradients{int64_t(1) << 40, 0, block(0, 0)}},
      Message{Labels{7, 2, {0, 9, 3, 2147483647}}},
      Message{Labels{7, 2, {}}},
      Message{Token{123456789012, -5}},
      Message{PushGradient{4, 1, ramp(10)}},
      Message{PushGradient{4, 1, {}}},
      Message{PushGradient{4, 0, ramp(3), 7, 41.5}},
      Message{ParamShard{5, 3, ramp(6, -1.5f)}},
      Message{ParamShard{5, 0, ramp(2), 1e300, 4}},
      Message{ReduceChunk{9, 4, 2, ramp(8, 1e-3f), 17.25}},
      Message{ReduceChunk{9, 0, 0, {}}},
      Message{Control{Control::Code::stop, ""}},
      Message{Control{Control::Code::error, "peer 3: connection reset\nby peer"}},
      Message{Resync{12, 0, {}}},
      Message{Resync{12, 3, ramp(6, 0.5f)}},
      Message{Control{Control::Code::done, ""}},
      Message{Control{Control::Code::join, ""}},
      Message{Control{Control::Code::admit, "dead 2,4"}},
      Message{StageReplica{7, 2, 5, StageReplica::What::gradient, ramp(9, 0.25f), 123.5}},
      Message{StageReplica{0, 0, 0, StageReplica::What::state, {}, 0}},
      Message{ShardReplica{8, 1, ShardReplica::What::sum, ramp(5, -0.25f), 99.5}},
      Message{ShardReplica{8, 0, ShardReplica::What::ack, {}, 0}},
      Message{ShardReplica{3, 2, ShardReplica::What::state, ramp(4), 1.5}},
      Message{ShardReplica{-1, 0, ShardReplica::What::request, {}, 0}},
      Message{ShardReplica{4, 1, ShardReplica::What::copy, {}, 12.5}},
      Message{ShardReplica{6, 3, ShardReplica::What::copy, ramp(2, 2.0f), 64.0}},
      Message{ShardReplica{-1, 1, ShardReplica::What::clock, {}, 0, 2}},
      Message{ShardReplica{7, 0, ShardReplica::What::clock, {}, 0, 0}},
  };
  const size_t before_any_failure = msgs.size();
  for (size_t i = 0; i < before_any_failure; ++i) {
    Message m = msgs[i];
    m.epoch = kViews[i % std::size(kViews)].epoch;
    m.view_digest = kViews[i % std::size(kViews)].digest;
    msgs.push_back(std::move(m));
  }
  return msgs;
}

}  // namespace ringtmp::testing
