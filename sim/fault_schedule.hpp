#pragma once
// The fault schedule of a simulated run (parsed by sim/fault_spec.*) applied to its hosts.
// A host that goes off loses its actors (its node's state is gone, as on a Pi that loses
// power); the other nodes see PeerDown when their heartbeat timeout would have noticed it
// (SimNetwork::host_off). Strategies that heal carry on (all-reduce); for the others, and
// until rejoin lands, a pause is as fatal to the run as a kill: the run ends with a report
// of what failed when.
#include <optional>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "core/status.hpp"
#include "sim/fault_spec.hpp"

namespace ringtmp::sim {

class SimNetwork;

// Drives each faulted host's on/off state through a SimGrid state profile (no actor needed)
// and turns a host going off into PeerDown for every other node, after the detection delay. `hosts` is per rank.
// Returns, per rank, when its host went off (filled in as the simulation runs).
class FaultInjector {
 public:
  FaultInjector(std::vector<Fault> faults, const std::vector<simgrid::s4u::Host*>& hosts,
                SimNetwork& network);
  // The fault that took `rank` down and when, or empty if its host never went off.
  std::string report(int rank) const;
  // When `rank`'s host went off, if it did.
  std::optional<double> off_at(int rank) const;

 private:
  std::vector<Fault> faults_;
  std::vector<double> off_at_;  // per rank; < 0 while on
  std::vector<std::string> cause_;
};

}  // namespace ringtmp::sim
