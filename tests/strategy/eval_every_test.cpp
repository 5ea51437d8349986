// --eval-every K in every strategy: the merge assembles the model from the parts the nodes
// kept at every K-th iteration and evaluates it. The synchronous schedules' evaluations are
// local's (equivalence_test.cpp); here the asynchronous ones, awkward N, and the merge's
// rules for parts that are missing, kept twice or forged.
#include "core/strategy/cluster.hpp"

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/run_model.hpp"
#include "core/strategy/evaluate.hpp"

using namespace ringtmp;

namespace {

const DataSplit& data() {
  static const DataSplit d = make_synthetic(
      {.features = 20, .classes = 5, .train_samples = 1000, .test_samples = 200, .seed = 3});
  return d;
}

RunConfig base() {
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = {20, 32, 24, 16, 5};
  c.batch = 24;
  c.microbatches = 4;
  c.lr = 0.05f;
  c.momentum = 0.5f;  // stale gradients (the async ring) and momentum 0.9 do not mix
  c.iterations = 40;
  c.eval_every = 7;  // 40 is no multiple: 7, 14, ..., 35, then the final 40
  c.seed = 5;
  c.peer_timeout = 20;
  return c;
}

void check_evaluations(const RunResult& r, int64_t every) {
  std::vector<int64_t> want;
  for (int64_t it = every; it < r.iterations; it += every) want.push_back(it);
  want.push_back(r.iterations);
  std::vector<int64_t> got;
  for (const auto& e : r.evals) got.push_back(e.iteration);
  CHECK(got == want);
  for (size_t i = 1; i < r.evals.size(); ++i) CHECK(r.evals[i].time >= r.evals[i - 1].time);
  CHECK(r.evals.back().time == r.trace.back().time);
  // The model learns: the last evaluation beats the first.
  CHECK(r.evals.back().loss < r.evals.front().loss);
}

}  // namespace

TEST_CASE("asynchronous strategies evaluate their model every K iterations, at any N") {
  struct Case {
    StrategyKind strategy;
    Schedule schedule;
    PsMode mode;
    int nodes;
  };
  for (const Case& k : {Case{StrategyKind::ring, Schedule::async, PsMode::bsp, 1},
                        Case{StrategyKind::ring, Schedule::async, PsMode::bsp, 3},
                        Case{StrategyKind::ring, Schedule::async, PsMode::bsp, 4},
                        Case{StrategyKind::ps, Schedule::gpipe, PsMode::asp, 3},
                        Case{StrategyKind::ps, Schedule::gpipe, PsMode::ssp, 5}}) {
    CAPTURE(to_string(k.strategy));
    CAPTURE(to_string(k.schedule));
    CAPTURE(to_string(k.mode));
    CAPTURE(k.nodes);
    RunConfig c = base();
    c.strategy = k.strategy;
    c.schedule = k.schedule;
    c.ps_mode = k.mode;
    c.staleness = 2;
    c.servers = 2;
    c.nodes = k.nodes;
    auto r = run_inproc(c, data());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    check_evaluations(*r, c.eval_every);
  }
}

// (A timing-only run keeps nothing either: simulation_test.cpp, its sim-only mode.)
TEST_CASE("without --eval-every only the final model is evaluated") {
  RunConfig c = base();
  c.strategy = StrategyKind::ring;
  c.nodes = 3;
  c.eval_every = 0;
  auto r = run_inproc(c, data());
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  REQUIRE(r->evals.size() == 1);
  CHECK(r->evals[0].iteration == c.iterations);
}

namespace {

// Two nodes holding a 4-3-2 MLP (23 parameters) split at 10, and their parts of iteration 1.
RunConfig tiny() {
  RunConfig c = base();
  c.strategy = StrategyKind::allreduce;
  c.layers = {4, 3, 2};
  c.iterations = 2;
  c.eval_every = 1;
  return c;
}
const DataSplit& tiny_data() {
  static const DataSplit d = make_synthetic({.features = 4, .classes = 2, .train_samples = 32, .test_samples = 8});
  return d;
}
std::vector<NodeOutcome> two_nodes() {
  std::vector<NodeOutcome> o(2);
  o[0].params.assign(10, 0.5f);
  o[1].param_offset = 10;
  o[1].params.assign(13, 0.25f);
  for (auto& n : o) n.losses = {{1, 1.0, 1.0, 12}, {2, 2.0, 1.0, 12}};
  return o;
}
EvalRecord evaluated(const FloatBuffer& params) {
  Model m(model_layers(tiny()));
  std::copy(params.begin(), params.end(), m.params().begin());
  return evaluate(m, tiny_data().test, 1);
}

}  // namespace

TEST_CASE("the merge evaluates an iteration only when its parts cover the model, the latest part winning") {
  const RunConfig c = tiny();
  FloatBuffer whole(23, 0.1f);
  std::fill(whole.begin() + 10, whole.end(), -0.3f);
  auto o = two_nodes();
  o[0].snapshots.push_back({1, 0.75, 0, FloatBuffer(whole.begin(), whole.begin() + 10)});
  o[1].snapshots.push_back({1, 0.5, 10, FloatBuffer(whole.begin() + 10, whole.end())});
  // Node 1's part also kept earlier by a node that then redid it: the later one counts.
  o[0].snapshots.push_back({1, 0.25, 10, FloatBuffer(13, 9.0f)});
  auto r = merge_outcomes(c, tiny_data(), o, 0, "test");
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  REQUIRE(r->evals.size() == 2);
  const EvalRecord want = evaluated(whole);
  CHECK(r->evals[0].iteration == 1);
  CHECK(r->evals[0].loss == want.loss);
  CHECK(r->evals[0].accuracy == want.accuracy);
  CHECK(r->evals[0].time == 0.75);

  // A part missing (its node died with it): that iteration is not evaluated, the run stands.
  auto gap = two_nodes();
  gap[1].snapshots.push_back({1, 0.5, 10, FloatBuffer(whole.begin() + 10, whole.end())});
  gap[0].snapshots.push_back({1, 0.5, 0, FloatBuffer(whole.begin(), whole.begin() + 9)});
  r = merge_outcomes(c, tiny_data(), gap, 0, "test");
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  REQUIRE(r->evals.size() == 1);
  CHECK(r->evals[0].iteration == 2);
}

TEST_CASE("the merge refuses parts kept for evaluation outside the model or the run") {
  const RunConfig c = tiny();
  for (auto [iteration, offset, count] : {std::tuple{int64_t(1), ~size_t(0), size_t(1)}, {int64_t(1), size_t(20), size_t(4)},
                                          {int64_t(0), size_t(0), size_t(1)}, {int64_t(2), size_t(0), size_t(1)}}) {
    CAPTURE(iteration);
    CAPTURE(offset);
    auto o = two_nodes();
    o[1].snapshots.push_back({iteration, 0.5, offset, FloatBuffer(count, 1.0f)});
    auto r = merge_outcomes(c, tiny_data(), std::move(o), 0, "test");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("node 1 kept parameters for evaluation") != std::string::npos);
  }
}
