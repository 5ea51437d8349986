#pragma once
// The power models of a node, shared by the simulator and the runtime's energy estimate.
// Radio (or NIC) energy of one node: our own accounting (in sim because SimGrid 3.32's wifi
// energy plugin only logs its total when the link is destroyed and has no per-node getter).
// A node's radio transmits for its bytes sent and receives for its bytes received, each at
// its own link's rate (air time: on a shared medium a byte occupies it for 8/rate seconds
// whatever the contention), and idles for the rest of the run:
//   E = tx_w * tx_s + rx_w * rx_s + idle_w * (T - tx_s - rx_s).
// A test checks the air time against the plugin's own log on a small Wi-Fi case.
// Device energy (runtime estimate; sim uses SimGrid's host plugin, which computes the same):
//   E = idle_w * T + (busy_w - idle_w) / cores * busy_s   (a node computes on one core).
#include <algorithm>
#include <cstdint>

#include "core/platform/profiles.hpp"

namespace ringtmp {

struct RadioUse {
  double tx_s = 0, rx_s = 0, energy_j = 0;
};

inline RadioUse radio_use(const NetworkProfile& n, int64_t bytes_sent, int64_t bytes_received,
                          double run_seconds) {
  RadioUse u;
  u.tx_s = 8.0 * double(bytes_sent) / n.bandwidth_bps;
  u.rx_s = 8.0 * double(bytes_received) / n.bandwidth_bps;
  const double idle_s = std::max(0.0, run_seconds - u.tx_s - u.rx_s);
  u.energy_j = n.tx_w * u.tx_s + n.rx_w * u.rx_s + n.idle_w * idle_s;
  return u;
}

inline double device_energy(const DeviceProfile& d, double busy_s, double run_seconds) {
  return d.idle_w * run_seconds + (d.busy_w - d.idle_w) / double(std::max(d.cores, 1)) * busy_s;
}

}  // namespace ringtmp
