#include "core/strategy/memory_fit.hpp"

#include <fmt/format.h>

#include "core/platform/byte_size.hpp"

namespace ringtmp {

Status check_memory_fits(std::span<const NodeMemory> plan, std::span<const StageDevice> devices) {
  for (size_t r = 0; r < plan.size() && r < devices.size(); ++r) {
    const NodeMemory& m = plan[r];
    if (devices[r].budget <= 0 || m.peak.total() <= devices[r].budget) continue;
    return Status::errorf("node {} ({}) needs {} ({}) but {} leaves {}", m.rank, m.role, format_bytes(m.peak.total()),
                          m.peak.describe(), devices[r].budget_source, format_bytes(devices[r].budget));
  }
  return {};
}

std::vector<NodeMemory> memory_per_device(const RunConfig& c, std::span<const NodeMemory> plan) {
  std::vector<NodeMemory> devices(plan.begin(), plan.begin() + std::min<ptrdiff_t>(cluster_devices(c), plan.size()));
  for (size_t r = devices.size(); r < plan.size(); ++r) {
    NodeMemory& shared = devices[size_t(device_of_rank(c, int(r)))];
    for (size_t p = 0; p < shared.peak.bytes.size(); ++p) shared.peak.bytes[p] += plan[r].peak.bytes[p];
    shared.role += " + " + plan[r].role;
    shared.exact = shared.exact && plan[r].exact;
  }
  return devices;
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
  for (const auto& d : *devices)
    stages.push_back({d.name, d.flops, node_memory_budget(d, c.memory_budget),
                      c.memory_budget > 0 ? "--memory-budget" : fmt::format("a {}", d.name)});
  return stages;
}

namespace {

// The cluster plan on `stages` (the ring cut to them; other strategies have no cut to make).
StatusOr<ClusterPlan> plan_cluster_on(const RunConfig& c, const DataSplit& data, std::span<const StageDevice> stages) {
  if (c.strategy != StrategyKind::ring) return plan_cluster(c, data.train.size());
  return plan_cluster(c, data.train.size(), stages, dataset_shape(c, &data));
}

struct RunMemory {
  std::vector<StageDevice> devices;  // one per rank, or none
  std::vector<NodeMemory> plan;
};

// Every rank's device and plan, the devices read once.
StatusOr<RunMemory> run_memory(const RunConfig& c, const DataSplit& data, const std::string& platforms_dir,
                               bool cut_on_devices) {
  const bool local = c.strategy == StrategyKind::local;
  auto devices = stage_devices(c, local ? 1 : cluster_ranks(c), platforms_dir);
  if (!devices.ok()) return devices.status();
  RunMemory m{std::move(*devices), {}};
  const DatasetShape shape = dataset_shape(c, &data);
  if (local) {
    m.plan.push_back(plan_local_memory(c, shape));
    return m;
  }
  auto cluster = plan_cluster_on(c, data, cut_on_devices ? std::span<const StageDevice>(m.devices)
                                                         : std::span<const StageDevice>());
  if (!cluster.ok()) return cluster.status();
  m.plan = plan_memory(c, *cluster, shape);
  return m;
}

}  // namespace

StatusOr<ClusterPlan> plan_cluster_on_devices(const RunConfig& c, const DataSplit& data,
                                              const std::string& platforms_dir) {
  if (c.strategy != StrategyKind::ring) return plan_cluster(c, data.train.size());  // no devices to read
  auto stages = stage_devices(c, c.nodes, platforms_dir);
  if (!stages.ok()) return stages.status();
  return plan_cluster_on(c, data, *stages);
}

void note_planned_memory(RunResult& run, const DataSplit& data, const std::string& platforms_dir, bool cut_on_devices) {
  auto m = run_memory(run.config, data, platforms_dir, cut_on_devices);
  if (!m.ok()) return;  // the run could not have started without a plan
  for (auto& n : run.nodes)
    if (n.node >= 0 && size_t(n.node) < m->plan.size()) n.planned_memory_bytes = m->plan[size_t(n.node)].peak.total();
}

Status check_run_fits(const RunConfig& c, const DataSplit& data, const std::string& platforms_dir,
                      bool cut_on_devices) {
  auto m = run_memory(c, data, platforms_dir, cut_on_devices);
  if (!m.ok()) return m.status();
  return check_memory_fits(memory_per_device(c, m->plan), m->devices);
}

}  // namespace ringtmp
