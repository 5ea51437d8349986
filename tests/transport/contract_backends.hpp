#pragma once
// One fixture per backend and failure hook for the Transport contract suite: `run(s)` makes
// a fresh cluster of S::nodes nodes, runs scenario s on every rank (transport_contract.hpp)
// and returns the expectations that broke, each "rank k: what". Failure hooks, as the
// backends offer them:
//   in-process  InProcHub::fail, called by the failing node's own thread;
//   sim         SimNetwork::fail from the node's actor (what `ringtmp sim` does when a node's
//               program fails: its host stays on), or its host turned off (a fault schedule's
//               kill: the actor dies inside the call);
//   TCP         kill (sockets closed, no goodbye: SIGKILL), or close with an error (queued
//               frames drain, then an abort with the reason).
#include <thread>
#include <vector>

#include "core/transport/inproc.hpp"
#include "tests/runtime/tcp_cluster.hpp"
#include "tests/sim/sim_nodes.hpp"
#include "tests/transport/transport_contract.hpp"

namespace ringtmp::testing {

// How late a Timeout may come on a real clock: scheduling noise on a loaded 2-core machine.
inline constexpr double kRealClockSlack = 0.5;

inline std::vector<std::string> flatten(const std::vector<std::vector<std::string>>& per_node) {
  std::vector<std::string> all;
  for (const auto& lines : per_node) all.insert(all.end(), lines.begin(), lines.end());
  return all;
}

struct InProcBackend {
  template <class Scenario>
  static std::vector<std::string> run(const Scenario& scenario) {
    InProcHub hub(Scenario::nodes);
    std::vector<std::vector<std::string>> broken(Scenario::nodes);
    std::vector<std::thread> threads;
    for (int r = 0; r < Scenario::nodes; ++r)
      threads.emplace_back([&, r] {
        InProcTransport t(hub, r);
        ContractNode node(t, [&] { hub.fail(r, "failed by the test"); }, kRealClockSlack, broken[size_t(r)]);
        run_contract_node(node, scenario);
      });
    for (auto& t : threads) t.join();
    return flatten(broken);
  }
};

template <bool kHostOff>
struct SimBackend {
  template <class Scenario>
  static std::vector<std::string> run(const Scenario& scenario) {
    return run_sim_nodes(Scenario::nodes, [&](sim::SimTransport& t, sim::SimNetwork& net, std::vector<std::string>& broken) {
      const int r = t.rank();
      auto fail = [&net, r] {
        if (kHostOff) {
          net.host(r)->turn_off();  // kills this actor: the call does not return
        } else {
          net.fail(r, "failed by the test");
        }
      };
      ContractNode node(t, fail, 1e-9, broken);
      run_contract_node(node, scenario);
    });
  }
};
using SimFailHook = SimBackend<false>;
using SimHostOff = SimBackend<true>;

template <bool kKill>
struct TcpBackend {
  template <class Scenario>
  static std::vector<std::string> run(const Scenario& scenario) {
    NetOptions o = test_net_options();
    o.log = [](const std::string&) {};  // the failures are the point
    TcpNodes nodes(Scenario::nodes, config_digest(RunConfig{}), o);
    std::vector<std::vector<std::string>> broken(Scenario::nodes);
    const auto statuses = nodes.run([&](TcpTransport& t, int r) {
      auto fail = [&t] { kKill ? t.kill() : t.close(Status::error("failed by the test")); };
      ContractNode node(t, fail, kRealClockSlack, broken[size_t(r)]);
      run_contract_node(node, scenario);
      return Status{};
    });
    for (size_t r = 0; r < statuses.size(); ++r)
      if (!statuses[r].ok()) broken[r].push_back(fmt::format("rank {}: {}", r, statuses[r].message()));
    return flatten(broken);
  }
};
using TcpKill = TcpBackend<true>;
using TcpAbort = TcpBackend<false>;

}  // namespace ringtmp::testing
