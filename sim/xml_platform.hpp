#pragma once
// A user's SimGrid XML platform (--platform), accepted as SimGrid reads it, but checked
// first for what SimGrid 3.32 would abort on mid-run or cannot take at all, so that a bad
// file costs one line naming it and exit code 2 before any data is loaded:
//   - in the text (sim/xml_text.*): tags SimGrid dies on while parsing (<include>, <mount>);
//   - loaded: enough hosts; every rank's host computes (speed in 0..kMaxFlops]; a route
//     between ranks (every pair up to 256 ranks; beyond, ring neighbours and rank 0, so the
//     check stays cheap at 10,000 hosts) whose wired links move bytes (bandwidth in
//     0..kMaxBitsPerSecond / 8] with a latency in 0..60 s.
// Hosts without `wattage_per_state` are accepted: a lab's XML without power figures still
// gives timing; those nodes get no energy (SimGrid's energy getter aborts on them) and the
// platform carries a note saying so.
#include <string>
#include <string_view>
#include <vector>

#include <simgrid/s4u.hpp>

#include "core/status.hpp"
#include "sim/xml_text.hpp"  // check_platform_xml_text

namespace ringtmp::sim {

struct XmlPlatform {
  std::vector<simgrid::s4u::Host*> hosts;  // per rank: the first `ranks` hosts in name order
  std::vector<bool> has_power;             // per rank: the host has wattage_per_state
  std::string energy_note;                 // what lacks power figures; empty if nothing does
  std::string description;                 // "4 hosts of lab.xml (in name order)"
};

// Loads `path` into the current engine (created, not yet run), seals it and checks it.
StatusOr<XmlPlatform> load_xml_platform(const std::string& path, int ranks);

// The whole check, before the run's engine exists: the text, then load_xml_platform in a
// child process (SimGrid allows one engine per process), where an abort is trapped and
// comes back as the error's text. Errors begin "platform PATH: ".
Status check_xml_platform_file(const std::string& path, int ranks);

}  // namespace ringtmp::sim
