#pragma once
// The order in which a RingTMP stage runs the forward (F) and backward (B) passes of the M
// micro-batches of one minibatch, decided locally from (stage, N, M) alone: no scheduler.
//   gpipe: F0 .. F(M-1), then B0 .. B(M-1).
//   1f1b (PipeDream-flush): min(N-1-i, M) warm-up forwards, then alternate F and B, then the
//         remaining backwards; at most min(N-i, M) micro-batches are stashed at stage i.
// Both end with one update per minibatch, so both equal local SGD on the same batch.
#include <vector>

#include "core/config.hpp"

namespace ringtmp {

struct PipelineOp {
  bool forward = true;
  int microbatch = 0;
  bool operator==(const PipelineOp&) const = default;
};

std::vector<PipelineOp> pipeline_ops(Schedule schedule, int stages, int stage, int microbatches);

// Most micro-batches a stage holds stashed at once under the schedule.
int max_in_flight(Schedule schedule, int stages, int stage, int microbatches);

// Credits stage 0 starts with: micro-batches that may be in flight in the ring at once.
int initial_credits(Schedule schedule, int stages, int microbatches);

// Sizes of the M micro-batches of a batch of B (differ by at most one, larger first).
std::vector<int> microbatch_sizes(int batch, int microbatches);

}  // namespace ringtmp
