#pragma once
// Runs a hand-written node program on every rank of a fresh simulation, in a child process
// (one SimGrid engine per process): `size` unit hosts (1 GFLOP/s) on the test platforms'
// switched Ethernet (100 Mbit/s, 1 ms per hop), each rank's program in its node actor with
// a SimTransport, and a FaultInjector without a schedule, so that a host turned off mid-run
// becomes PeerDown for the others as in `ringtmp sim`. The simulated counterpart of
// run_inproc and TcpNodes for tests that are not a training run (the transport contract).
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "core/config.hpp"
#include "sim/engine.hpp"
#include "sim/fault_schedule.hpp"
#include "sim/platform.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_transport.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/test_platforms.hpp"

namespace ringtmp::testing {

inline RunConfig unit_hosts_on_ethernet() {
  RunConfig c;
  c.device = "unit";
  c.network = "eth";
  return c;
}

// program(SimTransport&, SimNetwork&, std::vector<std::string>& broken) runs as rank
// t.rank()'s actor and appends what broke. Returns every rank's lines in rank order, or
// the child's error (a platform that does not build, a crash) as one line. A host turned
// off is declared down after `detection`'s heartbeat silence (default: RunConfig's).
// `platform`: the devices, the network and the ranks' placement.
template <class Program>
std::vector<std::string> run_sim_nodes(int size, const Program& program,
                                       sim::FailureDetection detection = sim::failure_detection(RunConfig{}),
                                       const RunConfig& c = unit_hosts_on_ethernet()) {
  TestPlatforms platforms;
  auto child = in_child([&] {
    sim::SimOptions o;
    o.platforms_dir = platforms.dir();
    auto engine = sim::start_engine(o);
    auto platform = sim::build_platform(c, size, platforms.dir());
    if (!platform.ok()) throw std::runtime_error(platform.status().message());
    sim::SimNetwork network(*platform, detection);
    sim::FaultInjector faults({}, platform->hosts, network, detection);
    std::vector<std::vector<std::string>> broken(static_cast<size_t>(size));
    for (int r = 0; r < size; ++r) {
      auto node = simgrid::s4u::Actor::create(fmt::format("node-{}", r), platform->hosts[r], [&, r] {
        sim::SimTransport t(network, r, false);
        program(t, network, broken[size_t(r)]);
      });
      network.set_receiver(r, node);
    }
    engine->run();
    std::string lines;
    for (const auto& node : broken)
      for (const auto& line : node) lines += (lines.empty() ? "" : "\n") + line;
    if (!lines.empty()) throw std::runtime_error(lines);
    return std::vector<double>{};
  });
  std::vector<std::string> out;
  if (child.ok) return out;
  for (size_t start = 0; start <= child.error.size();) {
    const size_t end = std::min(child.error.find('\n', start), child.error.size());
    out.push_back(child.error.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace ringtmp::testing
