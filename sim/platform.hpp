#pragma once
// Builds the simulated platform of a run through SimGrid's C++ API, from the profiles in
// platforms/ (or loads the user's SimGrid XML instead):
//   Wi-Fi: a wifi zone per access point; stations reach each other through their AP, so
//     station-to-station traffic crosses the air twice. When the nodes outnumber the
//     profile's stations per AP, several APs share the nodes evenly and talk over a wired
//     backbone (a star of split-duplex links).
//     SimGrid's wifi links take no latency, so the profile's per-hop latency is added by the
//     SimNetwork when a message is delivered (two air hops station -> AP -> station).
//   Ethernet: a switched star, one split-duplex link per host.
//   A user's XML: see sim/xml_platform.hpp.
// Hosts compute at the device profile's effective flop rate and carry its idle/busy watts
// for SimGrid's host energy plugin. A profile with storage_write_bps gives its host a
// SimGrid Disk ("storage") that checkpoint writes go to (SimTransport::store); a host of a
// user's XML uses the first <disk> it declares, at no per-write latency. Without either,
// storage is not modelled and writes cost no simulated time. Call after the Engine exists
// and before it runs.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/air_contention.hpp"
#include "core/config.hpp"
#include "core/platform/profiles.hpp"

namespace ringtmp::sim {

// A rank's modelled storage: a write of B bytes takes latency_s + B / the disk's write
// bandwidth. No disk: not modelled, a write costs no simulated time.
struct Storage {
  simgrid::s4u::Disk* disk = nullptr;
  double latency_s = 0;
};

struct Platform {
  // Per rank, as every vector below: a device's host is each of its ranks' (co-located
  // parameter servers share their workers' hosts, device_of_rank: their messages cross no air).
  std::vector<simgrid::s4u::Host*> hosts;
  std::vector<DeviceProfile> devices;       // per rank; empty for a user's XML
  std::vector<Storage> storage;             // per rank
  std::optional<NetworkProfile> network;    // empty for a user's XML
  int access_points = 0;
  // Added to every delivery: the air hops' latency that is not air time (stack_delay_s),
  // which SimGrid's wifi links cannot hold, and with several cells the backbone's.
  double delivery_delay_s = 0;
  // Wi-Fi whose profile has an air_latency_s: the MAC's fixed cost of an air hop, as the
  // bytes it is worth at a station's rate. Every message that crosses the air carries them
  // on top of its own, so the cost takes air time that contending stations share (a burst
  // of small messages from many stations queues for the air); delivery_delay_s then holds
  // only the rest of latency_s (the stations' driver and stack). 0 otherwise.
  int64_t air_message_bytes = 0;
  // Wi-Fi whose profile has an air_efficiency: the transfers per cell that SimNetwork
  // counts and the cells' air capacity follows. Empty otherwise.
  std::shared_ptr<AirContention> contention;
  std::string description;                  // "8 x pi4b on wifi-n (1 access point)"
  // Per rank: the host carries wattage_per_state, so SimGrid's energy plugin can be asked
  // (it aborts on a host without). Always, for a platform built from profiles.
  std::vector<bool> has_power;
  std::string note;  // for the user before the run, e.g. which XML hosts lack power figures
};

// Of a Wi-Fi message's two air hops, the latency that is the stations' driver and stack (a
// delay), not the MAC's (air_latency_s, carried as air time): the whole latency when the
// profile does not split it.
inline double stack_delay_s(const NetworkProfile& n) { return 2 * (n.latency_s - n.air_latency_s.value_or(0)); }

// A host per device, shared by the ranks on it (device_of_rank): one per rank, but with
// --colocate-servers one per worker (`ranks` is then the config's cluster_ranks).
StatusOr<Platform> build_platform(const RunConfig& c, int ranks, const std::string& platforms_dir);

}  // namespace ringtmp::sim
