// write_whole_file: every failure is an error naming the file, and no partial file stays
// under the name. A full disk is made deterministic without privileges: /dev/full answers
// every write with ENOSPC, and a file size limit (RLIMIT_FSIZE) cuts a regular file short
// after its first bytes, as a disk filling up mid-write does.
#include "core/metrics/whole_file.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <filesystem>

#include <doctest/doctest.h>

#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using ringtmp::testing::TempDir;

TEST_CASE("write_whole_file writes the bytes, replacing what was there") {
  TempDir tmp;
  const std::string path = tmp.file("a.json");
  REQUIRE(write_whole_file(path, "a longer first version\n").ok());
  REQUIRE(write_whole_file(path, "{}\n").ok());
  const auto bytes = ringtmp::testing::read_bytes(path);
  CHECK(std::string(bytes.begin(), bytes.end()) == "{}\n");
}

TEST_CASE("a full disk (ENOSPC, /dev/full) is an error naming the file") {
  auto s = write_whole_file("/dev/full", "{\"loss\": 1}\n");
  REQUIRE(!s.ok());
  CHECK(s.message() == "/dev/full: cannot write (No space left on device)");
  CHECK(std::filesystem::exists("/dev/full"));  // a device is not removed
}

TEST_CASE("a file cut short mid-write is removed, not left truncated") {
  TempDir tmp;
  const std::string path = tmp.file("timeline.json");
  const std::string text(64 * 1024, 'x');
  // Over the limit a write fails with EFBIG (SIGXFSZ ignored, as a full disk has no signal).
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &ignore, &previous);
  rlimit small = saved;
  small.rlim_cur = 4096;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  const Status s = write_whole_file(path, text);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::sigaction(SIGXFSZ, &previous, nullptr);
  REQUIRE(!s.ok());
  CHECK(s.message() == path + ": cannot write (File too large)");
  CHECK(!std::filesystem::exists(path));
}

TEST_CASE("a file that cannot be opened is an error naming it") {
  TempDir tmp;
  auto s = write_whole_file(tmp.file("no/such/folder/summary.json"), "{}");
  REQUIRE(!s.ok());
  CHECK(s.message() == tmp.file("no/such/folder/summary.json") + ": cannot write (No such file or directory)");
  s = write_whole_file(tmp.path().string(), "{}");  // a folder in its place
  REQUIRE(!s.ok());
  CHECK(s.message().find("Is a directory") != std::string::npos);
  CHECK(std::filesystem::is_directory(tmp.path()));
}
