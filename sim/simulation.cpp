#include "sim/simulation.hpp"

#include <chrono>
#include <memory>

#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>

#include "core/strategy/memory_fit.hpp"
#include "core/strategy/cluster.hpp"
#include "sim/abort_trap.hpp"
#include "sim/fault_schedule.hpp"
#include "sim/platform.hpp"
#include "core/platform/energy_model.hpp"
#include "sim/sim_network.hpp"
#include "sim/sim_transport.hpp"
#include "sim/xml_platform.hpp"

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {
namespace {

// Each rank's speed-up on --threads T cores: 1 + (T-1) x its profile's multicore_efficiency.
StatusOr<std::vector<double>> thread_speedups(const RunConfig& c, int ranks, const std::string& platforms_dir) {
  std::vector<double> speedups(size_t(ranks), 1.0);
  if (c.threads <= 1) return speedups;
  if (!c.platform.empty())
    return Status::errorf("invalid value for threads: {} (a --platform XML states no multi-core efficiency: "
                          "simulate --threads on --device profiles)", c.threads);
  auto devices = load_devices(platforms_dir, c.device, ranks);
  if (!devices.ok()) return devices.status();
  for (int r = 0; r < ranks; ++r) {
    const DeviceProfile& d = (*devices)[size_t(r)];
    if (c.threads > d.cores)
      return Status::errorf("invalid value for threads: {} (a {} has {} cores)", c.threads, d.name, d.cores);
    if (!d.multicore_efficiency)
      return Status::errorf("invalid value for threads: {} (profile {} states no multicore_efficiency, the rate a "
                            "core beyond the first adds: measure it with ringtmp calibrate or give --threads 1)",
                            c.threads, d.name);
    speedups[size_t(r)] = 1.0 + (c.threads - 1) * *d.multicore_efficiency;
  }
  return speedups;
}

}  // namespace

Status check_sim_inputs(const RunConfig& c, const SimOptions& options) {
  const int ranks = cluster_ranks(c);
  if (auto f = parse_fault_schedule(c.faults, ranks); !f.ok()) return f.status();
  if (auto t = thread_speedups(c, ranks, options.platforms_dir); !t.ok()) return t.status();
  if (!c.platform.empty()) return check_xml_platform_file(c.platform, ranks);
  if (auto d = load_devices(options.platforms_dir, c.device, ranks); !d.ok()) return d.status();
  if (auto n = load_network_profile(options.platforms_dir, c.network); !n.ok()) return n.status();
  return {};
}


StatusOr<RunResult> simulate(const RunConfig& c, const DataSplit& data, const SimOptions& options,
                             const ProgressFn& progress) {
  auto plan = plan_cluster_on_devices(c, data, options.platforms_dir);
  if (!plan.ok()) return plan.status();
  if (Status s = load_resume(c, *plan); !s.ok()) return s;
  auto faults = parse_fault_schedule(c.faults, plan->size);
  if (!faults.ok()) return faults.status();
  auto speedups = thread_speedups(c, plan->size, options.platforms_dir);
  if (!speedups.ok()) return speedups.status();

  // Declared before the engine, so it outlives it: SimGrid may abort while tearing down.
  AbortTrap trap(options.abort_prefix);
  auto engine = start_engine(options);
  auto platform = build_platform(c, plan->size, options.platforms_dir);
  if (!platform.ok()) {
    trap.discard();
    return platform.status();
  }
  if (!platform->note.empty()) trap.say(options.abort_prefix + "note: " + platform->note);
  // A parameter server's every worker and server exchange large messages both ways.
  const size_t channels = plan->ps ? 2 * size_t(plan->ps->workers) * size_t(plan->ps->servers) : 0;
  SimNetwork network(*platform, failure_detection(c), channels);
  std::vector<NodeOutcome> outcomes(size_t(plan->size));
  std::vector<bool> finished(size_t(plan->size), false);
  std::unique_ptr<FaultInjector> injector;
  // `rejoining`: a new incarnation on a host back from a pause its peers noticed.
  auto start_node = [&](int r, bool rejoining) {
    auto node = s4u::Actor::create(fmt::format("node-{}{}", r, rejoining ? "-back" : ""), platform->hosts[r],
                                   [&, r, rejoining] {
      SimTransport transport(network, r, c.timing_only, c.threads, (*speedups)[size_t(r)], platform->storage[r]);
      NodeOutcome& o = outcomes[r];
      try {
        o = run_node(transport, c, *plan, data.train, progress, rejoining);
      } catch (const std::exception& e) {
        o.status = Status::errorf("node {}: {}", r, e.what());
      }
      finished[r] = true;
      if (rejoining) {
        o.failed_at = injector->off_at(r);
        o.earlier_failure = injector->report(r);
      }
      if (rejoining && !o.rejoined_at) {
        // Not readmitted: the earlier death stands, and nobody is told again.
        keep_earlier_death(o, Status::errorf("node {}: {}; back at {:g} s, not readmitted ({})", r,
                                             injector->report(r), injector->back_at(r).value_or(0),
                                             o.status.message()),
                           node_role(c, *plan, r), r);
        network.withdraw(r);
      } else if (!o.status.ok()) {
        network.fail(r, fmt::format("node {} failed at {:g} s", r, s4u::Engine::get_clock()));
      }
    });
    network.set_receiver(r, node, rejoining);
  };
  // A rejoin needs a strategy that readmits, a node whose earlier life ended unfinished, and
  // someone still running to admit it.
  injector = std::make_unique<FaultInjector>(*faults, platform->hosts, network, failure_detection(c), [&](int r) {
    if (!strategy_rejoins(c) || finished[r] || network.running_nodes() == 0) return;
    network.host_back(r);
    start_node(r, true);
  });
  for (int r = 0; r < plan->size; ++r) start_node(r, false);
  const auto wall_start = std::chrono::steady_clock::now();
  try {
    engine->run();
  } catch (const std::exception& e) {  // simgrid::Exception and xbt's derive from it
    trap.discard();
    return Status::errorf("SimGrid stopped the simulation at {:g} simulated s: {}", s4u::Engine::get_clock(),
                          e.what());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const double end = s4u::Engine::get_clock();

  // A device's radio carries what every rank on it sends and receives over the air.
  std::vector<AirTime> device_air(size_t(plan->size));
  for (int r = 0; r < plan->size; ++r) {
    auto& air = device_air[size_t(device_of_rank(c, r))];
    air.bytes_sent += network.air(r).bytes_sent;
    air.bytes_received += network.air(r).bytes_received;
  }
  for (int r = 0; r < plan->size; ++r) {
    auto& o = outcomes[r];
    if (!finished[r]) {
      const auto cause = injector->report(r);
      o.status = Status::errorf("node {}: {}", r, cause.empty() ? "never finished" : cause);
      o.stopped_by_peer = false;
      o.failed_at = injector->off_at(r);
      o.role = node_role(c, *plan, r);
    }
    if (!platform->has_power[r]) continue;  // no figures: no energy (the note said so)
    // A co-located server's device is its worker's, whose row carries the device's energy.
    if (device_of_rank(c, r) != r) {
      o.metrics.energy_j = 0;
      if (platform->network) o.metrics.radio_energy_j = 0;
      continue;
    }
    double joules = sg_host_get_consumed_energy(platform->hosts[r]);
    if (platform->network) {
      const auto& air = device_air[size_t(r)];
      // A host that went off has no radio on from then: idle watts only while it lived (a
      // rejoined one's radio to the end, its time off included: a slight over-count).
      const double radio_until = o.rejoined_at ? end : injector->off_at(r).value_or(end);
      const auto radio = radio_use(*platform->network, air.bytes_sent, air.bytes_received, radio_until);
      o.metrics.radio_energy_j = radio.energy_j;
      joules += radio.energy_j;
    }
    o.metrics.energy_j = joules;
  }
  auto run = merge_outcomes(c, data, std::move(outcomes), wall, "sim");
  if (!run.ok()) return run.status();
  run->sim_seconds = end;
  run->platform = platform->description;
  run->silences = injector->silences();
  return run;
}

}  // namespace ringtmp::sim
