#include "sim/platform.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

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
                         std::vector<s4u::Host*>& hosts) {
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
  return {cell, router};
}

void build_wifi(const NetworkProfile& n, const std::vector<DeviceProfile>& devices,
                std::vector<s4u::Host*>& hosts, int& access_points) {
  const int nodes = int(devices.size());
  access_points = std::max(1, (nodes + n.stations_per_ap - 1) / n.stations_per_ap);
  if (access_points == 1) {
    build_cell(0, 0, nodes, n, devices, nullptr, hosts);
    return;
  }
  auto* backbone = s4u::create_star_zone("backbone");
  for (int ap = 0; ap < access_points; ++ap) {
    // Even split: the first (nodes % APs) cells take one station more.
    const int first = ap * (nodes / access_points) + std::min(ap, nodes % access_points);
    const int last = first + nodes / access_points + (ap < nodes % access_points ? 1 : 0);
    auto [cell, router] = build_cell(ap, first, last, n, devices, backbone, hosts);
    auto* uplink = backbone->create_split_duplex_link(fmt::format("uplink-{}", ap), n.backbone_bps / 8)
                       ->set_latency(n.backbone_latency_s);
    backbone->add_route(cell->get_netpoint(), nullptr, router, nullptr,
                        {{uplink, s4u::LinkInRoute::Direction::UP}}, true);
  }
  backbone->seal();
}

// "node-10" after "node-9": names compared as (text, number) pairs.
bool natural_less(const std::string& a, const std::string& b) {
  auto split = [](const std::string& s) {
    size_t i = s.size();
    while (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) --i;
    return std::pair{s.substr(0, i), i < s.size() && s.size() - i < 18 ? std::stoll(s.substr(i)) : -1LL};
  };
  return split(a) < split(b);
}

StatusOr<Platform> load_xml(const RunConfig& c, int ranks) {
  if (!std::filesystem::is_regular_file(c.platform))
    return Status::errorf("platform {}: cannot open as a file", c.platform);
  try {
    s4u::Engine::get_instance()->load_platform(c.platform);
  } catch (const std::exception& e) {
    return Status::errorf("platform {}: {}", c.platform, e.what());
  }
  Platform p;
  p.hosts = s4u::Engine::get_instance()->get_all_hosts();
  std::sort(p.hosts.begin(), p.hosts.end(),
            [](const s4u::Host* a, const s4u::Host* b) { return natural_less(a->get_name(), b->get_name()); });
  if (int(p.hosts.size()) < ranks)
    return Status::errorf("platform {}: has {} hosts, the run needs {}", c.platform, p.hosts.size(), ranks);
  p.hosts.resize(size_t(ranks));
  p.description = fmt::format("{} hosts of {} (in name order)", ranks, c.platform);
  return p;
}

}  // namespace

StatusOr<Platform> build_platform(const RunConfig& c, int ranks, const std::string& platforms_dir) {
  if (!c.platform.empty()) return load_xml(c, ranks);
  auto devices = load_devices(platforms_dir, c.device, ranks);
  if (!devices.ok()) return devices.status();
  Platform p;
  p.devices = std::move(*devices);
  auto net = load_network_profile(platforms_dir, c.network);
  if (!net.ok()) return net.status();
  p.network = *net;
  // SimGrid keeps Wi-Fi links at zero latency; each message crosses two air hops.
  if (net->kind == NetworkKind::wifi) p.delivery_delay_s = 2 * net->latency_s;
  if (net->kind == NetworkKind::ethernet) build_ethernet(*net, p.devices, p.hosts);
  else build_wifi(*net, p.devices, p.hosts, p.access_points);
  std::map<std::string, int> count;  // by name: the description lists them sorted
  for (const auto& d : p.devices) ++count[d.name];
  std::string mix;
  for (const auto& [name, n] : count) mix += fmt::format("{}{} x {}", mix.empty() ? "" : " + ", n, name);
  p.description = fmt::format("{} on {}", mix, net->name);
  if (p.access_points > 0)
    p.description += fmt::format(" ({} access point{})", p.access_points, p.access_points > 1 ? "s" : "");
  return p;
}

}  // namespace ringtmp::sim
