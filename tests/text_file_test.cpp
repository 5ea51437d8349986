// read_text_file: regular files only, never more than the cap, errors naming the file.
#include "core/text_file.hpp"

#include <sys/stat.h>

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using ringtmp::testing::TempDir;

namespace {

std::string error_of(const std::string& path, size_t cap = 1 << 20) {
  auto r = read_text_file(path, "test file", cap);
  REQUIRE_MESSAGE(!r.ok(), path << " was read");
  CHECK(r.status().message().starts_with("test file " + path + ": "));
  return r.status().message();
}

}  // namespace

TEST_CASE("a regular file is read whole up to its cap, and not past it") {
  TempDir dir;
  const std::string p = dir.file("a.txt");
  ringtmp::testing::write_bytes(p, std::vector<uint8_t>(100, 'x'));
  auto whole = read_text_file(p, "test file", 100);
  REQUIRE(whole.ok());
  CHECK(*whole == std::string(100, 'x'));
  CHECK(error_of(p, 99).find("larger than 99 bytes") != std::string::npos);
  auto empty = dir.file("empty.txt");
  ringtmp::testing::write_bytes(empty, {});
  CHECK(read_text_file(empty, "test file", 10).ok());
}

TEST_CASE("FIFOs, devices, directories and missing files are refused without blocking") {
  // Regression: a FIFO blocked the open until a writer came; /dev/zero was read until the
  // memory ran out.
  TempDir dir;
  const std::string fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(error_of(fifo).find("is a FIFO, not a regular file") != std::string::npos);
  CHECK(error_of("/dev/zero").find("is a character device, not a regular file") != std::string::npos);
  CHECK(error_of(dir.path().string()).find("is a directory") != std::string::npos);
  CHECK(error_of(dir.file("absent")).find("cannot open it (No such file or directory)") != std::string::npos);
}

TEST_CASE("a path holding a newline or control bytes is named on one line") {
  // Regression (run_options_fuzz): `--config` with a newline in the path broke the message
  // over two lines. A newline is legal in a file name, so the name is escaped, not refused.
  TempDir dir;
  const std::string odd = dir.file("con\nfig\x01.ini");
  auto r = read_text_file(odd, "config file", 1 << 20);
  REQUIRE(!r.ok());
  CHECK(r.status().message().find('\n') == std::string::npos);
  CHECK(r.status().message().find("con\\x0afig\\x01.ini: cannot open it") != std::string::npos);
  // Written that way, the file is read like any other.
  ringtmp::testing::write_bytes(odd, {'x'});
  CHECK(*read_text_file(odd, "config file", 1 << 20) == "x");
  // Plain paths are shown as they are.
  CHECK(printable_path("/tmp/a b/c.ini") == "/tmp/a b/c.ini");
}
