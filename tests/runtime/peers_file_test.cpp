// Peers files: the format documented in runtime/peers_file.hpp, and one clear line naming
// file and line for every way a file can be wrong.
#include "runtime/peers_file.hpp"

#include <doctest/doctest.h>

#include "tests/data/temp_dir.hpp"

using namespace ringtmp;

namespace {

std::string error_of(std::string_view text) {
  auto r = parse_peers(text, "p.txt");
  REQUIRE(!r.ok());
  return r.status().message();
}

}  // namespace

TEST_CASE("peers: one host:port per line in rank order, comments and blank lines skipped") {
  auto r = parse_peers("# the cluster\n10.0.0.11:5000\n\n  pi-b.local:5001   # second\r\n[fe80::1]:6000\n", "p");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0] == PeerAddress{"10.0.0.11", 5000});
  CHECK((*r)[1] == PeerAddress{"pi-b.local", 5001});
  CHECK((*r)[2] == PeerAddress{"fe80::1", 6000});
  CHECK(to_string((*r)[2]) == "[fe80::1]:6000");
  CHECK(to_string((*r)[0]) == "10.0.0.11:5000");
}

TEST_CASE("peers: every error names the file and the line") {
  CHECK(error_of("a:1\nnoport\n") == "peers file p.txt line 2: 'noport' is not host:port");
  CHECK(error_of("a:0\n") == "peers file p.txt line 1: 'a:0' has port '0', expected a number from 1 to 65535");
  CHECK(error_of("a:70000").find("line 1: 'a:70000' has port '70000'") != std::string::npos);
  CHECK(error_of("a:12x").find("has port '12x'") != std::string::npos);
  CHECK(error_of(":5000").find("is not host:port") != std::string::npos);
  CHECK(error_of("\n\nfe80::1:5000").find("line 3: 'fe80::1:5000': put an IPv6 address in brackets") != std::string::npos);
  CHECK(error_of("[fe80::1:5000").find("unclosed '['") != std::string::npos);
  CHECK(error_of("a b:5000").find("holds a space") != std::string::npos);
  CHECK(error_of("h:1\n# x\nh:2\nh:1\n") == "peers file p.txt line 4: h:1 is already rank 0 (line 1)");
  CHECK(error_of("# nothing\n\n") == "peers file p.txt lists no host:port");
  CHECK(error_of("") == "peers file p.txt lists no host:port");
}

TEST_CASE("peers: a host holding control bytes is refused (found by peers_fuzz)") {
  CHECK(error_of(std::string_view("[\r\0\0]:1", 7)).find("control character") != std::string::npos);
  CHECK(error_of("a\x7f" "b:5000").find("control character") != std::string::npos);
  CHECK(error_of("[[*1]:1").find("stray") != std::string::npos);
}

TEST_CASE("peers: one endpoint however it is spelt is a duplicate; several entries on a line are not IPv6") {
  CHECK(error_of("127.0.0.1:7001\nlocalhost:7001\n") ==
        "peers file p.txt line 2: localhost:7001 is already rank 0 (line 1: 127.0.0.1:7001)");
  CHECK(error_of("Pi-A.local:1\npi-a.LOCAL.:1\n").find("is already rank 0 (line 1: Pi-A.local:1)") != std::string::npos);
  CHECK(error_of("[::1]:9\n[0:0::1]:9\n").find("line 2: [0:0::1]:9 is already rank 0") != std::string::npos);
  CHECK(error_of("10.0.0.1:9\n[::ffff:10.0.0.1]:9\n").find("is already rank 0") != std::string::npos);
  CHECK(parse_peers("127.0.0.1:7001\nlocalhost:7002\n127.0.0.2:7001\n", "p").ok());
  CHECK(error_of("10.0.0.1:5000 10.0.0.2:5000\n") ==
        "peers file p.txt line 1: '10.0.0.1:5000 10.0.0.2:5000' holds a space; one host:port per line");
}

TEST_CASE("peers: a 100,000-line file, its duplicate caught at the last line") {
  // The duplicate check once compared every pair (7.3 s for these lines); it is a set now.
  // The speed is measured outside ctest; this checks the set finds what the pairs found.
  std::string text;
  for (int i = 0; i < 100000; ++i) text += fmt::format("10.{}.{}.{}:{}\n", i >> 16, (i >> 8) & 255, i & 255, 5000);
  auto r = parse_peers(text, "p");
  REQUIRE(r.ok());
  CHECK(r->size() == 100000);
  CHECK(error_of(text + "10.0.0.7:5000\n") == "peers file p.txt line 100001: 10.0.0.7:5000 is already rank 7 (line 8)");
}

TEST_CASE("peers: loading a file, and files that cannot be read") {
  ringtmp::testing::TempDir dir;
  const std::string path = dir.file("peers.txt");
  {
    std::ofstream(path) << "127.0.0.1:5000\n127.0.0.1:5001\n";
  }
  auto r = load_peers_file(path);
  REQUIRE(r.ok());
  CHECK(r->size() == 2);
  auto missing = load_peers_file(dir.file("nope.txt"));
  REQUIRE(!missing.ok());
  CHECK(missing.status().message().starts_with("peers file " + dir.file("nope.txt") + ": cannot open it"));
  // Regression: /dev/zero as a peers file grew to 3.2 GB before anything stopped it.
  auto device = load_peers_file("/dev/zero");
  REQUIRE(!device.ok());
  CHECK(device.status().message() == "peers file /dev/zero: is a character device, not a regular file");
  auto directory = load_peers_file(dir.path().string());
  REQUIRE(!directory.ok());
  CHECK(directory.status().message().find("is a directory") != std::string::npos);
}
