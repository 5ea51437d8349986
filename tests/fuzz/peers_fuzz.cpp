// libFuzzer target: any text as a peers file gets a verdict (never a crash, hang or
// unbounded allocation); an accepted one has valid, distinct ports and hosts, and printing
// it back (one to_string per line) parses to the same list.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/peers_file.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::seed_corpus(*argc, *argv,
                    {fuzz::bytes_of("127.0.0.1:5000\n127.0.0.1:5001\n"),
                     fuzz::bytes_of("# cluster\n\n10.0.0.11:5000   # rank 0\n[fe80::1]:5000\nhost-b:65535\n"),
                     fuzz::bytes_of("[::1]:1\r\nlocalhost:7001\n")});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto peers = parse_peers(text, "fuzz.txt");
  if (!peers.ok()) {
    if (peers.status().message().empty()) std::abort();
    return 0;
  }
  std::string printed;
  for (const auto& p : *peers) {
    if (p.port == 0 || p.host.empty()) std::abort();
    printed += to_string(p) + "\n";
  }
  auto again = parse_peers(printed, "printed.txt");
  if (!again.ok() || *again != *peers) std::abort();
  return 0;
}
