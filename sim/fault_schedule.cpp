#include "sim/fault_schedule.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <simgrid/kernel/ProfileBuilder.hpp>

#include "sim/sim_network.hpp"

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {
namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

StatusOr<Fault> parse_item(std::string_view item, int ranks) {
  auto bad = [&](std::string_view why) {
    return Status::errorf("invalid value for faults: '{}' ({}; write kill:RANK@SECONDS or "
                          "pause:RANK@SECONDS+SECONDS)", item, why);
  };
  Fault f;
  f.text = std::string(item);
  const auto colon = item.find(':');
  const auto kind = item.substr(0, colon);
  if (kind == "kill") f.kind = Fault::Kind::kill;
  else if (kind == "pause") f.kind = Fault::Kind::pause;
  else return bad("unknown fault kind");
  const auto rest = colon == item.npos ? std::string_view{} : item.substr(colon + 1);
  const auto at = rest.find('@');
  if (at == rest.npos) return bad("missing @time");
  if (!parse_number(rest.substr(0, at), f.rank)) return bad("node is not a whole number");
  if (f.rank < 0 || f.rank >= ranks)
    return bad(fmt::format("node {} is outside 0..{}", f.rank, ranks - 1));
  auto when = rest.substr(at + 1);
  const auto plus = when.find('+');
  if (f.kind == Fault::Kind::pause) {
    if (plus == when.npos) return bad("a pause needs +duration");
    if (!parse_number(when.substr(plus + 1), f.duration_s) || !(f.duration_s > 0) ||
        !std::isfinite(f.duration_s))
      return bad("duration is not a positive number of seconds");
    when = when.substr(0, plus);
  } else if (plus != when.npos) {
    return bad("a kill is permanent and takes no +duration");
  }
  if (!parse_number(when, f.at_s) || !(f.at_s >= 0) || !std::isfinite(f.at_s))
    return bad("time is not a number of seconds >= 0");
  return f;
}

}  // namespace

StatusOr<std::vector<Fault>> parse_fault_schedule(const std::string& spec, int ranks) {
  std::vector<Fault> faults;
  std::string_view rest = spec;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto f = parse_item(item, ranks);
    if (!f.ok()) return f.status();
    faults.push_back(*f);
    rest = comma == rest.npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return faults;
}

FaultInjector::FaultInjector(std::vector<Fault> faults, const std::vector<s4u::Host*>& hosts,
                             SimNetwork& network)
    : faults_(std::move(faults)), off_at_(hosts.size(), -1.0), cause_(hosts.size()) {
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
  s4u::Host::on_state_change_cb([this, rank_of, &network](const s4u::Host& host) {
    auto it = rank_of.find(&host);
    if (it == rank_of.end() || host.is_on()) return;
    const int rank = it->second;
    const double now = s4u::Engine::get_clock();
    std::string what = "a fault";
    for (const auto& f : faults_)
      if (f.rank == rank && std::abs(f.at_s - now) < 1e-9) what = f.text;
    off_at_[rank] = now;
    cause_[rank] = fmt::format("host turned off at {:g} s by the fault schedule ({})", now, what);
    network.fail(rank, cause_[rank]);
  });
}

std::string FaultInjector::report(int rank) const { return cause_[rank]; }

}  // namespace ringtmp::sim
