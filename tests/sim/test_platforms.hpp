#pragma once
// Profiles with round numbers for the simulator's tests, written into a temp platforms dir
// (the repository's profiles hold real devices; tests need figures they can reason about).
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "tests/data/temp_dir.hpp"

namespace ringtmp::testing {

class TestPlatforms {
 public:
  TestPlatforms() {
    std::filesystem::create_directories(dir_.path() / "devices");
    std::filesystem::create_directories(dir_.path() / "networks");
    // 1 GFLOP/s, one core, 2 W idle, 5 W busy; 1e9 bytes of RAM, no reserves (a node may
    // hold 1e9 - 64 MiB of margin).
    device("unit", 1e9, 1, 2, 5);
    // Ethernet, 100 Mbit/s, 1 ms per hop; NIC 0.5 W idle, 1 W tx, 0.8 W rx.
    ethernet("eth", 1e8, 1e-3);
    // So fast that communication vanishes next to computation.
    ethernet("fast", 1e12, 1e-9);
  }
  std::string dir() const { return dir_.path().string(); }

  // `multicore_efficiency` < 0: the profile states none. `extra`: more profile lines, e.g.
  // storage(...).
  void device(const std::string& name, double flops, int cores, double idle_w, double busy_w,
              double multicore_efficiency = -1, const std::string& extra = "") {
    write("devices/" + name, "[device]\n" + entry("flops", flops) + entry("cores", cores) +
                                 entry("ram_bytes", 1e9) + entry("os_reserved_bytes", 0) +
                                 entry("gpu_reserved_bytes", 0) + entry("idle_w", idle_w) + entry("busy_w", busy_w) +
                                 (multicore_efficiency < 0 ? "" : entry("multicore_efficiency", multicore_efficiency)) +
                                 extra);
  }
  // A device's modelled storage: `write_bps` bytes/s sequential, `latency_s` a write.
  static std::string storage(double write_bps, double latency_s) {
    return entry("storage_write_bps", write_bps) + entry("storage_latency_s", latency_s);
  }
  void ethernet(const std::string& name, double bps, double latency) {
    write("networks/" + name, "[network]\nkind = ethernet\n" + entry("bandwidth_bps", bps) +
                                  entry("latency_s", latency) + radio());
  }
  // `extra`: more profile lines, e.g. an air_latency_s with its source.
  void wifi(const std::string& name, double bps, double latency, int stations_per_ap, const std::string& extra = "") {
    write("networks/" + name, "[network]\nkind = wifi\n" + entry("bandwidth_bps", bps) +
                                  entry("latency_s", latency) + entry("stations_per_ap", stations_per_ap) +
                                  entry("backbone_bps", 1e9) + entry("backbone_latency_s", 1e-4) + radio() + extra);
  }

 private:
  static std::string entry(const std::string& key, double v) {
    return fmt::format("{} = {}\n{}_source = test figure\n", key, v, key);
  }
  static std::string radio() { return entry("idle_w", 0.5) + entry("tx_w", 1.0) + entry("rx_w", 0.8); }
  void write(const std::string& stem, const std::string& text) {
    std::ofstream(dir_.file(stem + ".ini")) << text;
  }
  TempDir dir_;
};

}  // namespace ringtmp::testing
