#include "runtime/config_digest.hpp"

#include <sodium.h>

namespace ringtmp {

ConfigDigest config_digest(const RunConfig& c) {
  const std::string text = canonical_config(c);
  ConfigDigest d;
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return d;
}

std::string short_hex(const ConfigDigest& d, int digits) {
  std::string s;
  for (int i = 0; i < digits && i / 2 < int(d.size()); ++i)
    s += fmt::format("{:x}", i % 2 == 0 ? d[i / 2] >> 4 : d[i / 2] & 15);
  return s;
}

}  // namespace ringtmp
