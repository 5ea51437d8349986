#pragma once
// A device of a --device mix with options that change its profile: "pi4b:ram=1G" is a
// Raspberry Pi 4B with 1 GiB instead of the profile's 4 GiB (the board is sold with 1, 2,
// 4 or 8 GB), and mixes take variants like names: "pi4b:ram=2G*6,pi3b+*2". One option
// exists, ram=SIZE (parse_byte_size: 2G, 2048M, 2GiB, bytes); the OS and GPU reserves stay
// the profile's. Options follow the profile after ':' and are separated by ':'.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/platform/profiles.hpp"
#include "core/status.hpp"

namespace ringtmp {

struct DeviceVariant {
  std::string profile;               // what load_device_profile takes: "pi4b", or a path "my.ini"
  std::optional<int64_t> ram_bytes;  // ram=SIZE
};

// One mix item (without its "*count") -> the profile and its options. "pi4b" and "my.ini"
// have none; a path keeps its ':'s when it ends in ".ini" ("lab:1/my.ini:ram=2G" is the
// file lab:1/my.ini with 2 GiB). Refused, in one line naming the item: an unknown or
// repeated option, "ram" without '=' or with a size parse_byte_size refuses or above
// 1e15 bytes (the profiles' cap), an empty profile name.
StatusOr<DeviceVariant> parse_device_variant(std::string_view item);

// `base` with the variant's options applied and `item` as its name; the description says
// what changed. Refused (one line naming the item) when the RAM leaves a node nothing
// once the profile's OS and GPU reserves and the margin are kept (memory_shortfall).
StatusOr<DeviceProfile> apply_device_variant(DeviceProfile base, const DeviceVariant& variant, std::string_view item);

}  // namespace ringtmp
