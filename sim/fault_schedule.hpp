#pragma once
// The fault schedule of a simulated run (parsed by core/fault_spec.*) applied to its hosts.
// A host that goes off loses its actors (its node's state is gone, as on a Pi that loses
// power); the other nodes see PeerDown when their heartbeat timeout would have noticed it
// (SimNetwork::host_off). Strategies that heal carry on. A pause its peers noticed ends with
// the host back on, memory gone: `on_back` may start a new incarnation there, which asks to
// rejoin (core/strategy/endpoint.hpp).
//
// A pause its peers cannot notice is no failure: a node silent from t that is back before
// its peers would declare it dead (before FailureDetection::detected_at(t): its last
// heartbeat plus the timeout) sits the pause out, memory and all, as after a short Wi-Fi
// drop or a SIGSTOP/SIGCONT: nobody changes its view (SimNetwork::sit_out_silences).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "core/status.hpp"
#include "core/fault_spec.hpp"

namespace ringtmp::sim {

class SimNetwork;
struct FailureDetection;

// Drives each faulted host's on/off state through a SimGrid state profile (no actor needed)
// and turns a host going off into PeerDown for every other node, after the detection delay. `hosts` is per rank.
// Returns, per rank, when its host went off (filled in as the simulation runs).
class FaultInjector {
 public:
  // `on_back(rank)` runs in maestro, at the instant a paused host is back on after its
  // peers noticed the pause.
  FaultInjector(std::vector<Fault> faults, const std::vector<simgrid::s4u::Host*>& hosts,
                SimNetwork& network, const FailureDetection& detection, std::function<void(int)> on_back = {});
  // One line per unnoticed pause: "node 2 silent 60..61 s (back before its peers' timeout)".
  std::vector<std::string> silences() const;
  // The fault that took `rank` down and when, or empty if its host never went off.
  std::string report(int rank) const;
  // When `rank`'s host went off, if it did; when it was back on, if it was.
  std::optional<double> off_at(int rank) const;
  std::optional<double> back_at(int rank) const;

 private:
  std::vector<Fault> faults_;
  std::vector<Fault> silences_;
  std::vector<double> off_at_;  // per rank; < 0 while on
  std::vector<double> back_at_;  // per rank; < 0 until back on
  std::vector<std::string> cause_;
};

}  // namespace ringtmp::sim
