#include "cli/maxmodel_search.hpp"

#include <algorithm>

#include "core/config_limits.hpp"
#include "core/strategy/node_program.hpp"

namespace ringtmp::cli {
namespace {

// The widths a setting allows (core/settings.cpp, layers), and as many hidden layers.
constexpr int64_t kMaxSize = int64_t(1) << 20;

// A model so large that the plan's sums (a server holds a shard per worker) could pass
// int64 is past every budget a profile or --memory-budget can state (at most 1e15 bytes).
bool beyond_any_budget(int64_t params, int ranks) {
  return params > (int64_t(1) << 58) / (int64_t(sizeof(float)) * (int64_t(ranks) + 8));
}

}  // namespace

StatusOr<Growth> growth_for(std::span<const int> base, Grow grow, int nodes, bool ring) {
  if (base.size() < 3)
    return Status::errorf("--layers {} has no hidden layer to grow (give input, at least one hidden width, output, "
                          "e.g. 784,256,10)", join_ints({base.begin(), base.end()}));
  Growth g;
  g.grow = grow;
  g.input = base.front();
  g.output = base.back();
  const int base_hidden = int(base.size()) - 2;
  if (grow == Grow::width) {
    g.hidden_layers = std::max(base_hidden, nodes - 1);
    g.lowest = 1;
  } else {
    g.hidden_width = base[1];
    g.lowest = ring ? std::max(1, nodes - 1) : 1;
  }
  g.highest = std::max<int64_t>(kMaxSize, g.lowest);
  return g;
}

std::vector<int> grown_layers(const Growth& g, int64_t size) {
  std::vector<int> layers = {g.input};
  const int64_t count = g.grow == Grow::width ? g.hidden_layers : size;
  const int width = g.grow == Grow::width ? int(size) : g.hidden_width;
  layers.insert(layers.end(), size_t(count), width);
  layers.push_back(g.output);
  return layers;
}

StatusOr<Fit> fit_memory(const RunConfig& c, std::span<const StageDevice> devices, ResilienceMemory resilience) {
  const DatasetShape data = dataset_shape(c, nullptr);
  auto cluster = plan_cluster(c, data.train);  // the flops-balanced cut: whether c can be laid out
  if (!cluster.ok()) return cluster.status();
  Fit f;
  // Alike devices: the flops-balanced cut, which the backends keep whenever it fits. A cut
  // that unloads stage 0 (it holds the dataset) could fit a little more; it is not searched,
  // as the memory-aware cutter costs O(layers^2) plans and depth growth makes 10^5 layers.
  const bool alike = std::all_of(devices.begin(), devices.end(), [&](const StageDevice& d) {
    return d.flops == devices.front().flops && d.budget == devices.front().budget;
  });
  if (c.strategy == StrategyKind::ring && !alike) {
    auto on_devices = plan_cluster(c, data.train, devices, data);
    if (on_devices.ok()) cluster = std::move(on_devices);
    else f.no_cut = on_devices.status().message();
  }
  // One entry per device: a co-located server's plan is added to its worker's.
  f.plan = memory_per_device(c, plan_memory(c, *cluster, data, resilience));
  if (f.plan.size() != devices.size())
    return Status::errorf("{} devices for {} nodes", devices.size(), f.plan.size());
  f.fits = f.no_cut.empty();
  double worst = -1;
  for (size_t r = 0; r < f.plan.size(); ++r) {
    const int64_t peak = f.plan[r].peak.total(), budget = devices[r].budget;
    if (budget > 0 && peak > budget) f.fits = false;
    const double use = budget > 0 ? double(peak) / double(budget) : 0.0;
    if (use > worst) {
      worst = use;
      f.tightest = int(r);
    }
  }
  return f;
}

StatusOr<MaxModel> find_max_model(RunConfig c, const Growth& g, std::span<const StageDevice> devices,
                                  ResilienceMemory resilience) {
  MaxModel best;
  const int ranks = cluster_ranks(c);
  // Whether `size` fits; the fit is kept in `at` when asked.
  auto fits = [&](int64_t size, Fit* at) -> StatusOr<bool> {
    ++best.plans;
    c.layers = grown_layers(g, size);
    if (beyond_any_budget(mlp_param_count(c.layers), ranks)) return false;
    auto f = fit_memory(c, devices, resilience);
    if (!f.ok()) return f.status();
    const bool ok = f->fits;
    if (at) *at = std::move(*f);
    return ok;
  };
  auto first = fits(g.lowest, &best.fit);
  if (!first.ok()) return first.status();
  if (!*first) {
    best.size = g.lowest;
    best.layers = grown_layers(g, g.lowest);
    best.params = mlp_param_count(best.layers);
    return best;
  }
  best.found = true;
  // Doubling: lo fits, hi does not (or hi is the cap).
  int64_t lo = g.lowest, hi = g.lowest;
  while (true) {
    hi = std::min(lo * 2, g.highest);
    if (hi == lo) break;
    auto f = fits(hi, nullptr);
    if (!f.ok()) return f.status();
    if (!*f) break;
    lo = hi;
  }
  if (lo == g.highest) best.capped = true;
  // Bisection: lo fits, hi does not.
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    auto f = fits(mid, nullptr);
    if (!f.ok()) return f.status();
    (*f ? lo : hi) = mid;
  }
  best.size = lo;
  auto final_fit = fits(lo, &best.fit);
  if (!final_fit.ok()) return final_fit.status();
  best.layers = grown_layers(g, lo);
  best.params = mlp_param_count(best.layers);
  return best;
}

}  // namespace ringtmp::cli
