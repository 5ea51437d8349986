// A synchronous ring survives the death of any stage at any moment: the dead stage's shadow
// holder takes its layers over, the survivors redo the iteration in flight from the same
// weights and batch, and the loss trace and final model are the fault-free ones bit for bit.
// Deaths it cannot heal (two adjacent stages within one refresh) stop the run, naming them.
#include <map>

#include <doctest/doctest.h>

#include "core/strategy/cluster.hpp"
#include "tests/strategy/resilience_harness.hpp"

using namespace ringtmp;
using ringtmp::testing::check_same_trace;
using ringtmp::testing::Counted;
using ringtmp::testing::DyingTransport;
using ringtmp::testing::resilience_config;
using ringtmp::testing::resilience_data;
using ringtmp::testing::StaleInjectingTransport;

namespace {

RunConfig config(Schedule schedule, int nodes, int microbatches) {
  RunConfig c = resilience_config(StrategyKind::ring, nodes);
  c.schedule = schedule;
  c.layers = {16, 24, 20, 18, 12, 4};
  c.microbatches = microbatches;
  return c;
}

const DataSplit& data() { return resilience_data(); }

void check_same_model(const RunResult& got, const RunResult& want) {
  REQUIRE(got.evals.size() == want.evals.size());
  CHECK(got.evals.back().accuracy == want.evals.back().accuracy);
  CHECK(got.evals.back().loss == want.evals.back().loss);
}

}  // namespace

TEST_CASE("ring gpipe and 1f1b: any stage killed at any point of an iteration, the trace is the fault-free one") {
  for (Schedule schedule : {Schedule::gpipe, Schedule::one_f_one_b})
    for (int nodes : {2, 3, 5})
      for (int microbatches : {1, 3}) {
        const auto c = config(schedule, nodes, microbatches);
        auto clean = run_inproc(c, data());
        REQUIRE_MESSAGE(clean.ok(), clean.status().message());
        // Per iteration a stage computes 2 M passes, its update and its shadows' updates, and
        // sends about 2 M messages and a refresh: these points fall before the first pass,
        // inside iterations 1 to 8 and between a refresh and the messages after it.
        const std::vector<std::pair<Counted, int>> kills = {
            {Counted::computes, 1}, {Counted::computes, 2 * microbatches + 2}, {Counted::computes, 13},
            {Counted::computes, 30}, {Counted::sends, 2}, {Counted::sends, 2 * microbatches + 1},
            {Counted::sends, 9}, {Counted::sends, 17}};
        for (int victim = 0; victim < nodes; ++victim)
          for (auto [counted, after] : kills) {
            CAPTURE(int(schedule));
            CAPTURE(nodes);
            CAPTURE(microbatches);
            CAPTURE(victim);
            CAPTURE(int(counted));
            CAPTURE(after);
            auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
              return DyingTransport(t, {{victim, after}}, counted);
            });
            REQUIRE_MESSAGE(run.ok(), run.status().message());
            check_same_trace(*run, *clean);
            check_same_model(*run, *clean);
            REQUIRE(run->failures.size() == 1);
            CHECK(run->failures[0].node == victim);
            CHECK(run->failures[0].role == "stage");
            CHECK(run->failures[0].iterations_redone <= 1);
            CHECK(run->failures[0].resumed_at >= run->failures[0].detected_at);
          }
      }
}

TEST_CASE("ring: several deaths healed one after the other, first and last together, down to one stage") {
  const auto c = config(Schedule::one_f_one_b, 5, 2);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  for (auto deaths : {std::map<int, int>{{1, 4}, {3, 30}}, std::map<int, int>{{0, 9}, {4, 9}},
                      std::map<int, int>{{4, 5}, {3, 25}, {0, 40}}, std::map<int, int>{{2, 3}, {1, 20}, {4, 35}, {0, 50}}}) {
    CAPTURE(deaths.size());
    CAPTURE(deaths.begin()->first);
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, deaths); });
    REQUIRE_MESSAGE(run.ok(), run.status().message());
    check_same_trace(*run, *clean);
    check_same_model(*run, *clean);
    CHECK(run->failures.size() == deaths.size());
  }
}

TEST_CASE("ring: two stages adjacent in layer order dying at once cannot be healed; the run stops naming them") {
  const auto c = config(Schedule::gpipe, 4, 2);
  auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{1, 6}, {2, 6}}); });
  REQUIRE(!run.ok());
  CHECK(run.status().message().find("killed by the test") != std::string::npos);
  CHECK(run.status().message().find("cannot heal") != std::string::npos);
}

TEST_CASE("ring: without shadows (--replica-every 0) or asynchronous, a death stops the run, naming it") {
  auto off = config(Schedule::one_f_one_b, 3, 2);
  off.replica_every = 0;
  auto async = config(Schedule::async, 3, 2);
  for (const RunConfig& c : {off, async}) {
    CAPTURE(int(c.schedule));
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{1, 6}}); });
    REQUIRE(!run.ok());
    CHECK(run.status().message().find("node 1: killed by the test") != std::string::npos);
  }
}

TEST_CASE("ring: refreshes and activations of a dead view are dropped and counted, never applied") {
  const auto c = config(Schedule::one_f_one_b, 4, 2);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  // Into stage 1's node (stage 0's and stage 2's shadow holder): a refresh of stage 2's
  // layers with huge values, and activations of huge values, as if from stage 2 and 0.
  auto layout = ring_layout(c);
  REQUIRE(layout.ok());
  const int b = layout->partition.begin(2), e = layout->partition.end(2);
  const size_t p = layout->layer_param_offset[size_t(e)] - layout->layer_param_offset[size_t(b)];
  for (int after : {3, 11}) {
    CAPTURE(after);
    const std::vector<Message> refresh = {
        Message{StageReplica{2, b, e, StageReplica::What::gradient, Floats(FloatBuffer(p, 1e30f)), 1e30}},
        Message{StageReplica{3, b, e, StageReplica::What::state, Floats(FloatBuffer(2 * p, 1e30f)), 0}}};
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
      return StaleInjectingTransport(t, 3, after, 1, 2, refresh);
    });
    REQUIRE_MESSAGE(run.ok(), run.status().message());
    check_same_trace(*run, *clean);
    CHECK(run->stale_messages >= 2);
  }
}
