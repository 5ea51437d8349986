#pragma once
// One part of a run's state at the end of an iteration, as a file (--checkpoint-every K
// --checkpoint-dir D): what a part of the cluster needs to carry on exactly where the run
// was. A part is a unit of the strategy's state, not a process: a ring stage, a parameter
// server's shard or a worker, an all-reduce position, the local trainer; a node that took
// over a dead one's part writes that part too, so a set is complete whatever died.
//
// Little-endian binary: magic "RTC1", a format version, the payload's length and a 64-bit
// FNV-1a checksum of the payload, then the payload. Decoding checks all four and every
// count against the bytes present before allocating; it never returns half a checkpoint.
// The batcher's position and the random state are functions of (seed, iteration): the
// batches are seeded permutations per epoch and nothing else draws random numbers after
// the initial weights, so the iteration is the data position.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/model/tensor.hpp"
#include "core/status.hpp"
#include "core/strategy/node_outcome.hpp"

namespace ringtmp {

inline constexpr uint32_t kCheckpointVersion = 1;

// A named float array: "params", "momentum", "shadow 3 params", ...
struct CheckpointTensor {
  std::string name;
  FloatBuffer values;
  bool operator==(const CheckpointTensor&) const = default;
};

struct NodeCheckpoint {
  // The run's settings that decide what is computed, as canonical text ("key=value" lines,
  // canonical_config): a mismatch is explained by naming the first setting that differs.
  std::string config;
  int part = 0;    // which part of the set, in [0, parts)
  int parts = 0;   // how many parts make the set complete
  std::string role;  // "stage 3", "shard 1", "worker 2", "position 5", "trainer": for messages
  int64_t iteration = 0;  // iterations completed: every update up to it applied, none after
  int64_t samples = 0;    // samples trained on so far
  double clock = 0;       // the writer's clock at that boundary
  std::vector<LossRecord> losses;        // the loss records this part holds so far
  std::vector<CheckpointTensor> tensors;  // the state, as the strategy names it

  // The tensor called `name`, or nullptr.
  const CheckpointTensor* find(std::string_view name) const;
  bool operator==(const NodeCheckpoint&) const = default;
};

std::vector<uint8_t> encode_checkpoint(const NodeCheckpoint& c);
// Errors are one line saying what is wrong ("truncated: 120 of 4096 payload bytes",
// "checksum mismatch", "format version 0, this build reads 1", "not a checkpoint file").
StatusOr<NodeCheckpoint> decode_checkpoint(std::span<const uint8_t> bytes);

// Writes to `path` + ".tmp", flushes it to the device (fsync), renames it over `path` and
// syncs the folder: a reader finds the whole file or none. Creates the parent folders.
Status write_checkpoint_file(const std::string& path, const NodeCheckpoint& c);
// Errors name the file. A non-regular or oversized file is refused unread.
StatusOr<NodeCheckpoint> read_checkpoint_file(const std::string& path);

}  // namespace ringtmp
