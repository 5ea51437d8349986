// --colocate-servers: a parameter server's servers run on their workers' devices. The
// placement changes no number computed, only where the time, the energy and the memory go.
#include <algorithm>
#include <cmath>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/memory_fit.hpp"
#include "sim/simulation.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/sim_nodes.hpp"
#include "tests/sim/small_run.hpp"
#include "tests/sim/test_platforms.hpp"
#include "tests/transport/transport_contract.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

namespace {

// 4 workers and 2 servers.
RunConfig ps_config(const std::string& network) {
  RunConfig c = testing::small_run(StrategyKind::ps);
  c.iterations = 12;
  c.eval_every = 0;
  c.network = network;
  return c;
}

// Losses; then sim seconds, bytes sent and the count of rows with energy above zero; then
// each node's energy and radio energy.
std::vector<double> simulated(const RunConfig& c, const std::string& platforms) {
  return testing::simulated_losses(c, platforms, [](const RunResult& run, std::vector<double>& v) {
    double powered = 0;
    for (const auto& n : run.nodes) powered += n.energy_j.value_or(-1) > 0;
    v.insert(v.end(), {*run.sim_seconds, double(run.bytes_sent_total()), powered});
    for (const auto& n : run.nodes) v.insert(v.end(), {n.energy_j.value_or(-1), n.radio_energy_j.value_or(-1)});
  });
}

}  // namespace

TEST_CASE("a message to a co-located rank stays on the device: no bandwidth, no air bytes") {
  // Workers 0 and 1, server 2 on worker 0's device; 100 Mbit/s Ethernet, 1 ms a hop. The
  // server sends 4 MB to each worker at 0 s: worker 1's copy takes a third of a second on
  // the link, worker 0's only the route from the host to itself (2 ms through the switch).
  RunConfig c = testing::unit_hosts_on_ethernet();
  c.strategy = StrategyKind::ps;
  c.nodes = 2;
  c.servers = 1;
  c.colocate_servers = true;
  auto broken = testing::run_sim_nodes(3, [](sim::SimTransport& t, sim::SimNetwork& net, std::vector<std::string>& broken) {
    const int r = t.rank();
    if (r == 2) {
      for (int to : {0, 1}) t.send(to, testing::numbered(1, 2, 0, size_t(1) << 20));
      return;
    }
    Event e = t.recv(10);
    auto* m = std::get_if<Received>(&e);
    if (!m || !testing::read_numbered(m->message).intact) {
      broken.push_back(fmt::format("rank {}: no intact message", r));
      return;
    }
    const double limit = r == 0 ? 0.0021 : 0.5, floor = r == 0 ? 0 : 0.3;
    if (t.now() > limit || t.now() < floor) broken.push_back(fmt::format("rank {}: arrived at {:g} s", r, t.now()));
    if (r == 0 && net.air(0).bytes_received != 0)
      broken.push_back(fmt::format("rank 0: {} bytes over the air from its own device", net.air(0).bytes_received));
    if (r == 1 && net.air(1).bytes_received != net.air(2).bytes_sent)
      broken.push_back(fmt::format("the server sent {} bytes over the air, worker 1 received {}",
                                   net.air(2).bytes_sent, net.air(1).bytes_received));
  }, sim::failure_detection(RunConfig{}), c);
  for (const auto& line : broken) MESSAGE(line);
  CHECK(broken.empty());
}

TEST_CASE("co-located servers compute the same numbers on N devices") {
  testing::TestPlatforms platforms;
  platforms.wifi("air", 40e6, 3e-3, 8);
  for (const std::string network : {"eth", "air"}) {
    CAPTURE(network);
    RunConfig apart = ps_config(network), together = apart;
    together.colocate_servers = true;
    REQUIRE(together.validate().ok());
    CHECK(cluster_devices(together) == 4);
    CHECK(device_of_rank(together, 4) == 0);  // server 0 on worker 0's device
    CHECK(device_of_rank(together, 5) == 2);  // server 1 on worker 2's
    auto a = in_child([&] { return simulated(apart, platforms.dir()); });
    auto b = in_child([&] { return simulated(together, platforms.dir()); });
    REQUIRE_MESSAGE(a.ok, a.error);
    REQUIRE_MESSAGE(b.ok, b.error);
    const size_t n = size_t(apart.iterations), ranks = 6;
    REQUIRE(a.values.size() == n + 3 + 2 * ranks);
    REQUIRE(b.values.size() == a.values.size());
    for (size_t i = 0; i < n; ++i) CHECK(a.values[i] == b.values[i]);  // bsp: the same sums in the same order
    CHECK(a.values[n + 1] == b.values[n + 1]);                         // the same messages, byte for byte
    CHECK(a.values[n + 2] == 6);  // every device draws power
    CHECK(b.values[n + 2] == 4);  // four devices: the workers' rows carry them
    for (size_t r = 4; r < ranks; ++r) {
      CHECK(b.values[n + 3 + 2 * r] == 0);      // a server's energy is its host's
      CHECK(b.values[n + 3 + 2 * r + 1] == 0);  // and so is its radio
    }
    // A worker that hosts a server does its work too: more energy than one that does not.
    CHECK(b.values[n + 3 + 2 * 0] > b.values[n + 3 + 2 * 1]);
  }
}

TEST_CASE("a device holding a worker and a server must fit both; the placement is checked in one line") {
  testing::TestPlatforms platforms;
  RunConfig c = ps_config("eth");
  c.layers = {784, 512, 512, 10};
  c.colocate_servers = true;
  const DataSplit d = make_synthetic({.features = 784, .classes = 10, .train_samples = 256, .test_samples = 64,
                                      .seed = 3});
  auto plan = plan_cluster(c, d.train.size());
  REQUIRE(plan.ok());
  const auto per_rank = plan_memory(c, *plan, dataset_shape(c, &d));
  const auto per_device = memory_per_device(c, per_rank);
  REQUIRE(per_device.size() == 4);
  CHECK(per_device[0].peak.total() == per_rank[0].peak.total() + per_rank[4].peak.total());
  CHECK(per_device[1].peak.total() == per_rank[1].peak.total());
  CHECK(per_device[2].role == per_rank[2].role + " + " + per_rank[5].role);
  // A budget each node fits alone but a shared device does not.
  int64_t largest = 0;
  for (const auto& m : per_rank) largest = std::max(largest, m.peak.total());
  c.memory_budget = largest;
  auto fits = check_run_fits(c, d, platforms.dir());
  REQUIRE_FALSE(fits.ok());
  CHECK(fits.message().find("+ ps server") != std::string::npos);
  c.colocate_servers = false;
  CHECK(check_run_fits(c, d, platforms.dir()).ok());
}

TEST_CASE("--colocate-servers is refused where it cannot apply") {
  RunConfig c = ps_config("eth");
  c.colocate_servers = true;
  c.strategy = StrategyKind::ring;
  auto s = c.validate();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("only a parameter server") != std::string::npos);
  c.strategy = StrategyKind::ps;
  c.servers = 5;
  s = c.validate();
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("5 servers on 4 workers' devices") != std::string::npos);
}

// The trace's losses; per failure its node, when it failed and when it was readmitted (-1:
// never); then the run's end.
std::vector<double> faulted(const RunConfig& c, const std::string& platforms) {
  return testing::simulated_losses(c, platforms, [](const RunResult& run, std::vector<double>& v) {
    for (const auto& f : run.failures) v.insert(v.end(), {double(f.node), f.failed_at, f.rejoined_at.value_or(-1)});
    v.push_back(*run.sim_seconds);
  });
}

TEST_CASE("a fault takes down a device: the co-located server with its worker; replicated servers heal both, and "
          "both rejoin after a pause") {
  testing::TestPlatforms platforms;
  RunConfig c = ps_config("eth");
  c.colocate_servers = true;
  c.server_replicas = 1;
  c.iterations = 150;
  c.heartbeat = 0.2;
  c.failure_timeout = 0.5;
  const int n = c.iterations;
  auto clean = in_child([&] { return simulated(c, platforms.dir()); });
  REQUIRE_MESSAGE(clean.ok, clean.error);
  // Off for the timeout and a half: noticed, and back with much of the run to go.
  const double at = clean.values[size_t(n)] / 5, off = 1.5 * c.failure_timeout;
  REQUIRE(at + off + c.failure_timeout < clean.values[size_t(n)]);
  // Device 2 holds worker 2 and server 1 (rank 5): a fault named by either rank is the same.
  for (const std::string kind : {"kill", "pause"}) {
    CAPTURE(kind);
    std::vector<testing::ChildResult> runs;
    for (int rank : {2, 5}) {
      RunConfig f = c;
      f.faults = kind == "kill" ? fmt::format("kill:{}@{:.6f}", rank, at)
                                : fmt::format("pause:{}@{:.6f}+{:.6f}", rank, at, off);
      runs.push_back(in_child([&] { return faulted(f, platforms.dir()); }));
      REQUIRE_MESSAGE(runs.back().ok, runs.back().error);
    }
    CHECK(runs[0].values == runs[1].values);
    const auto& v = runs[0].values;
    REQUIRE(v.size() == size_t(n) + 2 * 3 + 1);  // every iteration trained, two failures
    for (int i = 0; i < n; ++i) CHECK(std::isfinite(v[size_t(i)]));
    std::vector<double> nodes{v[size_t(n)], v[size_t(n) + 3]};
    std::sort(nodes.begin(), nodes.end());
    CHECK(nodes == std::vector<double>{2, 5});
    CHECK(v[size_t(n) + 1] == doctest::Approx(at));  // both at the fault's time
    CHECK(v[size_t(n) + 4] == doctest::Approx(at));
    if (kind == "kill") {
      CHECK(v[size_t(n) + 2] == -1);
      CHECK(v[size_t(n) + 5] == -1);
    } else {
      CHECK(v[size_t(n) + 2] > at + off);
      CHECK(v[size_t(n) + 5] > at + off);
    }
  }
}
