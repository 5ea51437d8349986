// Checkpoints and exact resume in every strategy that has an iteration boundary: a run
// resumed from a checkpoint trains exactly as the uninterrupted run (every loss and the
// final model bit for bit); a set is complete even after a death (the holder writes the
// dead part); a set the run cannot use is refused before any node starts.
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "core/checkpoint/checkpoint_set.hpp"
#include "core/checkpoint/checkpointer.hpp"
#include "core/strategy/local.hpp"
#include "tests/data/temp_dir.hpp"
#include "tests/strategy/resilience_harness.hpp"

using namespace ringtmp;
using namespace ringtmp::testing;
namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name;
  RunConfig config;
};

std::vector<Case> cases() {
  std::vector<Case> all;
  auto add = [&](std::string name, StrategyKind s, int nodes, auto&& tweak) {
    RunConfig c = resilience_config(s, nodes);
    c.layers = {16, 24, 12, 4};
    c.checkpoint_every = 4;
    tweak(c);
    all.push_back({std::move(name), c});
  };
  add("local", StrategyKind::local, 1, [](RunConfig&) {});
  add("ring 1f1b, shadows refreshed", StrategyKind::ring, 3, [](RunConfig& c) { c.microbatches = 2; });
  add("ring gpipe, no shadows", StrategyKind::ring, 2, [](RunConfig& c) {
    c.schedule = Schedule::gpipe;
    c.replica_every = 0;
    c.microbatches = 3;
  });
  add("ring 1f1b, snapshots every 2", StrategyKind::ring, 3, [](RunConfig& c) { c.replica_every = 2; });
  add("ps bsp, 3 workers, 2 servers chain-replicated", StrategyKind::ps, 3, [](RunConfig& c) {
    c.servers = 2;
    c.server_replicas = 1;
  });
  add("ps ssp 0, 2 workers, 1 server", StrategyKind::ps, 2, [](RunConfig& c) { c.ps_mode = PsMode::ssp; });
  add("allreduce, 3 workers", StrategyKind::allreduce, 3, [](RunConfig&) {});
  add("allreduce, 1 worker", StrategyKind::allreduce, 1, [](RunConfig&) {});
  return all;
}

StatusOr<RunResult> run(const RunConfig& c) {
  return c.strategy == StrategyKind::local ? run_local(c, resilience_data()) : run_inproc(c, resilience_data());
}

}  // namespace

TEST_CASE("a resumed run trains exactly as the uninterrupted one, in every synchronous strategy") {
  for (const auto& k : cases()) {
    CAPTURE(k.name);
    TempDir dir;
    RunConfig c = k.config;
    c.checkpoint_dir = dir.file("ck");
    auto whole = run(c);
    REQUIRE(whole.ok());
    // The newest two sets are kept: 12 and 8 of 12 iterations written every 4.
    auto written = checkpoint_iterations(c.checkpoint_dir);
    REQUIRE(written.ok());
    CHECK(*written == std::vector<int64_t>{12, 8});
    const int64_t bytes = [&] {
      int64_t b = 0;
      for (const auto& n : whole->nodes) b += n.checkpoint_bytes;
      return b;
    }();
    CHECK(bytes > 0);

    // Killed after iteration 8's set was written and before 12's.
    fs::remove_all(fs::path(c.checkpoint_dir) / "iteration-00000012");
    RunConfig resumed = c;
    resumed.resume = c.checkpoint_dir;
    auto again = run(resumed);
    REQUIRE(again.ok());
    check_same_trace(*again, *whole);
    // It did resume (a run from scratch gives the same trace): the iterations restored from
    // the checkpoint are stamped before the resumed run's clock began.
    for (const auto& r : again->trace) {
      CAPTURE(r.iteration);
      if (r.iteration <= 8) CHECK(r.time <= 0);
    }
    CHECK(again->trace.front().time < 0);
    CHECK(*checkpoint_iterations(c.checkpoint_dir) == std::vector<int64_t>{12, 8});
  }
}

TEST_CASE("a newest set missing a part is passed over for the one before it") {
  const auto all = cases();
  for (const auto& k : {all[1], all[4], all[6]}) {
    CAPTURE(k.name);
    TempDir dir;
    RunConfig c = k.config;
    c.checkpoint_dir = dir.file("ck");
    auto whole = run(c);
    REQUIRE(whole.ok());
    fs::remove(checkpoint_file_path(c.checkpoint_dir, 12, 1));
    RunConfig resumed = c;
    resumed.resume = c.checkpoint_dir;
    resumed.checkpoint_every = 0;
    auto again = run(resumed);
    REQUIRE(again.ok());
    check_same_trace(*again, *whole);
    CHECK(again->trace.front().time < 0);  // resumed, from the set of 8
  }
}

TEST_CASE("a checkpoint of another config is refused, naming the setting") {
  const auto all = cases();
  for (const auto& k : {all[0], all[1], all[4], all[6]}) {
    CAPTURE(k.name);
    TempDir dir;
    RunConfig c = k.config;
    c.checkpoint_dir = dir.file("ck");
    REQUIRE(run(c).ok());
    RunConfig other = c;
    other.resume = c.checkpoint_dir;
    other.lr = 0.1f;
    auto refused = run(other);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message().find("lr") != std::string::npos);
    // How often checkpoints are written is not part of what a set must agree with.
    RunConfig sparser = c;
    sparser.resume = c.checkpoint_dir;
    sparser.checkpoint_every = 0;
    CHECK(run(sparser).ok());
  }
}

TEST_CASE("a ring that healed a death writes whole sets: the holder writes the dead stage's part") {
  // Stage 1 of 3 dies at its 20th compute (inside iteration 3 or 4); the sets of 8 and 12
  // are written after the takeover, stage 1's part by its shadow's holder. Resumed on a
  // whole ring of 3, the run is the fault-free one.
  RunConfig c = cases()[1].config;
  TempDir dir;
  c.checkpoint_dir = dir.file("ck");
  RunConfig fault_free = c;
  fault_free.checkpoint_every = 0;
  auto reference = run_inproc(fault_free, resilience_data());
  REQUIRE(reference.ok());
  auto healed = run_inproc(c, resilience_data(), {},
                           [](InProcTransport& t) { return DyingTransport(t, {{1, 20}}); });
  REQUIRE(healed.ok());
  REQUIRE(healed->failures.size() == 1);
  fs::remove_all(fs::path(c.checkpoint_dir) / "iteration-00000012");
  RunConfig resumed = c;
  resumed.resume = c.checkpoint_dir;
  auto again = run_inproc(resumed, resilience_data());
  REQUIRE(again.ok());
  check_same_trace(*again, *reference);
  CHECK(again->trace.front().time < 0);  // resumed
}

TEST_CASE("a resumed ring that then loses its last stage still reports every iteration's loss") {
  // The last stage holds the trace; after its death the survivors report it, the iterations
  // before the resume included.
  RunConfig c = cases()[1].config;
  TempDir dir;
  c.checkpoint_dir = dir.file("ck");
  auto whole = run_inproc(c, resilience_data());
  REQUIRE(whole.ok());
  fs::remove_all(fs::path(c.checkpoint_dir) / "iteration-00000012");
  RunConfig resumed = c;
  resumed.resume = c.checkpoint_dir;
  auto again = run_inproc(resumed, resilience_data(), {},
                          [](InProcTransport& t) { return DyingTransport(t, {{2, 6}}); });
  REQUIRE(again.ok());
  REQUIRE(again->failures.size() == 1);
  check_same_trace(*again, *whole);
  CHECK(again->trace.front().time < 0);
}

TEST_CASE("asynchronous strategies and timing-only resumes are refused by the config") {
  RunConfig ring = resilience_config(StrategyKind::ring, 2);
  ring.schedule = Schedule::async;
  ring.checkpoint_every = 2;
  ring.checkpoint_dir = "ck";
  CHECK(ring.validate().message().find("checkpoint-every") != std::string::npos);
  RunConfig asp = resilience_config(StrategyKind::ps, 2);
  asp.ps_mode = PsMode::asp;
  asp.resume = "ck";
  CHECK(asp.validate().message().find("resume") != std::string::npos);
  RunConfig no_dir = resilience_config(StrategyKind::allreduce, 2);
  no_dir.checkpoint_every = 2;
  CHECK(no_dir.validate().message().find("--checkpoint-dir") != std::string::npos);
  RunConfig snapshots = resilience_config(StrategyKind::ring, 2);
  snapshots.replica_every = 3;
  snapshots.checkpoint_every = 4;
  snapshots.checkpoint_dir = "ck";
  CHECK(snapshots.validate().message().find("multiple of --replica-every") != std::string::npos);
}
