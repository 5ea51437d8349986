#pragma once
// `ringtmp launch --hosts FILE`: one node per device of an inventory, driven from the
// researcher's machine through a remote-execution template (ssh by default). Preflight on
// every device (problems listed per device, nothing started if any), then the run's
// config, a fresh cluster key (through the remote command's stdin: never on a command
// line, never world-readable) and the peers file handed to each; the nodes started, their
// output streamed prefixed by node and host and kept in nodes/node-<rank>.log, their
// outcome files fetched when they end and merged into one run folder, as launch --local
// writes. Ctrl-C, or a node that cannot be started, stops every node on its device.
#include <string>
#include <vector>

#include "cli/inventory.hpp"
#include "cli/run_folder.hpp"
#include "core/config.hpp"
#include "core/data/dataset.hpp"
#include "core/strategy/node_program.hpp"

namespace ringtmp::cli {

struct HostsLaunch {
  std::string inventory_path;
  std::vector<InventoryDevice> devices;  // one per rank
  std::vector<std::string> remote;       // the template's words
};

// Returns the command's exit code (1: a device's problem or a failed run).
int launch_on_hosts(const RunConfig& c, const DataSplit& data, const ClusterPlan& plan, const HostsLaunch& hosts,
                    RunFolder& folder);

}  // namespace ringtmp::cli
