#include "core/strategy/memory_fit.hpp"

#include <fmt/format.h>

namespace ringtmp {

std::vector<NodeBudget> node_budgets(const RunConfig& c, std::span<const DeviceProfile> devices) {
  std::vector<NodeBudget> budgets;
  budgets.reserve(devices.size());
  for (const auto& d : devices) {
    if (c.memory_budget > 0) budgets.push_back({c.memory_budget, "--memory-budget"});
    else budgets.push_back({usable_memory_bytes(d), fmt::format("a {}", d.name)});
  }
  return budgets;
}

Status check_memory_fits(std::span<const NodeMemory> plan, std::span<const NodeBudget> budgets) {
  for (size_t r = 0; r < plan.size() && r < budgets.size(); ++r) {
    const NodeMemory& m = plan[r];
    if (m.peak.total() <= budgets[r].bytes) continue;
    return Status::errorf("node {} ({}) needs {} ({}) but {} leaves {}", m.rank, m.role, format_bytes(m.peak.total()),
                          m.peak.describe(), budgets[r].source, format_bytes(budgets[r].bytes));
  }
  return {};
}

StatusOr<std::vector<StageDevice>> stage_devices(const RunConfig& c, int ranks, const std::string& platforms_dir) {
  std::vector<StageDevice> stages;
  if (!c.platform.empty()) {  // speeds and RAM are the XML's, which states no RAM
    if (c.memory_budget > 0)
      stages.assign(size_t(ranks), StageDevice{"host", 1, c.memory_budget, "--memory-budget"});
    return stages;
  }
  auto devices = load_devices(platforms_dir, c.device, ranks);
  if (!devices.ok()) return devices.status();
  const auto budgets = node_budgets(c, *devices);
  for (size_t r = 0; r < devices->size(); ++r)
    stages.push_back({(*devices)[r].name, (*devices)[r].flops, budgets[r].bytes, budgets[r].source});
  return stages;
}

StatusOr<ClusterPlan> plan_cluster_on_devices(const RunConfig& c, const DataSplit& data,
                                              const std::string& platforms_dir) {
  if (c.strategy != StrategyKind::ring) return plan_cluster(c, data.train.size());  // no cut to make
  auto stages = stage_devices(c, c.nodes, platforms_dir);
  if (!stages.ok()) return stages.status();
  return plan_cluster(c, data.train.size(), *stages, dataset_shape(c, &data));
}

Status check_run_fits(const RunConfig& c, const DataSplit& data, const std::string& platforms_dir) {
  const DatasetShape shape = dataset_shape(c, &data);
  std::vector<NodeMemory> plan;
  int ranks = 1;
  if (c.strategy == StrategyKind::local) {
    plan.push_back(plan_local_memory(c, shape));
  } else {
    auto cluster = plan_cluster_on_devices(c, data, platforms_dir);
    if (!cluster.ok()) return cluster.status();
    plan = plan_memory(c, *cluster, shape);
    ranks = cluster->size;
  }
  auto stages = stage_devices(c, ranks, platforms_dir);
  if (!stages.ok()) return stages.status();
  std::vector<NodeBudget> budgets;
  for (const auto& s : *stages) budgets.push_back({s.budget, s.budget_source});
  return check_memory_fits(plan, budgets);
}

}  // namespace ringtmp
