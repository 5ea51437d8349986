// SimTransport::store: a checkpoint write runs the real write (not in timing-only runs) and
// costs the node latency + bytes / bandwidth on its device's modelled storage, at idle
// watts; without modelled storage (a profile without the keys) it costs nothing.
#include "sim/sim_transport.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>

#include "core/config.hpp"
#include "sim/engine.hpp"
#include "sim/platform.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/test_platforms.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

namespace {

// Rank 0 of `device` (and a second node of it, idle) writes `bytes` at t = 1 s: the time the
// write took, whether fn ran, when the run ended and rank 0's host energy.
std::vector<double> one_store(const testing::TestPlatforms& platforms, const std::string& device, int64_t bytes,
                              bool timing_only) {
  auto r = in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto engine = sim::start_engine(o);
    RunConfig c;
    c.device = device;
    c.network = "eth";
    auto platform = sim::build_platform(c, 2, platforms.dir());
    if (!platform.ok()) throw std::runtime_error(platform.status().message());
    sim::SimNetwork network(*platform, sim::failure_detection(c));
    double took = -1, ran = 0;
    for (int rank = 0; rank < 2; ++rank) {
      auto node = simgrid::s4u::Actor::create(fmt::format("node-{}", rank), platform->hosts[rank], [&, rank] {
        sim::SimTransport t(network, rank, timing_only, 1, 1.0, platform->storage[rank]);
        if (rank != 0) return;
        simgrid::s4u::this_actor::sleep_for(1.0);
        const double start = t.now();
        t.store(bytes, [&] { ran = 1; });
        took = t.now() - start;
      });
      network.set_receiver(rank, node);
    }
    engine->run();
    return std::vector<double>{took, ran, simgrid::s4u::Engine::get_clock(),
                               sg_host_get_consumed_energy(platform->hosts[0])};
  });
  REQUIRE_MESSAGE(r.ok, r.error);
  return r.values;
}

}  // namespace

TEST_CASE("store costs latency + bytes / bandwidth on the modelled storage, at idle watts") {
  testing::TestPlatforms platforms;
  // 1 GFLOP/s, 2 W idle, 5 W busy; storage at 1e6 B/s with 10 ms a write.
  platforms.device("disk", 1e9, 1, 2, 5, -1, testing::TestPlatforms::storage(1e6, 0.01));
  const auto run = one_store(platforms, "disk", 250'000, false);
  CHECK(run[0] == doctest::Approx(0.01 + 0.25).epsilon(1e-9));
  CHECK(run[1] == 1);                                              // the real write ran
  CHECK(run[2] == doctest::Approx(1.26).epsilon(1e-9));            // nothing else ran the clock on
  CHECK(run[3] == doctest::Approx(2.0 * 1.26).epsilon(1e-9));      // idle watts all along
  const auto empty = one_store(platforms, "disk", 0, false);       // an empty file: the latency only
  CHECK(empty[0] == doctest::Approx(0.01).epsilon(1e-9));
}

TEST_CASE("a timing-only store writes nothing and costs the same time") {
  testing::TestPlatforms platforms;
  platforms.device("disk", 1e9, 1, 2, 5, -1, testing::TestPlatforms::storage(1e6, 0.01));
  const auto run = one_store(platforms, "disk", 250'000, true);
  CHECK(run[0] == doctest::Approx(0.26).epsilon(1e-9));
  CHECK(run[1] == 0);
}

TEST_CASE("without modelled storage a store runs the write and costs no simulated time") {
  testing::TestPlatforms platforms;  // "unit" states no storage keys
  const auto run = one_store(platforms, "unit", 250'000, false);
  CHECK(run[0] == 0);
  CHECK(run[1] == 1);
}
