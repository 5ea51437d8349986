// libFuzzer target: any bytes as a user's device profile and as a network profile (the
// INI files of platforms/, or a path given to --device / --network). Each gets a verdict:
// an error message, or a profile whose numbers SimGrid and the energy
// model can take: finite and positive, whole cores and stations (at least one), busy watts
// at least idle watts, RAM and reserves that leave a node some memory.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/platform/profiles.hpp"
#include "core/text_file.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {


bool positive(double v) { return std::isfinite(v) && v > 0; }

// The shipped profiles, as they are on disk.
std::vector<std::vector<uint8_t>> shipped_profiles() {
  std::vector<std::vector<uint8_t>> seeds;
  for (const char* kind : {"devices", "networks"})
    for (const auto& name : list_profiles(default_platforms_dir(), kind)) {
      auto text = read_text_file(default_platforms_dir() + "/" + kind + "/" + name + ".ini", "", 1 << 20);
      if (text.ok()) seeds.push_back(fuzz::bytes_of(*text));
    }
  return seeds;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  auto seeds = shipped_profiles();
  seeds.push_back(fuzz::bytes_of("[device]\nflops = 1e9\nflops_source = a\ncores = 4\ncores_source = b\n"
                                 "ram_bytes = 1e9\nram_bytes_source = c\nos_reserved_bytes = 1e8\n"
                                 "os_reserved_bytes_source = f\ngpu_reserved_bytes = 0\ngpu_reserved_bytes_source = g\n"
                                 "idle_w = 2\nidle_w_source = d\nbusy_w = 6\nbusy_w_source = e\n"));
  fuzz::seed_corpus(*argc, *argv, seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The parsers the loaders call after reading the file (read_text_file has its own tests
  // and fuzzing through the other targets): from memory, so a run is not one file write.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = parse_device_profile(text, "fuzz", "fuzz.ini"); !d.ok()) {
    fuzz::check_refusal(d.status());
  } else if (!positive(d->flops) || d->cores < 1 || d->ram_bytes < 1 || d->os_reserved_bytes < 0 ||
             d->gpu_reserved_bytes < 0 || d->usable_memory_bytes() < 1 ||
             d->usable_memory_bytes() > d->ram_bytes - d->os_reserved_bytes - d->gpu_reserved_bytes ||
             !positive(d->idle_w) || !positive(d->busy_w) || d->busy_w < d->idle_w) {
    std::abort();
  }
  if (auto n = parse_network_profile(text, "fuzz", "fuzz.ini"); !n.ok()) {
    fuzz::check_refusal(n.status());
  } else {
    if (!positive(n->bandwidth_bps) || !positive(n->latency_s) || !positive(n->idle_w) || !positive(n->tx_w) ||
        !positive(n->rx_w))
      std::abort();
    if (n->kind == NetworkKind::wifi &&
        (n->stations_per_ap < 1 || !positive(n->backbone_bps) || !positive(n->backbone_latency_s)))
      std::abort();
  }
  return 0;
}
