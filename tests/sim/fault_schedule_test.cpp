// Fault schedules: parsed strictly, and on every strategy a host that goes off ends the run
// cleanly and quickly, with the failure reported (what, where, when), never a hang.
#include "sim/fault_schedule.hpp"

#include <chrono>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "sim/simulation.hpp"
#include "tests/sim/in_child.hpp"
#include "tests/sim/test_platforms.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

TEST_CASE("fault schedules parse, and bad ones name the item at fault") {
  auto ok = sim::parse_fault_schedule("kill:3@120, pause:2@60+10", 4);
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 2);
  CHECK((*ok)[0].kind == sim::Fault::Kind::kill);
  CHECK((*ok)[0].rank == 3);
  CHECK((*ok)[0].at_s == 120);
  CHECK((*ok)[1].kind == sim::Fault::Kind::pause);
  CHECK((*ok)[1].duration_s == 10);
  CHECK(sim::parse_fault_schedule("", 4)->empty());
  for (auto [spec, why] : {std::pair{"crash:1@2", "unknown fault kind"}, {"kill:1", "missing @time"},
                           {"kill:x@2", "node is not a whole number"}, {"kill:4@2", "node 4 is outside 0..3"},
                           {"kill:1@-2", "time is not a number"}, {"kill:1@2+3", "takes no +duration"},
                           {"pause:1@2", "needs +duration"}, {"pause:1@2+0", "duration is not a positive"},
                           {"kill:1@2,,", "unknown fault kind"}}) {
    CAPTURE(spec);
    auto s = sim::parse_fault_schedule(spec, 4);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().find(why) != std::string::npos);
    CHECK(s.status().message().find("faults") != std::string::npos);
  }
}

TEST_CASE("a host going off ends every strategy cleanly, reporting what failed when") {
  testing::TestPlatforms platforms;
  const auto data = make_synthetic({.features = 32, .classes = 8, .train_samples = 512, .test_samples = 64});
  for (auto strategy : {StrategyKind::ring, StrategyKind::ps, StrategyKind::allreduce}) {
    for (const char* faults : {"kill:2@0.05", "pause:1@0.05+0.01"}) {
      CAPTURE(to_string(strategy));
      CAPTURE(faults);
      RunConfig c;
      c.strategy = strategy;
      c.dataset = DatasetKind::synthetic;
      c.layers = {32, 64, 64, 64, 8};
      c.nodes = 4;
      c.batch = 32;
      c.microbatches = 4;
      c.iterations = 100000;  // far more than fits before the fault
      c.device = "unit";
      c.network = "eth";
      c.faults = faults;
      const auto start = std::chrono::steady_clock::now();
      auto r = in_child([&] {
        sim::SimOptions o;
        o.platforms_dir = platforms.dir();
        auto run = sim::simulate(c, data, o);
        if (run.ok()) return std::vector<double>{};
        throw std::runtime_error(run.status().message());
      });
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      CHECK(wall < 20);
      REQUIRE_FALSE(r.ok);
      const std::string& e = r.error;
      const int victim = faults[0] == 'k' ? 2 : 1;
      CHECK(e.find("run failed: node " + std::to_string(victim) + ": host turned off at 0.05 s by the fault schedule (" +
                   faults + ")") == 0);
      CHECK(e.find("stopped because a peer went down") != std::string::npos);
      CHECK(e.find("died") == std::string::npos);
    }
  }
}
