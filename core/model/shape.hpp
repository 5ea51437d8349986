#pragma once
// The shape of one sample as a layer sees it: channels x height x width. A flat vector (an
// MLP's, or anything after flatten) is c x 1 x 1.
//
// Memory order is channels-last (HWC): one sample is h rows of w pixels of c channels, so a
// pixel's channels are contiguous. Why: a convolution's im2col GEMM then writes its output
// (channels, pixels x samples) in exactly the layout the next layer reads, with no transpose;
// and a 1 x 28 x 28 image is the dataset's row-major bytes as they are.
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace ringtmp {

struct Shape {
  int c = 0, h = 1, w = 1;
  int64_t size() const { return int64_t(c) * h * w; }
  bool flat() const { return h == 1 && w == 1; }
  bool operator==(const Shape&) const = default;
  std::string text() const { return flat() ? fmt::format("{}", c) : fmt::format("{}x{}x{}", c, h, w); }
};

}  // namespace ringtmp
