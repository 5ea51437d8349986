// A runtime node stopped whole (SIGSTOP: its program and its network thread) and continued
// (SIGCONT), over real sockets on loopback:
// - past its peers' failure detection, it finds it was cut off, hangs up, and rejoins where
//   the strategy readmits: the run ends with every node, the fault-free trace, one failure
//   survived and the node's rejoin;
// - well within detection, nothing happens at all;
// - the ring with snapshots (--replica-every K > 1) readmits it with the fault-free trace too;
// - an asynchronous parameter server and the async ring readmit it too, and keep learning.
#include <algorithm>
#include <cmath>
#include <thread>

#include <doctest/doctest.h>

#include "tests/runtime/tcp_cluster.hpp"

using namespace ringtmp;
using namespace ringtmp::testing;

namespace {

// Every node takes `pace` seconds more per compute (so that the run outlasts the stop);
// the `victims` are each stopped whole for `seconds` at their `at`-th compute.
class StoppedTcp : public ForwardingTransport<TcpTransport> {
 public:
  StoppedTcp(TcpTransport& inner, std::vector<int> victims, int at, double seconds, double pace)
      : ForwardingTransport(inner), victims_(std::move(victims)), at_(at), seconds_(seconds), pace_(pace) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    const bool victim = std::find(victims_.begin(), victims_.end(), rank()) != victims_.end();
    if (victim && ++calls_ == at_) {
      inner_.stall_network(seconds_);
      std::this_thread::sleep_for(steady_seconds(seconds_));
    }
    std::this_thread::sleep_for(steady_seconds(pace_));
    inner_.compute(flops, std::forward<Fn>(fn));
  }
  Status rejoin(const std::vector<PeerAddress>& peers) { return inner_.rejoin(peers); }
  double clock_at(SteadyTime t) const { return inner_.clock_at(t); }

 private:
  std::vector<int> victims_;
  int at_, calls_ = 0;
  double seconds_, pace_;
};

NetOptions quick_detection() {
  NetOptions o = test_net_options();
  o.heartbeat_interval = 0.1;
  o.silence_timeout = 1.0;
  o.log = [](const std::string&) {};
  return o;
}

RunResult stopped_run(const RunConfig& c, std::vector<int> victims, double seconds) {
  auto run = run_tcp(c, small_data(), quick_detection(),
                     [&](TcpTransport& t) { return StoppedTcp(t, victims, 12, seconds, 0.004); });
  REQUIRE_MESSAGE(run.result.ok(), run.result.status().message());
  return std::move(*run.result);
}

std::vector<RunConfig> rejoining_configs() {
  RunConfig ring = small_cluster_config(StrategyKind::ring);
  ring.replica_every = 1;
  RunConfig ps = small_cluster_config(StrategyKind::ps);
  ps.server_replicas = 1;
  ps.iterations = 60;  // its iterations are the shortest
  RunConfig allreduce = small_cluster_config(StrategyKind::allreduce);
  allreduce.iterations = 60;
  return {ring, allreduce, ps};
}

}  // namespace

TEST_CASE("rejoin: a node stopped past detection and continued rejoins over real sockets, with the fault-free "
          "trace") {
  for (const RunConfig& c : rejoining_configs()) {
    auto reference = run_inproc(c, small_data());
    REQUIRE(reference.ok());
    // The first, a middle and the last rank; ps: a worker and a server.
    const std::vector<int> victims =
        c.strategy == StrategyKind::ps ? std::vector<int>{1, 4, 5} : std::vector<int>{0, 2, 3};
    for (int victim : victims) {
      CAPTURE(to_string(c.strategy));
      CAPTURE(victim);
      const RunResult run = stopped_run(c, {victim}, 2.0);
      REQUIRE(run.trace.size() == reference->trace.size());
      for (size_t i = 0; i < reference->trace.size(); ++i) CHECK(run.trace[i].loss == reference->trace[i].loss);
      REQUIRE(run.failures.size() == 1);
      CHECK(run.failures[0].node == victim);
      CHECK(run.failures[0].cause.find("was stopped for") != std::string::npos);
      REQUIRE(run.failures[0].rejoined_at.has_value());
      CHECK(*run.failures[0].rejoined_at > run.failures[0].resumed_at);
      // Its own clock's stop time, before its peers noticed.
      CHECK(run.failures[0].failed_at < run.failures[0].detected_at);
      for (const auto& n : run.nodes) CHECK(!n.failed_at.has_value());  // every node alive at the end
    }
  }
}

TEST_CASE("rejoin: two nodes stopped together rejoin together (each calls the other: one call is kept); ps: two "
          "workers") {
  for (const RunConfig& c : rejoining_configs()) {
    CAPTURE(to_string(c.strategy));
    auto reference = run_inproc(c, small_data());
    REQUIRE(reference.ok());
    const RunResult run = stopped_run(c, {1, 3}, 2.0);
    REQUIRE(run.trace.size() == reference->trace.size());
    for (size_t i = 0; i < reference->trace.size(); ++i) CHECK(run.trace[i].loss == reference->trace[i].loss);
    REQUIRE(run.failures.size() == 2);
    for (const auto& f : run.failures) CHECK(f.rejoined_at.has_value());
  }
}

TEST_CASE("rejoin: a stop well within detection changes nothing") {
  for (const RunConfig& c : rejoining_configs()) {
    CAPTURE(to_string(c.strategy));
    auto reference = run_inproc(c, small_data());
    REQUIRE(reference.ok());
    const RunResult run = stopped_run(c, {2}, 0.3);
    CHECK(run.failures.empty());
    REQUIRE(run.trace.size() == reference->trace.size());
    for (size_t i = 0; i < reference->trace.size(); ++i) CHECK(run.trace[i].loss == reference->trace[i].loss);
  }
}

TEST_CASE("rejoin: an asynchronous parameter server readmits a worker or a server stopped past detection, and "
          "keeps learning") {
  for (auto [mode, staleness] : {std::pair{PsMode::asp, 0}, std::pair{PsMode::ssp, 2}})
    for (int victim : {1, 5}) {
      CAPTURE(to_string(mode));
      CAPTURE(victim);
      RunConfig c = small_cluster_config(StrategyKind::ps);
      c.ps_mode = mode;
      c.staleness = staleness;
      c.momentum = 0.0f;  // each asynchronous update a whole step
      c.iterations = 200;  // a worker's own pace: the others would finish while it is away
      const RunResult run = stopped_run(c, {victim}, 2.0);
      REQUIRE(run.trace.size() == size_t(c.iterations));
      for (const auto& r : run.trace) CHECK(std::isfinite(r.loss));
      CHECK(run.trace.back().loss < run.trace.front().loss);
      REQUIRE(run.failures.size() == 1);
      CHECK(run.failures[0].node == victim);
      CAPTURE(run.failures[0].cause);
      CHECK(run.failures[0].rejoined_at.has_value());
    }
}

TEST_CASE("rejoin: the ring with snapshots every K iterations readmits a stage stopped past detection, with the "
          "fault-free trace (the survivors roll back to the snapshot its stage is handed back from)") {
  RunConfig c = small_cluster_config(StrategyKind::ring);
  c.replica_every = 3;
  auto reference = run_inproc(c, small_data());
  REQUIRE(reference.ok());
  const RunResult run = stopped_run(c, {2}, 2.0);
  REQUIRE(run.trace.size() == reference->trace.size());
  for (size_t i = 0; i < reference->trace.size(); ++i) CHECK(run.trace[i].loss == reference->trace[i].loss);
  REQUIRE(run.failures.size() == 1);
  CHECK(run.failures[0].rejoined_at.has_value());
  for (const auto& n : run.nodes) CHECK(!n.failed_at.has_value());
}

TEST_CASE("rejoin: the async ring readmits a stage stopped past detection (shadows, or snapshots), and keeps "
          "learning") {
  for (int replica_every : {1, 3}) {
    CAPTURE(replica_every);
    RunConfig c = small_cluster_config(StrategyKind::ring);
    c.schedule = Schedule::async;
    c.replica_every = replica_every;
    c.momentum = 0.0f;
    c.iterations = 60;  // its stages' own pace: with 30 the others would finish while it is away
    const RunResult run = stopped_run(c, {1}, 2.0);
    REQUIRE(run.trace.size() == size_t(c.iterations));
    for (const auto& r : run.trace) CHECK(std::isfinite(r.loss));
    CHECK(run.trace.back().loss < run.trace.front().loss);
    REQUIRE(run.failures.size() == 1);
    CHECK(run.failures[0].node == 1);
    CHECK(run.failures[0].cause.find("was stopped for") != std::string::npos);
    CHECK(run.failures[0].rejoined_at.has_value());
    for (const auto& n : run.nodes) CHECK(!n.failed_at.has_value());
  }
}
