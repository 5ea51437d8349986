#include "core/data/idx.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "core/data/file_bytes.hpp"

namespace ringtmp {
namespace {

constexpr const char* kPackageHint =
    "install the Debian package dataset-fashion-mnist (scripts/install-deps.sh does)";

// Reads exactly n bytes or says why not (short file, corrupt or cut gzip stream).
Status read_exact(FileBytes& f, void* buf, size_t n, const std::string& path, const char* what) {
  auto got = f.read(buf, n);
  if (!got.ok()) return got.status();
  if (*got != n)
    return Status::errorf("{}: file is truncated: {} needs {} bytes, only {} present", path, what, n, *got);
  return {};
}

}  // namespace

StatusOr<IdxArray> read_idx(const std::string& path, int64_t max_bytes) {
  auto opened = FileBytes::open(path);
  if (!opened.ok()) return opened.status();
  FileBytes& f = **opened;
  uint8_t magic[4];
  if (auto s = read_exact(f, magic, 4, path, "the IDX magic"); !s.ok()) return s;
  if (magic[0] != 0 || magic[1] != 0)
    return Status::errorf("{}: not an IDX file (bad magic {:02x}{:02x}{:02x}{:02x})", path,
                          magic[0], magic[1], magic[2], magic[3]);
  if (magic[2] != 0x08)
    return Status::errorf("{}: IDX element type 0x{:02x} unsupported (need 0x08, unsigned byte)",
                          path, magic[2]);
  const int rank = magic[3];
  if (rank < 1 || rank > 4) return Status::errorf("{}: IDX rank {} out of range 1..4", path, rank);

  IdxArray a;
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    uint8_t be[4];
    if (auto s = read_exact(f, be, 4, path, "the IDX dimensions"); !s.ok()) return s;
    const uint32_t dim = uint32_t(be[0]) << 24 | uint32_t(be[1]) << 16 | uint32_t(be[2]) << 8 | be[3];
    if (dim == 0) return Status::errorf("{}: IDX dimension {} is zero", path, d);
    count *= dim;  // rank <= 4 and dims < 2^32 each: overflow is caught by the bound below
    if (count > max_bytes)
      return Status::errorf("{}: IDX dimensions claim more than {} bytes", path, max_bytes);
    a.dims.push_back(dim);
  }
  // Grow the buffer as bytes actually arrive, so a header that lies about its size costs at
  // most one chunk of memory before the short read is found.
  constexpr size_t kChunk = size_t(16) << 20;
  while (a.data.size() < size_t(count)) {
    const size_t have = a.data.size(), want = std::min(size_t(count) - have, kChunk);
    a.data.resize(have + want);
    auto got = f.read(a.data.data() + have, want);
    if (!got.ok()) return got.status();  // a cut or corrupt gzip stream says so itself
    if (*got != want)
      return Status::errorf("{}: file is truncated: its IDX dimensions need {} data bytes, only {} "
                            "are present", path, count, have + *got);
  }
  if (auto s = f.expect_end(); !s.ok()) return s;
  return a;
}

StatusOr<Dataset> idx_to_dataset(const IdxArray& images, const IdxArray& labels, int classes,
                                 const std::string& what) {
  if (images.dims.size() != 3)
    return Status::errorf("{}: images must have 3 dimensions (n, rows, cols), found {}", what,
                          images.dims.size());
  if (labels.dims.size() != 1)
    return Status::errorf("{}: labels must have 1 dimension, found {}", what, labels.dims.size());
  if (images.dims[0] != labels.dims[0])
    return Status::errorf("{}: {} images but {} labels", what, images.dims[0], labels.dims[0]);
  const int64_t n = images.dims[0];
  const int64_t features = int64_t(images.dims[1]) * images.dims[2];
  if (features > std::numeric_limits<int>::max())
    return Status::errorf("{}: images of {}x{} pixels are too large", what, images.dims[1], images.dims[2]);
  Dataset d;
  d.classes = classes;
  d.x.resize(features, n);
  float* x = d.x.data();
  for (int64_t i = 0; i < n * features; ++i) x[i] = float(images.data[size_t(i)]) * (1.0f / 255.0f);
  d.y.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    const int label = labels.data[size_t(i)];
    if (label >= classes)
      return Status::errorf("{}: label {} at sample {} is outside 0..{}", what, label, i, classes - 1);
    d.y[size_t(i)] = label;
  }
  return d;
}

StatusOr<DataSplit> load_fashion_mnist(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir))
    return Status::errorf("Fashion-MNIST not found: {} is not a directory; {}", dir, kPackageHint);
  auto find = [&](const std::string& stem) -> std::string {
    for (const auto& name : {stem + ".gz", stem})
      if (fs::exists(fs::path(dir) / name)) return (fs::path(dir) / name).string();
    return {};
  };
  DataSplit split;
  split.name = "fashion-mnist";
  for (const char* part : {"train", "t10k"}) {
    const std::string images_path = find(std::string(part) + "-images-idx3-ubyte");
    const std::string labels_path = find(std::string(part) + "-labels-idx1-ubyte");
    if (images_path.empty() || labels_path.empty())
      return Status::errorf("Fashion-MNIST not found: {}/{}-*-ubyte.gz missing; {}", dir, part,
                            kPackageHint);
    auto images = read_idx(images_path);
    if (!images.ok()) return images.status();
    auto labels = read_idx(labels_path);
    if (!labels.ok()) return labels.status();
    auto set = idx_to_dataset(*images, *labels, 10, images_path + " / " + labels_path);
    if (!set.ok()) return set.status();
    (std::string(part) == "train" ? split.train : split.test) = std::move(*set);
  }
  return split;
}

}  // namespace ringtmp
