// Fault schedules on every strategy: a host that goes off ends the run cleanly and quickly,
// with the failure reported (what, where, when, when the others noticed), never a hang. Parsing: fault_spec_test.cpp.
#include "sim/fault_schedule.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/ps.hpp"
#include "sim/simulation.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/test_platforms.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

namespace {

// 4 nodes of the test platform's unit device on Ethernet, far more iterations than fit
// before the fault; the run's error line (it must fail) and SimGrid's stderr.
RunConfig faulted_config(StrategyKind strategy, const std::string& faults) {
  RunConfig c;
  c.strategy = strategy;
  c.dataset = DatasetKind::synthetic;
  c.layers = {32, 64, 64, 64, 8};
  c.nodes = 4;
  c.batch = 32;
  c.microbatches = 4;
  c.iterations = 100000;
  c.device = "unit";
  c.network = "eth";
  c.faults = faults;
  return c;
}

// The run's loss trace then, per failure it survived, the node, when it was first detected
// and when the last survivor resumed; or the run's error line.
testing::ChildResult simulate_in_child(const RunConfig& c) {
  testing::TestPlatforms platforms;
  const auto data = make_synthetic({.features = 32, .classes = 8, .train_samples = 512, .test_samples = 64});
  return in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto run = sim::simulate(c, data, o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    // No node is busy or idle longer than the run lasted (a wait cut by a dropped stale
    // message once counted its idle time twice).
    for (const auto& n : run->nodes)
      if (n.busy_s + n.idle_s > *run->sim_seconds + 1e-6)
        throw std::runtime_error(fmt::format("node {}: busy {} s + idle {} s exceed the run's {} s", n.node, n.busy_s,
                                             n.idle_s, *run->sim_seconds));
    std::vector<double> out;
    for (const auto& r : run->trace) out.push_back(r.loss);
    for (const auto& f : run->failures) out.insert(out.end(), {double(f.node), f.detected_at, f.resumed_at});
    out.push_back(*run->sim_seconds);
    return out;
  });
}

// "kill:R@T,..." for each rank of `deaths` in turn, the first at `first`, then `apart` seconds apart.
std::string staggered_kills(const std::vector<int>& deaths, double first, double apart) {
  std::string faults;
  for (size_t k = 0; k < deaths.size(); ++k)
    faults += fmt::format("{}kill:{}@{:.6f}", k ? "," : "", deaths[k], first + apart * double(k));
  return faults;
}

// For the tests of deaths that are not healed: a ring without shadows (--replica-every 0),
// a parameter server with one worker (rank 0; its server is rank 1).
testing::ChildResult run_with_faults(StrategyKind strategy, const std::string& faults) {
  RunConfig c = faulted_config(strategy, faults);
  c.replica_every = 0;
  if (strategy == StrategyKind::ps) c.nodes = 1;
  return simulate_in_child(c);
}

// For the rejoin tests (c.iterations = n): the trace's n losses, then its n times; per
// failure its node, when it failed, was detected and rejoined (-1: not readmitted); then
// the nodes alive at the end and the run's end.
testing::ChildResult simulate_rejoins(const RunConfig& c) {
  testing::TestPlatforms platforms;
  const auto data = make_synthetic({.features = 32, .classes = 8, .train_samples = 512, .test_samples = 64});
  return in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto r = sim::simulate(c, data, o);
    if (!r.ok()) throw std::runtime_error(r.status().message());
    std::vector<double> out;
    for (const auto& t : r->trace) out.push_back(t.loss);
    for (const auto& t : r->trace) out.push_back(t.time);
    for (const auto& f : r->failures)
      out.insert(out.end(), {double(f.node), f.failed_at, f.detected_at, f.rejoined_at.value_or(-1)});

    double alive = 0;
    for (const auto& n : r->nodes) alive += n.failed_at ? 0 : 1;
    out.push_back(alive);
    out.push_back(*r->sim_seconds);
    return out;
  });
}

}  // namespace

TEST_CASE("a host going off ends every strategy that does not heal it, reporting what failed when") {
  // A ring without shadows does not heal, nor a parameter server that lost its only worker.
  struct Case {
    StrategyKind strategy;
    const char* faults;
    int victim;
  };
  for (const auto& [strategy, faults, victim] :
       {Case{StrategyKind::ring, "kill:2@0.05", 2}, Case{StrategyKind::ring, "pause:1@0.05+3", 1},
        Case{StrategyKind::ps, "kill:0@0.05", 0}, Case{StrategyKind::ps, "pause:0@0.05+3", 0}}) {
    CAPTURE(to_string(strategy));
    CAPTURE(faults);
    const auto start = std::chrono::steady_clock::now();
    auto r = run_with_faults(strategy, faults);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(wall < 20);
    REQUIRE_FALSE(r.ok);
    const std::string& e = r.error;
    CHECK(e.find("run failed: node " + std::to_string(victim) + ": host turned off at 0.05 s by the fault schedule (" +
                 faults + ")") == 0);
    CHECK(e.find("stopped because a peer went down") != std::string::npos);
    CHECK(e.find("died") == std::string::npos);
    // Seen as the runtime would: silent since the heartbeat at 0 s, dead after the 2.5 s
    // timeout (the defaults), not at 0.05 s.
    CHECK(e.find("silent since its heartbeat at 0 s, declared dead at 2.5 s (--failure-timeout 2.5)") !=
          std::string::npos);
    // Seen at 2.5 s plus the test platform's 2 ms route from a host to itself (the notice).
    CHECK(e.find(", at 2.502 s)") != std::string::npos);
  }
}

// Regression (issue 11): with every rank down, SimGrid once logged "Oops! Daemon actors
// cannot do any blocking activity..." after the report (senders blocked when the engine
// ended); and with several hosts down, the report must name exactly those as causes, and a
// survivor's first PeerDown one of them, never a node that stopped because of them.
TEST_CASE("several hosts going off: the report names them, and the engine ends without a word") {
  struct Case {
    StrategyKind strategy;
    const char* faults;
    std::vector<int> down;
  };
  for (const auto& [strategy, faults, down] :
       {Case{StrategyKind::ring, "kill:0@0.05,kill:1@0.05,kill:2@0.05,kill:3@0.05", {0, 1, 2, 3}},
        Case{StrategyKind::allreduce, "kill:0@0.05,kill:1@0.05,kill:2@0.05,kill:3@0.05", {0, 1, 2, 3}},
        Case{StrategyKind::ps, "kill:0@0.05,kill:1@0.05", {0, 1}},
        Case{StrategyKind::ring, "pause:1@0.05+3,pause:2@0.05+3", {1, 2}},
        Case{StrategyKind::ring, "pause:3@0.05+3,pause:1@0.05+2.5", {3, 1}},
        Case{StrategyKind::ps, "pause:1@0.05+3,pause:0@0.05+3", {1, 0}}}) {
    CAPTURE(to_string(strategy));
    CAPTURE(faults);
    auto r = run_with_faults(strategy, faults);
    REQUIRE_FALSE(r.ok);
    CHECK(r.stderr_text == "");  // SimGrid said nothing: no deadlock report, no warning
    for (int rank : down) {
      const auto from = r.error.find(fmt::format("node {}: host turned off at ", rank));
      CHECK_MESSAGE(from != std::string::npos, "node ", rank, " is not named as a cause");
    }
    const auto first = r.error.find("(first: node ");
    if (first != std::string::npos) {
      const auto peer = r.error.find("peer ", first);
      REQUIRE(peer != std::string::npos);
      const int blamed = std::stoi(r.error.substr(peer + 5));
      CHECK_MESSAGE(std::find(down.begin(), down.end(), blamed) != down.end(), "blames bystander ", blamed);
    }
    // Every node named as a cause went down by the schedule.
    for (size_t at = 0; (at = r.error.find(": host turned off", at)) != std::string::npos; ++at) {
      const auto node = r.error.rfind("node ", at);
      const int rank = std::stoi(r.error.substr(node + 5));
      CHECK(std::find(down.begin(), down.end(), rank) != down.end());
    }
  }
}

TEST_CASE("the ring, all-reduce and a bsp parameter server survive hosts going off in sim: the fault-free trace, "
          "each failure reported") {
  // The ring twice: refreshed every iteration, and with snapshots every 4 (rolled back).
  for (auto [strategy, replica_every] : {std::pair{StrategyKind::ring, 1}, std::pair{StrategyKind::ring, 4},
                                         std::pair{StrategyKind::allreduce, 1}, std::pair{StrategyKind::ps, 1}}) {
    CAPTURE(to_string(strategy));
    CAPTURE(replica_every);
    auto c = faulted_config(strategy, "");
    c.replica_every = replica_every;
    c.iterations = 30;
    auto clean = simulate_in_child(c);
    REQUIRE_MESSAGE(clean.ok, clean.error);
    const double end = clean.values.back();
    const size_t iterations = clean.values.size() - 1;
    REQUIRE(iterations == 30);
    // Two deaths a third of the run apart both come before the first is detected (2.5 s): a
    // ring cannot heal two adjacent stages then (the second held the first's only shadow).
    const std::vector<int> two = strategy == StrategyKind::ring ? std::vector<int>{1, 3} : std::vector<int>{1, 2};
    for (const auto& deaths : {std::vector<int>{0}, std::vector<int>{3}, two}) {
      const std::string faults = staggered_kills(deaths, end / 3, end / 3);
      CAPTURE(faults);
      c.faults = faults;
      auto r = simulate_in_child(c);
      REQUIRE_MESSAGE(r.ok, r.error);
      REQUIRE(r.values.size() == iterations + 3 * deaths.size() + 1);
      for (size_t i = 0; i < iterations; ++i) {
        CAPTURE(i);
        CHECK(r.values[i] == clean.values[i]);  // the same sums in the same order: bit for bit
      }
      for (size_t k = 0; k < deaths.size(); ++k) {
        CAPTURE(k);
        const double* f = &r.values[iterations + 3 * k];
        CHECK(int(f[0]) == deaths[k]);
        CHECK(f[1] >= end * double(k + 1) / 3);  // nobody knows before it happens
        CHECK(f[2] >= f[1]);
      }
    }
  }
}

TEST_CASE("the ring, all-reduce and a parameter server (a worker, a server) survive a host going off in a timing-only "
          "simulation (counts travel)") {
  // Node 2 (a stage, a worker), an async ring's stage 0; then a parameter server's server 4
  // of two, reseeded or from its replica; then an asynchronous one's worker and server.
  struct Case {
    StrategyKind strategy;
    int servers, replicas, victim;
    PsMode mode = PsMode::bsp;
    Schedule schedule = Schedule::one_f_one_b;
  };
  for (const auto& [strategy, servers, replicas, victim, mode, schedule] :
       {Case{StrategyKind::ring, 1, 0, 2}, Case{StrategyKind::ring, 1, 0, 0, PsMode::bsp, Schedule::async},
        Case{StrategyKind::allreduce, 1, 0, 2}, Case{StrategyKind::ps, 1, 0, 2},
        Case{StrategyKind::ps, 2, 0, 4}, Case{StrategyKind::ps, 2, 1, 4}, Case{StrategyKind::ps, 2, 0, 2, PsMode::asp},
        Case{StrategyKind::ps, 2, 0, 4, PsMode::ssp}, Case{StrategyKind::ps, 1, 0, 4, PsMode::asp}}) {
    // A server dies once the run is under way (asynchronous runs end sooner).
    CAPTURE(to_string(strategy));
    CAPTURE(victim);
    CAPTURE(replicas);
    CAPTURE(to_string(mode));
    const char* at = victim < 4 ? "0" : mode == PsMode::bsp ? "0.5" : "0.1";
    auto c = faulted_config(strategy, fmt::format("kill:{}@{}", victim, at));
    c.servers = servers;
    c.server_replicas = replicas;
    c.ps_mode = mode;
    c.schedule = schedule;
    c.staleness = mode == PsMode::ssp ? 2 : 0;
    c.iterations = 30;
    c.timing_only = true;
    auto r = simulate_in_child(c);
    REQUIRE_MESSAGE(r.ok, r.error);
    REQUIRE(r.values.size() == 30 + 3 + 1);
    CHECK(int(r.values[30]) == victim);
  }
}

TEST_CASE("a bsp parameter server heals its servers' deaths: from a replica, reseeded from the workers' copies, or "
          "served by a promoted worker") {
  struct Case {
    int servers, replicas;
    float momentum;
    std::vector<int> deaths;  // 3 s apart: each detected (2.5 s) and healed before the next
    bool exact;               // the fault-free trace, bit for bit
  };
  for (const auto& [servers, replicas, momentum, deaths, exact] : {
           Case{1, 0, 0.0f, {4}, true},          // the lowest worker serves, reseeded from the workers' copies
           Case{1, 0, 0.0f, {0, 4}, true},       // ... after worker 0's death: worker 1 serves
           Case{2, 0, 0.0f, {4}, true},          // server 5 serves shard 0 too, reseeded
           Case{2, 1, 0.9f, {4}, true},          // server 5 serves shard 0 from its replica: momentum too
           Case{2, 1, 0.9f, {5}, true},          // shard 1 wraps round to server 4's replica
           Case{3, 1, 0.9f, {5, 1, 6}, true},    // servers and a worker; replicas rebuilt between deaths
           Case{2, 1, 0.9f, {4, 5}, false},      // no server left: a promoted worker, momentum reset
           Case{2, 0, 0.9f, {5}, false},         // reseeded: momentum reset
       }) {
    CAPTURE(servers);
    CAPTURE(replicas);
    CAPTURE(momentum);
    auto c = faulted_config(StrategyKind::ps, "");
    c.servers = servers;
    c.server_replicas = replicas;
    c.momentum = momentum;
    c.iterations = 100;  // about 3 s fault-free: deaths come while it runs
    auto clean = simulate_in_child(c);
    REQUIRE_MESSAGE(clean.ok, clean.error);
    std::string faults;
    for (size_t k = 0; k < deaths.size(); ++k)
      faults += fmt::format("{}kill:{}@{:g}", k ? "," : "", deaths[k], 0.2 + 3.0 * double(k));
    CAPTURE(faults);
    c.faults = faults;
    auto r = simulate_in_child(c);
    REQUIRE_MESSAGE(r.ok, r.error);
    REQUIRE(r.values.size() == 100 + 3 * deaths.size() + 1);
    for (size_t i = 0; i < 100; ++i) {
      CAPTURE(i);
      if (exact) CHECK(r.values[i] == clean.values[i]);
      else CHECK(std::isfinite(r.values[i]));
    }
    if (!exact) CHECK(r.values[99] < r.values[0]);  // still learning
    std::vector<int> reported, died = deaths;  // reported in rank order
    for (size_t k = 0; k < deaths.size(); ++k) reported.push_back(int(r.values[100 + 3 * k]));
    std::sort(died.begin(), died.end());
    CHECK(reported == died);
  }
}


TEST_CASE("an asynchronous parameter server (asp, ssp with a bound) survives workers and servers going off in sim, "
          "and keeps learning") {
  for (auto [mode, staleness] : {std::pair{PsMode::asp, 0}, std::pair{PsMode::ssp, 2}})
    for (const auto& deaths : {std::vector<int>{1}, std::vector<int>{4}, std::vector<int>{0, 5}}) {
      auto c = faulted_config(StrategyKind::ps, "");
      c.servers = 2;
      c.ps_mode = mode;
      c.staleness = staleness;
      c.iterations = 100;
      std::string faults;
      for (size_t k = 0; k < deaths.size(); ++k)
        faults += fmt::format("{}kill:{}@{:g}", k ? "," : "", deaths[k], 0.2 + 3.0 * double(k));
      CAPTURE(to_string(mode));
      CAPTURE(faults);
      c.faults = faults;
      auto r = simulate_in_child(c);
      REQUIRE_MESSAGE(r.ok, r.error);
      REQUIRE(r.values.size() == 100 + 3 * deaths.size() + 1);
      for (size_t i = 0; i < 100; ++i) CHECK(std::isfinite(r.values[i]));
      CHECK(r.values[99] < r.values[0]);
    }
}

TEST_CASE("an async ring survives any stage going off in sim, one death or two, and keeps learning, the same "
          "numbers for the same seed") {
  constexpr size_t kIterations = 150;  // long enough for a second death after the first's recovery
  auto clean_config = faulted_config(StrategyKind::ring, "");
  clean_config.schedule = Schedule::async;
  clean_config.iterations = kIterations;
  auto clean = simulate_in_child(clean_config);
  REQUIRE_MESSAGE(clean.ok, clean.error);
  const double end = clean.values.back();
  // The second death 3.5 s after the first: after its detection (2.5 s) and recovery. The
  // first and the last stage (adjacent only over the closing edge) may die in turn.
  for (const auto& deaths : {std::vector<int>{0}, std::vector<int>{1}, std::vector<int>{2}, std::vector<int>{3},
                             std::vector<int>{3, 0}, std::vector<int>{1, 3}}) {
    auto c = clean_config;
    const std::string faults = staggered_kills(deaths, end / 3, 3.5);
    CAPTURE(faults);
    c.faults = faults;
    auto r = simulate_in_child(c);
    REQUIRE_MESSAGE(r.ok, r.error);
    REQUIRE(r.values.size() == kIterations + 3 * deaths.size() + 1);
    for (size_t i = 0; i < kIterations; ++i) CHECK(std::isfinite(r.values[i]));
    CHECK(r.values[kIterations - 1] < 0.5 * r.values[0]);
    std::vector<int> reported;  // failures are reported in rank order
    for (size_t k = 0; k < deaths.size(); ++k) reported.push_back(int(r.values[kIterations + 3 * k]));
    auto killed = deaths;
    std::ranges::sort(killed);
    CHECK(reported == killed);
    auto again = simulate_in_child(c);  // a simulation decides arrival order: deterministic
    REQUIRE(again.ok);
    CHECK(again.values == r.values);
  }
}

TEST_CASE("a pause its peers cannot notice is no failure: the node goes on where it was, the same trace, later") {
  // Silent at a third of the run, back before its last heartbeat plus the 2.5 s timeout.
  for (auto strategy : {StrategyKind::ring, StrategyKind::allreduce, StrategyKind::ps}) {
    CAPTURE(to_string(strategy));
    auto c = faulted_config(strategy, "");
    c.iterations = 30;
    auto clean = simulate_in_child(c);
    REQUIRE_MESSAGE(clean.ok, clean.error);
    const double end = clean.values.back();
    for (int victim : {0, 2}) {
      c.faults = fmt::format("pause:{}@{:.6f}+{:.6f}", victim, end / 3, std::min(1.4, end / 3));
      CAPTURE(c.faults);
      auto r = simulate_in_child(c);
      REQUIRE_MESSAGE(r.ok, r.error);
      REQUIRE(r.values.size() == clean.values.size());  // no failure reported
      for (size_t i = 0; i + 1 < clean.values.size(); ++i) CHECK(r.values[i] == clean.values[i]);
      CHECK(r.values.back() > end);  // the pause cost time
    }
  }
}

TEST_CASE("all-reduce, a bsp parameter server and the sync ring (shadows, or snapshots every K) readmit a node back "
          "from a pause its peers noticed: N nodes again, the fault-free trace") {
  struct Case {
    StrategyKind strategy;
    Schedule schedule;
    int replica_every;
  };
  for (auto [strategy, schedule, replica_every] : {Case{StrategyKind::allreduce, Schedule::gpipe, 1},
                                                   Case{StrategyKind::ps, Schedule::gpipe, 1},
                                                   Case{StrategyKind::ring, Schedule::one_f_one_b, 1},
                                                   Case{StrategyKind::ring, Schedule::gpipe, 1},
                                                   Case{StrategyKind::ring, Schedule::one_f_one_b, 3}}) {
  CAPTURE(to_string(strategy));
  CAPTURE(to_string(schedule));
  CAPTURE(replica_every);
  auto c = faulted_config(strategy, "");
  c.schedule = schedule;
  c.replica_every = replica_every;
  // ps: two servers, chain-replicated (a server's death is then exact too), ranks 4 and 5.
  c.servers = 2;
  c.server_replicas = 1;
  c.iterations = 150;
  c.heartbeat = 0.2;
  c.failure_timeout = 0.5;
  auto clean = simulate_rejoins(c);
  REQUIRE_MESSAGE(clean.ok, clean.error);
  const size_t iterations = 150;
  REQUIRE(clean.values.size() == 2 * iterations + 2);
  const double end = clean.values.back();
  const double timeout = c.failure_timeout;
  const double everyone = clean.values[2 * iterations];
  // Every rank: the data reader (0), the loss's (3), one between; then two back together
  // (for the ring, two it can heal at once: not adjacent). ps: each server, and a worker
  // with a server.
  const std::vector<int> two = strategy == StrategyKind::ring ? std::vector<int>{1, 3} : std::vector<int>{1, 2};
  std::vector<std::vector<int>> cases{{0}, {1}, {3}, two};
  if (strategy == StrategyKind::ps) cases.insert(cases.end(), {{4}, {5}, {1, 5}});
  for (const auto& victims : cases) {
    // Off for the timeout and a half: noticed, and back with a third of the run to go.
    const double at = end / 5, off = 1.5 * timeout;
    REQUIRE(at + off + timeout < end);
    c.faults.clear();
    for (int v : victims) c.faults += fmt::format("{}pause:{}@{:.6f}+{:.6f}", c.faults.empty() ? "" : ",", v, at, off);
    CAPTURE(c.faults);
    auto r = simulate_rejoins(c);
    REQUIRE_MESSAGE(r.ok, r.error);
    REQUIRE(r.values.size() == 2 * iterations + 4 * victims.size() + 2);  // each failure survived and rejoined
    for (size_t i = 0; i < iterations; ++i) {
      CAPTURE(i);
      CHECK(r.values[i] == clean.values[i]);  // every sum the fault-free run's, in its order
    }
    for (size_t k = 0; k < victims.size(); ++k) {
      const double* f = &r.values[2 * iterations + 4 * k];
      CHECK(int(f[0]) == victims[k]);
      CHECK(f[1] == doctest::Approx(at));
      CHECK(f[2] >= at + timeout - c.heartbeat);  // noticed, by its silence
      CHECK(f[3] >= at + off);                    // back, then readmitted
      CHECK(f[3] < r.values.back());
    }
    CHECK(r.values[2 * iterations + 4 * victims.size()] == everyone);  // every node alive at the end
  }
  }
}

TEST_CASE("the async ring readmits a node back from a pause its peers noticed, with shadows or snapshots: N "
          "nodes again, every iteration, still learning; with lr 0 the fault-free trace") {
  constexpr size_t kIterations = 150;
  for (int replica_every : {1, 4})
    for (float lr : {0.0f, 0.05f}) {
      CAPTURE(replica_every);
      CAPTURE(lr);
      auto c = faulted_config(StrategyKind::ring, "");
      c.schedule = Schedule::async;
      c.replica_every = replica_every;
      c.lr = lr;
      c.iterations = kIterations;
      c.heartbeat = 0.2;
      c.failure_timeout = 0.5;
      auto clean = simulate_rejoins(c);
      REQUIRE_MESSAGE(clean.ok, clean.error);
      REQUIRE(clean.values.size() == 2 * kIterations + 2);
      const double end = clean.values.back();
      const double everyone = clean.values[2 * kIterations];
      // The data reader, the loss's; then two at once that it can heal together. (That the
      // same seed gives the same numbers is the async death test's, above.)
      for (const auto& victims : {std::vector<int>{0}, std::vector<int>{3}, std::vector<int>{1, 3}}) {
        const double at = end / 5, off = 1.5 * c.failure_timeout;
        c.faults.clear();
        for (int v : victims) c.faults += fmt::format("{}pause:{}@{:.6f}+{:.6f}", c.faults.empty() ? "" : ",", v, at, off);
        CAPTURE(c.faults);
        auto r = simulate_rejoins(c);
        REQUIRE_MESSAGE(r.ok, r.error);
        REQUIRE(r.values.size() == 2 * kIterations + 4 * victims.size() + 2);
        for (size_t k = 0; k < victims.size(); ++k) {
          const double* f = &r.values[2 * kIterations + 4 * k];
          CHECK(int(f[0]) == victims[k]);
          CHECK(f[3] >= at + off);  // back, then readmitted
          CHECK(f[3] < r.values.back());
        }
        CHECK(r.values[2 * kIterations + 4 * victims.size()] == everyone);  // every node alive at the end
        if (lr == 0.0f) {
          // Weights that never move: every loss is its batch's alone, so a redo reads the same data.
          for (size_t i = 0; i < kIterations; ++i) CHECK(r.values[i] == clean.values[i]);
        } else {
          for (size_t i = 0; i < kIterations; ++i) CHECK(std::isfinite(r.values[i]));
          CHECK(r.values[kIterations - 1] < 0.5 * r.values[0]);
        }
      }
    }
}

TEST_CASE("a node back too late is turned away (all-reduce, ring, ps): the death stands, the run ends when it "
          "would have") {
  for (auto strategy : {StrategyKind::allreduce, StrategyKind::ring, StrategyKind::ps}) {
    CAPTURE(to_string(strategy));
    auto c = faulted_config(strategy, "");
    c.iterations = 40;
    c.heartbeat = 0.2;
    c.failure_timeout = 0.5;
    auto clean = simulate_rejoins(c);
    REQUIRE_MESSAGE(clean.ok, clean.error);
    const size_t n = 40;
    const double end = clean.values.back();
    // Off at a tenth of the run, for longer than the run: where the survivors' last
    // iteration runs without it.
    const double at = end / 10;
    c.faults = fmt::format("pause:1@{:.6f}+{:.6f}", at, 100 * end);
    auto away = simulate_rejoins(c);
    REQUIRE_MESSAGE(away.ok, away.error);
    REQUIRE(away.values.size() == 2 * n + 4 + 2);
    // Back in the middle of the last iteration (the survivors' timeline does not depend on
    // when it comes back, until it does): it is turned away, and the run ends as without
    // its return.
    const double last_begins = away.values[2 * n - 2], last_ends = away.values[2 * n - 1];
    c.faults = fmt::format("pause:1@{:.6f}+{:.6f}", at, (last_begins + last_ends) / 2 - at);
    CAPTURE(c.faults);
    auto late = simulate_rejoins(c);
    REQUIRE_MESSAGE(late.ok, late.error);
    REQUIRE(late.values.size() == away.values.size());
    for (size_t i = 0; i < n; ++i) CHECK(late.values[i] == clean.values[i]);  // the fault-free trace
    CHECK(late.values[2 * n] == 1);     // node 1's death, reported
    CHECK(late.values[2 * n + 3] == -1);  // and not readmitted
    CHECK(late.values[2 * n + 4] == clean.values[2 * n] - 1);  // one node fewer at the end
    CHECK(late.values.back() == doctest::Approx(away.values.back()).epsilon(0.01));  // nobody waited for it
  }
}

TEST_CASE("a parameter server readmits a worker or a server back at any point (bsp, and ssp with no bound: the "
          "fault-free trace; asp, ssp with a bound: still learning), and never stalls near the end") {
  for (auto [mode, staleness] : {std::pair{PsMode::bsp, 0}, std::pair{PsMode::ssp, 0}, std::pair{PsMode::asp, 0},
                                 std::pair{PsMode::ssp, 2}}) {
    CAPTURE(to_string(mode));
    CAPTURE(staleness);
    auto c = faulted_config(StrategyKind::ps, "");
    c.ps_mode = mode;
    c.staleness = staleness;
    const bool exact = ps_aggregates(c);
    c.servers = 2;
    c.server_replicas = mode == PsMode::bsp ? 1 : 0;  // reseeded from the workers: still exact, momentum 0
    if (!exact) c.momentum = 0;  // each asynchronous update a whole step (as in the async tests above)
    c.iterations = 60;
    c.heartbeat = 0.2;
    c.failure_timeout = 0.5;
    auto clean = simulate_rejoins(c);
    REQUIRE_MESSAGE(clean.ok, clean.error);
    const size_t n = clean.values.size() - 2;  // losses and times: the merged trace
    const double end = clean.values.back(), everyone = clean.values[n];
    const double at = end / 10;
    for (int victim : {1, 5}) {
      CAPTURE(victim);
      // Off for longer than the run, to see when the survivors' iterations run without it.
      c.faults = fmt::format("pause:{}@{:.6f}+{:.6f}", victim, at, 100 * end);
      auto away = simulate_rejoins(c);
      REQUIRE_MESSAGE(away.ok, away.error);
      const size_t m = (away.values.size() - 2 - 4) / 2;
      const double away_end = away.values.back();
      // Back a third of the way from its detection to the end, and back in each of the
      // survivors' last iterations: readmitted or turned away, never a run held up (the
      // stall guard is an hour).
      std::vector<double> backs{at + c.failure_timeout + (away_end - at - c.failure_timeout) / 3};
      for (size_t k = 1; k <= 4; ++k) backs.push_back(away.values[m + m - k] - 1e-4);
      for (double back : backs) {
        c.faults = fmt::format("pause:{}@{:.6f}+{:.6f}", victim, at, back - at);
        CAPTURE(c.faults);
        auto r = simulate_rejoins(c);
        REQUIRE_MESSAGE(r.ok, r.error);
        const double alive = r.values[r.values.size() - 2];
        const double rejoined = r.values[r.values.size() - 3];
        CHECK((rejoined > 0 ? alive == everyone : alive == everyone - 1));
        CHECK(r.values.back() < away_end + end);
        if (back == backs.front()) CHECK(rejoined > 0);  // with most of the run to go: readmitted
        const size_t k = (r.values.size() - 2 - 4) / 2;
        REQUIRE(k == n / 2);
        if (exact) {
          for (size_t i = 0; i < k; ++i) CHECK(r.values[i] == clean.values[i]);  // the fault-free trace
        } else {
          for (size_t i = 0; i < k; ++i) CHECK(std::isfinite(r.values[i]));
          CHECK(r.values[k - 1] < r.values[0]);
        }
      }
    }
  }
}
