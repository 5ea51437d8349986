// libFuzzer target: any device mix for any node count gets a verdict without allocating
// for counts the run does not have; an accepted mix names exactly `nodes` devices, each a
// non-empty name without '*' or ','. Under UBSan this is what found the pointer formed
// past an item without '*'. Each name's variant options ("pi4b:ram=2G") are read too: one
// error line, or a profile and a RAM in 1..1e15 bytes. The whole input as a byte size
// ("2G", as --memory-budget takes it): refused, or written back exactly by byte_size_text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/platform/byte_size.hpp"
#include "core/platform/device_variant.hpp"
#include "core/platform/profiles.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  // The first two bytes are the node count (little-endian), the rest the mix.
  fuzz::seed_corpus(*argc, *argv,
                    {fuzz::bytes_of(std::string("\x08\x00", 2) + "pi4b*6,pi3b+*2"),
                     fuzz::bytes_of(std::string("\x03\x00", 2) + "pi4b"),
                     fuzz::bytes_of(std::string("\x03\x00", 2) + "pi4b*2, pi3b+ *1"),
                     fuzz::bytes_of(std::string("\x08\x00", 2) + "pi4b:ram=2G*6,pi3b+*2"),
                     fuzz::bytes_of(std::string("\x02\x00", 2) + "lab/my.ini:ram=1.5GiB"),
                     fuzz::bytes_of(std::string("\x01\x00", 2) + "1536M")});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  if (auto bytes = parse_byte_size(std::string_view(reinterpret_cast<const char*>(data + 2), size - 2))) {
    if (*bytes < 0 || parse_byte_size(byte_size_text(*bytes)) != *bytes || format_bytes(*bytes).empty()) std::abort();
  }
  // 1..1024 nodes: every code path, without building 65536 names per input.
  const int nodes = 1 + ((data[0] | data[1] << 8) % 1024);
  const std::string spec(reinterpret_cast<const char*>(data + 2), size - 2);
  auto names = expand_device_mix(spec, nodes);
  if (!names.ok()) return 0;
  if (int(names->size()) != nodes) std::abort();
  const bool mix = spec.find_first_of("*,") != std::string::npos;
  for (const auto& n : *names)
    if (mix && (n.empty() || n.find_first_of("*,") != std::string::npos)) std::abort();
  // The variant of each distinct name (a mix repeats them; at most one per item).
  std::string previous;
  for (const auto& n : *names) {
    if (n == previous) continue;
    previous = n;
    auto v = parse_device_variant(n);
    if (!v.ok()) fuzz::check_refusal(v.status());
    else if (v->profile.empty() && n.find(':') != std::string::npos) std::abort();
    else if (v->ram_bytes && (*v->ram_bytes < 1 || *v->ram_bytes > kMaxMemoryBytes)) std::abort();
  }
  return 0;
}
