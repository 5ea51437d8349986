#pragma once
// A node's outcome as a file, so that nodes running as separate processes (`ringtmp node`)
// can hand their results to whoever merges the run (`ringtmp launch`): status, metrics,
// timeline spans, losses and the node's slice of the final model. Little-endian binary,
// versioned; decode checks every count against the bytes present before allocating.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/config_limits.hpp"
#include "core/strategy/node_outcome.hpp"

namespace ringtmp {

std::vector<uint8_t> encode_outcome(const NodeOutcome& o);
StatusOr<NodeOutcome> decode_outcome(std::span<const uint8_t> bytes);

Status write_outcome_file(const std::string& path, const NodeOutcome& o);
// The largest model's parameters plus room for the metrics, spans and losses.
inline constexpr size_t kMaxOutcomeFileBytes = size_t(kMaxModelBytes) + (size_t(256) << 20);
// Errors name the file; a non-regular or oversized file is refused unread.
StatusOr<NodeOutcome> read_outcome_file(const std::string& path);

}  // namespace ringtmp
