// Resuming takes the newest complete set, says which newer ones it passed over, and refuses a
// set that is not this run's (another config, another number of parts, a misnamed or damaged
// file) rather than falling back to an older one.
#include "core/checkpoint/checkpoint_set.hpp"

#include <filesystem>

#include <doctest/doctest.h>

#include "tests/checkpoint/refusal.hpp"
#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using ringtmp::testing::TempDir;
using ringtmp::testing::contains;
using ringtmp::testing::refusal;
namespace fs = std::filesystem;

namespace {

const std::string kConfig = "ringtmp-config-digest-v2\nstrategy=ring\nlr=0.1\nnodes=3\n";

NodeCheckpoint part_of(int64_t iteration, int part, int parts, const std::string& config = kConfig) {
  NodeCheckpoint c;
  c.config = config;
  c.part = part;
  c.parts = parts;
  c.role = "stage " + std::to_string(part);
  c.iteration = iteration;
  c.samples = iteration * 32;
  c.clock = double(iteration) / 4;
  c.losses = {{iteration, c.clock, 1.5, 32}};
  c.tensors = {{"params", FloatBuffer(5, float(part) + float(iteration) / 100)}};
  return c;
}

void write_set(const std::string& dir, int64_t iteration, int parts, int leave_out = -1) {
  for (int part = 0; part < parts; ++part)
    if (part != leave_out) REQUIRE(write_checkpoint_file(checkpoint_file_path(dir, iteration, part), part_of(iteration, part, parts)).ok());
}


}  // namespace

TEST_CASE("checkpoint files are named by iteration and part") {
  CHECK(checkpoint_file_path("ck", 40, 3) == "ck/iteration-00000040/part-0003.rtc");
  CHECK(checkpoint_file_path("ck", 123456789, 12345) == "ck/iteration-123456789/part-12345.rtc");
}

TEST_CASE("the iteration folders are listed newest first; other names are ignored") {
  TempDir dir;
  const std::string d = dir.path().string();
  for (const char* name : {"iteration-00000010", "iteration-00000030", "iteration-00000020", "iteration-5",
                           "iteration-0000002x", "other"})
    fs::create_directories(dir.path() / name);
  ringtmp::testing::write_bytes(dir.file("iteration-00000040"), {1});  // a file, not a folder
  auto its = checkpoint_iterations(d);
  REQUIRE(its.ok());
  CHECK(*its == std::vector<int64_t>{30, 20, 10});
  CHECK_FALSE(checkpoint_iterations(dir.file("absent")).ok());
  CHECK_FALSE(checkpoint_iterations(dir.file("iteration-00000040")).ok());
}

TEST_CASE("the newest complete set is taken and the newer incomplete ones are reported") {
  TempDir dir;
  const std::string d = dir.path().string();
  write_set(d, 20, 3);
  write_set(d, 30, 3);
  write_set(d, 40, 3, 1);  // killed before part 1 wrote
  write_set(d, 50, 3, 0);
  auto set = load_newest_checkpoint(d, kConfig, 3);
  REQUIRE(set.ok());
  CHECK(set->iteration == 30);
  REQUIRE(set->parts.size() == 3);
  for (int part = 0; part < 3; ++part) CHECK(set->parts[size_t(part)] == part_of(30, part, 3));
  CHECK(set->skipped == std::vector<std::string>{"iteration-00000050: part-0000.rtc missing",
                                                 "iteration-00000040: part-0001.rtc missing"});
}

TEST_CASE("no set, or no complete set, is refused naming what is missing") {
  TempDir dir;
  const std::string d = dir.path().string();
  CHECK(refusal(load_newest_checkpoint(d, kConfig, 3)) == d + ": no checkpoint (no iteration-N folder)");
  write_set(d, 10, 3, 2);
  write_set(d, 20, 3, 1);
  const std::string e = refusal(load_newest_checkpoint(d, kConfig, 3));
  CHECK(e.rfind(checkpoint_file_path(d, 20, 1) + ": missing", 0) == 0);
  CHECK_FALSE(load_newest_checkpoint(dir.file("absent"), kConfig, 3).ok());
}

TEST_CASE("a set of another config is refused naming the first setting that differs") {
  TempDir dir;
  const std::string d = dir.path().string();
  write_set(d, 10, 3);
  const std::string here = "ringtmp-config-digest-v2\nstrategy=ring\nlr=0.05\nnodes=3\n";
  const std::string e = refusal(load_newest_checkpoint(d, here, 3));
  CHECK(e.rfind(checkpoint_file_path(d, 10, 0) + ": ", 0) == 0);
  CHECK(contains(e, "lr: 0.1 in the file, 0.05 here"));

  const std::string more = kConfig + "seed=7\n";  // a setting the file does not have
  CHECK(contains(refusal(load_newest_checkpoint(d, more, 3)), "seed: not set in the file, 7 here"));
  const std::string fewer = "ringtmp-config-digest-v2\nstrategy=ring\nlr=0.1\n";
  CHECK(contains(refusal(load_newest_checkpoint(d, fewer, 3)), "nodes: 3 in the file, not set here"));
}

TEST_CASE("a file of another parts count, or whose content disagrees with its name, is refused") {
  TempDir dir;
  const std::string d = dir.path().string();
  write_set(d, 10, 3);
  // Parts 0..1 of a 2-part run: the files hold 3 parts.
  CHECK(contains(refusal(load_newest_checkpoint(d, kConfig, 2)), ": a set of 3 parts, this run has 2"));

  // Part 2's file holds part 1.
  REQUIRE(write_checkpoint_file(checkpoint_file_path(d, 10, 2), part_of(10, 1, 3)).ok());
  const std::string e = refusal(load_newest_checkpoint(d, kConfig, 3));
  CHECK(e == checkpoint_file_path(d, 10, 2) + ": holds part 1, its name says 2");

  // Iteration 20's folder holds files of iteration 10.
  write_set(d, 10, 3);
  for (int part = 0; part < 3; ++part)
    REQUIRE(write_checkpoint_file(checkpoint_file_path(d, 20, part), part_of(10, part, 3)).ok());
  CHECK(refusal(load_newest_checkpoint(d, kConfig, 3)) ==
        checkpoint_file_path(d, 20, 0) + ": holds iteration 10, its folder says 20");
}

TEST_CASE("a damaged file in the newest complete set is refused, not passed over for an older set") {
  TempDir dir;
  const std::string d = dir.path().string();
  write_set(d, 10, 3);
  write_set(d, 20, 3);
  const std::string path = checkpoint_file_path(d, 20, 1);
  auto bytes = ringtmp::testing::read_bytes(path);
  bytes[bytes.size() / 2] ^= 1;
  ringtmp::testing::write_bytes(path, bytes);
  CHECK(refusal(load_newest_checkpoint(d, kConfig, 3)) == path + ": checksum mismatch");
  auto part = load_checkpoint_part(d, kConfig, 3, 1);
  REQUIRE_FALSE(part.ok());
  CHECK(part.status().message() == path + ": checksum mismatch");
}

TEST_CASE("one part is loaded from the newest set complete by its files") {
  TempDir dir;
  const std::string d = dir.path().string();
  write_set(d, 10, 3);
  write_set(d, 20, 3, 0);  // part 2's own file is there, but the set is not complete
  auto c = load_checkpoint_part(d, kConfig, 3, 2);
  REQUIRE(c.ok());
  CHECK(*c == part_of(10, 2, 3));
  CHECK_FALSE(load_checkpoint_part(d, kConfig, 3, 3).ok());
  auto other = load_checkpoint_part(d, kConfig + "seed=7\n", 3, 2);
  REQUIRE_FALSE(other.ok());
  CHECK(contains(other.status().message(), "seed: not set in the file, 7 here"));
}

TEST_CASE("pruning removes this part's older files and the folders left empty") {
  TempDir dir;
  const std::string d = dir.path().string();
  write_set(d, 10, 2);
  write_set(d, 20, 2);
  write_set(d, 30, 2);
  ringtmp::testing::write_bytes(checkpoint_file_path(d, 10, 0) + ".tmp", {1});
  prune_checkpoint_part(d, 0, 2, 30);  // wrote 30: 20 is complete and stays, 10 goes
  CHECK_FALSE(fs::exists(checkpoint_file_path(d, 10, 0)));
  CHECK_FALSE(fs::exists(checkpoint_file_path(d, 10, 0) + ".tmp"));
  CHECK(fs::exists(checkpoint_file_path(d, 10, 1)));  // another part's file stays
  CHECK(fs::exists(checkpoint_file_path(d, 20, 0)));
  prune_checkpoint_part(d, 1, 2, 30);
  CHECK_FALSE(fs::exists(dir.path() / "iteration-00000010"));
  CHECK(*checkpoint_iterations(d) == std::vector<int64_t>{30, 20});
  prune_checkpoint_part(dir.file("absent"), 0, 2, 100);  // errors are ignored
}

TEST_CASE("pruning keeps the newest complete set, however many newer ones are incomplete") {
  TempDir dir;
  const std::string d = dir.file("ck");
  write_set(d, 10, 2);
  write_set(d, 20, 2, 1);  // part 1's write of 20 was skipped
  write_set(d, 30, 2, 1);  // killed while set 30 was written
  prune_checkpoint_part(d, 0, 2, 30);
  CHECK(fs::exists(checkpoint_file_path(d, 10, 0)));  // 10 is the newest complete set before 30
  CHECK(fs::exists(checkpoint_file_path(d, 20, 0)));
  auto loaded = load_newest_checkpoint(d, kConfig, 2);
  REQUIRE(loaded.ok());
  CHECK(loaded->iteration == 10);
  // Nothing complete before it: nothing is removed.
  TempDir other;
  const std::string o = other.file("ck");
  write_set(o, 10, 2, 1);
  write_set(o, 20, 2);
  prune_checkpoint_part(o, 0, 2, 20);
  CHECK(fs::exists(checkpoint_file_path(o, 10, 0)));
}
