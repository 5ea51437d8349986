#include "sim/fault_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <simgrid/kernel/ProfileBuilder.hpp>
#include <simgrid/kernel/Timer.hpp>

#include "sim/sim_network.hpp"

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {

FaultInjector::FaultInjector(std::vector<Fault> faults, const std::vector<s4u::Host*>& hosts,
                             SimNetwork& network, const FailureDetection& detection, std::function<void(int)> on_back)
    : off_at_(hosts.size(), -1.0), back_at_(hosts.size(), -1.0), cause_(hosts.size()) {
  // A fault takes down a device: every rank on its host (a co-located server with its worker).
  std::map<const s4u::Host*, std::vector<int>> ranks_on;
  for (size_t r = 0; r < hosts.size(); ++r) ranks_on[hosts[r]].push_back(int(r));
  for (auto& f : faults) {
    const bool unnoticed = f.kind == Fault::Kind::pause && f.at_s + f.duration_s < detection.detected_at(f.at_s);
    if (unnoticed)
      for (int r : ranks_on[hosts[f.rank]]) network.add_silence(r, f.at_s, f.at_s + f.duration_s);
    (unnoticed ? silences_ : faults_).push_back(std::move(f));
  }
  // One state profile per faulted host: "time state" lines, 0 = off, 1 = on.
  std::map<s4u::Host*, std::vector<std::pair<double, int>>> changes;
  for (const auto& f : faults_) {
    changes[hosts[f.rank]].push_back({f.at_s, 0});
    if (f.kind == Fault::Kind::pause) changes[hosts[f.rank]].push_back({f.at_s + f.duration_s, 1});
  }
  for (auto& [host, list] : changes) {
    std::stable_sort(list.begin(), list.end());
    std::string text;
    for (auto [t, state] : list) text += fmt::format("{} {}\n", t, state);
    host->set_state_profile(
        simgrid::kernel::profile::ProfileBuilder::from_string(fmt::format("faults-{}", host->get_name()), text, -1));
  }
  s4u::Host::on_state_change_cb([this, ranks_on, &network, on_back](const s4u::Host& host) {
    auto it = ranks_on.find(&host);
    if (it == ranks_on.end()) return;
    const double now = s4u::Engine::get_clock();
    if (host.is_on()) {
      for (int rank : it->second) {
        back_at_[rank] = now;
        // Not inside SimGrid's state change: a timer at this instant starts the new incarnation.
        if (on_back && off_at_[rank] >= 0) simgrid::kernel::timer::Timer::set(now, [on_back, rank] { on_back(rank); });
      }
      return;
    }
    std::string what = "a fault";
    for (const auto& f : faults_)
      if (std::count(it->second.begin(), it->second.end(), f.rank) && std::abs(f.at_s - now) < 1e-9) what = f.text;
    for (int rank : it->second) {
      off_at_[rank] = now;
      cause_[rank] = fmt::format("host turned off at {:g} s by the fault schedule ({})", now, what);
      network.host_off(rank, cause_[rank]);
    }
  });
}

std::vector<std::string> FaultInjector::silences() const {
  std::vector<std::string> lines;
  for (const auto& f : silences_)
    lines.push_back(fmt::format("node {} silent {:g}..{:g} s ({}: back before its peers' failure timeout, not a "
                                "failure)", f.rank, f.at_s, f.at_s + f.duration_s, f.text));
  return lines;
}

std::string FaultInjector::report(int rank) const { return cause_[rank]; }

std::optional<double> FaultInjector::off_at(int rank) const {
  return off_at_[size_t(rank)] >= 0 ? std::optional(off_at_[size_t(rank)]) : std::nullopt;
}

std::optional<double> FaultInjector::back_at(int rank) const {
  return back_at_[size_t(rank)] >= 0 ? std::optional(back_at_[size_t(rank)]) : std::nullopt;
}

}  // namespace ringtmp::sim
