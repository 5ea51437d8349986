#pragma once
// The inventory of a real cluster (`ringtmp launch --hosts FILE`): one device per line, in
// rank order, as Pi-cluster researchers keep them for Ansible or MPI:
//
//   # comment to the end of the line; blank lines take no rank
//   pi@pi1.local                          rank 0: reached as pi@pi1.local, listens on 7000
//   pi2.local:7100 address=10.0.0.12      rank 1: port 7100; its peers dial 10.0.0.12
//   pi3 ringtmp=/opt/ringtmp/bin/ringtmp dir=/home/pi/runs data-dir=/data/fashion-mnist
//
// The first word is what the remote template gets as {host} (user@ allowed), with an
// optional :port ([v6]:port for an IPv6 address). Keys: address= (the IP or name its peers
// connect to; default: the host without user@), ringtmp= (the binary on the device; default
// `ringtmp` on its PATH), dir= (its working folder; default /tmp/ringtmp-<run>), data-dir=
// (where it keeps the dataset; default the config's). Every error names the file and line.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::cli {

inline constexpr int kDefaultDevicePort = 7000;

struct InventoryDevice {
  std::string host;     // for the remote template, e.g. "pi@pi1.local"
  int port = kDefaultDevicePort;
  std::string address;  // what the peers file says
  std::string ringtmp = "ringtmp";
  std::string dir;      // empty: /tmp/ringtmp-<run>
  std::string data_dir; // empty: the config's
  int line = 0;
};

StatusOr<std::vector<InventoryDevice>> parse_inventory(std::string_view text, std::string_view name);
StatusOr<std::vector<InventoryDevice>> load_inventory(const std::string& path);

}  // namespace ringtmp::cli
