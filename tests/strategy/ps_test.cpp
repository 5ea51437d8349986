// Parameter server beyond equivalence: asp and ssp learn, ssp never exceeds its staleness
// bound, asp reports what it observed; servers sit on their own nodes.
#include "core/strategy/ps.hpp"

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"

using namespace ringtmp;

namespace {

const DataSplit& data() {
  static const DataSplit d = make_synthetic(
      {.features = 16, .classes = 4, .train_samples = 2048, .test_samples = 512, .seed = 8});
  return d;
}

RunConfig ps(PsMode mode, int staleness, int workers, int servers) {
  RunConfig c;
  c.strategy = StrategyKind::ps;
  c.ps_mode = mode;
  c.staleness = staleness;
  c.nodes = workers;
  c.servers = servers;
  c.dataset = DatasetKind::synthetic;
  c.layers = {16, 32, 4};
  c.batch = 32;
  c.lr = 0.1f;
  c.iterations = 150;
  c.peer_timeout = 20;
  return c;
}

double ratio_last_to_first(const RunResult& r) {
  double first = 0, last = 0;
  for (int i = 0; i < 10; ++i) {
    first += r.trace[i].loss;
    last += r.trace[r.trace.size() - 1 - i].loss;
  }
  return last / first;
}

}  // namespace

TEST_CASE("ssp learns and never exceeds its staleness bound") {
  for (int s : {1, 2, 4}) {
    CAPTURE(s);
    auto r = run_inproc(ps(PsMode::ssp, s, 4, 2), data());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(ratio_last_to_first(*r) < 1.0 / 3);  // stated factor: loss falls 3x
    REQUIRE(r->max_staleness.has_value());
    CHECK(*r->max_staleness <= s);
  }
}

TEST_CASE("asp learns and reports the staleness it observed") {
  auto r = run_inproc(ps(PsMode::asp, 0, 4, 1), data());
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(ratio_last_to_first(*r) < 1.0 / 3);
  REQUIRE(r->max_staleness.has_value());
  CHECK(*r->max_staleness >= 0);
  CHECK(r->test_accuracy().value() > 0.8);
}

TEST_CASE("bsp has zero staleness; servers are nodes of their own, holding their shard") {
  auto c = ps(PsMode::bsp, 0, 3, 2);
  c.iterations = 5;
  auto r = run_inproc(c, data());
  REQUIRE(r.ok());
  CHECK(r->max_staleness == 0);
  REQUIRE(r->nodes.size() == 5);
  const auto layout = ps_layout(c);
  for (int k = 0; k < 2; ++k) {
    const auto& server = r->nodes[3 + k];
    CHECK(server.role == "server");
    // Each iteration a server receives one push of its shard from each of the 3 workers; at
    // the end, one done from the lowest live rank (worker 0), which gathered everyone's
    // (nodes leave together through it: healing_loop.hpp; all-to-all was (N+K)^2 messages).
    CHECK(server.msgs_recv == 5 * 3 + 1);
  }
  {
    const auto& coordinator = r->nodes[0];  // every other node's done: 4
    CHECK(coordinator.msgs_recv == 5 * 2 + 4);
    CHECK(coordinator.msgs_sent == 5 * 2 + 4);
    const auto& worker = r->nodes[1];  // one done each way
    CHECK(worker.msgs_recv == 5 * 2 + 1);
    CHECK(worker.msgs_sent == 5 * 2 + 1);
  }
  for (int k = 0; k < 2; ++k) {
    const auto& server = r->nodes[3 + k];
    CHECK(server.peak_memory_bytes >= int64_t(layout.shard_size(k) * sizeof(float)));
  }
  CHECK(layout.shard_begin.back() == size_t(16 * 32 + 32 + 32 * 4 + 4));
}
