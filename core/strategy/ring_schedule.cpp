#include "core/strategy/ring_schedule.hpp"

#include <algorithm>

namespace ringtmp {

std::vector<PipelineOp> pipeline_ops(Schedule schedule, int stages, int stage, int m) {
  std::vector<PipelineOp> ops;
  if (schedule == Schedule::gpipe) {
    for (int k = 0; k < m; ++k) ops.push_back({true, k});
    for (int k = 0; k < m; ++k) ops.push_back({false, k});
    return ops;
  }
  const int warmup = std::min(stages - 1 - stage, m);
  for (int k = 0; k < warmup; ++k) ops.push_back({true, k});
  for (int k = 0; k < m - warmup; ++k) {
    ops.push_back({true, warmup + k});
    ops.push_back({false, k});
  }
  for (int k = m - warmup; k < m; ++k) ops.push_back({false, k});
  return ops;
}

int max_in_flight(Schedule schedule, int stages, int stage, int m) {
  return schedule == Schedule::gpipe ? m : std::min(stages - stage, m);
}

int initial_credits(Schedule schedule, int stages, int m) {
  return schedule == Schedule::gpipe ? m : std::min(stages, m);
}

std::vector<int> microbatch_sizes(int batch, int m) {
  std::vector<int> sizes(m, batch / m);
  for (int k = 0; k < batch % m; ++k) ++sizes[k];
  return sizes;
}

}  // namespace ringtmp
