// The largest-model search against the plan it searches: the size found fits every node's
// budget and one more does not, for ring and ps at N = 1, 2, 4, growing width and depth.
#include "cli/maxmodel_search.hpp"

#include <doctest/doctest.h>

#include "core/config_limits.hpp"

using namespace ringtmp;
using namespace ringtmp::cli;

namespace {

constexpr int64_t kBudget = int64_t(64) << 20;

RunConfig tiny(StrategyKind s, int nodes) {
  RunConfig c;
  c.strategy = s;
  c.nodes = nodes;
  c.dataset = DatasetKind::synthetic;  // 8192 + 2048 samples of 784 floats: 32 MiB of the 64
  c.layers = {784, 256, 128, 10};
  c.microbatches = 4;
  c.momentum = 0.9f;
  c.replica_every = 0;  // no shadows unless a test asks for them
  return c;
}

std::vector<StageDevice> budgets(const RunConfig& c) {
  return std::vector<StageDevice>(size_t(cluster_ranks(c)), StageDevice{"pi4b", 4e9, kBudget, "--memory-budget"});
}

bool fits_at(RunConfig c, const Growth& g, int64_t size) {
  c.layers = grown_layers(g, size);
  auto f = fit_memory(c, budgets(c), {});
  REQUIRE_MESSAGE(f.ok(), f.status().message());
  return f->fits;
}

}  // namespace

TEST_CASE("a grown pattern keeps its input and output, and gives every ring stage a layer") {
  const std::vector<int> base = {784, 256, 128, 10};
  auto w = growth_for(base, Grow::width, 8, true);
  REQUIRE(w.ok());
  CHECK(grown_layers(*w, 300) == std::vector<int>{784, 300, 300, 300, 300, 300, 300, 300, 10});
  auto narrow = growth_for(base, Grow::width, 2, false);
  REQUIRE(narrow.ok());
  CHECK(grown_layers(*narrow, 5) == std::vector<int>{784, 5, 5, 10});
  auto d = growth_for(base, Grow::depth, 8, true);
  REQUIRE(d.ok());
  CHECK(d->lowest == 7);
  CHECK(grown_layers(*d, 2) == std::vector<int>{784, 256, 256, 10});
  CHECK(growth_for(base, Grow::depth, 8, false)->lowest == 1);

  auto flat = growth_for(std::vector<int>{784, 10}, Grow::width, 1, false);
  REQUIRE(!flat.ok());
  CHECK(flat.status().message().find("784,10 has no hidden layer") != std::string::npos);
}

TEST_CASE("the largest size fits every node and one more does not") {
  for (Grow grow : {Grow::width, Grow::depth}) {
    for (int n : {1, 2, 4}) {
      for (auto [strategy, schedule, servers] : {std::tuple{StrategyKind::ring, Schedule::one_f_one_b, 1},
                                                 std::tuple{StrategyKind::ring, Schedule::async, 1},
                                                 std::tuple{StrategyKind::ps, Schedule::one_f_one_b, 1},
                                                 std::tuple{StrategyKind::ps, Schedule::one_f_one_b, 2},
                                                 std::tuple{StrategyKind::allreduce, Schedule::one_f_one_b, 1}}) {
        RunConfig c = tiny(strategy, n);
        c.schedule = schedule;
        c.servers = servers;
        CAPTURE(to_string(strategy));
        CAPTURE(to_string(schedule));
        CAPTURE(servers);
        CAPTURE(n);
        CAPTURE(int(grow));
        auto g = growth_for(c.layers, grow, n, strategy == StrategyKind::ring);
        REQUIRE(g.ok());
        auto m = find_max_model(c, *g, budgets(c), {});
        REQUIRE_MESSAGE(m.ok(), m.status().message());
        REQUIRE(m->found);
        CHECK(!m->capped);
        CHECK(fits_at(c, *g, m->size));
        CHECK(!fits_at(c, *g, m->size + 1));
        CHECK(m->layers == grown_layers(*g, m->size));
        CHECK(m->params == mlp_param_count(m->layers));
        CHECK(m->fit.fits);
        CHECK(m->fit.plan.at(size_t(m->fit.tightest)).peak.total() <= kBudget);
        CHECK(m->plans < 64);  // doubling then bisection: a few dozen plans, not a scan
      }
    }
  }
}

TEST_CASE("the ring's largest model grows with its stages; a ps worker's does not") {
  auto largest = [](StrategyKind s, int n) {
    RunConfig c = tiny(s, n);
    auto g = growth_for(c.layers, Grow::width, n, s == StrategyKind::ring);
    auto m = find_max_model(c, *g, budgets(c), {});
    REQUIRE(m.ok());
    return m->params;
  };
  CHECK(largest(StrategyKind::ring, 4) > 2 * largest(StrategyKind::ring, 1));
  CHECK(largest(StrategyKind::ps, 4) <= largest(StrategyKind::ps, 1));
}

TEST_CASE("nothing fits: the smallest size's plan says who is over") {
  RunConfig c = tiny(StrategyKind::ps, 2);
  c.dataset = DatasetKind::fashion_mnist;  // 210 MiB of samples on every worker: past 64 MiB
  auto g = growth_for(c.layers, Grow::width, 2, false);
  auto m = find_max_model(c, *g, budgets(c), {});
  REQUIRE(m.ok());
  CHECK(!m->found);
  CHECK(m->size == 1);
  CHECK(!m->fit.fits);
  CHECK(m->fit.plan.at(size_t(m->fit.tightest)).role == "ps worker");
}

TEST_CASE("resilience copies shrink the ring's largest model") {
  RunConfig c = tiny(StrategyKind::ring, 4);
  auto g = growth_for(c.layers, Grow::width, 4, true);
  auto plain = find_max_model(c, *g, budgets(c), {});
  auto shadowed = find_max_model(c, *g, budgets(c), {.ring_shadows = true});
  REQUIRE(plain.ok());
  REQUIRE(shadowed.ok());
  CHECK(shadowed->size < plain->size);
}
