#pragma once
// A runtime node's program across its lives. A life ends early when the node was stopped
// past its peers' failure detection (SIGSTOP, a hung host: CutOffFromCluster, mesh.hpp):
// it is dead to them. Where the strategy readmits (strategy_rejoins), it asks to rejoin
// (Mesh::rejoin) and runs again as a new life, which its survivors fence until they admit
// it at an iteration boundary; elsewhere its death stands. The outcome is its last life's,
// with the earlier death (failed_at on this node's clock, earlier_failure), as the
// simulator reports a host back from a pause (sim/simulation.cpp).
//
// T: TcpTransport, or a test's wrapper of one (it adds rejoin and clock_at to the
// Transport concept).
#include <optional>
#include <string>
#include <vector>

#include "core/strategy/node_program.hpp"
#include "runtime/mesh.hpp"

namespace ringtmp {

// `restarted`: this process was started again for a rank whose earlier process ended
// (`ringtmp node --rejoin`), and has already rejoined (connect_cluster with rejoining).
template <class T>
NodeOutcome run_node_lives(T& t, const RunConfig& c, const ClusterPlan& plan, const Dataset& train,
                           const ProgressFn& progress, const std::vector<PeerAddress>& peers, bool restarted) {
  const int rank = t.rank();
  bool rejoining = restarted;
  std::optional<double> failed_at;
  std::string earlier_failure = restarted ? "its earlier process ended; ringtmp node --rejoin started it again" : "";
  NodeOutcome outcome;
  for (;;) {
    try {
      outcome = run_node(t, c, plan, train, progress, rejoining);
      break;
    } catch (const CutOffFromCluster& e) {
      failed_at = t.clock_at(e.stopped_at());
      earlier_failure = e.what();
      outcome = NodeOutcome{};
      outcome.status = Status::errorf("node {}: {}", rank, earlier_failure);
      outcome.failed_at = failed_at;
      outcome.role = outcome.metrics.role = node_role(c, plan, rank);  // metrics: what outcome files carry
      outcome.metrics.node = rank;
      if (!strategy_rejoins(c)) return outcome;  // dead to its peers, and never readmitted
      if (Status s = t.rejoin(peers); !s.ok()) {
        outcome.status = Status::errorf("node {}: {}; not readmitted ({})", rank, earlier_failure, s.message());
        return outcome;
      }
      rejoining = true;
    }
  }
  if (!rejoining) return outcome;
  outcome.failed_at = failed_at;
  outcome.earlier_failure = earlier_failure;
  if (!outcome.rejoined_at) {
    keep_earlier_death(outcome, Status::errorf("node {}: {}; back, not readmitted ({})", rank, earlier_failure,
                                               outcome.status.message()),
                       node_role(c, plan, rank), rank);
  }
  return outcome;
}

}  // namespace ringtmp
