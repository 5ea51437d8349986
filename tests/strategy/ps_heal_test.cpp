// A parameter server survives the death of any worker at any moment: the live worker before
// it plays its position (its slice of every batch), the step in flight is redone, and a BSP
// run's loss trace is the fault-free one bit for bit (the servers sum the same N gradients
// in the same order), and so is the final model. A server's death moves its shard (see the
// server test). Asynchronous runs heal too, and keep learning.
#include <cmath>
#include <map>

#include <doctest/doctest.h>

#include "core/config_limits.hpp"
#include "core/data/synthetic.hpp"
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

RunConfig config(PsMode mode, int staleness, int workers, int servers) {
  RunConfig c = resilience_config(StrategyKind::ps, workers);
  c.ps_mode = mode;
  c.staleness = staleness;
  c.servers = servers;
  return c;
}

const DataSplit& data() { return resilience_data(); }

// Asynchronous updates are each a full step of one worker's slice: with momentum 0.9 they
// diverge even fault-free on this small run, so the async tests run without momentum, and
// long enough for learning to show.
RunConfig async_config(PsMode mode, int staleness, int workers, int servers) {
  RunConfig c = config(mode, staleness, workers, servers);
  c.momentum = 0.0f;
  c.iterations = 20;
  return c;
}

void check_one_failure(const RunResult& run, int victim, const char* role) {
  REQUIRE(run.failures.size() == 1);
  CHECK(run.failures[0].node == victim);
  CHECK(run.failures[0].role == role);
  CHECK(run.failures[0].cause.find("killed by the test") != std::string::npos);
  CHECK(run.failures[0].iterations_redone <= 1);
  CHECK(run.failures[0].resumed_at >= run.failures[0].detected_at);
}

}  // namespace

TEST_CASE("ps bsp: any worker killed at any point of an iteration, the trace is the fault-free one") {
  for (auto [mode, staleness] : {std::pair{PsMode::bsp, 0}, std::pair{PsMode::ssp, 0}})
    for (int workers : {2, 3, 5})
      for (int servers : {1, 2, 3}) {
        const auto c = config(mode, staleness, workers, servers);
        auto clean = run_inproc(c, data());
        REQUIRE_MESSAGE(clean.ok(), clean.status().message());
        for (int victim = 0; victim < workers; ++victim) {
          // A worker computes once and sends `servers` pushes per iteration: die before any
          // push, before iteration 4, and between two shards' pushes of iteration 4.
          const std::vector<std::pair<Counted, int>> kills = {
              {Counted::computes, 1}, {Counted::computes, 4}, {Counted::sends, 3 * servers + 1},
              {Counted::sends, 4 * servers}, {Counted::computes, 12}};
          for (auto [counted, after] : kills) {
            CAPTURE(workers);
            CAPTURE(servers);
            CAPTURE(victim);
            CAPTURE(int(counted));
            CAPTURE(after);
            auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
              return DyingTransport(t, {{victim, after}}, counted);
            });
            REQUIRE_MESSAGE(run.ok(), run.status().message());
            check_same_trace(*run, *clean);
            check_one_failure(*run, victim, "worker");
          }
        }
      }
}

TEST_CASE("ps bsp: several worker deaths, adjacent or not, wrapping, down to one worker") {
  const auto c = config(PsMode::bsp, 0, 5, 2);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  for (auto deaths : {std::map<int, int>{{1, 3}, {2, 3}}, std::map<int, int>{{0, 2}, {4, 9}},
                      std::map<int, int>{{4, 5}, {0, 5}, {1, 6}},
                      std::map<int, int>{{1, 2}, {2, 5}, {3, 7}, {4, 9}}}) {
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, deaths); });
    REQUIRE_MESSAGE(run.ok(), run.status().message());
    check_same_trace(*run, *clean);
    CHECK(run->failures.size() == deaths.size());
  }
}

TEST_CASE("ps asp and ssp with a bound: any worker or server killed at any point, training completes and learns") {
  // Asynchronous runs have no fault-free trace to equal (arrival order decides the updates).
  // A taken-over position resumes at the lowest of its clocks over the shards; a server
  // errs on a push that skips an iteration of a position, and finishes only once every
  // position reached the end: so a completed run lost no push, and none is applied twice
  // (a push at or below the clock is answered, never applied).
  for (auto [mode, staleness] : {std::pair{PsMode::asp, 0}, std::pair{PsMode::ssp, 2}})
    for (int workers : {2, 3, 5})
      for (int servers : {1, 2, 3}) {
        const auto c = async_config(mode, staleness, workers, servers);
        auto clean = run_inproc(c, data());
        REQUIRE_MESSAGE(clean.ok(), clean.status().message());
        REQUIRE(clean->trace.back().loss < clean->trace.front().loss);  // so that learning on is a finding
        for (int victim = 0; victim < workers + servers; ++victim) {
          const bool server = victim >= workers;
          const std::vector<std::pair<Counted, int>> kills = {
              {Counted::computes, 1}, {Counted::computes, 5}, {Counted::sends, 3 * (server ? workers : servers) + 1},
              {Counted::computes, 10}};
          for (auto [counted, after] : kills) {
            CAPTURE(int(mode));
            CAPTURE(workers);
            CAPTURE(servers);
            CAPTURE(victim);
            CAPTURE(after);
            auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
              return DyingTransport(t, {{victim, after}}, counted);
            });
            REQUIRE_MESSAGE(run.ok(), run.status().message());
            check_one_failure(*run, victim, server ? "server" : "worker");
            REQUIRE(run->trace.size() == size_t(c.iterations));
            for (const auto& r : run->trace) CHECK(std::isfinite(r.loss));
            CHECK(run->trace.back().loss < run->trace.front().loss);
            REQUIRE(run->test_accuracy());
            CHECK(std::isfinite(*run->test_accuracy()));
          }
        }
      }
}

TEST_CASE("ps asp: several deaths, workers and servers, down to one worker serving itself") {
  const auto c = async_config(PsMode::asp, 0, 4, 2);
  for (auto deaths : {std::map<int, int>{{1, 3}, {2, 3}}, std::map<int, int>{{4, 5}, {0, 9}},
                      std::map<int, int>{{4, 5}, {5, 12}, {1, 8}}, std::map<int, int>{{0, 2}, {1, 6}, {2, 9}}}) {
    CAPTURE(deaths.size());
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, deaths); });
    REQUIRE_MESSAGE(run.ok(), run.status().message());
    CHECK(run->failures.size() == deaths.size());
    REQUIRE(run->trace.size() == size_t(c.iterations));
    CHECK(run->trace.back().loss < run->trace.front().loss);
  }
}

TEST_CASE("ps: the last worker's death cannot be healed; the run stops naming it") {
  for (auto mode : {PsMode::bsp, PsMode::asp}) {
    auto run = run_inproc(config(mode, 0, 1, 1), data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{0, 5}}); });
    REQUIRE(!run.ok());
    CHECK(run.status().message().find("node 0: killed by the test") != std::string::npos);
    CHECK(run.status().message().find("all 1 workers are down: nothing is left to train") != std::string::npos);
  }
}

TEST_CASE("ps: messages of a dead view are dropped and counted, never applied") {
  const auto c = config(PsMode::bsp, 0, 4, 1);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  const int server = 4;
  const size_t params = size_t(mlp_param_count(c.layers));
  for (int victim : {0, 2})
    for (int after : {1, 5}) {
      CAPTURE(victim);
      CAPTURE(after);
      // Into the server: a push of huge values for a later iteration, from a live worker's
      // position. Into a worker: parameters of huge values for the iteration in hand.
      const int worker = (victim + 1) % 4;
      struct Injection {
        int target, from;
        std::vector<Message> messages;
      };
      const Injection push{server, worker, {Message{PushGradient{6, 0, Floats(FloatBuffer(params, 1e30f)), worker, 1e30}}}};
      const Injection shard{worker, server, {Message{ParamShard{after, 0, Floats(FloatBuffer(params, 1e30f)), 1e30, worker}}}};
      for (const auto& injection : {push, shard}) {
        auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
          return StaleInjectingTransport(t, victim, after, injection.target, injection.from, injection.messages);
        });
        REQUIRE_MESSAGE(run.ok(), run.status().message());
        check_same_trace(*run, *clean);
        CHECK(run->stale_messages >= 1);
      }
    }
}

TEST_CASE("ps bsp: any server killed at any point, its shard moves on and training completes; the fault-free trace "
          "wherever the shard's momentum survives") {
  // The shard goes to the next live server, which serves it from its replica (--server-replicas
  // 1: parameters and momentum), or, holding none, reseeds it from the workers' parameters; with
  // a single server, the lowest live worker serves it. Reseeding resets momentum, so a run with
  // momentum then takes another (still learning) path.
  for (int workers : {2, 3, 5})
    for (int servers : {1, 2, 3})
      for (int replicas : {0, 1})
        for (float momentum : {0.0f, 0.9f}) {
          if (replicas > servers - 1) continue;
          auto c = config(PsMode::bsp, 0, workers, servers);
          c.server_replicas = replicas;
          c.momentum = momentum;
          auto clean = run_inproc(c, data());
          REQUIRE_MESSAGE(clean.ok(), clean.status().message());
          const bool exact = replicas == 1 || momentum == 0.0f;
          for (int victim = workers; victim < workers + servers; ++victim) {
            // A server computes once per push and once per step, and sends one answer per
            // worker (and its replica's sum): die before anything, while summing iteration 3,
            // between two answers of iteration 3, and late in the run.
            const std::vector<std::pair<Counted, int>> kills = {{Counted::computes, 1},
                                                                {Counted::computes, 2 * (workers + 1) + 2},
                                                                {Counted::sends, 2 * (workers + replicas) + 2},
                                                                {Counted::sends, 12 * (workers + replicas)}};
            for (auto [counted, after] : kills) {
              CAPTURE(workers);
              CAPTURE(servers);
              CAPTURE(replicas);
              CAPTURE(momentum);
              CAPTURE(victim);
              CAPTURE(after);
              auto run =
                  run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{victim, after}}, counted); });
              REQUIRE_MESSAGE(run.ok(), run.status().message());
              check_one_failure(*run, victim, "server");
              REQUIRE(run->trace.size() == clean->trace.size());
              if (exact) {
                check_same_trace(*run, *clean);
              } else {
                for (const auto& r : run->trace) CHECK(std::isfinite(r.loss));
                CHECK(run->trace.back().loss < run->trace.front().loss);
              }
            }
          }
        }
}

TEST_CASE("ps bsp: every server dead, one after another: a promoted worker serves every shard to the end") {
  auto c = config(PsMode::bsp, 0, 3, 2);
  c.server_replicas = 1;
  c.momentum = 0.0f;  // reseeding from the workers is then exact
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) {
    return DyingTransport(t, {{3, 10}, {4, 40}}, Counted::computes);
  });
  REQUIRE_MESSAGE(run.ok(), run.status().message());
  REQUIRE(run->failures.size() == 2);
  check_same_trace(*run, *clean);
}
