// Key files: 64 hex digits, written 0600, and errors that name the file.
#include "runtime/cluster_key.hpp"

#include <sys/stat.h>

#include <doctest/doctest.h>

#include "tests/data/temp_dir.hpp"

using namespace ringtmp;

TEST_CASE("key: generated keys differ, round-trip through a 0600 key file") {
  const ClusterKey a = generate_cluster_key(), b = generate_cluster_key();
  CHECK(a != b);
  CHECK(to_hex(a).size() == 64);
  ringtmp::testing::TempDir dir;
  const std::string path = dir.file("cluster.key");
  REQUIRE(write_key_file(path, a).ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto back = load_key_file(path);
  REQUIRE(back.ok());
  CHECK(*back == a);
  // Overwriting keeps the mode and replaces the key.
  REQUIRE(write_key_file(path, b).ok());
  CHECK(*load_key_file(path) == b);
}

TEST_CASE("key: the parser accepts surrounding white space and either case, nothing else") {
  const std::string hex = std::string(62, 'A') + "0b";
  auto k = parse_cluster_key("  " + hex + "\r\n", "k");
  REQUIRE(k.ok());
  CHECK(k->bytes[0] == 0xaa);
  auto short_key = parse_cluster_key("abcd\n", "k.hex");
  REQUIRE(!short_key.ok());
  CHECK(short_key.status().message() ==
        "key file k.hex: expected 64 hexadecimal digits (a 32-byte key), found 4 characters");
  std::string bad = hex;
  bad[9] = 'g';
  auto not_hex = parse_cluster_key(bad, "k.hex");
  REQUIRE(!not_hex.ok());
  CHECK(not_hex.status().message() == "key file k.hex: character 10 is not a hexadecimal digit");
  CHECK(!parse_cluster_key(hex + " " + hex, "k").ok());
}

TEST_CASE("key: unreadable key files name the file") {
  ringtmp::testing::TempDir dir;
  auto missing = load_key_file(dir.file("none.key"));
  REQUIRE(!missing.ok());
  CHECK(missing.status().message().starts_with("key file " + dir.file("none.key") + ": cannot open it"));
  // Regression: /dev/zero as a key file was read for ever.
  auto device = load_key_file("/dev/zero");
  REQUIRE(!device.ok());
  CHECK(device.status().message() == "key file /dev/zero: is a character device, not a regular file");
  // Regression: a FIFO as a key file blocked the node for ever.
  const std::string fifo = dir.file("fifo.key");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto piped = load_key_file(fifo);
  REQUIRE(!piped.ok());
  CHECK(piped.status().message() == "key file " + fifo + ": is a FIFO, not a regular file");
  const std::string big = dir.file("big.key");
  ringtmp::testing::write_bytes(big, std::vector<uint8_t>(kMaxKeyFileBytes + 1, ' '));
  auto oversized = load_key_file(big);
  REQUIRE(!oversized.ok());
  CHECK(oversized.status().message().find("larger than 4096 bytes") != std::string::npos);
  const std::string binary = dir.file("binary.key");
  ringtmp::testing::write_bytes(binary, std::vector<uint8_t>(32, 0x11));
  auto raw = load_key_file(binary);
  REQUIRE(!raw.ok());
  CHECK(raw.status().message().starts_with("key file " + binary + ": expected 64 hexadecimal digits"));
  auto unwritable = write_key_file(dir.file("no/such/dir.key"), generate_cluster_key());
  REQUIRE(!unwritable.ok());
  CHECK(unwritable.message().starts_with("key file " + dir.file("no/such/dir.key") + ": cannot create it"));
}

TEST_CASE("key: a key file other users may read or change is refused, as ssh refuses such a private key") {
  ringtmp::testing::TempDir dir;
  const std::string path = dir.file("cluster.key");
  REQUIRE(write_key_file(path, generate_cluster_key()).ok());
  REQUIRE(load_key_file(path).ok());
  ::chmod(path.c_str(), 0644);
  auto readable = load_key_file(path);
  REQUIRE(!readable.ok());
  CHECK(readable.status().message() == "key file " + path + ": permissions 0644 let other users read it, and whoever "
                                       "reads the key can join the cluster; run: chmod 600 " + path);
  ::chmod(path.c_str(), 0620);
  auto writable = load_key_file(path);
  REQUIRE(!writable.ok());
  CHECK(writable.status().message().find("permissions 0620 let other users change it") != std::string::npos);
  ::chmod(path.c_str(), 0400);
  CHECK(load_key_file(path).ok());
}

TEST_CASE("key: a placeholder key (every byte the same) is refused") {
  auto zeros = parse_cluster_key(std::string(64, '0'), "k.hex");
  REQUIRE(!zeros.ok());
  CHECK(zeros.status().message() == "key file k.hex: every byte of the key is 00, a placeholder anyone could guess; "
                                    "use the key file a launch writes, or 64 random hex digits");
  CHECK(!parse_cluster_key(std::string(64, 'f'), "k.hex").ok());
  CHECK(parse_cluster_key(std::string(63, '0') + "1", "k.hex").ok());
}
