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
  for (auto& f : faults) {
    const bool unnoticed = f.kind == Fault::Kind::pause && f.at_s + f.duration_s < detection.detected_at(f.at_s);
    if (unnoticed) network.add_silence(f.rank, f.at_s, f.at_s + f.duration_s);
    (unnoticed ? silences_ : faults_).push_back(std::move(f));
  }
  // One state profile per faulted host: "time state" lines, 0 = off, 1 = on.
  std::map<int, std::vector<std::pair<double, int>>> changes;
  for (const auto& f : faults_) {
    changes[f.rank].push_back({f.at_s, 0});
    if (f.kind == Fault::Kind::pause) changes[f.rank].push_back({f.at_s + f.duration_s, 1});
  }
  for (auto& [rank, list] : changes) {
    std::stable_sort(list.begin(), list.end());
    std::string text;
    for (auto [t, state] : list) text += fmt::format("{} {}\n", t, state);
    hosts[rank]->set_state_profile(
        simgrid::kernel::profile::ProfileBuilder::from_string(fmt::format("faults-{}", rank), text, -1));
  }
  std::map<const s4u::Host*, int> rank_of;
  for (size_t r = 0; r < hosts.size(); ++r) rank_of[hosts[r]] = int(r);
  s4u::Host::on_state_change_cb([this, rank_of, &network, on_back](const s4u::Host& host) {
    auto it = rank_of.find(&host);
    if (it == rank_of.end()) return;
    const int rank = it->second;
    if (host.is_on()) {
      back_at_[rank] = s4u::Engine::get_clock();
      // Not inside SimGrid's state change: a timer at this instant starts the new incarnation.
      if (on_back && off_at_[rank] >= 0)
        simgrid::kernel::timer::Timer::set(s4u::Engine::get_clock(), [on_back, rank] { on_back(rank); });
      return;
    }
    const double now = s4u::Engine::get_clock();
    std::string what = "a fault";
    for (const auto& f : faults_)
      if (f.rank == rank && std::abs(f.at_s - now) < 1e-9) what = f.text;
    off_at_[rank] = now;
    cause_[rank] = fmt::format("host turned off at {:g} s by the fault schedule ({})", now, what);
    network.host_off(rank, cause_[rank]);
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
