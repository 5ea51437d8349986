// libFuzzer target: any text as a key file gets a verdict; an accepted key is the text's
// 64 hexadecimal digits (either case, white space around them), and its hex form parses
// back to the same key.
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/cluster_key.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fuzz::seed_corpus(*argc, *argv,
                    {fuzz::bytes_of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"),
                     fuzz::bytes_of("  DEADBEEFdeadbeefDEADBEEFdeadbeefDEADBEEFdeadbeefDEADBEEFdeadbeef \r\n"),
                     fuzz::bytes_of("00")});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto key = parse_cluster_key(text, "fuzz.key");
  if (!key.ok()) {
    if (key.status().message().find("fuzz.key") == std::string::npos) std::abort();
    return 0;
  }
  const std::string hex = to_hex(*key);
  std::string digits;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) digits += char(std::tolower(static_cast<unsigned char>(c)));
  if (digits != hex) std::abort();
  auto again = parse_cluster_key(hex, "hex");
  if (!again.ok() || !(*again == *key)) std::abort();
  return 0;
}
