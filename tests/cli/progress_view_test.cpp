// The progress line says what its figures are: simulated or wall seconds, whose loss, and
// in a timing-only simulation no loss and no samples/s (nothing was computed).
#include "cli/progress_view.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;
using ringtmp::cli::ProgressView;

namespace {
const Progress kProgress{.iteration = 10, .total = 20, .loss = 0.42071, .elapsed = 5.0, .samples = 640};
}

TEST_CASE("progress: loss, samples/s and which clock") {
  RunConfig c;
  CHECK(ProgressView(false, c, false).figures(kProgress) == "loss 0.4207  128 samples/s  5.000 s wall");
  c.strategy = StrategyKind::ring;
  c.nodes = 3;
  CHECK(ProgressView(false, c, true).figures(kProgress) == "loss 0.4207  128 samples/s  5.000 s simulated");
}

TEST_CASE("progress: asynchronous ps reports a worker's loss and says so; bsp and all-reduce the whole batch's") {
  RunConfig c;
  c.strategy = StrategyKind::ps;
  c.nodes = 4;
  for (auto [mode, staleness] : {std::pair{PsMode::asp, 0}, std::pair{PsMode::ssp, 2}}) {
    c.ps_mode = mode;
    c.staleness = staleness;
    CHECK(ProgressView(false, c, true).figures(kProgress).starts_with("worker loss 0.4207  "));
  }
  for (auto [mode, staleness] : {std::pair{PsMode::bsp, 0}, std::pair{PsMode::ssp, 0}}) {
    c.ps_mode = mode;
    c.staleness = staleness;
    CHECK(ProgressView(false, c, true).figures(kProgress).starts_with("loss 0.4207  "));
  }
  c.strategy = StrategyKind::allreduce;
  CHECK(ProgressView(false, c, true).figures(kProgress).starts_with("loss 0.4207  "));
}

TEST_CASE("progress: a timing-only simulation shows seconds per iteration, no loss, no samples/s") {
  RunConfig c;
  c.strategy = StrategyKind::ring;
  c.timing_only = true;
  const std::string line = ProgressView(false, c, true).figures(kProgress);
  CHECK(line == "0.5 s per iteration  5.000 s simulated");
}

TEST_CASE("progress: times of 10 s and more to a tenth of a second") {
  Progress p = kProgress;
  p.elapsed = 125.31;
  CHECK(ProgressView(false, RunConfig{}, false).figures(p).ends_with("  125.3 s wall"));
}
