#pragma once
// How much of a Wi-Fi cell's air time carries data as more transfers contend for it.
// SimGrid's wifi zone shares air time perfectly: k flows at one station's goodput take k
// times as long as one. 802.11's distributed access does worse as stations are added
// (backoff slots, collisions, the access point's own queue competing with its stations);
// a packet-level model (ns-3) or a measurement gives the fraction left at k flows.
// Written in a network profile as "flows:fraction" points, e.g. "2:0.98 8:0.81 24:0.75";
// between points the fraction is interpolated linearly, below the first it is 1 at one
// flow (interpolated up to the first point), beyond the last it stays at the last.
#include <string>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace ringtmp {

class AirEfficiency {
 public:
  AirEfficiency() = default;  // no loss: every flow count keeps the whole air

  // "k:f k:f ..." with whole k >= 2 strictly increasing and 0 < f <= 1; `what` names the
  // text in the one-line error ("profile wifi-n.ini: 'air_efficiency'").
  static StatusOr<AirEfficiency> parse(const std::string& text, const std::string& what);

  // The fraction of the air's capacity that carries data while `flows` transfers share it.
  double at(int flows) const;

  bool lossless() const { return points_.empty(); }

 private:
  std::vector<std::pair<int, double>> points_;  // (flows, fraction), flows increasing
};

}  // namespace ringtmp
