// The simulator against numbers worked out by hand: a transfer's time on Ethernet, how a
// rank's concurrent messages share its link, the gpipe bubble of a balanced ring, ring
// all-reduce's traffic, an idle host's energy, and SimGrid's own wifi energy plugin on a
// case small enough to reason about.
#include <optional>
#include <regex>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>

#include "core/config.hpp"
#include "core/data/load_data.hpp"
#include "sim/platform.hpp"
#include "core/platform/energy_model.hpp"
#include "sim/sim_network.hpp"
#include "sim/simulation.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/test_platforms.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;
namespace s4u = simgrid::s4u;

namespace {

// An engine and a platform of `ranks` unit devices on `network`, for a scenario built by
// hand (actors placed on platform.hosts, then engine->run()).
struct HandBuilt {
  std::unique_ptr<s4u::Engine> engine;
  sim::Platform platform;
};

HandBuilt hand_built(const std::string& platforms, const std::string& network, int ranks, bool wifi_plugin = false) {
  sim::SimOptions o;
  o.platforms_dir = platforms;
  o.wifi_energy_plugin = wifi_plugin;
  if (wifi_plugin) o.simgrid_args.push_back("--log=link_energy_wifi.thres:info");
  auto engine = sim::start_engine(o);
  RunConfig c;
  c.device = "unit";
  c.network = network;
  auto platform = sim::build_platform(c, ranks, platforms);
  if (!platform.ok()) throw std::runtime_error(platform.status().message());
  return {std::move(engine), std::move(*platform)};
}

// Node 0 sends `bytes` to node 1 at t=0; returns when node 1 got it and both ends' air
// time. With SimGrid's wifi energy plugin the transfer is a bare put/get, the case the
// plugin's model is written for.
std::vector<double> one_transfer(const std::string& platforms, const std::string& network, int64_t bytes,
                                 bool wifi_plugin = false) {
  auto [engine, platform] = hand_built(platforms, network, 2, wifi_plugin);
  double arrived = -1;
  std::optional<sim::SimNetwork> net;
  if (wifi_plugin) {
    static int token = 0;
    auto* box = s4u::Mailbox::by_name("bare");
    // By value: the actors run in engine->run(), after this block has ended.
    s4u::Actor::create("sender", platform.hosts[0], [box, bytes] { box->put(&token, uint64_t(bytes)); });
    s4u::Actor::create("receiver", platform.hosts[1], [box, &arrived] {
      box->get<int>();
      arrived = s4u::Engine::get_clock();
    });
  } else {
    net.emplace(platform, sim::failure_detection(RunConfig{}));
    s4u::Actor::create("sender", platform.hosts[0], [&] { net->post(0, 1, Message{Token{1, 0}}, bytes); });
    auto receiver = s4u::Actor::create("receiver", platform.hosts[1], [&] {
      if (std::holds_alternative<Received>(net->wait(1, 1e6))) arrived = s4u::Engine::get_clock();
    });
    net->set_receiver(1, receiver);
  }
  engine->run();
  const auto& n = *platform.network;
  return {arrived, radio_use(n, bytes, 0, arrived).tx_s, radio_use(n, 0, bytes, arrived).rx_s};
}

// Node 0 posts `bytes` to node 1, then `bytes` to node 2, at t=0 on switched Ethernet;
// returns the two arrival times.
std::vector<double> two_transfers(const std::string& platforms, int64_t bytes) {
  auto [engine, platform] = hand_built(platforms, "eth", 3);
  sim::SimNetwork net(platform, sim::failure_detection(RunConfig{}));
  std::vector<double> arrived(2, -1);
  s4u::Actor::create("sender", platform.hosts[0], [&] {
    net.post(0, 1, Message{Token{1, 0}}, bytes);
    net.post(0, 2, Message{Token{1, 1}}, bytes);
  });
  for (int r : {1, 2}) {
    auto receiver = s4u::Actor::create(fmt::format("receiver-{}", r), platform.hosts[r], [&, r] {
      if (std::holds_alternative<Received>(net.wait(r, 1e6))) arrived[r - 1] = s4u::Engine::get_clock();
    });
    net.set_receiver(r, receiver);
  }
  engine->run();
  return arrived;
}

// Each (from, to, bytes) posted at t=0 by `from`, in list order; returns when each arrived
// (the messages to one rank in the order it took them), the list's order.
struct Send {
  int from, to;
  int64_t bytes;
};
std::vector<double> arrivals(const std::string& platforms, const std::string& network, int ranks,
                             const std::vector<Send>& sends) {
  auto [engine, platform] = hand_built(platforms, network, ranks);
  sim::SimNetwork net(platform, sim::failure_detection(RunConfig{}));
  std::vector<double> arrived(sends.size(), -1);
  for (int r = 0; r < ranks; ++r) {
    std::vector<size_t> mine_out, mine_in;
    for (size_t i = 0; i < sends.size(); ++i) {
      if (sends[i].from == r) mine_out.push_back(i);
      if (sends[i].to == r) mine_in.push_back(i);
    }
    auto actor = s4u::Actor::create(fmt::format("rank-{}", r), platform.hosts[size_t(r)], [&, r, mine_out, mine_in] {
      for (size_t i : mine_out) net.post(r, sends[i].to, Message{Token{1, int32_t(i)}}, sends[i].bytes);
      for (size_t i : mine_in)
        if (std::holds_alternative<Received>(net.wait(r, 1e6))) arrived[i] = s4u::Engine::get_clock();
    });
    net.set_receiver(r, actor);
  }
  engine->run();
  return arrived;
}

struct RunFigures {
  double idle_fraction, bytes_per_node_per_iteration, energy, predicted_energy;
};

RunFigures run_figures(const RunConfig& c, const std::string& platforms) {
  auto r = in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms;
    auto data = load_data(c);
    if (!data.ok()) throw std::runtime_error(data.status().message());
    auto run = sim::simulate(c, *data, o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    // Energy as the profiles predict it: idle all along, plus (busy - idle) / cores while
    // computing (test device: 2 W idle, 5 W busy, 1 core), plus the radio model.
    double predicted = 0;
    for (const auto& n : run->nodes) predicted += 2.0 * *run->sim_seconds + 3.0 * n.busy_s + *n.radio_energy_j;
    return std::vector<double>{run->idle_fraction(),
                               double(run->bytes_sent_total()) / double(run->nodes.size()) / double(run->iterations),
                               *run->energy_joules(), predicted};
  });
  REQUIRE_MESSAGE(r.ok, r.error);
  return {r.values[0], r.values[1], r.values[2], r.values[3]};
}

}  // namespace

TEST_CASE("a transfer over switched Ethernet takes bytes / bandwidth plus the two hops' latency") {
  testing::TestPlatforms platforms;  // eth: 100 Mbit/s, 1 ms per hop
  for (int64_t bytes : {int64_t(1000), int64_t(1) << 20, int64_t(50) << 20}) {
    CAPTURE(bytes);
    auto r = in_child([&] { return one_transfer(platforms.dir(), "eth", bytes); });
    REQUIRE_MESSAGE(r.ok, r.error);
    const double expected = 8.0 * double(bytes) / 1e8 + 2 * 1e-3;
    CHECK(std::abs(r.values[0] - expected) <= 0.01 * expected);
  }
}

TEST_CASE("a rank's small messages leave one after the other; large ones share its link") {
  // As TCP queues them on a FIFO NIC (sim_network.hpp): a small message goes out whole before
  // the next, a large one interleaves with the others. eth: 100 Mbit/s, 1 ms per hop.
  testing::TestPlatforms platforms;
  const int64_t small = 64 << 10, large = int64_t(1) << 20;
  auto a = in_child([&] { return two_transfers(platforms.dir(), small); });
  REQUIRE_MESSAGE(a.ok, a.error);
  const double one = 8.0 * double(small) / 1e8 + 2 * 1e-3;
  CHECK(std::abs(a.values[0] - one) <= 0.01 * one);
  CHECK(std::abs(a.values[1] - 2 * one) <= 0.01 * 2 * one);
  auto b = in_child([&] { return two_transfers(platforms.dir(), large); });
  REQUIRE_MESSAGE(b.ok, b.error);
  const double both = 2 * 8.0 * double(large) / 1e8 + 2 * 1e-3;
  CHECK(std::abs(b.values[0] - both) <= 0.01 * both);
  CHECK(std::abs(b.values[1] - both) <= 0.01 * both);
}

TEST_CASE("on Wi-Fi a station-to-station transfer crosses the air twice, plus two hops' latency") {
  testing::TestPlatforms platforms;
  platforms.wifi("air", 40e6, 3e-3, 8);
  const int64_t bytes = int64_t(5) << 20;
  auto r = in_child([&] { return one_transfer(platforms.dir(), "air", bytes); });
  REQUIRE_MESSAGE(r.ok, r.error);
  const double one_hop = 8.0 * double(bytes) / 40e6;
  CHECK(std::abs(r.values[0] - (2 * one_hop + 2 * 3e-3)) <= 0.01 * r.values[0]);
  CHECK(std::abs(r.values[1] - one_hop) <= 1e-9 * one_hop);  // sender's air time
  CHECK(std::abs(r.values[2] - one_hop) <= 1e-9 * one_hop);  // receiver's air time
}

TEST_CASE("on Wi-Fi the MAC's part of the latency takes air time, the rest is a delay once per burst") {
  // 40 Mbit/s, 3 ms per hop of which 1 ms on the air: 5000 bytes' worth at a station's rate.
  testing::TestPlatforms platforms;
  platforms.wifi("mac", 40e6, 3e-3, 8, "air_latency_s = 0.001\nair_latency_s_source = test figure\n");
  const double air_bytes = 1e-3 * 40e6 / 8, stack_delay = 2 * (3e-3 - 1e-3);
  const auto on_air = [](double bytes) { return 2 * 8.0 * bytes / 40e6; };  // two hops
  SUBCASE("alone, a message costs what latency_s said: bytes' time plus 3 ms a hop") {
    const int64_t bytes = 1 << 20;
    auto r = in_child([&] { return arrivals(platforms.dir(), "mac", 2, {{0, 1, bytes}}); });
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(r.values[0] == doctest::Approx(on_air(double(bytes)) + 2 * 3e-3).epsilon(1e-6));
  }
  SUBCASE("two stations' small messages queue for the air; the stack's delay overlaps") {
    const int64_t bytes = 1000;
    auto r = in_child([&] { return arrivals(platforms.dir(), "mac", 4, {{0, 1, bytes}, {2, 3, bytes}}); });
    REQUIRE_MESSAGE(r.ok, r.error);
    // The air carries both messages and both MAC costs, shared: both land together.
    const double both = 2 * on_air(double(bytes) + air_bytes) + stack_delay;
    CHECK(r.values[0] == doctest::Approx(both).epsilon(1e-6));
    CHECK(r.values[1] == doctest::Approx(both).epsilon(1e-6));
  }
  SUBCASE("a burst of small messages from one peer pays the stack's delay once, not per message") {
    const int64_t bytes = 1000;
    const int burst = 5;
    auto r = in_child([&] { return arrivals(platforms.dir(), "mac", 2, std::vector<Send>(burst, {0, 1, bytes})); });
    REQUIRE_MESSAGE(r.ok, r.error);
    for (int k = 0; k < burst; ++k)
      CHECK(r.values[size_t(k)] == doctest::Approx((k + 1) * on_air(double(bytes) + air_bytes) + stack_delay).epsilon(1e-6));
  }
}

TEST_CASE("on Wi-Fi with an air_efficiency, contending transfers share what the air has left") {
  // 2 transfers keep half the air, 4 a quarter (round figures; the profiles' are ns-3's).
  testing::TestPlatforms platforms;
  platforms.wifi("lossy", 40e6, 3e-3, 8, "air_efficiency = 2:0.5 4:0.25\nair_efficiency_source = test figure\n");
  platforms.wifi("lossless", 40e6, 3e-3, 8);
  const int64_t bytes = 1 << 20;
  const double one = 2 * 8.0 * double(bytes) / 40e6 + 2 * 3e-3;
  for (const int transfers : {1, 2, 4}) {
    CAPTURE(transfers);
    std::vector<Send> sends;
    for (int t = 0; t < transfers; ++t) sends.push_back({2 * t, 2 * t + 1, bytes});
    auto lossy = in_child([&] { return arrivals(platforms.dir(), "lossy", 8, sends); });
    auto lossless = in_child([&] { return arrivals(platforms.dir(), "lossless", 8, sends); });
    REQUIRE_MESSAGE(lossy.ok, lossy.error);
    REQUIRE_MESSAGE(lossless.ok, lossless.error);
    const double fraction = transfers == 1 ? 1 : transfers == 2 ? 0.5 : 0.25;
    for (size_t t = 0; t < sends.size(); ++t) {
      CHECK(lossless.values[t] == doctest::Approx(transfers * (one - 2 * 3e-3) + 2 * 3e-3).epsilon(1e-6));
      CHECK(lossy.values[t] == doctest::Approx(transfers * (one - 2 * 3e-3) / fraction + 2 * 3e-3).epsilon(1e-6));
    }
  }
}

TEST_CASE("on T threads a node computes at 1 + (T-1) e times one core's rate, with T cores busy") {
  testing::TestPlatforms platforms;
  platforms.device("quad", 1e9, 4, 2, 6, 0.5);  // 1 GFLOP/s a core, 1 W per busy core, e = 0.5
  auto figures = [&](int threads) {
    auto r = in_child([&] {
      RunConfig c;
      c.strategy = StrategyKind::allreduce;
      c.nodes = 2;
      c.device = "quad";
      c.network = "fast";
      c.layers = {64, 256, 256, 10};
      c.iterations = 5;
      c.timing_only = true;
      c.threads = threads;
      sim::SimOptions o;
      o.platforms_dir = platforms.dir();
      auto data = load_data(c);
      if (!data.ok()) throw std::runtime_error(data.status().message());
      auto run = sim::simulate(c, *data, o);
      if (!run.ok()) throw std::runtime_error(run.status().message());
      double busy = 0;
      for (const auto& n : run->nodes) busy += n.busy_s;
      double radio = 0;
      for (const auto& n : run->nodes) radio += *n.radio_energy_j;
      return std::vector<double>{busy, *run->sim_seconds, *run->energy_joules() - radio};
    });
    REQUIRE_MESSAGE(r.ok, r.error);
    return r.values;
  };
  const auto one = figures(1), four = figures(4);
  CHECK(four[0] == doctest::Approx(one[0] / 2.5).epsilon(1e-6));  // speed-up 1 + 3 x 0.5
  // Device energy: 2 W idle on each of the 2 nodes all along, plus 1 W per busy core.
  CHECK(one[2] == doctest::Approx(2 * 2.0 * one[1] + 1.0 * one[0]).epsilon(1e-6));
  CHECK(four[2] == doctest::Approx(2 * 2.0 * four[1] + 4.0 * four[0]).epsilon(1e-6));
}

TEST_CASE("our radio accounting agrees with SimGrid's wifi energy plugin on a small case") {
  testing::TestPlatforms platforms;
  platforms.wifi("air", 40e6, 3e-3, 8);
  const int64_t bytes = int64_t(5) << 20;
  auto r = in_child([&] { return one_transfer(platforms.dir(), "air", bytes, /*wifi_plugin=*/true); });
  REQUIRE_MESSAGE(r.ok, r.error);
  // The plugin's model (src/plugins/link_energy_wifi.cpp, beacons off): while the medium is
  // busy one radio transmits and every other radio of the cell (2 stations + the AP)
  // receives; otherwise all 3 idle. The medium is busy for the two air times we account.
  std::smatch m;
  const std::regex line(R"(Link air-0 destroyed, consumed: ([0-9.]+) J)");
  REQUIRE_MESSAGE(std::regex_search(r.stderr_text, m, line), r.stderr_text);
  const double plugin_joules = std::stod(m[1]);
  const double end = r.values[0];  // a bare transfer: no added air-hop latency
  const double busy = r.values[1] + r.values[2];
  const double ours = busy * (2 * 0.8 + 1.0) + (end - busy) * 0.5 * 3;
  CHECK(std::abs(plugin_joules - ours) <= 0.01 * ours);
}

TEST_CASE("a balanced 4-stage gpipe ring with 16 micro-batches idles (N-1)/(M+N-1) of the time") {
  testing::TestPlatforms platforms;
  RunConfig c;
  c.strategy = StrategyKind::ring;
  c.schedule = Schedule::gpipe;
  c.nodes = 4;
  c.microbatches = 16;
  c.batch = 256;
  // One 512x512 layer per stage. Stage 0 computes no input gradient, so it gets a second,
  // narrow layer in front (8 -> 512) whose backward stands in for that: forward and
  // backward then match the other stages' within 1.6%.
  c.layers = {8, 512, 512, 512, 512, 512};
  c.dataset = DatasetKind::synthetic;
  c.iterations = 10;
  c.timing_only = true;
  c.device = "unit";
  c.network = "fast";
  const auto f = run_figures(c, platforms.dir());
  const double bubble = 3.0 / (16 + 3);
  CHECK(std::abs(f.idle_fraction - bubble) <= 0.02);
}

TEST_CASE("ring all-reduce sends 2(N-1)/N of the model per node per iteration") {
  testing::TestPlatforms platforms;
  RunConfig c;
  c.strategy = StrategyKind::allreduce;
  c.nodes = 4;
  c.batch = 64;
  c.layers = {64, 256, 256, 10};
  c.dataset = DatasetKind::synthetic;
  c.iterations = 5;
  c.device = "unit";
  c.network = "eth";
  const double model_bytes = 4.0 * (64 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10);
  const auto f = run_figures(c, platforms.dir());
  // Across the nodes every chunk is sent N-1 times in each phase, so the values add up to
  // exactly 2(N-1)/N of the model per node; each of a node's 2(N-1) chunk messages adds its
  // framing: the 20-byte frame header (8 + the sender's epoch and view digest) and the body's
  // iteration, step, chunk and count fields, and the loss summed so far (8).
  const double chunk_framing = 20 + 8 + 4 + 4 + 4 + 8;
  const double expected = 2.0 * 3 / 4 * model_bytes + 2 * 3 * chunk_framing;
  CHECK(f.bytes_per_node_per_iteration == doctest::Approx(expected).epsilon(1e-12));
}

TEST_CASE("an idle host draws its idle power; a run's energy is the profiles' power model") {
  testing::TestPlatforms platforms;
  auto idle = in_child([&] {
    auto [engine, platform] = hand_built(platforms.dir(), "eth", 3);
    s4u::Actor::create("clock", platform.hosts[0], [] { s4u::this_actor::sleep_for(100); });
    engine->run();
    double joules = 0;
    for (auto* h : platform.hosts) joules += sg_host_get_consumed_energy(h);
    return std::vector<double>{joules};
  });
  REQUIRE_MESSAGE(idle.ok, idle.error);
  CHECK(std::abs(idle.values[0] - 3 * 2.0 * 100) <= 0.01 * 600);

  RunConfig c;
  c.strategy = StrategyKind::ring;
  c.nodes = 3;
  c.microbatches = 4;
  c.layers = {64, 128, 128, 10};
  c.dataset = DatasetKind::synthetic;
  c.iterations = 20;
  c.device = "unit";
  c.network = "eth";
  const auto f = run_figures(c, platforms.dir());
  CHECK(f.energy > 0);
  CHECK(std::abs(f.energy - f.predicted_energy) <= 0.01 * f.predicted_energy);
}
