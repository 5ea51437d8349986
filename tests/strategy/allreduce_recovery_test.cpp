// All-reduce survives the death of any node at any moment: the ring re-forms among the
// survivors (a dead rank's ring position played by the live node before it), the step in
// flight is redone, and the loss trace is the fault-free one bit for bit (the same samples,
// the same float sums in the same order) at every iteration, and so is the final model.
#include <cmath>
#include <map>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"
#include "tests/strategy/resilience_harness.hpp"

using namespace ringtmp;
using ringtmp::testing::check_same_trace;
using ringtmp::testing::DyingTransport;
using ringtmp::testing::resilience_config;
using ringtmp::testing::resilience_data;
using ringtmp::testing::StaleInjectingTransport;

namespace {

RunConfig config(int n) { return resilience_config(StrategyKind::allreduce, n); }
const DataSplit& data() { return resilience_data(); }

}  // namespace

TEST_CASE("all-reduce: any node killed at any point of an iteration, the trace is the fault-free one") {
  for (int n : {2, 3, 4, 5}) {
    const auto c = config(n);
    auto clean = run_inproc(c, data());
    REQUIRE_MESSAGE(clean.ok(), clean.status().message());
    // One iteration is 1 gradient + 2(n-1) chunk sums + 1 update: kill at every one of them
    // in iteration 4, and at the first compute (before any message).
    const int per_iteration = 2 * n;
    for (int victim = 0; victim < n; ++victim)
      for (int after : {1, 3 * per_iteration + 1, 3 * per_iteration + 2, 3 * per_iteration + n,
                        4 * per_iteration - 1, 4 * per_iteration}) {
        CAPTURE(n);
        CAPTURE(victim);
        CAPTURE(after);
        auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{victim, after}}); });
        REQUIRE_MESSAGE(run.ok(), run.status().message());
        check_same_trace(*run, *clean);
        REQUIRE(run->failures.size() == 1);
        CHECK(run->failures[0].node == victim);
        CHECK(run->failures[0].cause.find("killed by the test") != std::string::npos);
        CHECK(run->failures[0].iterations_redone <= 1);
        CHECK(run->failures[0].resumed_at >= run->failures[0].detected_at);
      }
  }
}

TEST_CASE("all-reduce: several deaths, adjacent or not, during another's recovery or later, down to one node") {
  const auto c = config(5);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  for (auto deaths : {std::map<int, int>{{1, 20}, {3, 21}}, std::map<int, int>{{0, 11}, {4, 40}},
                      std::map<int, int>{{2, 5}, {3, 30}, {4, 31}, {0, 60}},
                      std::map<int, int>{{0, 3}, {1, 3}, {2, 50}, {3, 51}}}) {
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, deaths); });
    REQUIRE_MESSAGE(run.ok(), run.status().message());
    check_same_trace(*run, *clean);
    CHECK(run->failures.size() == deaths.size());
  }
}

TEST_CASE("all-reduce: messages of a dead view are dropped and counted, never applied") {
  const auto c = config(4);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  for (int victim : {0, 2})
    for (int after : {1, 13}) {
      CAPTURE(victim);
      CAPTURE(after);
      const int target = (victim + 1) % 4;
      // A chunk of huge values, and a recovery state claiming a later iteration.
      std::vector<Message> stale = {Message{ReduceChunk{1, 0, 0, Floats(FloatBuffer(64, 1e30f)), 1e30}},
                                    Message{Resync{1000, 0, Floats(FloatBuffer(1000, 1e30f))}}};
      auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
        return StaleInjectingTransport(t, victim, after, target, (target + 3) % 4, stale);
      });
      REQUIRE_MESSAGE(run.ok(), run.status().message());
      check_same_trace(*run, *clean);
      CHECK(run->stale_messages >= 2);
    }
}
