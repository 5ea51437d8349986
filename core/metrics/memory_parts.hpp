#pragma once
// A node's memory by what it holds. The memory plan (core/strategy/memory_plan.hpp) predicts
// each part's peak; the node programs record each part's peak as they run (NodeRecorder::hold);
// a test holds the two equal. A node's peak is the sum of its parts' peaks: a bound on what it
// holds at once, the figure a budget must cover.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringtmp {

enum class MemoryPart {
  params,        // weights: a ring stage's, a server's shard, a worker's whole model
  grads,         // gradient buffer (a server's: the sum of an iteration's pushes)
  optimizer,     // momentum
  activations,   // forward stashes, inputs held until their backward, backward workspace
  weight_stash,  // async ring: the weight version each in-flight micro-batch's forward used
  held_pushes,   // ps server: pushes held until their turn in the rank-order sum
  shadows,       // resilience: a ring node's copy of the next stage (params and momentum)
  replicas,      // resilience: a server's copy of its predecessor's shard
  messages,      // outgoing messages built at once (activations, pushes, replies, chunks)
  dataset,       // training and test samples the node's process holds
};
inline constexpr int kMemoryParts = int(MemoryPart::dataset) + 1;

std::string_view to_string(MemoryPart p);

struct MemoryParts {
  std::array<int64_t, kMemoryParts> bytes{};

  int64_t& operator[](MemoryPart p) { return bytes[size_t(p)]; }
  int64_t operator[](MemoryPart p) const { return bytes[size_t(p)]; }
  int64_t total() const;
  // What the node program itself records: every part but the dataset, which the process
  // loads before the program starts.
  int64_t program() const { return total() - (*this)[MemoryPart::dataset]; }
  // "params 402 MiB, grads 402 MiB, momentum 402 MiB, activations 3.1 MiB": the non-zero
  // parts, largest first.
  std::string describe() const;
  bool operator==(const MemoryParts&) const = default;
};

}  // namespace ringtmp
