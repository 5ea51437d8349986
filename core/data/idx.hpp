#pragma once
// IDX files (the MNIST family's format), plain or gzip-compressed. Every header field is
// checked against the bytes actually present: a bad magic, an unexpected element type or
// rank, a size overflow or a short file is an error naming the file, never a short read.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.hpp"
#include "core/status.hpp"

namespace ringtmp {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // unsigned-byte elements, row-major
};

// Reads an IDX file of unsigned bytes (type 0x08). Decompresses when the file starts with
// the gzip magic. `max_bytes` bounds what a header may make us allocate.
StatusOr<IdxArray> read_idx(const std::string& path, int64_t max_bytes = int64_t(1) << 31);

// Images (n, rows, cols) scaled to [0,1] and labels (n) -> a Dataset with rows*cols features.
StatusOr<Dataset> idx_to_dataset(const IdxArray& images, const IdxArray& labels, int classes,
                                 const std::string& what);

// Loads {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] from `dir`. A missing directory
// or file names the Debian package that provides it.
StatusOr<DataSplit> load_fashion_mnist(const std::string& dir);

}  // namespace ringtmp
