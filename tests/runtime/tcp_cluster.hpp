#pragma once
// Runs a whole cluster of TcpTransports in this process: one thread per node, loopback,
// free ports (port 0), a fresh cluster key. The runtime counterpart of run_inproc, with the
// same `wrap` hook for fault injection; what `ringtmp launch --local` does with processes.
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"
#include "runtime/node_lives.hpp"
#include "runtime/tcp_transport.hpp"

namespace ringtmp::testing {

// A small synthetic problem and a 4-node config (6 ranks for ps: 2 servers) that trains
// in a fraction of a second, shared by the runtime's cluster tests.
inline const DataSplit& small_data() {
  static const DataSplit d =
      make_synthetic({.features = 16, .classes = 4, .train_samples = 512, .test_samples = 64, .seed = 5});
  return d;
}

inline RunConfig small_cluster_config(StrategyKind s) {
  RunConfig c;
  c.strategy = s;
  c.schedule = Schedule::one_f_one_b;
  c.ps_mode = PsMode::bsp;
  c.dataset = DatasetKind::synthetic;
  c.layers = {16, 24, 16, 12, 4};
  c.nodes = 4;
  c.servers = 2;
  c.batch = 16;
  c.microbatches = 4;
  c.lr = 0.05f;
  c.momentum = 0.9f;
  c.iterations = 30;
  c.seed = 9;
  c.peer_timeout = 10;
  return c;
}

// Fast timeouts for tests; the defaults suit Wi-Fi.
inline NetOptions test_net_options() {
  NetOptions o;
  o.startup_timeout = 10;
  o.handshake_timeout = 1;
  o.heartbeat_interval = 0.1;
  o.silence_timeout = 2.0;  // generous: ctest -j shares two cores among many threads
  o.close_timeout = 2;
  return o;
}

// Log lines of every node, thread-safe, for tests that check what was dropped.
class LogSink {
 public:
  std::function<void(const std::string&)> fn() {
    return [this](const std::string& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  int count(std::string_view part) {
    int n = 0;
    for (const auto& l : lines())
      if (l.find(part) != std::string::npos) ++n;
    return n;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// `size` TcpTransports listening on free loopback ports under a fresh cluster key: the start
// of every in-process TCP cluster in the tests.
class TcpNodes {
 public:
  TcpNodes(int size, const ConfigDigest& digest, const NetOptions& options) : key_(generate_cluster_key()) {
    for (int r = 0; r < size; ++r) {
      auto t = TcpTransport::listen(r, 0, key_, digest, options);
      REQUIRE(t.ok());
      ports_.push_back((*t)->port());
      peers_.push_back({"127.0.0.1", (*t)->port()});
      nodes_.push_back(std::move(*t));
    }
  }
  const std::vector<uint16_t>& ports() const { return ports_; }
  const ClusterKey& key() const { return key_; }
  const std::vector<PeerAddress>& peers() const { return peers_; }
  TcpTransport& operator[](int rank) { return *nodes_[size_t(rank)]; }

  // Runs node(transport, rank) -> Status on a thread per rank once that rank's rendezvous is
  // done, then closes the transport with what it returned (nothing left to do when the node
  // closed or killed it itself). Returns, per rank, the rendezvous error or the node's
  // status. Transports live until every node has finished, so a frozen node stays silent
  // (not disconnected) while the others notice.
  template <class Node>
  std::vector<Status> run(Node node) {
    std::vector<Status> statuses(nodes_.size());
    std::vector<std::thread> threads;
    for (int r = 0; r < int(nodes_.size()); ++r) {
      threads.emplace_back([&, r] {
        TcpTransport& t = *nodes_[size_t(r)];
        Status& status = statuses[size_t(r)];
        status = t.connect(peers_);
        if (!status.ok()) return;
        status = node(t, r);
        t.close(status);
      });
    }
    for (auto& t : threads) t.join();
    return statuses;
  }

 private:
  ClusterKey key_;
  std::vector<uint16_t> ports_;
  std::vector<PeerAddress> peers_;
  std::vector<std::unique_ptr<TcpTransport>> nodes_;
};

struct TcpNoWrap {
  TcpTransport& operator()(TcpTransport& t) const { return t; }
};

struct TcpRun {
  StatusOr<RunResult> result = Status::error("not run");
  std::vector<uint16_t> ports;
  int64_t payload_bytes = 0, data_wire_bytes = 0, control_wire_bytes = 0;  // summed over nodes
};

// A training run of config c on a TcpNodes cluster. `on_ports(ports, key)` runs once every
// node listens (before the rendezvous), e.g. to aim a hostile client at a port.
template <class Wrap = TcpNoWrap>
TcpRun run_tcp(const RunConfig& c, const DataSplit& data, NetOptions options, Wrap wrap = {},
               const std::function<void(const std::vector<uint16_t>&, const ClusterKey&)>& on_ports = {}) {
  TcpRun run;
  auto plan = plan_cluster(c, data.train.size());
  REQUIRE(plan.ok());
  TcpNodes nodes(plan->size, config_digest(c), options);
  run.ports = nodes.ports();
  if (on_ports) on_ports(run.ports, nodes.key());
  std::vector<NodeOutcome> outcomes(size_t(plan->size));
  const auto start = std::chrono::steady_clock::now();
  const auto statuses = nodes.run([&](TcpTransport& t, int r) {
    NodeOutcome& out = outcomes[size_t(r)];
    try {
      decltype(auto) w = wrap(t);
      // As `ringtmp node` runs it, where the transport can rejoin (a wrapper may not).
      if constexpr (requires { w.rejoin(nodes.peers()); })
        out = run_node_lives(w, c, *plan, data.train, {}, nodes.peers(), false);
      else
        out = run_node(w, c, *plan, data.train, {});
    } catch (const std::exception& e) {
      out.status = Status::errorf("node {}: {}", r, e.what());
    }
    return out.status;
  });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (int r = 0; r < plan->size; ++r) {
    if (outcomes[size_t(r)].status.ok()) outcomes[size_t(r)].status = statuses[size_t(r)];  // rendezvous failed
    run.payload_bytes += nodes[r].stats().payload_bytes;
    run.data_wire_bytes += nodes[r].stats().data_wire_bytes;
    run.control_wire_bytes += nodes[r].stats().control_wire_bytes;
  }
  run.result = merge_outcomes(c, data, std::move(outcomes), wall, "tcp");
  return run;
}

}  // namespace ringtmp::testing
