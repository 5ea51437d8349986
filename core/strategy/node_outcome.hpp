#pragma once
// What one node program hands back when it ends, in every backend: its status, its metrics,
// the loss it observed per iteration, and the slice of the final model it holds.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/metrics/node_recorder.hpp"
#include "core/model/tensor.hpp"
#include "core/status.hpp"

namespace ringtmp {

// Loss summed over the samples this node evaluated in one iteration (the merge divides).
struct LossRecord {
  int64_t iteration = 0;
  double time = 0;
  double loss_sum = 0;
  int64_t samples = 0;
};

struct NodeOutcome {
  Status status;
  bool stopped_by_peer = false;  // the failure is a consequence of a peer going down
  // When stopped_by_peer: on this node's clock, when it saw that peer down. The earliest
  // sighting across nodes names the first failure (a node that was paused sees its healthy
  // peers "down" only after it resumes, later than they saw it).
  double peer_down_seen_at = 0;
  NodeMetrics metrics;
  std::vector<Span> spans;
  bool spans_truncated = false;
  std::vector<LossRecord> losses;
  // This node's part of the final flat parameter buffer (empty when it holds none that
  // another node does not also hold).
  size_t param_offset = 0;
  FloatBuffer params;
  std::optional<int64_t> max_staleness;
};

}  // namespace ringtmp
