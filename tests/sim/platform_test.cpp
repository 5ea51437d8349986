// The built platforms carry every strategy at the awkward cluster sizes: several Wi-Fi access
// points with uneven cells used to abort SimGrid (see build_wifi in sim/platform.cpp), and
// stations of different cells share an access point's air as stations of one cell do.
// The whole matrix (every N, every network) is bench/sim_matrix.sh; this is its quick subset.
#include "sim/platform.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/data/synthetic.hpp"
#include "sim/simulation.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/test_platforms.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

namespace {

struct Strategy {
  const char* name;
  StrategyKind kind;
  Schedule schedule = Schedule::one_f_one_b;
  PsMode mode = PsMode::bsp;
};

const Strategy every_strategy[] = {
    {"ring gpipe", StrategyKind::ring, Schedule::gpipe},  {"ring 1f1b", StrategyKind::ring},
    {"ring async", StrategyKind::ring, Schedule::async},  {"ps bsp", StrategyKind::ps},
    {"ps asp", StrategyKind::ps, {}, PsMode::asp},        {"ps ssp", StrategyKind::ps, {}, PsMode::ssp},
    {"allreduce", StrategyKind::allreduce},
};

// Timing-only, 2 iterations: the matrix bench's case, on N nodes of `network`.
RunConfig matrix_case(const Strategy& s, const std::string& network, const std::string& device, int nodes) {
  RunConfig c;
  c.strategy = s.kind;
  c.schedule = s.schedule;
  c.ps_mode = s.mode;
  c.staleness = s.mode == PsMode::ssp ? 1 : 0;
  c.servers = 2;
  c.nodes = nodes;
  c.dataset = DatasetKind::synthetic;
  c.layers = s.kind == StrategyKind::ring ? std::vector<int>(size_t(nodes + 2), 64) : std::vector<int>{64, 64, 64, 10};
  c.batch = 256;
  c.microbatches = 4;
  c.iterations = 2;
  c.timing_only = true;
  c.network = network;
  c.device = device;
  return c;
}

// Simulated seconds and bytes sent, or the error (an abort shows as the child's death).
testing::ChildResult simulate_case(const RunConfig& c, const std::string& platforms) {
  return in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms;
    const auto data = make_synthetic({.features = 64, .classes = 64, .train_samples = 256, .test_samples = 0, .seed = 1});
    auto run = sim::simulate(c, data, o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    return std::vector<double>{*run->sim_seconds, double(run->bytes_sent_total())};
  });
}

}  // namespace

TEST_CASE("every strategy completes on several access points, cells even and uneven") {
  testing::TestPlatforms test_platforms;
  test_platforms.wifi("three-per-ap", 42e6, 3e-3, 3);  // 7 nodes: cells of 3, 2, 2
  const std::string profiles = default_platforms_dir();
  struct Cluster {
    std::string network, device, platforms;
    int nodes;
  };
  // wifi-n holds 24 stations per AP, wifi-ac 30: 25 and 33 are just past a cell
  // (13 + 12, 17 + 16 stations); Ethernet for contrast.
  for (const auto& [network, device, platforms, nodes] :
       {Cluster{"wifi-n", "pi4b", profiles, 25}, Cluster{"wifi-n", "pi4b", profiles, 33},
        Cluster{"wifi-ac", "pi4b", profiles, 33},
        Cluster{"three-per-ap", "unit", test_platforms.dir(), 7}, Cluster{"ethernet-1g", "pi4b", profiles, 33}}) {
    for (const auto& s : every_strategy) {
      CAPTURE(network);
      CAPTURE(nodes);
      CAPTURE(std::string(s.name));
      const auto r = simulate_case(matrix_case(s, network, device, nodes), platforms);
      REQUIRE_MESSAGE(r.ok, r.error);
      CHECK(r.values[0] > 0);
      CHECK(std::isfinite(r.values[0]));
      CHECK(r.values[1] > 0);
    }
  }
}

// Stations 0, 1 on AP 0 and 2, 3 on AP 1; each air moves R bytes/s. Two B-byte messages
// from station 0 start together: 0 -> 1 crosses AP 0's air twice, 0 -> 2 once there and
// once on AP 1's. Fair sharing of AP 0's air, 2x + y = R with x = y, gives both R/3: both
// arrive at 3B/R (plus the delivery delay the SimNetwork adds, not here). The uplinks'
// latency in SimGrid once gave the cross-cell flow 10^4 times the share: it arrived at B/R,
// the local one waited and still arrived at 3B/R.
TEST_CASE("a flow to another cell and a flow within the cell share the air fairly") {
  testing::TestPlatforms platforms;
  const double bytes_per_s = 5e6, message = 1e6;
  platforms.wifi("two-per-ap", 8 * bytes_per_s, 3e-3, 2);
  auto r = in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto engine = sim::start_engine(o);
    RunConfig c;
    c.network = "two-per-ap";
    c.device = "unit";
    auto platform = sim::build_platform(c, 4, o.platforms_dir);
    if (!platform.ok()) throw std::runtime_error(platform.status().message());
    if (platform->access_points != 2) throw std::runtime_error(platform->description);
    std::vector<double> arrival(2, -1);
    static int payload = 0;
    for (int k = 0; k < 2; ++k) {
      const int to = k == 0 ? 1 : 2;
      auto* box = simgrid::s4u::Mailbox::by_name(fmt::format("to-{}", to));
      simgrid::s4u::Actor::create("send", platform->hosts[0], [box, message] { box->put(&payload, uint64_t(message)); });
      simgrid::s4u::Actor::create("recv", platform->hosts[size_t(to)], [box, &arrival, k] {
        box->get<int>();
        arrival[size_t(k)] = simgrid::s4u::Engine::get_clock();
      });
    }
    engine->run();
    return arrival;
  });
  REQUIRE_MESSAGE(r.ok, r.error);
  const double fair = 3 * message / bytes_per_s;
  CHECK(r.values[0] == doctest::Approx(fair).epsilon(1e-6));  // within the cell
  CHECK(r.values[1] == doctest::Approx(fair).epsilon(1e-6));  // to the other cell
}
