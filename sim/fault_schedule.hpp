#pragma once
// The fault schedule of a simulated run: `kill:3@120` turns node 3's host off at 120 s for
// good; `pause:2@60+10` turns node 2's host off at 60 s and back on at 70 s. Items are
// comma-separated. A host that goes off loses its actors (its node's state is gone, as on a
// Pi that loses power); the other nodes see PeerDown. Until recovery lands (roadmap step 5)
// a pause is as fatal to the run as a kill; the run ends with a report of what failed when.
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "core/status.hpp"

namespace ringtmp::sim {

struct Fault {
  enum class Kind { kill, pause } kind = Kind::kill;
  int rank = 0;
  double at_s = 0;
  double duration_s = 0;  // pause only
  std::string text;       // as the user wrote it, for reports
};

// Errors name the faulty item; `ranks` bounds the node numbers.
StatusOr<std::vector<Fault>> parse_fault_schedule(const std::string& spec, int ranks);

class SimNetwork;

// Drives each faulted host's on/off state through a SimGrid state profile (no actor needed)
// and turns a host going off into PeerDown for every other node. `hosts` is per rank.
// Returns, per rank, when its host went off (filled in as the simulation runs).
class FaultInjector {
 public:
  FaultInjector(std::vector<Fault> faults, const std::vector<simgrid::s4u::Host*>& hosts,
                SimNetwork& network);
  // The fault that took `rank` down and when, or empty if its host never went off.
  std::string report(int rank) const;

 private:
  std::vector<Fault> faults_;
  std::vector<double> off_at_;  // per rank; < 0 while on
  std::vector<std::string> cause_;
};

}  // namespace ringtmp::sim
