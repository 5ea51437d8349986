// A checkpoint survives the trip through a file exactly; a damaged, cut or foreign file is a
// one-line error, never half a checkpoint; a write leaves the old file or the new one.
#include "core/checkpoint/node_checkpoint.hpp"

#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "tests/checkpoint/refusal.hpp"
#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using ringtmp::testing::TempDir;
using ringtmp::testing::contains;
using ringtmp::testing::refusal;

namespace {

NodeCheckpoint sample() {
  NodeCheckpoint c;
  c.config = "ringtmp-config-digest-v2\nstrategy=ring\nlr=0.05\n";
  c.part = 2;
  c.parts = 4;
  c.role = "stage 2";
  c.iteration = 40;
  c.samples = 2560;
  c.clock = 12.75;
  c.losses = {{39, 12.1, 30.5, 64}, {40, 12.7, 29.25, 64}};
  c.tensors = {{"params", FloatBuffer{1.5f, -2.25f, 3e-8f}},
               {"momentum", FloatBuffer{0.125f, 0.0f, -1.0f}},
               {"shadow 3 params", FloatBuffer{}}};
  return c;
}

std::string error_of(std::span<const uint8_t> bytes) { return refusal(decode_checkpoint(bytes)); }

}  // namespace

TEST_CASE("a checkpoint round-trips through its encoding") {
  const NodeCheckpoint c = sample();
  auto back = decode_checkpoint(encode_checkpoint(c));
  REQUIRE(back.ok());
  CHECK(*back == c);
  REQUIRE(back->find("momentum") != nullptr);
  CHECK(back->find("momentum")->values[2] == -1.0f);
  CHECK(back->find("shadow 3 params")->values.empty());
  CHECK(back->find("absent") == nullptr);

  NodeCheckpoint bare;  // no losses, no tensors, no config
  bare.parts = 1;
  auto empty = decode_checkpoint(encode_checkpoint(bare));
  REQUIRE(empty.ok());
  CHECK(*empty == bare);
}

TEST_CASE("a cut checkpoint is refused as truncated, wherever it was cut") {
  const auto bytes = encode_checkpoint(sample());
  for (size_t cut : {size_t(5), size_t(10), size_t(24), size_t(25), size_t(60), bytes.size() / 2, bytes.size() - 1}) {
    CAPTURE(cut);
    const std::string e = error_of(std::span(bytes).first(cut));
    CHECK(e.rfind("truncated: ", 0) == 0);
    if (cut >= 24) CHECK(e == fmt::format("truncated: {} of {} payload bytes", cut - 24, bytes.size() - 24));
  }
  CHECK(error_of({}) == "not a checkpoint file");
}

TEST_CASE("a flipped byte anywhere in the payload is a checksum mismatch") {
  const auto good = encode_checkpoint(sample());
  for (size_t at = 24; at < good.size(); ++at) {
    auto bytes = good;
    bytes[at] ^= 0x5a;
    CAPTURE(at);
    CHECK(error_of(bytes) == "checksum mismatch");
  }
}

TEST_CASE("another magic, another version and trailing bytes are refused") {
  auto bytes = encode_checkpoint(sample());
  auto other = bytes;
  other[3] = '4';
  CHECK(error_of(other) == "not a checkpoint file");
  other = bytes;
  const uint32_t version = 2;
  std::memcpy(other.data() + 4, &version, 4);
  CHECK(error_of(other) == "format version 2, this build reads 1");
  other = bytes;
  other.push_back(0);
  CHECK(contains(error_of(other), "1 trailing bytes"));
}

TEST_CASE("fields out of range are refused even under a valid checksum") {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::function<void(NodeCheckpoint&)>, std::string>> cases = {
      {[](NodeCheckpoint& c) { c.part = 4; }, "part outside"},
      {[](NodeCheckpoint& c) { c.part = -1; }, "part outside"},
      {[](NodeCheckpoint& c) { c.part = c.parts = 0; }, "fewer than one part"},
      {[](NodeCheckpoint& c) { c.iteration = -1; }, "negative"},
      {[](NodeCheckpoint& c) { c.samples = -5; }, "negative"},
      {[&](NodeCheckpoint& c) { c.clock = inf; }, "clock not finite"},
      {[&](NodeCheckpoint& c) { c.clock = nan; }, "clock not finite"},
      {[](NodeCheckpoint& c) { c.role = "stage\n2"; }, "role not on one line"},
      {[](NodeCheckpoint& c) { c.tensors[1].name = "momentum\x1b[2J"; }, "tensor name not on one line"},
  };
  for (const auto& [change, what] : cases) {
    NodeCheckpoint c = sample();
    change(c);
    CAPTURE(what);
    CHECK(contains(error_of(encode_checkpoint(c)), what));
  }
}

TEST_CASE("a count beyond the bytes present is refused before allocating") {
  // A payload claiming 2^60 tensors, with a checksum that matches it.
  NodeCheckpoint c;
  c.parts = 1;
  auto bytes = encode_checkpoint(c);
  const uint64_t huge = uint64_t(1) << 60;
  std::memcpy(bytes.data() + bytes.size() - 8, &huge, 8);
  uint64_t h = 14695981039346656037ull;  // FNV-1a-64 of the payload, as the format defines it
  for (size_t i = 24; i < bytes.size(); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  std::memcpy(bytes.data() + 16, &h, 8);
  CHECK(contains(error_of(bytes), "tensor count beyond the payload"));
}

TEST_CASE("a checkpoint file is written whole, in new folders, and can be overwritten") {
  TempDir dir;
  const std::string path = dir.file("a/b/part-0002.rtc");
  auto c = sample();
  REQUIRE(write_checkpoint_file(path, c).ok());
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  auto back = read_checkpoint_file(path);
  REQUIRE(back.ok());
  CHECK(*back == c);

  c.iteration = 41;
  c.tensors[0].values.assign(1000, 0.25f);
  REQUIRE(write_checkpoint_file(path, c).ok());
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  back = read_checkpoint_file(path);
  REQUIRE(back.ok());
  CHECK(*back == c);
}

TEST_CASE("reading a checkpoint file names the file in every error") {
  TempDir dir;
  const std::string path = dir.file("part-0000.rtc");
  auto missing = read_checkpoint_file(path);
  REQUIRE_FALSE(missing.ok());
  CHECK(contains(missing.status().message(), path));

  auto bytes = encode_checkpoint(sample());
  bytes.resize(bytes.size() - 3);
  ringtmp::testing::write_bytes(path, bytes);
  auto cut = read_checkpoint_file(path);
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().message().rfind(path + ": truncated: ", 0) == 0);

  auto folder = read_checkpoint_file(dir.path().string());
  REQUIRE_FALSE(folder.ok());
  CHECK(contains(folder.status().message(), "not a regular file"));
}

TEST_CASE("a write that cannot create its folder is an error naming the file") {
  TempDir dir;
  ringtmp::testing::write_bytes(dir.file("plain"), {1, 2, 3});
  const std::string path = dir.file("plain/part-0000.rtc");  // its folder would be a file
  const Status s = write_checkpoint_file(path, sample());
  REQUIRE_FALSE(s.ok());
  CHECK(contains(s.message(), path));
}
