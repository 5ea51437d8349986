// A synchronous ring survives the death of any stage at any moment: the dead stage's shadow
// holder takes its layers over, the survivors redo the iteration in flight from the same
// weights and batch, and the loss trace and final model are the fault-free ones bit for bit.
// Deaths it cannot heal (two adjacent stages within one refresh) stop the run, naming them.
// An async ring survives too, every micro-batch trained and every iteration's loss kept.
#include <cmath>
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

// A run whose nodes die as `deaths` says (rank -> its n-th compute, or send); it must complete.
StatusOr<RunResult> healed_run(const RunConfig& c, std::map<int, int> deaths, Counted counted = Counted::computes) {
  auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, deaths, counted); });
  REQUIRE_MESSAGE(run.ok(), run.status().message());
  return run;
}

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
            auto run = healed_run(c, {{victim, after}}, counted);
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
    auto run = healed_run(c, deaths);
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

TEST_CASE("ring: without shadows (--replica-every 0), a death stops the run, naming it") {
  for (Schedule schedule : {Schedule::one_f_one_b, Schedule::async}) {
    auto c = config(schedule, 3, 2);
    c.replica_every = 0;
    CAPTURE(int(c.schedule));
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{1, 6}}); });
    REQUIRE(!run.ok());
    CHECK(run.status().message().find("node 1: killed by the test") != std::string::npos);
  }
}

namespace {

// Every iteration recorded once, in order, with a finite loss.
void check_whole_trace(const RunResult& run, int64_t iterations) {
  REQUIRE(int64_t(run.trace.size()) == iterations);
  for (size_t i = 0; i < run.trace.size(); ++i) {
    CAPTURE(i);
    CHECK(run.trace[i].iteration == int64_t(i) + 1);
    CHECK(std::isfinite(run.trace[i].loss));
  }
}

// The mean loss of the run's last `n` iterations.
double mean_of_last_losses(const RunResult& run, size_t n) {
  double mean = 0;
  for (size_t i = run.trace.size() - n; i < run.trace.size(); ++i) mean += run.trace[i].loss / double(n);
  return mean;
}

}  // namespace

TEST_CASE("ring async: any stage killed at any moment, the run completes with every iteration and keeps learning") {
  // Arrival order decides an async run (threads here), so its numbers differ run to run;
  // what a death must not change: every micro-batch trained, every iteration's loss kept,
  // at most the window in flight redone, and the model still learns.
  for (int nodes : {2, 3, 5})
    for (int microbatches : {1, 3}) {
      auto c = config(Schedule::async, nodes, microbatches);
      c.iterations = 40;
      c.momentum = 0.0f;  // one step per micro-batch: with momentum 0.9 these small runs are noisy fault-free
      auto clean = run_inproc(c, data());
      REQUIRE_MESSAGE(clean.ok(), clean.status().message());
      const double start_loss = clean->trace.front().loss;
      for (int victim = 0; victim < nodes; ++victim)
        for (auto [counted, after] : std::vector<std::pair<Counted, int>>{
                 {Counted::computes, 1}, {Counted::computes, 9}, {Counted::computes, 40}, {Counted::sends, 3},
                 {Counted::sends, 25}, {Counted::sends, 70}}) {
          CAPTURE(nodes);
          CAPTURE(microbatches);
          CAPTURE(victim);
          CAPTURE(int(counted));
          CAPTURE(after);
          auto run = healed_run(c, {{victim, after}}, counted);
          check_whole_trace(*run, c.iterations);
          REQUIRE(run->failures.size() == 1);
          CHECK(run->failures[0].node == victim);
          CHECK(run->failures[0].role == "stage");
          // The window (N micro-batches), and as much again of stage 0's refreshes on their
          // way to its holder, rounded out to whole iterations.
          CHECK(run->failures[0].iterations_redone <= (2 * nodes + microbatches - 1) / microbatches + 1);
          // Learning: the last 5 iterations' mean loss is below 60% of the first's.
          CHECK(mean_of_last_losses(*run, 5) < 0.6 * start_loss);
          CHECK(run->test_accuracy().value() > 0.4);  // 4 classes: chance is 0.25; fault-free 0.64-0.81
        }
    }
}

TEST_CASE("ring async: with lr 0 the healed trace is the fault-free one bit for bit (the redo reads the same "
          "data, the dead last stage's losses survive it)") {
  // Weights that never move make every micro-batch's loss a function of its data alone.
  for (int nodes : {3, 4})
    for (int microbatches : {1, 2}) {
      auto c = config(Schedule::async, nodes, microbatches);
      c.lr = 0.0f;
      c.iterations = 24;
      auto clean = run_inproc(c, data());
      REQUIRE_MESSAGE(clean.ok(), clean.status().message());
      for (int victim = 0; victim < nodes; ++victim)
        for (int after : {5, 23, 61}) {
          CAPTURE(nodes);
          CAPTURE(microbatches);
          CAPTURE(victim);
          CAPTURE(after);
          auto run = healed_run(c, {{victim, after}});
          check_same_trace(*run, *clean);
          check_same_model(*run, *clean);
        }
      // Two deaths in turn: the last stage's holder changes (node 2 dies, node 1 takes its
      // stage over and holds the last stage's shadow anew), then the last stage dies too.
      if (nodes == 4)
        for (auto deaths : {std::map<int, int>{{2, 15}, {3, 70}}, std::map<int, int>{{3, 15}, {0, 60}}}) {
          CAPTURE(microbatches);
          CAPTURE(deaths.begin()->first);
          auto run = healed_run(c, deaths);
          check_same_trace(*run, *clean);
          CHECK(run->failures.size() == 2);
        }
    }
}

TEST_CASE("ring async: two deaths one after the other, and the first and last stages together") {
  const auto c = [] {
    auto c = config(Schedule::async, 5, 2);
    c.iterations = 40;
    return c;
  }();
  for (auto deaths : {std::map<int, int>{{1, 8}, {3, 60}}, std::map<int, int>{{0, 20}, {4, 20}},
                      std::map<int, int>{{4, 10}, {2, 50}, {0, 90}}}) {
    CAPTURE(deaths.size());
    CAPTURE(deaths.begin()->first);
    auto run = healed_run(c, deaths);
    check_whole_trace(*run, c.iterations);
    CHECK(run->failures.size() == deaths.size());
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

TEST_CASE("ring --replica-every K > 1 (snapshots): any stage killed, the survivors roll back to the latest snapshot "
          "and the trace and model are still the fault-free ones") {
  for (Schedule schedule : {Schedule::gpipe, Schedule::one_f_one_b})
    for (int nodes : {2, 3, 5}) {
      auto refreshed = config(schedule, nodes, 2);
      auto refreshed_run = run_inproc(refreshed, data());
      REQUIRE(refreshed_run.ok());
      for (int every : {2, 3}) {
        auto c = refreshed;
        c.replica_every = every;
        auto clean = run_inproc(c, data());
        REQUIRE_MESSAGE(clean.ok(), clean.status().message());
        check_same_trace(*clean, *refreshed_run);  // snapshots change no number
        // A state (params and momentum: two stage sizes) every K iterations against a
        // gradient every iteration: less traffic once K > 2.
        if (every > 2) CHECK(clean->bytes_sent_total() < refreshed_run->bytes_sent_total());
        for (int victim = 0; victim < nodes; ++victim)
          for (int after : {1, 6, 13, 22, 31, 44}) {
            CAPTURE(int(schedule));
            CAPTURE(nodes);
            CAPTURE(every);
            CAPTURE(victim);
            CAPTURE(after);
            auto run = healed_run(c, {{victim, after}});
            check_same_trace(*run, *clean);
            check_same_model(*run, *clean);
            REQUIRE(run->failures.size() == 1);
            CHECK(run->failures[0].node == victim);
            // Back to the latest snapshot all hold: at most two periods and the one in flight.
            CHECK(run->failures[0].iterations_redone <= 2 * every + 1);
          }
      }
    }
}

TEST_CASE("ring --replica-every K > 1: several deaths in turn, first and last together, one during another's "
          "recovery, sync and async") {
  for (Schedule schedule : {Schedule::one_f_one_b, Schedule::async}) {
    auto c = config(schedule, 5, 2);
    c.replica_every = 3;
    c.iterations = 30;
    if (schedule == Schedule::async) c.lr = 0.0f;  // so an async run's trace is comparable bit for bit
    auto clean = run_inproc(c, data());
    REQUIRE(clean.ok());
    for (auto deaths : {std::map<int, int>{{1, 8}, {3, 60}}, std::map<int, int>{{0, 20}, {4, 20}},
                        std::map<int, int>{{1, 25}, {3, 27}}, std::map<int, int>{{4, 10}, {2, 50}, {0, 90}}}) {
      CAPTURE(int(schedule));
      CAPTURE(deaths.size());
      CAPTURE(deaths.begin()->first);
      auto run = healed_run(c, deaths);
      check_same_trace(*run, *clean);
      CHECK(run->failures.size() == deaths.size());
    }
  }
}

TEST_CASE("ring async --replica-every K > 1: any stage killed, the run completes and keeps learning") {
  for (int nodes : {3, 5})
    for (int microbatches : {1, 3}) {
      auto c = config(Schedule::async, nodes, microbatches);
      c.iterations = 40;
      c.momentum = 0.0f;
      c.replica_every = 4;
      auto clean = run_inproc(c, data());
      REQUIRE_MESSAGE(clean.ok(), clean.status().message());
      const double start_loss = clean->trace.front().loss;
      for (int victim = 0; victim < nodes; ++victim)
        for (int after : {2, 30, 75}) {
          CAPTURE(nodes);
          CAPTURE(microbatches);
          CAPTURE(victim);
          CAPTURE(after);
          auto run = healed_run(c, {{victim, after}});
          check_whole_trace(*run, c.iterations);
          // A snapshot period (K iterations) and the window in flight, rounded out.
          CHECK(run->failures[0].iterations_redone <= 4 + (2 * nodes + microbatches - 1) / microbatches + 1);
          CHECK(mean_of_last_losses(*run, 5) < 0.6 * start_loss);
        }
    }
}
