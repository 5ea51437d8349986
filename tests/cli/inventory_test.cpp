// The inventory: every form of a device line, and every refusal named by file and line.
#include "cli/inventory.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;
using namespace ringtmp::cli;

TEST_CASE("an inventory lists devices in rank order with their keys") {
  auto d = parse_inventory("# lab\n\npi@pi1.local   # rank 0\npi2:7100 address=10.0.0.12 ringtmp=/opt/rt/ringtmp dir=/home/pi/r "
                           "data-dir=/data\n[fe80::1]:7002\nuser@[fe80::2]\n",
                           "lab.txt");
  REQUIRE(d.ok());
  REQUIRE(d->size() == 4);
  CHECK((*d)[0].host == "pi@pi1.local");
  CHECK((*d)[0].address == "pi1.local");
  CHECK((*d)[0].port == kDefaultDevicePort);
  CHECK((*d)[0].ringtmp == "ringtmp");
  CHECK((*d)[0].line == 3);
  CHECK((*d)[1].host == "pi2");
  CHECK((*d)[1].port == 7100);
  CHECK((*d)[1].address == "10.0.0.12");
  CHECK((*d)[1].ringtmp == "/opt/rt/ringtmp");
  CHECK((*d)[1].dir == "/home/pi/r");
  CHECK((*d)[1].data_dir == "/data");
  CHECK((*d)[2].host == "fe80::1");
  CHECK((*d)[2].port == 7002);
  CHECK((*d)[3].host == "user@fe80::2");
  CHECK((*d)[3].address == "fe80::2");
}

TEST_CASE("a bad inventory line is refused, naming the file, the line and the culprit") {
  const auto error = [](const char* text) {
    auto d = parse_inventory(text, "inv");
    REQUIRE_FALSE(d.ok());
    return d.status().message();
  };
  CHECK(error("") == "inventory inv: no devices in it (one host[:port] per line)");
  CHECK(error("# only a comment\n") == "inventory inv: no devices in it (one host[:port] per line)");
  CHECK(error("pi1\npi2:0\n").starts_with("inventory inv line 2: 'pi2:0' has port '0'"));
  CHECK(error("pi1:70000\n").find("expected a number from 1 to 65535") != std::string::npos);
  CHECK(error("fe80::1\n").find("put an IPv6 address in brackets") != std::string::npos);
  CHECK(error("[fe80::1:7000\n").find("has an unclosed") != std::string::npos);
  CHECK(error("pi1 colour=blue\n") == "inventory inv line 1: unknown key 'colour' (keys: address, ringtmp, dir, data-dir)");
  CHECK(error("pi1 fast\n").find("'fast' is not key=value") != std::string::npos);
  CHECK(error("pi1 dir=\n").find("'dir' has no value") != std::string::npos);
  CHECK(error("pi1;reboot\n").find("not a host name or address") != std::string::npos);
  CHECK(error("-oProxyCommand=/tmp/evil:7000\n").find("not a host name or address") != std::string::npos);
  CHECK(error("pi1 address=-x\n").find("address '-x' is not a host name") != std::string::npos);
  CHECK(error("pi1 address=a;b\n").find("address 'a;b' is not a host name") != std::string::npos);
  CHECK(error("pi1\npi@pi1:7000\n").starts_with("inventory inv line 2: pi1:7000 is already another device's"));
  CHECK(error("a address=10.0.0.1\nb address=10.0.0.1\n").starts_with("inventory inv line 2: 10.0.0.1:7000"));
}
