// Divergence: the earliest non-finite loss by iteration, then by rank; final parameters only
// when every loss was finite. And every strategy finds it when the learning rate blows up.
#include "core/metrics/divergence.hpp"

#include <limits>

#include <doctest/doctest.h>

#include "core/data/load_data.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/local.hpp"

using namespace ringtmp;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

TEST_CASE("note_loss keeps the earliest iteration, then the lowest rank") {
  std::optional<Divergence> d;
  note_loss(d, 1, 2.5, 0);
  CHECK(!d);
  note_loss(d, 5, kNaN, 3);
  REQUIRE(d);
  CHECK(d->iteration == 5);
  CHECK(d->node == 3);
  note_loss(d, 7, kInf, 0);  // later: ignored
  CHECK(d->iteration == 5);
  note_loss(d, 5, -kInf, 1);  // same iteration, lower rank
  CHECK(d->node == 1);
  note_loss(d, 4, kNaN, 2);  // earlier (nodes report in any order)
  CHECK(d->iteration == 4);
  CHECK(d->node == 2);
  CHECK(!d->in_parameters);
  CHECK(describe(*d) == "the loss became NaN or infinite at iteration 4 on node 2");
}

TEST_CASE("note_parameters: only when no loss diverged, and only for a value that is not finite") {
  std::optional<Divergence> d;
  const std::vector<float> fine = {1.0f, -3e38f, 0.0f};
  note_parameters(d, 10, fine);
  CHECK(!d);
  const std::vector<float> broken = {1.0f, std::numeric_limits<float>::infinity()};
  note_parameters(d, 10, broken);
  REQUIRE(d);
  CHECK(d->in_parameters);
  CHECK(describe(*d) == "the parameters became NaN or infinite by iteration 10 (every loss was finite)");
  note_loss(d, 10, kNaN);  // a loss wins over parameters
  CHECK(!d->in_parameters);
  CHECK(describe(*d) == "the loss became NaN or infinite at iteration 10");
  std::optional<Divergence> by_loss = Divergence{3, 0, false};
  note_parameters(by_loss, 10, broken);
  CHECK(by_loss->iteration == 3);
}

TEST_CASE("every strategy in process reports a run whose learning rate blows up") {
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = {8, 16, 3};
  c.batch = 32;
  c.iterations = 4;
  c.lr = 1e20f;
  c.synthetic_train = 256;
  c.synthetic_test = 16;
  auto loaded = load_data(c);
  REQUIRE(loaded.ok());
  const DataSplit& data = *loaded;

  for (auto [strategy, node] : {std::pair{StrategyKind::local, -1}, std::pair{StrategyKind::ring, 1},
                                std::pair{StrategyKind::ps, 0}, std::pair{StrategyKind::allreduce, 0}}) {
    RunConfig one = c;
    one.strategy = strategy;
    one.nodes = strategy == StrategyKind::local ? 1 : 2;
    CAPTURE(to_string(strategy));
    auto run = strategy == StrategyKind::local ? run_local(one, data) : run_inproc(one, data);
    REQUIRE(run.ok());
    REQUIRE(run->divergence.has_value());
    CHECK(run->divergence->iteration == 2);  // iteration 1's loss comes before the first update
    CHECK(!run->divergence->in_parameters);
    if (node >= 0) CHECK(run->divergence->node == node);
    else CHECK(!run->divergence->node);
  }

  c.lr = 0.05f;  // and a sane one does not diverge
  for (auto strategy : {StrategyKind::ring, StrategyKind::ps, StrategyKind::allreduce}) {
    RunConfig one = c;
    one.strategy = strategy;
    one.nodes = 2;
    auto run = run_inproc(one, data);
    REQUIRE(run.ok());
    CHECK(!run->divergence);
  }
}
