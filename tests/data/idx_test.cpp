// The IDX reader against hand-made files: exact round trips (plain and gzip), and every kind
// of corrupt file rejected with an error that names the file rather than a short read or an
// allocation the header asked for. Then idx_to_dataset, load_fashion_mnist on a tiny
// hand-made dataset directory, and (when installed) the real Fashion-MNIST.
#include "core/data/idx.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "core/config.hpp"  // kDefaultFashionMnistDir
#include "tests/data/idx_files.hpp"
#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using namespace ringtmp::testing;

namespace {

// Incompressible bytes (a linear congruential generator's high bytes).
std::vector<uint8_t> noise_bytes(size_t n) {
  std::vector<uint8_t> v(n);
  uint32_t x = 12345;
  for (auto& b : v) b = uint8_t((x = x * 1664525u + 1013904223u) >> 24);
  return v;
}

// The read must fail, and its one-line message must name the file and say `why`.
void check_rejected(const std::string& path, const std::string& why, int64_t max_bytes = int64_t(1) << 31) {
  auto r = read_idx(path, max_bytes);
  REQUIRE_MESSAGE(!r.ok(), path << " was accepted");
  const std::string& m = r.status().message();
  INFO("message: " << m);
  CHECK(m.find(path) != std::string::npos);
  CHECK(m.find(why) != std::string::npos);
  CHECK(m.find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("plain and gzip IDX files read back exactly") {
  TempDir dir;
  const std::vector<uint32_t> dims = {3, 2, 5};
  const auto data = iota_bytes(30);
  write_bytes(dir.file("a.idx"), idx_bytes(dims, data));
  write_gzip(dir.file("a.idx.gz"), idx_bytes(dims, data));
  for (const char* name : {"a.idx", "a.idx.gz"}) {
    CAPTURE(name);
    auto r = read_idx(dir.file(name));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(r->dims == dims);
    CHECK(r->data == data);
  }
}

TEST_CASE("every rank from 1 to 4 is accepted") {
  TempDir dir;
  for (int rank = 1; rank <= 4; ++rank) {
    CAPTURE(rank);
    const std::vector<uint32_t> dims(size_t(rank), 2);
    const auto data = iota_bytes(size_t(1) << rank);
    write_bytes(dir.file("r.idx"), idx_bytes(dims, data));
    auto r = read_idx(dir.file("r.idx"));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(r->dims == dims);
    CHECK(r->data == data);
  }
}

TEST_CASE("a missing file is an error naming it") {
  TempDir dir;
  check_rejected(dir.file("absent.idx"), "cannot open");
}

TEST_CASE("corrupt headers are rejected with an error naming the file") {
  TempDir dir;
  const std::string p = dir.file("bad.idx");
  SUBCASE("empty file") {
    write_bytes(p, {});
    check_rejected(p, "truncated");
  }
  SUBCASE("bad magic") {
    auto b = idx_bytes({4}, iota_bytes(4));
    b[0] = 0x12;
    write_bytes(p, b);
    check_rejected(p, "not an IDX file");
  }
  SUBCASE("unsupported element type (0x0D, float)") {
    write_bytes(p, idx_bytes({4}, iota_bytes(16), 0x0D));
    check_rejected(p, "0x0d unsupported");
  }
  SUBCASE("rank 0") {
    write_bytes(p, idx_bytes({}, {}));
    check_rejected(p, "rank 0");
  }
  SUBCASE("rank 5") {
    write_bytes(p, idx_bytes({1, 1, 1, 1, 1}, {42}));
    check_rejected(p, "rank 5");
  }
  SUBCASE("zero dimension") {
    write_bytes(p, idx_bytes({3, 0, 2}, {}));
    check_rejected(p, "dimension 1 is zero");
  }
  SUBCASE("truncated header: the file ends inside the dimensions") {
    auto b = idx_bytes({3, 2}, iota_bytes(6));
    b.resize(4 + 4 + 2);  // magic, first dim, half of the second
    write_bytes(p, b);
    check_rejected(p, "truncated");
  }
}

TEST_CASE("data that does not match the dimensions is rejected") {
  TempDir dir;
  const std::string p = dir.file("bad.idx");
  SUBCASE("short data") {
    write_bytes(p, idx_bytes({10, 3}, iota_bytes(29)));
    check_rejected(p, "truncated");
  }
  SUBCASE("trailing extra bytes") {
    write_bytes(p, idx_bytes({10, 3}, iota_bytes(31)));
    check_rejected(p, "beyond");
  }
  SUBCASE("trailing extra bytes inside a gzip stream") {
    const std::string gz = dir.file("bad.idx.gz");
    write_gzip(gz, idx_bytes({10, 3}, iota_bytes(31)));
    check_rejected(gz, "beyond");
  }
}

TEST_CASE("a truncated gzip stream is rejected, wherever it is cut") {
  TempDir dir;
  const std::string whole = dir.file("whole.idx.gz");
  // Incompressible data, so the compressed stream is long enough to cut in many places.
  write_gzip(whole, idx_bytes({40, 100}, noise_bytes(4000)));
  const auto gz = read_bytes(whole);
  REQUIRE(gz.size() > 100);
  REQUIRE(read_idx(whole).ok());

  // Cut inside the header, in the middle of the deflate data, and inside the 8-byte trailer
  // (CRC-32 and length): a stream without its trailer has not been checked, so it is no
  // more trustworthy than one cut in the middle.
  for (size_t keep : {size_t(5), gz.size() / 2, gz.size() - 8, gz.size() - 4, gz.size() - 1}) {
    CAPTURE(keep);
    const std::string cut = dir.file("cut.idx.gz");
    write_bytes(cut, std::vector<uint8_t>(gz.begin(), gz.begin() + std::ptrdiff_t(keep)));
    auto r = read_idx(cut);
    CHECK_MESSAGE(!r.ok(), "a gzip stream cut to " << keep << " of " << gz.size() << " bytes was accepted");
    if (!r.ok()) CHECK(r.status().message().find(cut) != std::string::npos);
  }
}

TEST_CASE("a gzip stream whose CRC does not match is rejected") {
  // Small files are inflated (trailer and all) while the data is read; large ones only meet
  // their trailer after the last data byte. Both must fail, and say why.
  TempDir dir;
  for (uint32_t rows : {4u, 1000u}) {
    CAPTURE(rows);
    const std::string p = dir.file("crc.idx.gz");
    write_gzip(p, idx_bytes({rows, 100}, noise_bytes(rows * 100)));
    auto gz = read_bytes(p);
    gz[gz.size() - 8] ^= 0xff;  // first byte of the stored CRC-32
    write_bytes(p, gz);
    auto r = read_idx(p);
    REQUIRE(!r.ok());
    INFO("message: " << r.status().message());
    CHECK(r.status().message().find(p) != std::string::npos);
    // The culprit is corrupt compressed data, not extra bytes: the message must not say so.
    CHECK(r.status().message().find("beyond") == std::string::npos);
  }
}

TEST_CASE("a gzip file missing the last 1 to 9 bytes is truncated; a wrong CRC-32 says so") {
  // Regression: zlib's gzread took a stream whose data was whole but whose trailer (CRC-32
  // and length, 8 bytes) was cut as a clean end of file, so a Fashion-MNIST labels file cut
  // by a few bytes loaded; and a wrong CRC-32 was reported as "truncated".
  TempDir dir;
  std::vector<uint8_t> labels(60000);  // shaped like the real labels file
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = uint8_t((i * 7919) % 10);
  for (const auto& [name, data] : {std::pair{"labels", idx_bytes({60000}, labels)},
                                   std::pair{"noise", idx_bytes({200, 100}, noise_bytes(20000))}}) {
    CAPTURE(name);
    const std::string whole = dir.file(std::string(name) + ".idx.gz");
    write_gzip(whole, data);
    const auto gz = read_bytes(whole);
    REQUIRE(read_idx(whole).ok());
    for (size_t cut = 1; cut <= 9; ++cut) {
      CAPTURE(cut);
      const std::string p = dir.file("cut.idx.gz");
      write_bytes(p, std::vector<uint8_t>(gz.begin(), gz.end() - std::ptrdiff_t(cut)));
      check_rejected(p, "truncated");
    }
    const std::string p = dir.file("crc.idx.gz");
    auto bad_crc = gz;
    bad_crc[gz.size() - 8] ^= 0x01;
    write_bytes(p, bad_crc);
    check_rejected(p, "CRC-32 does not match");
    auto r = read_idx(p);
    CHECK(r.status().message().find("truncated") == std::string::npos);
    auto bad_length = gz;
    bad_length[gz.size() - 1] ^= 0x01;
    write_bytes(p, bad_length);
    check_rejected(p, "length field does not match");
    auto trailing = gz;
    trailing.push_back(0);
    write_bytes(p, trailing);
    check_rejected(p, "after the end of its gzip stream");
  }
}

TEST_CASE("a FIFO or a device is refused before it is read") {
  // gzopen on a FIFO blocks until a writer comes; /dev/zero never ends.
  TempDir dir;
  const std::string fifo = dir.file("fifo.idx");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  check_rejected(fifo, "a FIFO, not a regular file");
  check_rejected("/dev/zero", "a character device, not a regular file");
}

TEST_CASE("dimensions claiming more than max_bytes are rejected before allocating") {
  TempDir dir;
  const std::string p = dir.file("huge.idx");
  // 1e9 bytes claimed by a 20-byte file: with a 1 MiB bound this must fail at the header.
  write_bytes(p, idx_bytes({1000, 1000, 1000}, {1, 2, 3, 4}));
  check_rejected(p, "more than 1048576 bytes", int64_t(1) << 20);
  // Four maximal dimensions (2^128 bytes) would overflow a naive product: still the bound.
  write_bytes(p, idx_bytes({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {}));
  check_rejected(p, "more than");
}

// ---- idx_to_dataset -------------------------------------------------------------------------

namespace {
IdxArray array(std::vector<uint32_t> dims, std::vector<uint8_t> data) { return {std::move(dims), std::move(data)}; }
}  // namespace

TEST_CASE("idx_to_dataset scales pixels to [0,1] with one sample per column") {
  // Two 2x3 images; image k's pixels are k*6 + 0..5, image 1's last pixel is 255.
  auto images = array({2, 2, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255});
  auto labels = array({2}, {9, 0});
  auto d = idx_to_dataset(images, labels, 10, "tiny");
  REQUIRE_MESSAGE(d.ok(), d.status().message());
  CHECK(d->size() == 2);
  CHECK(d->features() == 6);
  CHECK(d->classes == 10);
  CHECK(d->y == std::vector<int32_t>{9, 0});
  CHECK(d->x(0, 0) == 0.0f);
  CHECK(d->x(5, 0) == doctest::Approx(5.0 / 255));
  CHECK(d->x(0, 1) == doctest::Approx(6.0 / 255));
  CHECK(d->x(5, 1) == 1.0f);
}

TEST_CASE("idx_to_dataset rejects inconsistent inputs, naming what it was reading") {
  auto images = array({2, 2, 2}, iota_bytes(8));
  SUBCASE("image and label counts differ") {
    auto r = idx_to_dataset(images, array({3}, {0, 1, 2}), 10, "set-A");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("set-A") != std::string::npos);
    CHECK(r.status().message().find("2 images but 3 labels") != std::string::npos);
  }
  SUBCASE("label out of range") {
    auto r = idx_to_dataset(images, array({2}, {3, 10}), 10, "set-B");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("set-B") != std::string::npos);
    CHECK(r.status().message().find("label 10 at sample 1") != std::string::npos);
  }
  SUBCASE("images of the wrong rank") {
    auto r = idx_to_dataset(array({2, 4}, iota_bytes(8)), array({2}, {0, 1}), 10, "set-C");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("set-C") != std::string::npos);
  }
  SUBCASE("labels of the wrong rank") {
    auto r = idx_to_dataset(images, array({2, 1}, {0, 1}), 10, "set-D");
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("set-D") != std::string::npos);
  }
}

// ---- load_fashion_mnist ---------------------------------------------------------------------

TEST_CASE("load_fashion_mnist on a missing directory names the Debian package") {
  TempDir dir;
  for (const std::string& d : {dir.file("nowhere"), dir.path().string()}) {  // absent; empty
    CAPTURE(d);
    auto r = load_fashion_mnist(d);
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("dataset-fashion-mnist") != std::string::npos);
    CHECK(r.status().message().find(d) != std::string::npos);
  }
}

TEST_CASE("load_fashion_mnist reads a hand-made directory, gzip or plain") {
  for (bool gz : {true, false}) {
    CAPTURE(gz);
    TempDir dir;
    write_mini_fashion_mnist(dir, 12, 5, gz);
    auto r = load_fashion_mnist(dir.path().string());
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    CHECK(r->train.size() == 12);
    CHECK(r->test.size() == 5);
    CHECK(r->train.features() == 4);
    CHECK(r->train.classes == 10);
    CHECK(r->test.y[3] == 3);
    CHECK(r->train.y[11] == 1);
  }
}

TEST_CASE("load_fashion_mnist: a corrupt labels file is named in the error") {
  TempDir dir;
  write_mini_fashion_mnist(dir, 12, 5, true);
  const std::string labels = dir.file("t10k-labels-idx1-ubyte.gz");
  SUBCASE("truncated labels") {
    write_gzip(labels, idx_bytes({5}, {0, 1, 2}));
    auto r = load_fashion_mnist(dir.path().string());
    REQUIRE(!r.ok());
    CHECK(r.status().message().find(labels) != std::string::npos);
  }
  SUBCASE("label out of range") {
    // The culprit is the labels file, so that is the file the message must name.
    write_gzip(labels, idx_bytes({5}, {0, 1, 2, 10, 4}));
    auto r = load_fashion_mnist(dir.path().string());
    REQUIRE(!r.ok());
    INFO("message: " << r.status().message());
    CHECK(r.status().message().find("label 10") != std::string::npos);
    CHECK(r.status().message().find(labels) != std::string::npos);
  }
  SUBCASE("label count differs from image count") {
    write_gzip(labels, idx_bytes({4}, {0, 1, 2, 3}));
    auto r = load_fashion_mnist(dir.path().string());
    REQUIRE(!r.ok());
    CHECK(r.status().message().find("5 images but 4 labels") != std::string::npos);
  }
}

TEST_CASE("the installed Fashion-MNIST has its published shape") {
  const std::string dir = kDefaultFashionMnistDir;
  if (!std::filesystem::is_directory(dir)) {
    MESSAGE("skipped: " << dir << " is not installed (Debian package dataset-fashion-mnist)");
    return;
  }
  auto r = load_fashion_mnist(dir);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  CHECK(r->train.size() == 60000);
  CHECK(r->test.size() == 10000);
  for (const Dataset* d : {&r->train, &r->test}) {
    CHECK(d->features() == 784);
    CHECK(d->classes == 10);
    // Balanced classes: 6000 per class in train, 1000 in test.
    std::vector<int64_t> per_class(10, 0);
    bool labels_in_range = true;
    for (int32_t y : d->y) {
      if (y < 0 || y > 9) labels_in_range = false;
      else ++per_class[size_t(y)];
    }
    CHECK(labels_in_range);
    for (int64_t count : per_class) CHECK(count == d->size() / 10);
    CHECK(d->x.minCoeff() == 0.0f);
    CHECK(d->x.maxCoeff() == 1.0f);
  }
}
