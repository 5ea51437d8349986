// Failure without recovery (ring and ps until they heal; all-reduce recovers, see
// allreduce_recovery_test.cpp): a node that fails makes every other node stop with a clear
// PeerDown error instead of hanging. Faults come from a forwarding
// wrapper that overrides one call of the transport.
#include "core/strategy/cluster.hpp"

#include <chrono>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/data/synthetic.hpp"
#include "tests/strategy/resilience_harness.hpp"

using namespace ringtmp;
using ringtmp::testing::DyingTransport;

namespace {

// Drops every message one node sends: its peers starve and must time out, not hang.
class MuteTransport : public ForwardingTransport<InProcTransport> {
 public:
  using ForwardingTransport::ForwardingTransport;
  void send(int to, Message&& m) {
    if (rank() != 1) inner_.send(to, std::move(m));
  }
};

RunConfig config(StrategyKind s) {
  RunConfig c;
  c.strategy = s;
  c.dataset = DatasetKind::synthetic;
  c.layers = {16, 16, 16, 16, 4};
  c.nodes = 4;
  c.servers = 2;
  c.batch = 16;
  c.microbatches = 4;
  c.iterations = 50;
  c.peer_timeout = 30;
  return c;
}

}  // namespace

TEST_CASE("a failed peer that is not healed stops every strategy quickly with a PeerDown error") {
  // A ring without shadows heals nothing, in any schedule, nor a parameter server that lost its only
  // worker (0).
  const auto data = make_synthetic({.features = 16, .classes = 4, .train_samples = 512, .test_samples = 64});
  for (auto [s, victim] : {std::pair{StrategyKind::ring, 2}, std::pair{StrategyKind::ps, 0}})
    for (Schedule sched : {Schedule::one_f_one_b, Schedule::async}) {
      if (s != StrategyKind::ring && sched == Schedule::async) continue;
      CAPTURE(to_string(s));
      CAPTURE(to_string(sched));
      auto c = config(s);
      c.schedule = sched;
      c.replica_every = 0;
      if (s == StrategyKind::ps) c.nodes = 1;
      const auto start = std::chrono::steady_clock::now();
      auto r = run_inproc(c, data, {}, [victim](InProcTransport& t) { return DyingTransport(t, {{victim, 7}}); });
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      REQUIRE(!r.ok());
      const std::string& msg = r.status().message();
      CAPTURE(msg);
      CHECK(msg.find(fmt::format("node {}: killed by the test", victim)) != std::string::npos);
      CHECK(msg.find(fmt::format("peer {} is down (injected fault)", victim)) != std::string::npos);
      CHECK(seconds < 5.0);  // far below the 30 s peer timeout: nobody waited it out
    }
}

TEST_CASE("a silent peer becomes a timeout error naming what was awaited") {
  const auto data = make_synthetic({.features = 16, .classes = 4, .train_samples = 512, .test_samples = 64});
  auto c = config(StrategyKind::ring);
  c.peer_timeout = 0.5;
  // Without shadows: with them, whichever node's guard fires first is healed around, and the
  // run ends in a timeout or, when the mute node's fires first, completes without it.
  c.replica_every = 0;
  auto r = run_inproc(c, data, {}, [](InProcTransport& t) { return MuteTransport(t); });
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("no message for 0.5 s while waiting for") != std::string::npos);
}

TEST_CASE("a run failed by thousands of nodes says so in one readable line") {
  // A whole cluster timing out at once (10,000 simulated stations with a short
  // --peer-timeout) once printed every rank: a line of 50 KB.
  RunConfig c;
  c.strategy = StrategyKind::allreduce;
  c.dataset = DatasetKind::synthetic;
  std::vector<NodeOutcome> outcomes(5000);
  for (size_t r = 0; r < outcomes.size(); ++r) {
    outcomes[r].status = Status::errorf("node {}: peer 3 is down", r);
    outcomes[r].stopped_by_peer = r != 3 && r != 7;
    outcomes[r].peer_down_seen_at = 60.0 + double(r % 5);
  }
  outcomes[3].status = Status::error("node 3: no message for 60 s");
  outcomes[7].status = Status::error("node 7: no message for 60 s");
  auto run = merge_outcomes(c, DataSplit{}, std::move(outcomes), 1.0, "sim");
  REQUIRE_FALSE(run.ok());
  const std::string& m = run.status().message();
  CHECK(m.size() < 400);
  CHECK(m.find("node 3: no message for 60 s; node 7: no message for 60 s; then nodes 0,1,2,4,5,6,8,9 and 4990 more "
               "stopped because a peer went down (first: node 0: peer 3 is down, at 60 s)") != std::string::npos);
}

TEST_CASE("the first failure is the earliest sighting, not the lowest rank's report") {
  // Nodes 0 and 1 paused (SIGSTOP) past the heartbeat timeout: 2 and 3 see node 0 down at
  // 3 s; once resumed, 0 and 1 find their links closed and see node 2 "down" at 16 s. The
  // line once quoted node 0's report and blamed node 2, a bystander.
  RunConfig c;
  c.strategy = StrategyKind::ring;
  std::vector<NodeOutcome> outcomes(4);
  const std::pair<int, double> sighting[] = {{2, 16.2}, {2, 16.1}, {0, 3.2}, {0, 3.1}};
  for (size_t r = 0; r < outcomes.size(); ++r) {
    outcomes[r].status = Status::errorf("node {}: peer {} is down", r, sighting[r].first);
    outcomes[r].stopped_by_peer = true;
    outcomes[r].peer_down_seen_at = sighting[r].second;
  }
  auto run = merge_outcomes(c, DataSplit{}, std::move(outcomes), 20.0, "runtime");
  REQUIRE_FALSE(run.ok());
  CHECK(run.status().message() ==
        "run failed: nodes 0,1,2,3 stopped because a peer went down (first: node 3: peer 0 is down, at 3.1 s)");
}

TEST_CASE("an in-process run waits out any --peer-timeout, however long") {
  // Regression: 1e10 s overflowed the conversion to steady_clock and every wait timed out
  // at once ("no message for 1e+10 s").
  RunConfig c = config(StrategyKind::ring);
  c.iterations = 3;
  c.peer_timeout = 1e10;
  auto run = run_inproc(c, make_synthetic({.features = 16, .classes = 4, .train_samples = 64, .test_samples = 16}));
  REQUIRE_MESSAGE(run.ok(), run.status().message());
  CHECK(run->iterations == 3);
}

TEST_CASE("merging refuses summed counts that are negative or overflow, naming the node") {
  // Regression (outcome fuzz bench): stale_messages of 3.7e18 and 8.5e18 overflowed their sum.
  RunConfig c = config(StrategyKind::allreduce);
  for (auto [first, second] : {std::pair{int64_t(3697266530258518016), int64_t(8532459139802620767)},
                               std::pair{int64_t(0), int64_t(-1)}}) {
    std::vector<NodeOutcome> outcomes(2);
    outcomes[0].stale_messages = first;
    outcomes[1].stale_messages = second;
    auto run = merge_outcomes(c, DataSplit{}, outcomes, 0, "test");
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().message().find(fmt::format("node 1 reported {} stale messages", second)) != std::string::npos);
    outcomes[1].stale_messages = 0;
    outcomes[0].recoveries = {Recovery{{1}, 0, 0, 0, first}};
    outcomes[1].recoveries = {Recovery{{0}, 0, 0, 0, second}};
    run = merge_outcomes(c, DataSplit{}, outcomes, 0, "test");
    REQUIRE_FALSE(run.ok());
    CHECK(run.status().message().find(fmt::format("node 1 reported {} bytes sent to recover", second)) != std::string::npos);
  }
}

TEST_CASE("merging refuses parameter slices outside the model, wherever they claim to be") {
  // Regression: an outcome's param_offset of 2^64-1 wrapped the size check and wrote out of
  // bounds; 2^62 threw std::length_error from the resize.
  RunConfig c = config(StrategyKind::allreduce);
  c.layers = {4, 3, 2};  // 15 + 8 = 23 parameters
  const auto data = make_synthetic({.features = 4, .classes = 2, .train_samples = 32, .test_samples = 8});
  auto outcomes = [](size_t offset, size_t count) {
    std::vector<NodeOutcome> o(2);
    o[0].params.assign(10, 0.5f);
    o[1].param_offset = offset;
    o[1].params.assign(count, 0.25f);
    return o;
  };
  REQUIRE_MESSAGE(merge_outcomes(c, data, outcomes(10, 13), 0, "test").ok(), "the exact split must merge");
  for (auto [offset, count] : {std::pair{~size_t(0), size_t(1)}, {size_t(1) << 62, size_t(1)}, {size_t(10), size_t(14)},
                               {size_t(23), size_t(1)}, {~size_t(0) - 2, size_t(5)}}) {
    CAPTURE(offset);
    CAPTURE(count);
    auto r = merge_outcomes(c, data, outcomes(offset, count), 0, "test");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("outside the model's 23 parameters") != std::string::npos);
  }
}

TEST_CASE("merging refuses a node's sample count outside the batch") {
  // Regression (outcome fuzz bench): two forged counts near 2^63 overflowed the per-iteration sum.
  RunConfig c = config(StrategyKind::allreduce);
  c.layers = {4, 3, 2};
  const auto data = make_synthetic({.features = 4, .classes = 2, .train_samples = 32, .test_samples = 8});
  for (int64_t samples : {int64_t(-1), int64_t(c.batch) + 1, int64_t(9151314443873812489)}) {
    CAPTURE(samples);
    std::vector<NodeOutcome> o(2);
    o[0].params.assign(23, 0.5f);
    o[0].losses.push_back({1, 0.5, 1.0, c.batch / 2});
    o[1].losses.push_back({1, 0.5, 1.0, samples});
    auto r = merge_outcomes(c, data, std::move(o), 0, "test");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("node 1 reported") != std::string::npos);
  }
}
