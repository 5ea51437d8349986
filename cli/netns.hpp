#pragma once
// Network namespaces for `launch --netns`: one namespace per node, each joined to a bridge
// by a veth pair whose two ends are shaped with tbf to the network profile's bandwidth
// (the node's uplink and downlink), so N processes on one machine talk over links as slow
// as the modelled network. This kernel has no netem: latency cannot be added, the links
// keep the veth's own (tens of microseconds). Root only. Everything created is removed by
// the destructor, also after a failed run (the caller must not skip it: no exit() inside).
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::cli {

// What the shaped links carry. tbf meters whole Ethernet frames, and each full TCP segment
// holds MTU - 20 (IP) - 20 (TCP) - 12 (timestamps, on by default in a new namespace) payload
// bytes in MTU + 14 bytes: the TCP goodput is 1448/1514 = 95.6% of the shaped rate. The
// simulator's matching network is given this goodput, as the shipped profiles give theirs.
inline constexpr int kVethMtu = 1500;
inline constexpr int kTcpPayloadPerFrame = kVethMtu - 20 - 20 - 12;
inline constexpr int kEthernetFrameBytes = kVethMtu + 14;
inline double shaped_tcp_goodput_bps(double shaped_bits_per_s) {
  return shaped_bits_per_s * kTcpPayloadPerFrame / kEthernetFrameBytes;
}

class NetnsCluster {
 public:
  // Creates n namespaces shaped to `bits_per_s`. Error (and nothing left behind) when not
  // root, when `ip`/`tc` fail, or when the names are taken. First removes the leftovers of
  // launches that died without cleaning up (see remove_leftovers).
  static StatusOr<std::unique_ptr<NetnsCluster>> create(int n, double bits_per_s);
  // Namespaces, veths and bridges named "rtmp<pid>..." whose launch <pid> is no longer
  // running (SIGKILL leaves them): their processes killed, then removed, one line per dead
  // launch on stdout. Those of running launches are left alone.
  static void remove_leftovers();
  ~NetnsCluster();
  NetnsCluster(const NetnsCluster&) = delete;
  NetnsCluster& operator=(const NetnsCluster&) = delete;

  const std::string& ns(int k) const { return namespaces_[k]; }
  const std::string& address(int k) const { return addresses_[k]; }
  // Names this process created: "rtmp<pid>..." (tests and later launches look for
  // leftovers by this prefix).
  const std::string& prefix() const { return prefix_; }

 private:
  NetnsCluster() = default;
  std::string prefix_, bridge_;
  std::vector<std::string> namespaces_, addresses_;
};

}  // namespace ringtmp::cli
