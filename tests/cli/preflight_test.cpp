// Reading a device's preflight answers: what stops a launch, what only warns, and a device
// that could not run the script at all.
#include "cli/preflight.hpp"

#include <doctest/doctest.h>

#include "cli/build_info.hpp"


using namespace ringtmp::cli;

namespace {

PreflightNeeds needs() {
  PreflightNeeds n;
  n.ringtmp = "/opt/ringtmp";
  n.version = "ringtmp 0.1.0 (git commit abc)";
  n.data_dir = "/usr/share/datasets/fashion-mnist";
  n.dataset_files = {"train-images-idx3-ubyte"};
  n.peak_bytes = int64_t(600) << 20;
  n.role = "node 1 (ring stage 1)";
  return n;
}

RemoteResult answered(const std::string& lines) { return {0, lines, "", "exited with code 0"}; }

}  // namespace

TEST_CASE("a healthy device: no problem, no warning") {
  auto f = read_preflight(answered("Welcome to the Pi\nrt-version=ringtmp 0.1.0 (git commit abc)\nrt-memavailable-kb=3000000\n"
                                   "rt-governor=performance\nrt-power-save=off\nrt-throttled=0x0\nrt-done=1\n"),
                          needs());
  CHECK(f.problems.empty());
  CHECK(f.warnings.empty());
}

TEST_CASE("every problem and warning is its own line") {
  auto f = read_preflight(answered("rt-version=ringtmp 0.0.9 (git commit old)\nrt-memavailable-kb=204800\nrt-governor=ondemand\n"
                                   "rt-power-save=on\nrt-throttled=0x50005\nrt-missing=/d/train-images-idx3-ubyte\n"
                                   "rt-missing=/d/t10k-images-idx3-ubyte\nrt-done=1\n"),
                          needs());
  REQUIRE(f.problems.size() == 3);
  CHECK(f.problems[0] == "runs ringtmp 0.0.9 (git commit old), the launcher ringtmp 0.1.0 (git commit abc) (the same build on every device)");
  CHECK(f.problems[1].starts_with("dataset missing: /d/train-images-idx3-ubyte[.gz], /d/t10k-images-idx3-ubyte[.gz]"));
  CHECK(f.problems[2] == "200 MiB available, node 1 (ring stage 1) needs 600 MiB at its peak (the memory plan)");
  REQUIRE(f.warnings.size() == 3);
  CHECK(f.warnings[0].starts_with("CPU governor is 'ondemand'"));
  CHECK(f.warnings[1].find("sudo iw dev wlan0 set power_save off") != std::string::npos);
  CHECK(f.warnings[2].starts_with("vcgencmd get_throttled says '0x50005'"));
}

TEST_CASE("no ringtmp on the device, or no answer at all") {
  auto none = read_preflight(answered("rt-version=\nrt-done=1\n"), needs());
  REQUIRE(none.problems.size() == 1);
  CHECK(none.problems[0] == "no ringtmp there as '/opt/ringtmp' (install it there, or give its path as ringtmp= in the inventory)");
  auto unreachable = read_preflight({255, "", "ssh: connect to host pi9 port 22: No route to host\r\n", "exited with code 255"}, needs());
  REQUIRE(unreachable.problems.size() == 1);
  CHECK(unreachable.problems[0] ==
        "cannot run the preflight there (exited with code 255): ssh: connect to host pi9 port 22: No route to host");
}

TEST_CASE("the preflight script quotes what the inventory gave") {
  PreflightNeeds n = needs();
  n.ringtmp = "/opt/it's/ringtmp";
  const std::string script = preflight_script(n);
  CHECK(script.find("R='/opt/it'\\''s/ringtmp'") != std::string::npos);
  CHECK(script.find("say done 1") != std::string::npos);
}

TEST_CASE("the preflight script runs in sh and says what this machine lacks") {
  PreflightNeeds n = needs();
  n.ringtmp = RINGTMP_BINARY;
  n.version = version_line();
  n.data_dir = "/nonexistent/back\\slash";
  n.peak_bytes = 1;
  auto r = run_remote({"sh", "-c", preflight_script(n)});
  REQUIRE(r.ok());
  auto f = read_preflight(*r, n);
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].starts_with("dataset missing: /nonexistent/back\\\\slash/train-images-idx3-ubyte[.gz]"));
}
