// Device and network profiles: the repository's all load with a source for every number;
// a profile without sources, with a bad number or of an unknown name is refused clearly.
#include "core/platform/profiles.hpp"

#include <algorithm>
#include <fstream>
#include <tuple>

#include <fmt/format.h>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "tests/data/temp_dir.hpp"

using namespace ringtmp;

namespace {
// The reserves every device profile states (after ram_bytes), none here.
const std::string kNoReserves = "os_reserved_bytes = 0\nos_reserved_bytes_source = f\ngpu_reserved_bytes = 0\n"
                                "gpu_reserved_bytes_source = g\n";
}  // namespace

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
                           "ram_bytes = 1e9\nram_bytes_source = c\n" + kNoReserves +
                           "idle_w = 2\nidle_w_source = d\nbusy_w = 5\nbusy_w_source = e\n";
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
           Case{"[device]\nflops = 1e9\nflops_source = a\ncores = 4\ncores_source = b\nram_bytes = 1e9\n"
                "ram_bytes_source = c\n" + kNoReserves + "idle_w = 5\nidle_w_source = d\nbusy_w = 2\nbusy_w_source = e\n",
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

// Regression (issue 11): numbers SimGrid cannot take once reached it: cores = 0.5 became 0
// cores, 3e9 and 1e300 overflowed the int; stations_per_ap = 0.5 divided by zero (SIGFPE);
// flops = 1e308 overflowed the solver. Refused here, naming file, key and value.
TEST_CASE("profile numbers are checked for type and range") {
  const std::string device = "[device]\nflops = {}\nflops_source = a\ncores = {}\ncores_source = b\n"
                             "ram_bytes = 1e9\nram_bytes_source = c\n" + kNoReserves +
                             "idle_w = 2\nidle_w_source = d\nbusy_w = 5\nbusy_w_source = e\n";
  CHECK(parse_device_profile(fmt::format(fmt::runtime(device), "1e9", "4"), "d", "d.ini").ok());
  CHECK(parse_device_profile(fmt::format(fmt::runtime(device), "1e15", "1024"), "d", "d.ini").ok());
  struct Case {
    const char *flops, *cores, *why;
  };
  for (const auto& [flops, cores, why] :
       {Case{"1e9", "0.5", "'cores' = '0.5' is not a positive whole number in 1..1024"},
        Case{"1e9", "3e9", "'cores' = '3e9' is not a positive whole number"},
        Case{"1e9", "1e300", "'cores' = '1e300' is not"}, Case{"1e9", "0", "'cores' = '0' is not"},
        Case{"1e9", "1025", "'cores' = '1025' is not"}, Case{"1e9", "4.0", "'cores' = '4.0' is not"},
        Case{"1e9", "+4", "'cores' = '+4' is not"}, Case{"1e9", "99999999999999999999", "'cores' = '9999"},
        Case{"1e308", "4", "d.ini: 'flops' = '1e308' is not a positive number in 1..1e+15"},
        Case{"inf", "4", "'flops' = 'inf' is not"}, Case{"nan", "4", "'flops' = 'nan' is not"},
        Case{"0x10", "4", "'flops' = '0x10' is not"}, Case{"1e-320", "4", "'flops' = '1e-320' is not"},
        Case{"0", "4", "'flops' = '0' is not"}}) {
    CAPTURE(flops);
    CAPTURE(cores);
    auto p = parse_device_profile(fmt::format(fmt::runtime(device), flops, cores), "d", "d.ini");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find(why) != std::string::npos);
    CHECK(p.status().message().find("profile d.ini: ") == 0);
  }
  const std::string wifi = "[network]\nkind = wifi\nbandwidth_bps = {}\nbandwidth_bps_source = a\nlatency_s = {}\n"
                           "latency_s_source = a\nstations_per_ap = {}\nstations_per_ap_source = a\nbackbone_bps = 1e9\n"
                           "backbone_bps_source = a\nbackbone_latency_s = 1e-4\nbackbone_latency_s_source = a\n"
                           "idle_w = 0.8\nidle_w_source = a\ntx_w = 1\ntx_w_source = a\nrx_w = 1\nrx_w_source = a\n";
  CHECK(parse_network_profile(fmt::format(fmt::runtime(wifi), "42e6", "3e-3", "24"), "n", "n.ini").ok());
  for (const auto& [bps, latency, stations, why] :
       {std::tuple{"42e6", "3e-3", "0.5", "'stations_per_ap' = '0.5' is not a positive whole number in 1..1024"},
        std::tuple{"42e6", "3e-3", "0", "'stations_per_ap' = '0' is not"},
        std::tuple{"1e300", "3e-3", "24", "'bandwidth_bps' = '1e300' is not a positive number in 1..1e+13"},
        std::tuple{"42e6", "1e-12", "24", "'latency_s' = '1e-12' is not a positive number in 1e-09..60"},
        std::tuple{"42e6", "3600", "24", "'latency_s' = '3600' is not"}}) {
    CAPTURE(stations);
    auto n = parse_network_profile(fmt::format(fmt::runtime(wifi), bps, latency, stations), "n", "n.ini");
    REQUIRE_FALSE(n.ok());
    CHECK(n.status().message().find(why) != std::string::npos);
  }
}

TEST_CASE("device memory: RAM, the OS's and GPU's reserves, each with a source and in range") {
  const std::string device = "[device]\nflops = 1e9\nflops_source = a\ncores = 4\ncores_source = b\n"
                             "ram_bytes = {}\nram_bytes_source = c\nos_reserved_bytes = {}\nos_reserved_bytes_source = f\n"
                             "gpu_reserved_bytes = {}\ngpu_reserved_bytes_source = g\n"
                             "idle_w = 2\nidle_w_source = d\nbusy_w = 5\nbusy_w_source = e\n";
  auto ok = parse_device_profile(fmt::format(fmt::runtime(device), "1e9", "1e8", "5e7"), "d", "d.ini");
  REQUIRE_MESSAGE(ok.ok(), ok.status().message());
  CHECK(ok->ram_bytes == 1000000000);
  CHECK(ok->os_reserved_bytes == 100000000);
  CHECK(ok->gpu_reserved_bytes == 50000000);
  // 1e9 - 1e8 - 5e7 - max(64 MiB, 5% of 1e9 = 5e7).
  CHECK(ok->usable_memory_bytes() == 1000000000 - 100000000 - 50000000 - (int64_t(64) << 20));
  CHECK(node_memory_budget(*ok, 0) == ok->usable_memory_bytes());
  CHECK(node_memory_budget(*ok, int64_t(3) << 30) == int64_t(3) << 30);  // --memory-budget wins, even above RAM
  // Reserves may be 0 (a test device, or a host whose RAM figure already leaves them out).
  CHECK(parse_device_profile(fmt::format(fmt::runtime(device), "1e9", "0", "0"), "d", "d.ini").ok());
  // The last byte: reserves + margin one byte below the RAM leave 1 byte; equal, nothing.
  const int64_t margin = memory_margin_bytes(1000000000);
  auto last = parse_device_profile(fmt::format(fmt::runtime(device), "1e9", 1000000000 - margin - 1, 0), "d", "d.ini");
  REQUIRE(last.ok());
  CHECK(last->usable_memory_bytes() == 1);
  struct Case {
    std::string ram, os, gpu;
    const char* why;
  };
  for (const auto& [ram, os, gpu, why] :
       {Case{"1e9", "-1", "0", "'os_reserved_bytes' = '-1' is not a non-negative number in 0..1e+15"},
        Case{"1e9", "0", "2e15", "'gpu_reserved_bytes' = '2e15' is not"},
        Case{"1e9", "1e8.5", "0", "'os_reserved_bytes' = '1e8.5' is not"},
        Case{"1000.5", "0", "0", "'ram_bytes' = '1000.5' is not a whole number of bytes"},
        Case{"0", "0", "0", "'ram_bytes' = '0' is not a positive number"},
        Case{"1G", "0", "0", "'ram_bytes' = '1G' is not"},
        Case{"1e9", "9e8", "1e8", "954 MiB of RAM leaves nothing once the OS (858 MiB), the GPU (95.4 MiB) and the "
                                  "safety margin (64 MiB) are kept"},
        Case{"1e9", "2e9", "0", "leaves nothing"},
        Case{"1e9", std::to_string(1000000000 - margin), "0", "leaves nothing"}}) {
    CAPTURE(ram);
    CAPTURE(os);
    auto p = parse_device_profile(fmt::format(fmt::runtime(device), ram, os, gpu), "d", "d.ini");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find("profile d.ini: ") == 0);
    CHECK(p.status().message().find(why) != std::string::npos);
  }
  // Every memory key needs its source, like every other number.
  const std::string full = fmt::format(fmt::runtime(device), "1e9", "0", "0");
  for (const char* key : {"os_reserved_bytes", "gpu_reserved_bytes"}) {
    CAPTURE(key);
    const std::string source = std::string(key) + "_source";
    const size_t at = full.find(source);
    std::string without = full;
    without.erase(at, full.find('\n', at) + 1 - at);
    auto p = parse_device_profile(without, "d", "d.ini");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find(fmt::format("'{}' has no '{}'", key, source)) != std::string::npos);
    const size_t line = full.find(fmt::format("{} = ", key));
    std::string missing = full;
    missing.erase(line, full.find('\n', line) + 1 - line);
    auto q = parse_device_profile(missing, "d", "d.ini");
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().message().find(fmt::format("missing key '{}'", key)) != std::string::npos);
  }
}

TEST_CASE("the shipped Pis leave what their sources say") {
  constexpr int64_t MiB = int64_t(1) << 20;
  const std::string dir = default_platforms_dir();
  auto pi3 = load_device_profile(dir, "pi3b+");
  REQUIRE(pi3.ok());
  // 1 GiB - 118 MiB (kernel + OS after boot) - 76 MiB (gpu_mem) - 64 MiB (margin: 5% is less).
  CHECK(pi3->usable_memory_bytes() == (1024 - 118 - 76 - 64) * MiB);
  auto pi4 = load_device_profile(dir, "pi4b");
  REQUIRE(pi4.ok());
  // 4 GiB - 182 MiB - 76 MiB - 5% of 4 GiB.
  CHECK(pi4->usable_memory_bytes() == 4096 * MiB - 182 * MiB - 76 * MiB - 4096 * MiB / 20);
  CHECK(memory_margin_bytes(int64_t(1) << 30) == 64 * MiB);
  CHECK(memory_margin_bytes(int64_t(8) << 30) == (int64_t(8) << 30) / 20);
}

TEST_CASE("a device's storage: optional (absent: not modelled), in range, with its sources") {
  const std::string device = "[device]\nflops = 1e9\nflops_source = a\ncores = 4\ncores_source = b\n"
                             "ram_bytes = 1e9\nram_bytes_source = c\n" + kNoReserves +
                             "idle_w = 2\nidle_w_source = d\nbusy_w = 5\nbusy_w_source = e\n";
  auto without = parse_device_profile(device, "d", "d.ini");  // a profile from before the keys
  REQUIRE(without.ok());
  CHECK_FALSE(without->storage_write_bps);
  CHECK(without->storage_latency_s == 0);

  auto with = parse_device_profile(device + "storage_write_bps = 36.3e6\nstorage_write_bps_source = f\n"
                                            "storage_latency_s = 0.0044\nstorage_latency_s_source = g\n",
                                   "d", "d.ini");
  REQUIRE_MESSAGE(with.ok(), with.status().message());
  CHECK(*with->storage_write_bps == 36.3e6);
  CHECK(with->storage_latency_s == 0.0044);
  auto no_latency = parse_device_profile(device + "storage_write_bps = 1e3\nstorage_write_bps_source = f\n", "d", "d.ini");
  REQUIRE(no_latency.ok());
  CHECK(no_latency->storage_latency_s == 0);
  CHECK(parse_device_profile(device + "storage_write_bps = 1e12\nstorage_write_bps_source = f\n"
                                      "storage_latency_s = 60\nstorage_latency_s_source = g\n", "d", "d.ini").ok());

  for (const auto& [extra, why] : {
           std::pair{"storage_write_bps = 999\nstorage_write_bps_source = f\n",
                     "profile d.ini: 'storage_write_bps' = '999' is not a positive number in 1000..1e+12"},
           {"storage_write_bps = 2e12\nstorage_write_bps_source = f\n", "'storage_write_bps' = '2e12'"},
           {"storage_write_bps = fast\nstorage_write_bps_source = f\n", "'storage_write_bps' = 'fast'"},
           {"storage_write_bps = 1e6\n", "'storage_write_bps' has no 'storage_write_bps_source'"},
           {"storage_write_bps = 1e6\nstorage_write_bps_source = f\nstorage_latency_s = 61\nstorage_latency_s_source = g\n",
            "profile d.ini: 'storage_latency_s' = '61' is not a non-negative number in 0..60"},
           {"storage_write_bps = 1e6\nstorage_write_bps_source = f\nstorage_latency_s = -1\nstorage_latency_s_source = g\n",
            "'storage_latency_s' = '-1'"},
           {"storage_write_bps = 1e6\nstorage_write_bps_source = f\nstorage_latency_s = 0.01\n",
            "'storage_latency_s' has no 'storage_latency_s_source'"},
           {"storage_latency_s = 0.01\nstorage_latency_s_source = g\n",
            "'storage_latency_s' without 'storage_write_bps'"}}) {
    CAPTURE(extra);
    auto p = parse_device_profile(device + extra, "d", "d.ini");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().message().find(why) != std::string::npos);
  }
}

TEST_CASE("the shipped devices state their storage, and RAM variants keep it") {
  const std::string dir = default_platforms_dir();
  for (const char* name : {"pi4b", "pi3b+", "host"}) {
    CAPTURE(name);
    auto d = load_device_profile(dir, name);
    REQUIRE(d.ok());
    REQUIRE(d->storage_write_bps);
    CHECK(*d->storage_write_bps >= 1e6);  // every card here writes megabytes a second
  }
  auto pi4 = load_device_profile(dir, "pi4b");
  auto variant = load_devices(dir, "pi4b:ram=2G", 1);
  REQUIRE(variant.ok());
  CHECK((*variant)[0].storage_write_bps == pi4->storage_write_bps);
  CHECK((*variant)[0].storage_latency_s == pi4->storage_latency_s);
}

TEST_CASE("a Wi-Fi profile's air_latency_s and air_efficiency: checked, with their sources") {
  const std::string wifi = "[network]\nkind = wifi\nbandwidth_bps = 42e6\nbandwidth_bps_source = a\nlatency_s = 3e-3\n"
                           "latency_s_source = a\nstations_per_ap = 24\nstations_per_ap_source = a\nbackbone_bps = 1e9\n"
                           "backbone_bps_source = a\nbackbone_latency_s = 1e-4\nbackbone_latency_s_source = a\n"
                           "idle_w = 0.8\nidle_w_source = a\ntx_w = 1\ntx_w_source = a\nrx_w = 1\nrx_w_source = a\n";
  auto plain = parse_network_profile(wifi, "n", "n.ini");
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->air_latency_s);
  CHECK(plain->air_efficiency.lossless());
  CHECK(plain->air_efficiency.at(50) == 1);

  auto fitted = parse_network_profile(wifi + "air_latency_s = 1.25e-4\nair_latency_s_source = b\n"
                                             "air_efficiency = 2:0.9 4:0.8 8:0.6\nair_efficiency_source = c\n",
                                      "n", "n.ini");
  REQUIRE_MESSAGE(fitted.ok(), fitted.status().message());
  CHECK(*fitted->air_latency_s == 1.25e-4);
  const AirEfficiency& e = fitted->air_efficiency;
  CHECK(e.at(1) == 1);
  CHECK(e.at(2) == doctest::Approx(0.9));
  CHECK(e.at(3) == doctest::Approx(0.85));  // between points: linear
  CHECK(e.at(6) == doctest::Approx(0.7));
  CHECK(e.at(8) == doctest::Approx(0.6));
  CHECK(e.at(100) == doctest::Approx(0.6));  // past the last: held

  for (const auto& [extra, why] :
       {std::pair{"air_latency_s = 4e-3\nair_latency_s_source = b\n", "air_latency_s 0.004 is above latency_s 0.003"},
        std::pair{"air_latency_s = 1e-4\n", "'air_latency_s' has no 'air_latency_s_source'"},
        std::pair{"air_efficiency = 2:0.9\n", "'air_efficiency' has no 'air_efficiency_source'"},
        std::pair{"air_efficiency = 2:1.5\nair_efficiency_source = c\n", "point '2:1.5': the fraction must be in (0, 1]"},
        std::pair{"air_efficiency = 2:0\nair_efficiency_source = c\n", "point '2:0': the fraction must be in (0, 1]"},
        std::pair{"air_efficiency = 1:0.9\nair_efficiency_source = c\n", "point '1:0.9': flows must be a whole number"},
        std::pair{"air_efficiency = 4:0.9 2:0.8\nair_efficiency_source = c\n", "point '2:0.8': flow counts must increase"},
        std::pair{"air_efficiency = 2=0.9\nair_efficiency_source = c\n", "is not flows:fraction"},
        std::pair{"air_efficiency = 2.5:0.9\nair_efficiency_source = c\n", "point '2.5:0.9' is not flows:fraction"},
        std::pair{"air_efficiency = 2:nan\nair_efficiency_source = c\n", "point '2:nan'"}}) {
    CAPTURE(extra);
    auto n = parse_network_profile(wifi + extra, "n", "n.ini");
    REQUIRE_FALSE(n.ok());
    CHECK(n.status().message().find(why) != std::string::npos);
    CHECK(n.status().message().find("n.ini") != std::string::npos);
  }
}
