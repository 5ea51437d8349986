#include "core/strategy/memory_fit.hpp"

#include <fmt/format.h>

#include "core/platform/byte_size.hpp"

namespace ringtmp {

std::vector<NodeBudget> node_budgets(const RunConfig& c, std::span<const DeviceProfile> devices) {
  std::vector<NodeBudget> budgets;
  budgets.reserve(devices.size());
  for (const auto& d : devices) {
    budgets.push_back({node_memory_budget(d, c.memory_budget),
                       c.memory_budget > 0 ? "--memory-budget" : fmt::format("a {}", d.name)});
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

namespace {

StatusOr<std::vector<NodeMemory>> run_memory_plan(const RunConfig& c, const DataSplit& data,
                                                  const std::string& platforms_dir, bool cut_on_devices) {
  const DatasetShape shape = dataset_shape(c, &data);
  if (c.strategy == StrategyKind::local) return std::vector<NodeMemory>{plan_local_memory(c, shape)};
  auto cluster = cut_on_devices ? plan_cluster_on_devices(c, data, platforms_dir) : plan_cluster(c, data.train.size());
  if (!cluster.ok()) return cluster.status();
  return plan_memory(c, *cluster, shape);
}

}  // namespace

void note_planned_memory(RunResult& run, const DataSplit& data, const std::string& platforms_dir, bool cut_on_devices) {
  auto plan = run_memory_plan(run.config, data, platforms_dir, cut_on_devices);
  if (!plan.ok()) return;  // the run could not have started without a plan
  for (auto& n : run.nodes)
    if (n.node >= 0 && size_t(n.node) < plan->size()) n.planned_memory_bytes = (*plan)[size_t(n.node)].peak.total();
}

Status check_run_fits(const RunConfig& c, const DataSplit& data, const std::string& platforms_dir,
                      bool cut_on_devices) {
  auto plan = run_memory_plan(c, data, platforms_dir, cut_on_devices);
  if (!plan.ok()) return plan.status();
  auto stages = stage_devices(c, int(plan->size()), platforms_dir);
  if (!stages.ok()) return stages.status();
  std::vector<NodeBudget> budgets;
  for (const auto& s : *stages) budgets.push_back({s.budget, s.budget_source});
  return check_memory_fits(*plan, budgets);
}

}  // namespace ringtmp
