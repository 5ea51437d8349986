#pragma once
// Device and network profiles: the numbers the simulator builds its platform from and the
// runtime estimates energy with. Each lives in platforms/{devices,networks}/<name>.ini, and
// every numeric key K is followed by K_source naming where the number comes from; a
// profile without a source for a number is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/platform/air_efficiency.hpp"
#include "core/status.hpp"

namespace ringtmp {

struct DeviceProfile {
  std::string name;         // file stem, e.g. "pi4b"; a variant's mix item, e.g. "pi4b:ram=1G"
  std::string description;
  double flops = 0;         // effective flop/s on ringtmp's kernels (what sim charges against)
  int cores = 1;
  // Of each core beyond the first, the share of a core's rate a node's kernels gain when it
  // runs on them (--threads T): T threads compute at flops * (1 + (T-1) * e). Optional in a
  // profile (with its _source); a simulation with --threads > 1 needs it.
  std::optional<double> multicore_efficiency;
  int64_t ram_bytes = 0;           // the board's RAM
  int64_t os_reserved_bytes = 0;   // what the kernel and a headless OS keep of it
  int64_t gpu_reserved_bytes = 0;  // what the firmware carves out for the GPU (a Pi's gpu_mem)
  double idle_w = 0;        // whole device, idle
  double busy_w = 0;        // whole device, all cores busy
  // The device's own storage (where a node writes its checkpoints), optional in a profile
  // (each with its _source): sequential write bandwidth in bytes/s, and the fixed cost of
  // one write (open, fsync, rename) in seconds, default 0. Without storage_write_bps no
  // storage is modelled: in sim a write costs no simulated time (profiles written before
  // the keys existed load so).
  std::optional<double> storage_write_bps;
  double storage_latency_s = 0;

  // The bytes one ringtmp node may hold on this device: ram_bytes less the OS's and the
  // GPU's reserves and memory_margin_bytes(ram_bytes). Positive for every profile that
  // loaded (a profile or variant that would leave nothing is refused).
  int64_t usable_memory_bytes() const;
};

// The part of a device's RAM kept back beyond the OS and GPU reserves: max(64 MiB, 5% of
// RAM). The memory plan counts ringtmp's own buffers exactly (so no DeepSpeed-style 1.5x
// factor on top), but a node process holds more than its buffers (see profiles.cpp).
int64_t memory_margin_bytes(int64_t ram_bytes);

// The bytes a node on `device` may hold: `budget_override` when positive (--memory-budget,
// the same for every node: a what-if for any RAM size), else device.usable_memory_bytes().
int64_t node_memory_budget(const DeviceProfile& device, int64_t budget_override);

// Why `device` leaves a node nothing ("512 MiB of RAM leaves nothing once the OS (179 MiB),
// the GPU (76 MiB) and the safety margin (64 MiB) are kept"), or empty when it leaves some.
std::string memory_shortfall(const DeviceProfile& device);

enum class NetworkKind { wifi, ethernet };

struct NetworkProfile {
  std::string name;
  std::string description;
  NetworkKind kind = NetworkKind::ethernet;
  double bandwidth_bps = 0;    // goodput of one station's (host's) link, bits/s
  double latency_s = 0;        // one hop: station -> access point, or host -> switch
  int stations_per_ap = 0;     // wifi: stations one access point serves
  double backbone_bps = 0;     // wifi: wired link between access points
  double backbone_latency_s = 0;
  // wifi, optional: the share of latency_s spent on the air (the MAC's fixed cost of one
  // frame exchange), which `sim` charges as air time; the rest is the stations' driver and
  // stack, a delay, which a packet-level 802.11 model such as ns-3 does not model (a
  // comparison with one keeps only this part: experiments/wifi_ns3).
  std::optional<double> air_latency_s;
  AirEfficiency air_efficiency;  // wifi, optional: air lost as transfers contend
  double idle_w = 0, tx_w = 0, rx_w = 0;  // radio / NIC power by state
};

// The largest figures a simulated platform may hold, from a profile or a user's XML: far
// beyond any real device or link, and far below what overflows SimGrid's solver (a flops
// of 1e308 did).
inline constexpr double kMaxFlops = 1e15;          // flop/s of one core
inline constexpr double kMaxBitsPerSecond = 1e13;  // one link
inline constexpr int64_t kMaxMemoryBytes = 1'000'000'000'000'000;  // one device's RAM (1e15)

// Where platforms/ is: <exe>/../share/ringtmp/platforms if it exists (an installed binary,
// e.g. the .deb's /usr/bin/ringtmp), else the source tree's, fixed at build time, if it
// exists, else /usr/share/ringtmp/platforms.
std::string default_platforms_dir();

// `name`: a profile of platforms_dir ("pi4b"), or the path of a user's own file ("my.ini").
StatusOr<DeviceProfile> load_device_profile(const std::string& platforms_dir, const std::string& name);
StatusOr<NetworkProfile> load_network_profile(const std::string& platforms_dir, const std::string& name);

// A profile file's text -> the profile, or one line naming `path`, the key and its value.
// Every number is checked for type and range before anything uses it: whole numbers where
// SimGrid or our arithmetic wants an int (cores 1..1024, stations_per_ap 1..1024), and
// finite, positive reals below caps far beyond any device or link (flops <= 1e15, bits/s
// <= 1e13, latencies 1e-9..60 s, watts <= 1e4, ram_bytes 1..1e15 and os_reserved_bytes,
// gpu_reserved_bytes 0..1e15, all three whole numbers of bytes, with some RAM left for a
// node: memory_shortfall empty; storage_write_bps 1e3..1e12 B/s, storage_latency_s 0..60 s
// and only with a storage_write_bps). `name` fills the profile's name. Pure: no file access
// (what the load_ functions and fuzz targets share).
StatusOr<DeviceProfile> parse_device_profile(std::string_view text, const std::string& name, const std::string& path);
StatusOr<NetworkProfile> parse_network_profile(std::string_view text, const std::string& name, const std::string& path);

// "pi4b" -> that device for every node; "pi4b*6,pi3b+*2" -> one entry per node in rank order.
// The counts of a mix must add up to `nodes`. An item may be a variant, "pi4b:ram=2G*6":
// the names are returned as written; load_devices reads their options
// (core/platform/device_variant.hpp).
StatusOr<std::vector<std::string>> expand_device_mix(const std::string& spec, int nodes);

// The device of every rank: expand_device_mix, each named profile read once, each variant's
// options applied (its name is the item, "pi4b:ram=1G"). A bad variant is one line naming
// the item: "invalid value for device: 'pi4b:ram=1X' (...)".
StatusOr<std::vector<DeviceProfile>> load_devices(const std::string& platforms_dir, const std::string& spec,
                                                  int nodes);

// Profile files available in platforms_dir/<kind> ("devices" or "networks"), sorted.
std::vector<std::string> list_profiles(const std::string& platforms_dir, const std::string& kind);

}  // namespace ringtmp
