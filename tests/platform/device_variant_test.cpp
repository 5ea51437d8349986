// RAM variants of a device in the --device mix: "pi4b:ram=1G" is the pi4b profile with
// 1 GiB, named so in messages; a bad variant is one line naming the item.
#include "core/platform/device_variant.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {
constexpr int64_t MiB = int64_t(1) << 20, GiB = int64_t(1) << 30;
}  // namespace

TEST_CASE("parse_device_variant: a profile, and its options after ':'") {
  struct Case {
    const char* item;
    const char* profile;
    std::optional<int64_t> ram;
  };
  for (const auto& [item, profile, ram] :
       {Case{"pi4b", "pi4b", std::nullopt}, Case{"pi4b:ram=1G", "pi4b", GiB}, Case{"pi4b:ram=8GiB", "pi4b", 8 * GiB},
        Case{"pi3b+:ram=1536M", "pi3b+", 1536 * MiB}, Case{"pi4b:ram=2147483648", "pi4b", 2 * GiB},
        Case{"my.ini", "my.ini", std::nullopt}, Case{"/lab/a:b/my.ini", "/lab/a:b/my.ini", std::nullopt},
        Case{"/lab/a:b/my.ini:ram=2G", "/lab/a:b/my.ini", 2 * GiB}}) {
    CAPTURE(item);
    auto v = parse_device_variant(item);
    REQUIRE_MESSAGE(v.ok(), v.status().message());
    CHECK(v->profile == profile);
    CHECK(v->ram_bytes == ram);
  }
}

TEST_CASE("parse_device_variant refuses a bad option in one line naming the item") {
  for (auto [item, why] : {std::pair{"pi4b:disk=1G", "unknown option 'disk'; the one option is ram=SIZE"},
                           {"pi4b:", "unknown option ''"}, {"pi4b:ram", "ram needs a size"},
                           {"pi4b:ram=", "ram = '' is not a size"}, {"pi4b:ram=1X", "ram = '1X' is not a size"},
                           {"pi4b:ram=1GB", "ram = '1GB' is not a size"}, {"pi4b:ram=0", "ram = '0' is not a size"},
                           {"pi4b:ram=-1G", "ram = '-1G' is not a size"},
                           {"pi4b:ram=99999999999T", "ram = '99999999999T' is not a size"},
                           {"pi4b:ram=1000T", "is not a size of 1 B to 909 TiB"},  // past the profiles' 1e15 cap
                           {"pi4b:ram=1G:ram=2G", "ram given twice"}, {":ram=1G", "no profile before ':'"}}) {
    CAPTURE(item);
    auto v = parse_device_variant(item);
    REQUIRE_FALSE(v.ok());
    const std::string& m = v.status().message();
    CHECK(m.find(std::string("invalid value for device: '") + item + "' (") == 0);
    CHECK(m.find(why) != std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
}

TEST_CASE("a RAM variant changes the RAM and the name, and keeps the reserves") {
  const std::string dir = default_platforms_dir();
  auto base = load_device_profile(dir, "pi4b");
  REQUIRE(base.ok());
  for (auto [item, ram] : {std::pair{"pi4b:ram=1G", GiB}, {"pi4b:ram=2G", 2 * GiB}, {"pi4b:ram=8G", 8 * GiB}}) {
    CAPTURE(item);
    auto devices = load_devices(dir, item, 2);
    REQUIRE_MESSAGE(devices.ok(), devices.status().message());
    for (const auto& d : *devices) {
      CHECK(d.name == item);
      CHECK(d.ram_bytes == ram);
      CHECK(d.os_reserved_bytes == base->os_reserved_bytes);
      CHECK(d.gpu_reserved_bytes == base->gpu_reserved_bytes);
      CHECK(d.flops == base->flops);
      CHECK(d.usable_memory_bytes() ==
            ram - base->os_reserved_bytes - base->gpu_reserved_bytes - memory_margin_bytes(ram));
      CHECK(d.description.find(base->description) == 0);
      CHECK(d.description.find("instead of 4 GiB (variant " + std::string(item) + ")") != std::string::npos);
    }
  }
  // 1 GB Pi 4B: 1024 MiB - 182 (OS) - 76 (GPU) - 64 (margin) = 702 MiB.
  auto one = load_devices(dir, "pi4b:ram=1G", 1);
  REQUIRE(one.ok());
  CHECK((*one)[0].usable_memory_bytes() == 702 * MiB);
}

TEST_CASE("variants mix with plain profiles in rank order") {
  auto devices = load_devices(default_platforms_dir(), "pi4b:ram=2G*6,pi3b+*2", 8);
  REQUIRE_MESSAGE(devices.ok(), devices.status().message());
  REQUIRE(devices->size() == 8);
  for (int r = 0; r < 6; ++r) {
    CHECK((*devices)[r].name == "pi4b:ram=2G");
    CHECK((*devices)[r].ram_bytes == 2 * GiB);
  }
  for (int r = 6; r < 8; ++r) {
    CHECK((*devices)[r].name == "pi3b+");
    CHECK((*devices)[r].ram_bytes == GiB);
  }
  auto two = load_devices(default_platforms_dir(), "pi4b:ram=1G*1,pi4b*1,pi4b:ram=8G*1", 3);
  REQUIRE(two.ok());
  CHECK((*two)[0].ram_bytes == GiB);
  CHECK((*two)[1].ram_bytes == 4 * GiB);
  CHECK((*two)[1].name == "pi4b");
  CHECK((*two)[2].ram_bytes == 8 * GiB);
}

TEST_CASE("a variant whose RAM leaves a node nothing, or with a bad option, is refused naming it") {
  const std::string dir = default_platforms_dir();
  auto tiny = load_devices(dir, "pi4b:ram=256M", 1);
  REQUIRE_FALSE(tiny.ok());
  CHECK(tiny.status().message() ==
        "invalid value for device: 'pi4b:ram=256M' (256 MiB of RAM leaves nothing once the OS (182 MiB), the GPU "
        "(76 MiB) and the safety margin (64 MiB) are kept)");
  auto bad = load_devices(dir, "pi4b:ram=2G*2,pi3b+:ram=1X*1", 3);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("invalid value for device: 'pi3b+:ram=1X' (") == 0);
  auto unknown = load_devices(dir, "pi9:ram=1G", 1);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("unknown device profile 'pi9'") == 0);
}
