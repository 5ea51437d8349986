#include "cli/runtime_run.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "cli/run_command.hpp"
#include "core/platform/energy_model.hpp"
#include "core/platform/profiles.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/memory_fit.hpp"

namespace ringtmp::cli {

int finish_runtime_run(const std::string& prefix, const RunConfig& c, const DataSplit& data, std::vector<RuntimeNode> nodes,
                       const std::string& platform, RunFolder& folder) {
  const auto fail = [&](const std::string& message) {
    fmt::print(stderr, "{}: {}\n", prefix, message);
    return 1;
  };
  const std::string dir = default_platforms_dir();
  auto plan = plan_cluster_on_devices(c, data, dir);
  if (!plan.ok()) return fail(plan.status().message());
  const int n = int(nodes.size());
  auto devices = load_devices(dir, c.device, n);
  if (!devices.ok()) return fail(devices.status().message());
  auto network = load_network_profile(dir, c.network);
  if (!network.ok()) return fail(network.status().message());

  std::vector<NodeOutcome> outcomes(nodes.size());
  for (int k = 0; k < n; ++k) {
    auto& node = nodes[size_t(k)];
    if (node.outcome) {
      outcomes[size_t(k)] = std::move(*node.outcome);
      if (!node.peak_rss_bytes) node.peak_rss_bytes = outcomes[size_t(k)].origin.peak_rss_bytes;
    } else {
      outcomes[size_t(k)].status =
          node.killed_at ? Status::errorf("node {}: killed by the fault schedule (silent from {:.2f} s, launcher's clock)", k, *node.killed_at)
                         : Status::errorf("node {}: {} and left no outcome", k, node.ended);
      outcomes[size_t(k)].failed_at = node.killed_at;
      outcomes[size_t(k)].role = node_role(c, *plan, k);
    }
  }
  // The wall time is replaced below by the nodes' own clocks.
  auto run = merge_outcomes(c, data, std::move(outcomes), 0, "runtime");
  if (!run.ok()) return fail(run.status().message());
  // Measured by the kernel, beside the nodes' own accounting (peak_memory_bytes).
  for (int k = 0; k < n; ++k)
    if (nodes[size_t(k)].peak_rss_bytes) run->nodes[size_t(k)].peak_rss_bytes = nodes[size_t(k)].peak_rss_bytes;
  note_planned_memory(*run, data, dir, /*cut_on_devices=*/true);
  // The nodes' clocks start at their rendezvous; the run's length is the slowest node's.
  run->wall_seconds = 0;
  for (const auto& m : run->nodes) run->wall_seconds = std::max(run->wall_seconds, m.busy_s + m.idle_s + m.send_s + m.checkpoint_s);
  // The device profiles' power model over what each node measured: an estimate, labelled so.
  for (size_t r = 0; r < run->nodes.size(); ++r) {
    auto& m = run->nodes[r];
    const auto radio = radio_use(*network, m.bytes_sent, m.bytes_recv, run->wall_seconds);
    m.radio_energy_j = radio.energy_j;
    m.energy_j = device_energy((*devices)[r], m.busy_s, run->wall_seconds) + radio.energy_j;
  }
  run->energy_is_estimate = true;
  if (!platform.empty()) run->platform = platform;
  return finish_run(prefix, *run, folder);
}

}  // namespace ringtmp::cli
