// The memory plan against what the node programs record, part by part, for every strategy,
// schedule and mode at N in {1, 2, 4, 8}: equal where the schedule decides, within the plan
// where arrival order does. And the plan's own arithmetic on a case worked by hand.
#include "core/strategy/memory_plan.hpp"

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"

using namespace ringtmp;

namespace {

const DataSplit& data() {
  static const DataSplit d = make_synthetic(
      {.features = 12, .classes = 5, .train_samples = 256, .test_samples = 32, .seed = 3});
  return d;
}

RunConfig base(StrategyKind s, int nodes) {
  RunConfig c;
  c.strategy = s;
  c.dataset = DatasetKind::synthetic;
  c.nodes = nodes;
  c.layers = {12, 11, 10, 9, 9, 8, 8, 7, 6, 5};  // nine layers: a stage each at N = 8
  c.batch = 22;                                  // uneven micro-batches and worker slices
  c.microbatches = 3;
  c.iterations = 4;
  c.lr = 0.05f;
  c.momentum = 0.9f;
  c.peer_timeout = 20;
  return c;
}

void check_plan_matches_record(const RunConfig& c) {
  auto run = run_inproc(c, data());
  REQUIRE_MESSAGE(run.ok(), run.status().message());
  auto plan = plan_cluster(c, data().train.size());
  REQUIRE(plan.ok());
  const auto predicted = plan_memory(c, *plan, dataset_shape(c, &data()));
  REQUIRE(predicted.size() == run->nodes.size());
  for (size_t r = 0; r < predicted.size(); ++r) {
    const NodeMemory& p = predicted[r];
    const MemoryParts& recorded = run->nodes[r].peak_memory_parts;
    CAPTURE(r);
    CAPTURE(p.role);
    INFO("planned: ", p.peak.describe(), "; recorded: ", recorded.describe());
    CHECK(recorded[MemoryPart::dataset] == 0);  // loaded by the process, not the program
    for (int part = 0; part < kMemoryParts; ++part) {
      if (MemoryPart(part) == MemoryPart::dataset) continue;
      CAPTURE(to_string(MemoryPart(part)));
      if (p.exact) CHECK(recorded.bytes[part] == p.peak.bytes[part]);
      else CHECK(recorded.bytes[part] <= p.peak.bytes[part]);
    }
    CHECK(run->nodes[r].peak_memory_bytes == recorded.total());
    if (p.exact) CHECK(run->nodes[r].peak_memory_bytes == p.peak.program());
  }
}

}  // namespace

TEST_CASE("every strategy records exactly the memory its plan predicts") {
  for (int n : {1, 2, 4, 8}) {
    CAPTURE(n);
    for (Schedule s : {Schedule::gpipe, Schedule::one_f_one_b, Schedule::async})
      for (int replica_every : {1, 2}) {  // shadows refreshed, or snapshots
        RunConfig c = base(StrategyKind::ring, n);
        c.schedule = s;
        c.replica_every = replica_every;
        CAPTURE(to_string(s));
        CAPTURE(replica_every);
        check_plan_matches_record(c);
      }
    for (auto [mode, staleness] : {std::pair{PsMode::bsp, 0}, std::pair{PsMode::asp, 0}, std::pair{PsMode::ssp, 1}}) {
      for (int servers : {1, 3}) {
        RunConfig c = base(StrategyKind::ps, n);
        c.ps_mode = mode;
        c.staleness = staleness;
        c.servers = servers;
        CAPTURE(to_string(mode));
        CAPTURE(servers);
        check_plan_matches_record(c);
      }
    }
    check_plan_matches_record(base(StrategyKind::allreduce, n));
  }
}

TEST_CASE("the plan of a small ring, worked by hand") {
  RunConfig c = base(StrategyKind::ring, 2);
  c.layers = {4, 6, 3};  // stage 0: 4x6 (30 params), stage 1: 6x3 (21 params)
  c.batch = 8;
  c.microbatches = 2;  // two micro-batches of 4
  c.schedule = Schedule::gpipe;
  c.replica_every = 0;  // no shadows first
  auto plan = plan_cluster(c, 256);
  REQUIRE(plan.ok());
  const DatasetShape shape{.train = 100, .test = 10, .features = 4};
  const auto m = plan_memory(c, *plan, shape);
  REQUIRE(m.size() == 2);
  const int64_t f = sizeof(float);
  CHECK(m[0].peak[MemoryPart::params] == 30 * f);
  CHECK(m[0].peak[MemoryPart::optimizer] == 30 * f);  // momentum 0.9
  // gpipe holds both micro-batches: 6 outputs each of 4 samples, plus two workspace buffers
  // of the widest input (4) for 4 samples.
  CHECK(m[0].peak[MemoryPart::activations] == (2 * 6 * 4 + 2 * 4 * 4) * f);
  CHECK(m[0].peak[MemoryPart::messages] == 6 * 4 * f);  // the larger of activations and labels
  CHECK(m[0].peak[MemoryPart::dataset] == 110 * (4 * f + 4));
  // Stage 1 keeps each received input (6) beside its outputs (3) and loss gradient (3).
  CHECK(m[1].peak[MemoryPart::activations] == (2 * (6 + 3 + 3) * 4 + 2 * 6 * 4) * f);
  CHECK(m[1].peak[MemoryPart::messages] == 6 * 4 * f);
  CHECK(m[1].peak[MemoryPart::dataset] == 0);

  CHECK(m[0].peak[MemoryPart::shadows] == 0);

  // Healing on (--replica-every 1): each node holds the other's shadow, its params, momentum
  // and the refresh held until the commit; a node's own refresh is its largest message when
  // its layers outweigh a block.
  c.replica_every = 1;
  const auto shadowed = plan_memory(c, *plan, shape);
  CHECK(shadowed[0].peak[MemoryPart::shadows] == 3 * 21 * f);  // stage 1's
  CHECK(shadowed[1].peak[MemoryPart::shadows] == 3 * 30 * f);  // stage 0's: its successor holds it
  CHECK(shadowed[0].peak[MemoryPart::messages] == 30 * f);
  CHECK(shadowed[1].peak[MemoryPart::messages] == 6 * 4 * f);
  // Snapshots (--replica-every 2): params and momentum, the latest two of the held stage and
  // of its own (sync: to roll back to); the snapshot sent is params and momentum.
  c.replica_every = 2;
  const auto snapshot = plan_memory(c, *plan, shape);
  CHECK(snapshot[0].peak[MemoryPart::shadows] == (2 * 42 + 2 * 60) * f);
  CHECK(snapshot[1].peak[MemoryPart::shadows] == (2 * 60 + 2 * 42) * f);
  CHECK(snapshot[0].peak[MemoryPart::messages] == 60 * f);
  CHECK(snapshot[1].peak[MemoryPart::messages] == 42 * f);
  c.schedule = Schedule::async;  // the latest snapshot of the held stage alone: no roll back
  const auto async_snapshot = plan_memory(c, *plan, shape);
  CHECK(async_snapshot[0].peak[MemoryPart::shadows] == 42 * f);
  CHECK(async_snapshot[1].peak[MemoryPart::shadows] == 60 * f);
  c.schedule = Schedule::gpipe;
  c.replica_every = 0;
  CHECK(plan_memory(c, *plan, shape, {.ring_shadows = true})[1].peak[MemoryPart::shadows] == 3 * 30 * f);
}

TEST_CASE("a BSP server's plan bounds the early pushes it may hold") {
  RunConfig c = base(StrategyKind::ps, 4);
  c.servers = 2;
  auto plan = plan_cluster(c, 256);
  REQUIRE(plan.ok());
  const auto m = plan_memory(c, *plan, {});
  REQUIRE(m.size() == 6);
  const int64_t shard = int64_t(plan->ps->shard_size(0)) * int64_t(sizeof(float));
  CHECK(m[4].role == "ps server 0");
  CHECK(m[4].peak[MemoryPart::held_pushes] == 3 * shard);
  CHECK(m[4].peak[MemoryPart::messages] == 4 * shard);
  CHECK_FALSE(m[4].exact);
  CHECK(m[0].peak[MemoryPart::optimizer] == 0);  // a worker holds no momentum: servers step
}

TEST_CASE("describe: the non-zero parts, largest first") {
  MemoryParts p;
  p[MemoryPart::grads] = 2048;
  p[MemoryPart::params] = 4096;
  CHECK(p.describe() == "params 4 KiB, grads 2 KiB");
  CHECK(MemoryParts{}.describe() == "nothing");
}
