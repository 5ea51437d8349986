#pragma once
// The SimGrid engine as every ringtmp simulation configures it. SimGrid allows one engine
// per process: create it once, before the platform.
#include <memory>
#include <string>
#include <vector>

#include <simgrid/s4u/Engine.hpp>

#include "core/platform/profiles.hpp"

namespace ringtmp::sim {

struct SimOptions {
  std::string platforms_dir = default_platforms_dir();
  // Passed to SimGrid as command-line words, e.g. "--log=root.thres:critical".
  std::vector<std::string> simgrid_args = {"--log=root.thres:warning"};
  bool wifi_energy_plugin = false;  // SimGrid's own wifi energy plugin (logs at the end)
  // Starts every line the simulation prints itself: SimGrid's abort (see AbortTrap), a note
  // such as an XML platform's hosts without power figures. E.g. "ringtmp sim: ".
  std::string abort_prefix;
};

// CM02 network model (the profiles give goodput, so no TCP correction factors on top, and
// no reverse cross traffic), the host energy plugin, and the options' extra words.
std::unique_ptr<simgrid::s4u::Engine> start_engine(const SimOptions& options);

}  // namespace ringtmp::sim
