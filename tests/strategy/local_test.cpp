// The local baseline: it learns, it is deterministic, and it records what every run records.
#include "core/strategy/local.hpp"

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"

using namespace ringtmp;

namespace {

RunConfig small_config(uint64_t seed) {
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = {16, 32, 4};
  c.batch = 32;
  c.lr = 0.1f;
  c.iterations = 150;
  c.seed = seed;
  return c;
}

DataSplit small_data() {
  return make_synthetic({.features = 16, .classes = 4, .train_samples = 2048, .test_samples = 512});
}

double mean_loss(const RunResult& r, size_t first, size_t count) {
  double s = 0;
  for (size_t i = first; i < first + count; ++i) s += r.trace[i].loss;
  return s / double(count);
}

}  // namespace

TEST_CASE("local training learns the synthetic task") {
  const auto data = small_data();
  auto r = run_local(small_config(1), data);
  REQUIRE(r.ok());
  REQUIRE(r->trace.size() == 150);
  // Stated factor: the mean loss of the last 10 iterations is below a third of the first 10's,
  // and the test accuracy beats chance (25%) by far.
  CHECK(mean_loss(*r, 140, 10) < mean_loss(*r, 0, 10) / 3.0);
  CHECK(r->test_accuracy().value() > 0.8);
}

TEST_CASE("same seed gives a bit-identical loss trace, another seed a different one") {
  const auto data = small_data();
  auto a = run_local(small_config(1), data), b = run_local(small_config(1), data),
       c = run_local(small_config(2), data);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  bool same = true, differs = false;
  for (size_t i = 0; i < a->trace.size(); ++i) {
    same = same && a->trace[i].loss == b->trace[i].loss;
    differs = differs || a->trace[i].loss != c->trace[i].loss;
  }
  CHECK(same);
  CHECK(differs);
}

TEST_CASE("a run records samples, memory and busy time, and evaluates when asked") {
  auto c = small_config(1);
  c.eval_every = 50;
  auto r = run_local(c, small_data());
  REQUIRE(r.ok());
  CHECK(r->samples == 150 * 32);
  CHECK(r->evals.size() == 3);  // iterations 50, 100 and the final one
  REQUIRE(r->nodes.size() == 1);
  CHECK(r->nodes[0].busy_s > 0);
  CHECK(r->nodes[0].idle_s == 0);
  CHECK(r->nodes[0].peak_memory_bytes > 2 * int64_t(sizeof(float)) * (16 * 32 + 32 + 32 * 4 + 4));
  CHECK(!r->energy_joules().has_value());
}

TEST_CASE("a batch larger than the training set is an error, not a crash") {
  auto c = small_config(1);
  c.batch = 4096;
  auto r = run_local(c, small_data());
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("batch 4096") != std::string::npos);
}
