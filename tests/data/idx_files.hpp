#pragma once
// Hand-made IDX files and Fashion-MNIST-shaped directories for the loader's tests.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>
#include <zlib.h>

#include "tests/data/temp_dir.hpp"

namespace ringtmp::testing {

// The bytes of an IDX file: magic 00 00 <type> <rank>, big-endian uint32 dims, then data.
inline std::vector<uint8_t> idx_bytes(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data,
                                      uint8_t type = 0x08) {
  std::vector<uint8_t> b = {0, 0, type, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int shift : {24, 16, 8, 0}) b.push_back(uint8_t(d >> shift));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// Writes `bytes` gzip-compressed, as the Debian package ships the dataset.
inline void write_gzip(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, bytes.data(), unsigned(bytes.size())) == int(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

inline std::vector<uint8_t> iota_bytes(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * 7 + 3);
  return v;
}

// A Fashion-MNIST-shaped directory with n_train / n_test images of rows x cols pixels;
// labels i % 10.
inline void write_mini_fashion_mnist(const TempDir& dir, uint32_t n_train, uint32_t n_test, bool gz,
                                     uint32_t rows = 2, uint32_t cols = 2) {
  for (auto [part, n] : {std::pair{"train", n_train}, std::pair{"t10k", n_test}}) {
    std::vector<uint8_t> labels(n);
    for (uint32_t i = 0; i < n; ++i) labels[i] = uint8_t(i % 10);
    const std::string suffix = gz ? ".gz" : "";
    const auto images = idx_bytes({n, rows, cols}, iota_bytes(size_t(n) * rows * cols));
    const auto label_file = idx_bytes({n}, labels);
    const std::string ip = dir.file(std::string(part) + "-images-idx3-ubyte" + suffix);
    const std::string lp = dir.file(std::string(part) + "-labels-idx1-ubyte" + suffix);
    if (gz) {
      write_gzip(ip, images);
      write_gzip(lp, label_file);
    } else {
      write_bytes(ip, images);
      write_bytes(lp, label_file);
    }
  }
}

}  // namespace ringtmp::testing
