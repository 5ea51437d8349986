// The simulator runs the same node programs as every other backend: same config and seed,
// same loss trace as the in-process transport; timing-only keeps the traffic and the clock.
#include "sim/simulation.hpp"

#include <doctest/doctest.h>

#include "core/data/load_data.hpp"
#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/small_run.hpp"
#include "tests/sim/test_platforms.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

namespace {

RunConfig base(StrategyKind s) { return testing::small_run(s); }
DataSplit data() { return testing::small_data(); }

// Losses, then: sim seconds, bytes sent, messages sent, energy; then, `with_evals`, each
// evaluation's iteration, test loss and time.
std::vector<double> simulated(const RunConfig& c, const std::string& platforms, bool with_evals = false) {
  return testing::simulated_losses(c, platforms, [&](const RunResult& run, std::vector<double>& v) {
    double msgs = 0;
    for (const auto& n : run.nodes) msgs += double(n.msgs_sent);
    v.insert(v.end(), {*run.sim_seconds, double(run.bytes_sent_total()), msgs, run.energy_joules().value_or(-1)});
    if (with_evals)
      for (const auto& e : run.evals) v.insert(v.end(), {double(e.iteration), e.loss, e.time});
  });
}

}  // namespace

// Runs c in-process and in the simulator: the same loss trace (within 1e-5 relative: the
// codec's floats are the same, the arrival order may differ), the same bytes, the same
// evaluations along the way (on the simulated clock), and a clock that moved. An async
// ring's interleaving is the transport's: there, only that it learns and is evaluated.
static void check_sim_matches_inproc(const RunConfig& c, const std::string& platforms) {
  CAPTURE(to_string(c.strategy));
  CAPTURE(to_string(c.schedule));
  auto inproc = run_inproc(c, data());
  REQUIRE(inproc.ok());
  auto sim = in_child([&] { return simulated(c, platforms, true); });
  REQUIRE_MESSAGE(sim.ok, sim.error);
  const size_t n = inproc->trace.size();
  REQUIRE(sim.values.size() == n + 4 + 3 * inproc->evals.size());
  REQUIRE(inproc->evals.size() == 3);  // iterations 10, 20 and 30
  for (size_t e = 0; e < inproc->evals.size(); ++e) {
    const double* got = &sim.values[n + 4 + 3 * e];
    CHECK(got[0] == double(inproc->evals[e].iteration));
    CHECK(got[2] > 0);
    CHECK(got[2] <= sim.values[n]);
    if (c.strategy != StrategyKind::ring || c.schedule != Schedule::async)
      CHECK(std::abs(got[1] - inproc->evals[e].loss) <= 1e-5 * std::abs(inproc->evals[e].loss));
  }
  if (c.strategy == StrategyKind::ring && c.schedule == Schedule::async) {
    CHECK(sim.values[n - 1] < sim.values[0]);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    const double a = inproc->trace[i].loss, b = sim.values[i];
    CHECK(std::abs(a - b) <= 1e-5 * std::abs(a));
  }
  CHECK(sim.values[n + 1] == double(inproc->bytes_sent_total()));  // the wire codec's, in both worlds
  CHECK(sim.values[n] > 0);                                         // the clock moved
}

struct StrategyCase {
  StrategyKind strategy;
  Schedule schedule;
};

TEST_CASE("sim reproduces the in-process loss trace for every synchronous strategy") {
  testing::TestPlatforms platforms;
  for (auto [strategy, schedule] :
       {StrategyCase{StrategyKind::ring, Schedule::gpipe}, StrategyCase{StrategyKind::ring, Schedule::one_f_one_b},
        StrategyCase{StrategyKind::ps, Schedule::gpipe}, StrategyCase{StrategyKind::allreduce, Schedule::gpipe}}) {
    RunConfig c = base(strategy);
    c.schedule = schedule;
    check_sim_matches_inproc(c, platforms.dir());
  }
}

TEST_CASE("sim trains a CNN as the in-process run does, in every strategy") {
  testing::TestPlatforms platforms;
  for (auto [strategy, schedule] :
       {StrategyCase{StrategyKind::ring, Schedule::gpipe}, StrategyCase{StrategyKind::ring, Schedule::one_f_one_b},
        StrategyCase{StrategyKind::ring, Schedule::async}, StrategyCase{StrategyKind::ps, Schedule::gpipe},
        StrategyCase{StrategyKind::allreduce, Schedule::gpipe}}) {
    // The data's 32 features as 2x4x4, through im2col; a one-channel input would run the
    // direct conv, which the layer and equivalence tests cover.
    RunConfig c = base(strategy);
    c.schedule = schedule;
    c.model = "conv(3,3,pad=1),relu,maxpool(2),flatten,dense(12),relu,dense(8)";
    c.input = "2x4x4";
    REQUIRE(c.validate().ok());
    check_sim_matches_inproc(c, platforms.dir());
  }
}

TEST_CASE("timing-only keeps the clock, the traffic and the message count of the real run") {
  testing::TestPlatforms platforms;
  for (auto strategy : {StrategyKind::ring, StrategyKind::ps, StrategyKind::allreduce}) {
    CAPTURE(to_string(strategy));
    RunConfig c = base(strategy);
    auto full = in_child([&] { return simulated(c, platforms.dir()); });
    c.timing_only = true;
    auto timing = in_child([&] {
      sim::SimOptions o;
      o.platforms_dir = platforms.dir();
      auto none = load_data(c);  // no dataset is read: one zero batch
      if (!none.ok() || none->train.size() != c.batch) throw std::runtime_error("placeholder data");
      auto run = sim::simulate(c, *none, o);
      if (!run.ok()) throw std::runtime_error(run.status().message());
      double msgs = 0;
      for (const auto& n : run->nodes) msgs += double(n.msgs_sent);
      // (doctest's checks do not cross the fork: the child reports by throwing)
      if (!std::isnan(run->trace.back().loss) || !run->evals.empty())
        throw std::runtime_error("a timing-only run reported a loss or an evaluation");
      return std::vector<double>{*run->sim_seconds, double(run->bytes_sent_total()), msgs};
    });
    REQUIRE_MESSAGE(full.ok, full.error);
    REQUIRE_MESSAGE(timing.ok, timing.error);
    const size_t k = full.values.size() - 4;
    CHECK(timing.values[0] == doctest::Approx(full.values[k]).epsilon(1e-9));
    CHECK(timing.values[1] == full.values[k + 1]);
    CHECK(timing.values[2] == full.values[k + 2]);
  }
}

TEST_CASE("energy is positive and grows with the work done") {
  testing::TestPlatforms platforms;
  RunConfig c = base(StrategyKind::ring);
  c.iterations = 10;
  auto shorter = in_child([&] { return simulated(c, platforms.dir()); });
  c.iterations = 40;
  auto longer = in_child([&] { return simulated(c, platforms.dir()); });
  REQUIRE_MESSAGE(shorter.ok, shorter.error);
  REQUIRE_MESSAGE(longer.ok, longer.error);
  const double e_short = shorter.values.back(), e_long = longer.values.back();
  CHECK(e_short > 0);
  CHECK(e_long > 2 * e_short);
}

TEST_CASE("bad platform input is one clear error") {
  testing::TestPlatforms platforms;
  auto run_with = [&](RunConfig c) {
    auto r = in_child([&] { return simulated(c, platforms.dir()); });
    CHECK_FALSE(r.ok);
    return r.error;
  };
  RunConfig c = base(StrategyKind::ring);
  c.device = "pi9";
  CHECK(run_with(c).find("unknown device profile 'pi9'") != std::string::npos);
  c = base(StrategyKind::ring);
  c.network = "carrier-pigeon";
  CHECK(run_with(c).find("unknown network profile 'carrier-pigeon'") != std::string::npos);
  c = base(StrategyKind::ring);
  c.device = "unit*3";
  CHECK(run_with(c).find("describes 3 devices but the run has 4") != std::string::npos);
  c = base(StrategyKind::ring);
  c.faults = "kill:9@1";
  CHECK(run_with(c).find("node 9 is outside 0..3") != std::string::npos);
  c = base(StrategyKind::ring);
  c.platform = "/nonexistent/platform.xml";
  CHECK(run_with(c).find("platform /nonexistent/platform.xml: cannot open") != std::string::npos);
}

TEST_CASE("same config and seed give the same simulated numbers, run after run") {
  testing::TestPlatforms platforms;
  platforms.wifi("air", 40e6, 3e-3, 8);
  RunConfig c = base(StrategyKind::ring);
  c.network = "air";
  auto a = in_child([&] { return simulated(c, platforms.dir()); });
  auto b = in_child([&] { return simulated(c, platforms.dir()); });
  REQUIRE_MESSAGE(a.ok, a.error);
  REQUIRE_MESSAGE(b.ok, b.error);
  CHECK(a.values == b.values);  // losses, simulated seconds, bytes, messages, energy: bit for bit
}

TEST_CASE("many stations share several access points; device mixes follow rank order") {
  testing::TestPlatforms platforms;
  platforms.wifi("small-ap", 40e6, 3e-3, 2);  // 2 stations per access point
  platforms.device("slow", 2.5e8, 1, 1, 2);
  RunConfig c = base(StrategyKind::ring);
  c.nodes = 4;
  c.network = "small-ap";
  c.device = "unit*2,slow*2";
  auto r = in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto run = sim::simulate(c, data(), o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    if (run->platform != "2 x slow (no storage modelled) + 2 x unit (no storage modelled) on small-ap (2 access points)")
      throw std::runtime_error("platform: " + run->platform);
    // Stages 2 and 3 run on the 4x slower device: their busy time shows it.
    return std::vector<double>{run->nodes[1].busy_s, run->nodes[2].busy_s};
  });
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.values[1] > r.values[0]);
}

TEST_CASE("timing-only messages carry shapes, not values, and cost each node the same flops, bytes and memory") {
  // Timing-only holds no parameters and sends no values (core/transport/message.hpp's
  // Floats, a Block's shape): each node's flops, traffic and accounted memory must still be the
  // numeric run's, node by node, for every strategy and schedule.
  testing::TestPlatforms platforms;
  auto per_node = [&](const RunConfig& c, const DataSplit& d) {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto run = sim::simulate(c, d, o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    std::vector<double> v;
    for (const auto& n : run->nodes)
      v.insert(v.end(), {n.busy_s, double(n.bytes_sent), double(n.bytes_recv), double(n.msgs_sent),
                         double(n.peak_memory_bytes), double(n.peak_stash_bytes)});
    return v;
  };
  struct Case { StrategyKind strategy; Schedule schedule; PsMode mode; };
  for (auto k : {Case{StrategyKind::ring, Schedule::gpipe, PsMode::bsp}, Case{StrategyKind::ring, Schedule::async, PsMode::bsp},
                 Case{StrategyKind::ps, Schedule::gpipe, PsMode::bsp}, Case{StrategyKind::ps, Schedule::gpipe, PsMode::asp},
                 Case{StrategyKind::allreduce, Schedule::gpipe, PsMode::bsp}}) {
    CAPTURE(to_string(k.strategy));
    CAPTURE(int(k.schedule));
    RunConfig c = base(k.strategy);
    c.schedule = k.schedule;
    c.ps_mode = k.mode;
    c.iterations = 3;
    auto full = in_child([&] { return per_node(c, data()); });
    c.timing_only = true;
    auto timing = in_child([&] {
      auto none = load_data(c);
      if (!none.ok()) throw std::runtime_error(none.status().message());
      return per_node(c, *none);
    });
    REQUIRE_MESSAGE(full.ok, full.error);
    REQUIRE_MESSAGE(timing.ok, timing.error);
    CHECK(timing.values == full.values);
  }
}

TEST_CASE("idle splits into waiting for the network and waiting for work") {
  // Per node: idle seconds, then the part spent with the awaited message on the network.
  auto idle_parts = [](const RunConfig& c, const std::string& platforms) {
    sim::SimOptions o;
    o.platforms_dir = platforms;
    auto run = sim::simulate(c, data(), o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    std::vector<double> v;
    for (const auto& n : run->nodes) v.insert(v.end(), {n.idle_s, n.idle_network_s});
    return v;
  };
  testing::TestPlatforms platforms;
  for (auto strategy : {StrategyKind::ring, StrategyKind::ps, StrategyKind::allreduce}) {
    CAPTURE(to_string(strategy));
    RunConfig c = base(strategy);
    c.iterations = 5;
    double share[2] = {}, network_s[2] = {};
    for (int fast = 0; fast < 2; ++fast) {
      c.network = fast ? "fast" : "eth";
      auto got = in_child([&] { return idle_parts(c, platforms.dir()); });
      REQUIRE_MESSAGE(got.ok, got.error);
      double idle = 0, network = 0;
      for (size_t i = 0; i < got.values.size(); i += 2) {
        CHECK(got.values[i + 1] >= 0);
        CHECK(got.values[i + 1] <= got.values[i] + 1e-12);
        idle += got.values[i];
        network += got.values[i + 1];
      }
      REQUIRE(idle > 0);
      share[fast] = network / idle;
      network_s[fast] = network;
    }
    // On 100 Mbit/s Ethernet much of the wait is the wire; on a network ten thousand times
    // faster the wire's part all but vanishes (what is left, the per-message delay, may be
    // all of a tiny wait).
    CHECK(share[0] > 0.05);
    CHECK(network_s[1] < network_s[0] / 100);
  }
  // In-process there is no network to wait for.
  RunConfig c = base(StrategyKind::ring);
  c.iterations = 5;
  auto inproc = run_inproc(c, data());
  REQUIRE(inproc.ok());
  for (const auto& n : inproc->nodes) CHECK(n.idle_network_s == 0);
}
