// Device and network profiles: the repository's all load with a source for every number;
// a profile without sources, with a bad number or of an unknown name is refused clearly.
#include "core/platform/profiles.hpp"

#include <algorithm>
#include <fstream>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "tests/data/temp_dir.hpp"

using namespace ringtmp;

TEST_CASE("every profile in platforms/ loads, every number with its source") {
  const std::string dir = default_platforms_dir();
  const auto devices = list_profiles(dir, "devices");
  const auto networks = list_profiles(dir, "networks");
  for (const char* required : {"pi3b+", "pi4b"})
    CHECK(std::find(devices.begin(), devices.end(), required) != devices.end());
  for (const char* required : {"wifi-n", "wifi-ac", "ethernet-100m", "ethernet-1g"})
    CHECK(std::find(networks.begin(), networks.end(), required) != networks.end());
  for (const auto& d : devices) {
    CAPTURE(d);
    auto p = load_device_profile(dir, d);
    REQUIRE_MESSAGE(p.ok(), p.status().message());
    CHECK(p->flops > 1e8);
    CHECK(p->busy_w >= p->idle_w);
  }
  for (const auto& n : networks) {
    CAPTURE(n);
    auto p = load_network_profile(dir, n);
    REQUIRE_MESSAGE(p.ok(), p.status().message());
    if (p->kind == NetworkKind::wifi) CHECK(p->stations_per_ap >= 1);
  }
}

TEST_CASE("profiles without a source, with a bad number or unknown are refused by name") {
  testing::TempDir tmp;
  std::filesystem::create_directories(tmp.path() / "devices");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(tmp.file("devices/" + name + ".ini")) << text;
  };
  const std::string good = "[device]\nflops = 1e9\nflops_source = a\ncores = 4\ncores_source = b\n"
                           "ram_bytes = 1e9\nram_bytes_source = c\nidle_w = 2\nidle_w_source = d\n"
                           "busy_w = 5\nbusy_w_source = e\n";
  write("good", good);
  CHECK(load_device_profile(tmp.path().string(), "good").ok());
  CHECK(load_device_profile(tmp.path().string(), tmp.file("devices/good.ini")).ok());  // a path works too
  struct Case {
    std::string text, why;
  };
  for (const auto& [text, why] : {
           Case{good.substr(0, good.find("flops_source")) + good.substr(good.find("cores")), "'flops' has no 'flops_source'"},
           Case{"[device]\nflops = fast\n", "'flops' = 'fast' is not a positive number"},
           Case{"[device]\nflops = -1\nflops_source = x\n", "is not a positive number"},
           Case{"[device]\ncores = 4\ncores_source = x\n", "missing key 'flops'"},
           Case{"flops = 1\n", "key outside section [device]"},
           Case{"[device\n", "unclosed section header"},
           Case{"[device]\njust words\n", "expected key = value"},
           Case{good + "flops = 2\n", "key 'flops' given twice"},
           Case{"[device]\nflops = 1e9\nflops_source = a\ncores = 4\ncores_source = b\nram_bytes = 1\n"
                "ram_bytes_source = c\nidle_w = 5\nidle_w_source = d\nbusy_w = 2\nbusy_w_source = e\n",
                "busy_w 2 is below idle_w 5"}}) {
    CAPTURE(text);
    write("bad", text);
    auto p = load_device_profile(tmp.path().string(), "bad");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find(why) != std::string::npos);
  }
  auto unknown = load_device_profile(tmp.path().string(), "pi9");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("unknown device profile 'pi9' (known: bad, good") == 0);
  CHECK_FALSE(load_device_profile(tmp.path().string(), "../devices/good").ok());
  CHECK_FALSE(load_network_profile(tmp.path().string(), "wifi-n").ok());
}

TEST_CASE("device mixes expand in rank order and must add up") {
  auto one = expand_device_mix("pi4b", 3);
  REQUIRE(one.ok());
  CHECK(*one == std::vector<std::string>{"pi4b", "pi4b", "pi4b"});
  auto mix = expand_device_mix("pi4b*2, pi3b+*1", 3);
  REQUIRE(mix.ok());
  CHECK(*mix == std::vector<std::string>{"pi4b", "pi4b", "pi3b+"});
  for (auto [spec, why] : {std::pair{"pi4b*2,pi3b+*2", "describes 4 devices but the run has 3"},
                           {"pi4b*x", "write name*count"}, {"*3", "write name*count"},
                           {"pi4b*0,pi3b+*3", "write name*count"}, {"pi4b*3,", "write name*count"},
                           {"pi4b,pi3b+", "write name*count"}}) {
    CAPTURE(spec);
    auto r = expand_device_mix(spec, 3);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(why) != std::string::npos);
  }
}

TEST_CASE("device mixes: items without a count, and counts past the run, are refused") {
  // Regression: an item without '*' formed a pointer past its string (UBSan: pointer
  // overflow), and 'pi4b*2147483647' allocated two billion names before the total was checked.
  for (auto [spec, why] : {std::pair{"pi4b*2,pi3b+", "'pi3b+' in"}, {"pi3b+,pi4b*2", "'pi3b+' in"},
                           {"pi4b*2, ,pi3b+*1", "'' in"}, {"pi4b*", "'pi4b*' in"}}) {
    CAPTURE(spec);
    auto r = expand_device_mix(spec, 3);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(why) != std::string::npos);
  }
  for (auto [spec, total] : {std::pair{"pi4b*2147483647", "2147483647"},
                             {"pi4b*2147483647,pi3b+*2147483647", "4294967294"}}) {
    CAPTURE(spec);
    auto r = expand_device_mix(spec, 3);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(std::string("describes ") + total + " devices but the run has 3") !=
          std::string::npos);
  }
  CHECK(!expand_device_mix("pi4b*99999999999", 3).ok());  // past int: not a count
}

TEST_CASE("a profile must be a regular file") {
  ringtmp::testing::TempDir dir;
  const std::string p = dir.file("fifo.ini");
  REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
  auto r = load_device_profile(default_platforms_dir(), p);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find(p) != std::string::npos);
}

TEST_CASE("load_devices gives every rank its device's profile") {
  const std::string dir = default_platforms_dir();
  auto devices = load_devices(dir, "pi4b*2,pi3b+*1", 3);
  REQUIRE(devices.ok());
  REQUIRE(devices->size() == 3);
  CHECK((*devices)[0].name == "pi4b");
  CHECK((*devices)[1].name == "pi4b");
  CHECK((*devices)[2].name == "pi3b+");
  CHECK((*devices)[2].flops < (*devices)[0].flops);
  auto unknown = load_devices(dir, "pi4b*1,pi9*2", 3);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message().find("unknown device profile 'pi9'") != std::string::npos);
  CHECK_FALSE(load_devices(dir, "pi4b*2", 3).ok());
}
