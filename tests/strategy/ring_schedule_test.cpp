// The per-stage pass orders: complete, causal, and as small in flight as each schedule says.
#include "core/strategy/ring_schedule.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("every schedule runs each micro-batch's forward once, before its backward") {
  for (Schedule s : {Schedule::gpipe, Schedule::one_f_one_b})
    for (int n = 1; n <= 6; ++n)
      for (int i = 0; i < n; ++i)
        for (int m = 1; m <= 9; ++m) {
          const auto ops = pipeline_ops(s, n, i, m);
          REQUIRE(ops.size() == size_t(2 * m));
          std::vector<int> state(m, 0);  // 0 none, 1 forwarded, 2 done
          int in_flight = 0, peak = 0;
          for (const auto& op : ops) {
            CHECK(state[op.microbatch] == (op.forward ? 0 : 1));
            state[op.microbatch] += 1;
            in_flight += op.forward ? 1 : -1;
            peak = std::max(peak, in_flight);
          }
          CHECK(peak == max_in_flight(s, n, i, m));
        }
}

TEST_CASE("1f1b's last stage alternates from the start; gpipe does all forwards first") {
  const auto last = pipeline_ops(Schedule::one_f_one_b, 4, 3, 3);
  CHECK(last == std::vector<PipelineOp>{{true, 0}, {false, 0}, {true, 1}, {false, 1}, {true, 2}, {false, 2}});
  const auto first = pipeline_ops(Schedule::one_f_one_b, 4, 0, 5);
  CHECK(first[0] == PipelineOp{true, 0});
  CHECK(first[3] == PipelineOp{true, 3});
  CHECK(first[4] == PipelineOp{false, 0});
}

TEST_CASE("micro-batch sizes cover the batch and differ by at most one") {
  CHECK(microbatch_sizes(10, 4) == std::vector<int>{3, 3, 2, 2});
  CHECK(microbatch_sizes(8, 8) == std::vector<int>(8, 1));
}
