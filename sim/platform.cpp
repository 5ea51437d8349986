#include "sim/platform.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <xbt/config.hpp>

#include "sim/xml_platform.hpp"

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {
namespace {

s4u::Host* add_host(s4u::NetZone* zone, int rank, const DeviceProfile& d) {
  // `cores` cores at the profile's one-core rate: a node computes on one thread, so one
  // core is busy and the plugin charges idle + (busy - idle) / cores while it computes.
  // A host switched off by a fault draws nothing.
  auto* host = zone->create_host(fmt::format("node-{}", rank), d.flops)->set_core_count(d.cores);
  host->set_property("wattage_per_state", fmt::format("{}:{}:{}", d.idle_w, d.idle_w, d.busy_w));
  host->set_property("wattage_off", "0");
  // The device's storage, for checkpoints: only writes are modelled, so reads get the same
  // rate (SimGrid wants both).
  if (d.storage_write_bps) host->create_disk("storage", *d.storage_write_bps, *d.storage_write_bps)->seal();
  return host;
}

void build_ethernet(const NetworkProfile& n, const std::vector<DeviceProfile>& devices,
                    std::vector<s4u::Host*>& hosts) {
  auto* lan = s4u::create_star_zone("lan");
  for (int r = 0; r < int(devices.size()); ++r) {
    auto* host = add_host(lan, r, devices[r]);
    auto* link = lan->create_split_duplex_link(fmt::format("eth-{}", r), n.bandwidth_bps / 8)
                     ->set_latency(n.latency_s);
    lan->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                   {{link, s4u::LinkInRoute::Direction::UP}}, true);
    hosts.push_back(host);
  }
  lan->seal();
}

// Stations [first, last) on one access point, in its own wifi zone under `parent` (if any).
std::pair<s4u::NetZone*, simgrid::kernel::routing::NetPoint*> build_cell(int ap, int first, int last, const NetworkProfile& n,
                         const std::vector<DeviceProfile>& devices, s4u::NetZone* parent,
                         std::vector<s4u::Host*>& hosts, const std::shared_ptr<AirContention>& contention) {
  auto* cell = s4u::create_wifi_zone(fmt::format("wifi-{}", ap));
  if (parent) cell->set_parent(parent);
  const std::string ap_name = fmt::format("ap-{}", ap);
  cell->set_property("access_point", ap_name);
  for (int r = first; r < last; ++r) hosts.push_back(add_host(cell, r, devices[r]));
  auto* router = cell->create_router(ap_name);
  auto* air = cell->create_link(fmt::format("air-{}", ap), n.bandwidth_bps / 8);
  // For SimGrid's own wifi energy plugin, when a user enables it: the profile's radio watts
  // (idle:tx:rx:sleep) and no beacons, the same model as our per-node accounting.
  air->set_property("wifi_watt_values", fmt::format("{}:{}:{}:{}", n.idle_w, n.tx_w, n.rx_w, n.idle_w));
  air->set_property("control_duration", "0");
  air->seal();
  for (int r = first; r < last; ++r) air->set_host_wifi_rate(hosts[r], 0);
  cell->seal();
  if (contention) {
    // After the zone is sealed, which resets the air to plain WIFI sharing. The link still
    // reports itself WIFI (its stations keep their rates); only its max-min constraint
    // turns non-linear, its capacity following the transfers SimNetwork counts on it.
    air->set_sharing_policy(s4u::Link::SharingPolicy::NONLINEAR,
                            [efficiency = n.air_efficiency, contention, ap](double capacity, int /*simgrid_flows*/) {
                              return capacity * efficiency.at(contention->flows(ap));
                            });
  }
  return {cell, router};
}

// SimGrid 3.32's max-min solver and its WIFI links disagree on units, which aborted every
// multi-AP run with "The Impossible Did Happen" (Model.cpp:99):
//   - a WIFI link's constraint has bound 1 (a share of air time) and a flow's weight on it is
//     1/rate, about 1e-7 for a station at 42-77 Mbit/s; an Ethernet flow weighs 1;
//   - the solver fixes flows constraint by constraint and drops a constraint whose remaining
//     usage (sum of weight / sharing penalty over its unfixed flows) is under
//     maxmin/precision, an absolute 1e-5 meant for bytes/s;
//   - CM02's sharing penalty is the route's latency, or 1 when that is zero, as it is for
//     every route inside a cell (WIFI links take no latency).
// One cell is solved in one round, all its flows at once. With several cells, a flow to
// another cell is fixed first by the busier cell's air, the other air's remaining usage
// (its own stations' flows, ~1e-7 each) falls under 1e-5, the solver drops that link, and
// those flows keep rate 0: an action that never ends, which the lazy action heap calls
// impossible. The backbone's latency (penalty 1e-4 against 1 in the cell) also gave
// cross-cell flows 10^4 times an intra-cell flow's air share. So:
//   - the uplinks carry no latency in SimGrid: every Wi-Fi flow has penalty 1 and stations
//     share the air as in one cell; the backbone's latency is added on delivery instead,
//     with the air's (delivery_delay_s in build_platform);
//   - maxmin/precision goes under one station's weight, with margin. Every weight / penalty
//     is then an integer (wired links, CPUs) or a multiple of 1/rate (air), so the residues
//     of the solver's subtractions stay far below it.
void set_solver_precision_for_air(double station_rate_bytes) {
  const double below_one_station = 1e-3 / station_rate_bytes;
  const double current = simgrid::config::get_value<double>("maxmin/precision");
  if (below_one_station < current) s4u::Engine::set_config("maxmin/precision", below_one_station);
}

// Even split: the first (nodes % APs) cells take one station more. Stations [first, last).
std::pair<int, int> cell_stations(int ap, int nodes, int access_points) {
  const int first = ap * (nodes / access_points) + std::min(ap, nodes % access_points);
  return {first, first + nodes / access_points + (ap < nodes % access_points ? 1 : 0)};
}

void build_wifi(const NetworkProfile& n, const std::vector<DeviceProfile>& devices,
                std::vector<s4u::Host*>& hosts, int& access_points, std::shared_ptr<AirContention>& contention) {
  const int nodes = int(devices.size());
  set_solver_precision_for_air(n.bandwidth_bps / 8);
  access_points = std::max(1, (nodes + n.stations_per_ap - 1) / n.stations_per_ap);
  if (!n.air_efficiency.lossless()) {
    std::vector<int> cell_of_rank(size_t(nodes), 0);
    for (int ap = 0; ap < access_points; ++ap) {
      const auto [first, last] = cell_stations(ap, nodes, access_points);
      std::fill(cell_of_rank.begin() + first, cell_of_rank.begin() + last, ap);
    }
    contention = std::make_shared<AirContention>(std::move(cell_of_rank), access_points);
  }
  if (access_points == 1) {
    build_cell(0, 0, nodes, n, devices, nullptr, hosts, contention);
    return;
  }
  auto* backbone = s4u::create_star_zone("backbone");
  for (int ap = 0; ap < access_points; ++ap) {
    const auto [first, last] = cell_stations(ap, nodes, access_points);
    auto [cell, router] = build_cell(ap, first, last, n, devices, backbone, hosts, contention);
    // No latency here (see above): the backbone's is part of the platform's delivery delay.
    auto* uplink = backbone->create_split_duplex_link(fmt::format("uplink-{}", ap), n.backbone_bps / 8);
    backbone->add_route(cell->get_netpoint(), nullptr, router, nullptr,
                        {{uplink, s4u::LinkInRoute::Direction::UP}}, true);
  }
  backbone->seal();
}

// The per-device vectors, per rank.
void place_ranks(const RunConfig& c, int ranks, Platform& p) {
  if (!c.colocate_servers) return;
  auto per_rank = [&](auto& v) {
    if (v.empty()) return;
    for (int r = int(v.size()); r < ranks; ++r) v.push_back(v[size_t(device_of_rank(c, r))]);
  };
  per_rank(p.hosts);
  per_rank(p.devices);
  per_rank(p.storage);
  per_rank(p.has_power);
  if (p.contention) {
    std::vector<int> cell_of_rank;
    for (int r = 0; r < ranks; ++r) cell_of_rank.push_back(p.contention->cell_of(device_of_rank(c, r)));
    p.contention = std::make_shared<AirContention>(std::move(cell_of_rank), p.contention->cells());
  }
}

StatusOr<Platform> build_platform_of_devices(const RunConfig& c, int ranks, const std::string& platforms_dir) {
  if (!c.platform.empty()) {
    auto xml = load_xml_platform(c.platform, ranks);
    if (!xml.ok()) return xml.status();
    Platform p;
    p.hosts = std::move(xml->hosts);
    p.has_power = std::move(xml->has_power);
    p.note = std::move(xml->energy_note);
    p.description = std::move(xml->description);
    int without = 0;
    for (auto* host : p.hosts) {
      const auto disks = host->get_disks();
      p.storage.push_back({disks.empty() ? nullptr : disks.front(), 0.0});
      without += disks.empty();
    }
    if (without > 0) p.description += fmt::format(", {} without a disk (no storage modelled)", without);
    return p;
  }
  auto devices = load_devices(platforms_dir, c.device, ranks);
  if (!devices.ok()) return devices.status();
  Platform p;
  p.devices = std::move(*devices);
  auto net = load_network_profile(platforms_dir, c.network);
  if (!net.ok()) return net.status();
  p.network = *net;
  try {  // the profiles' numbers are checked; whatever SimGrid still refuses is one line
    if (net->kind == NetworkKind::ethernet) build_ethernet(*net, p.devices, p.hosts);
    else build_wifi(*net, p.devices, p.hosts, p.access_points, p.contention);
  } catch (const std::exception& e) {
    return Status::errorf("SimGrid refused the platform of --device {} --network {}: {}", c.device, c.network, e.what());
  }
  // SimGrid keeps Wi-Fi routes at zero latency (see build_wifi); each message crosses two air
  // hops and, with several cells, two uplinks. The delay is one figure for every message, so
  // a message within a cell arrives 2 x backbone latency late (100 us of the profiles' 6 ms).
  if (net->kind == NetworkKind::wifi) {
    p.air_message_bytes = std::llround(net->air_latency_s.value_or(0) * net->bandwidth_bps / 8);
    p.delivery_delay_s = stack_delay_s(*net) + (p.access_points > 1 ? 2 * net->backbone_latency_s : 0);
  }
  std::map<std::string, int> count;  // by name: the description lists them sorted
  std::map<std::string, bool> storage;
  for (const auto& d : p.devices) {
    ++count[d.name];
    storage[d.name] = d.storage_write_bps.has_value();
  }
  std::string mix;
  for (const auto& [name, n] : count)
    mix += fmt::format("{}{} x {}{}", mix.empty() ? "" : " + ", n, name, storage[name] ? "" : " (no storage modelled)");
  p.description = fmt::format("{} on {}", mix, net->name);
  p.has_power.assign(p.hosts.size(), true);  // every profile has idle and busy watts
  for (size_t r = 0; r < p.hosts.size(); ++r) {
    const auto disks = p.hosts[r]->get_disks();
    p.storage.push_back({disks.empty() ? nullptr : disks.front(), p.devices[r].storage_latency_s});
  }
  if (p.access_points > 0)
    p.description += fmt::format(" ({} access point{})", p.access_points, p.access_points > 1 ? "s" : "");
  return p;
}

}  // namespace

StatusOr<Platform> build_platform(const RunConfig& c, int ranks, const std::string& platforms_dir) {
  auto p = build_platform_of_devices(c, c.colocate_servers ? cluster_devices(c) : ranks, platforms_dir);
  if (!p.ok()) return p.status();
  place_ranks(c, ranks, *p);
  if (c.colocate_servers) p->description += fmt::format(", {} servers on workers' devices", c.servers);
  return p;
}

}  // namespace ringtmp::sim
