// libFuzzer target: any text as --faults for a run of 1..1024 ranks (the first two bytes,
// little-endian). A verdict for every input: an error message naming the
// item at fault, or faults that each name a rank of the run, at a finite time >= 0, a pause
// for a positive finite duration that ends at a finite time, a kill for none; one fault
// per comma-separated item.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/fault_spec.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::seed_corpus(*argc, *argv,
                    {fuzz::bytes_of(std::string("\x08\x00", 2) + "kill:3@120,pause:2@60+10"),
                     fuzz::bytes_of(std::string("\x04\x00", 2) + " kill:0@0 , pause:3@1e-3+0.5"),
                     fuzz::bytes_of(std::string("\x02\x00", 2) + "kill:0@1e-320"),
                     fuzz::bytes_of(std::string("\x02\x00", 2) + "pause:1@5+1e308,kill:1@inf")});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int ranks = 1 + ((data[0] | data[1] << 8) % 1024);
  const std::string spec(reinterpret_cast<const char*>(data + 2), size - 2);
  auto faults = parse_fault_schedule(spec, ranks);
  if (!faults.ok()) {
    fuzz::check_refusal(faults.status());
    if (faults.status().message().find("faults") == std::string::npos) std::abort();
    return 0;
  }
  size_t items = 0;
  for (size_t at = 0; at < spec.size(); ++items) at = std::min(spec.find(',', at), spec.size()) + 1;
  if (faults->size() != items) std::abort();
  for (const auto& f : *faults) {
    if (f.rank < 0 || f.rank >= ranks || !std::isfinite(f.at_s) || f.at_s < 0) std::abort();
    const bool pause = f.kind == Fault::Kind::pause;
    if (pause ? !(std::isfinite(f.duration_s) && f.duration_s > 0 && std::isfinite(f.at_s + f.duration_s))
              : f.duration_s != 0)
      std::abort();
  }
  return 0;
}
