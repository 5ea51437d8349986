#pragma once
// 2-d convolution on channels-last samples (core/model/shape.hpp), forward and backward side
// by side, as im2col + one GEMM per chunk of samples.
//
// Shapes: X (in.c*in.h*in.w, B), Y (out.c*out.h*out.w, B); W (out.c, k*k*in.c) column-major,
// its column index (ky*k + kx)*in.c + c; b (out.c). The im2col buffer `col` holds
// (k*k*in.c, out.h*out.w*n) for a chunk of n samples: column (s*out.h + oy)*out.w + ox is
// the receptive field of output pixel (oy, ox) of sample s, zero where it overhangs the
// padding. W * col is then (out.c, pixels * n): the chunk's Y, already channels-last.
#include <algorithm>
#include <cstdint>

#include "core/model/shape.hpp"
#include "core/model/tensor.hpp"

namespace ringtmp::conv2d {

struct Geometry {
  Shape in, out;
  int kernel = 1, stride = 1, pad = 0;
  int64_t patch() const { return int64_t(kernel) * kernel * in.c; }  // rows of col, columns of W
  int64_t pixels() const { return int64_t(out.h) * out.w; }
};

// Output side for one dimension; < 1 when the kernel does not fit.
inline int output_side(int in, int kernel, int stride, int pad) { return (in + 2 * pad - kernel) / stride + 1; }

// The floats of one sample's receptive fields; the chunk is as many samples as keep col near
// kColFloats (1 MiB, the L2 the GEMMs block for: im2col's output is still in cache when
// the product reads it), at least one.
inline constexpr int64_t kColFloats = int64_t(1) << 18;
inline int chunk_samples(const Geometry& g, int batch) {
  const int64_t per_sample = g.patch() * g.pixels();
  return int(std::clamp<int64_t>(kColFloats / std::max<int64_t>(per_sample, 1), 1, std::max(batch, 1)));
}
// The workspace: the im2col buffer, then room for a transposed product (see forward).
inline int64_t col_floats(const Geometry& g, int batch) {
  return g.patch() * g.pixels() * chunk_samples(g, batch);
}
inline int64_t workspace_floats(const Geometry& g, int batch) {
  return col_floats(g, batch) + std::max<int64_t>(g.pixels() * chunk_samples(g, batch), g.patch()) * g.out.c;
}

// Eigen's GEMM kernel fills 24 x 4 blocks of its output (AVX2 floats), so an output with few
// rows wastes most of it: W col with 6 output channels runs at 25 GFLOP/s where the same
// product computed transposed (col^T W^T: pixels x channels) and transposed back runs at 39
// (LeNet-5's first conv; bench/gemm_ceiling). With 16 or more channels the plain product is
// as fast. The weight gradient is always computed transposed (patch x channels): 28 vs 17
// GFLOP/s at 6 channels, 67 vs 57 at 16.
inline constexpr int kFewChannels = 16;

// The input columns [kx_begin, kx_end) of one kernel row that fall inside the image, for an
// output column ox: a contiguous run of pixels in channels-last order.
struct RowSpan {
  int kx_begin, kx_end, ix_begin;
};
inline RowSpan inside(const Geometry& g, int ox) {
  const int ix0 = ox * g.stride - g.pad;
  const int kx_begin = std::max(0, -ix0), kx_end = std::min(g.kernel, g.in.w - ix0);
  return {kx_begin, std::max(kx_begin, kx_end), ix0 + kx_begin};
}

// Plain loops, kept from becoming calls: the runs are short (a 5x5 kernel on one channel
// copies 5 floats), and GCC would turn each copy loop into a memmove call costing more than
// the copy (measured: a third of LeNet-5's step); Eigen maps of such sizes cost more still.
#if defined(__GNUC__) && !defined(__clang__)
#define RINGTMP_SHORT_RUNS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define RINGTMP_SHORT_RUNS
#endif

// col <- the receptive fields of the n samples at x.
RINGTMP_SHORT_RUNS inline void im2col(float* col, const float* x, const Geometry& g, int n) {
  const int C = g.in.c, K = g.kernel;
  float* column = col;
  for (int s = 0; s < n; ++s) {
    const float* xs = x + int64_t(s) * g.in.size();
    for (int oy = 0; oy < g.out.h; ++oy)
      for (int ox = 0; ox < g.out.w; ++ox, column += g.patch()) {
        const RowSpan r = inside(g, ox);
        for (int ky = 0; ky < K; ++ky) {
          float* row = column + int64_t(ky) * K * C;
          const int iy = oy * g.stride - g.pad + ky;
          if (iy < 0 || iy >= g.in.h) {
            for (int64_t i = 0; i < int64_t(K) * C; ++i) row[i] = 0.0f;
            continue;
          }
          const float* src = xs + (int64_t(iy) * g.in.w + r.ix_begin) * C;
          const int64_t before = int64_t(r.kx_begin) * C, inner = int64_t(r.kx_end - r.kx_begin) * C;
          for (int64_t i = 0; i < before; ++i) row[i] = 0.0f;
          for (int64_t i = 0; i < inner; ++i) row[before + i] = src[i];
          for (int64_t i = before + inner; i < int64_t(K) * C; ++i) row[i] = 0.0f;
        }
      }
  }
}

// dx += the receptive-field gradients in col, the inverse scatter of im2col (overlapping
// fields add up).
RINGTMP_SHORT_RUNS inline void col2im_add(float* dx, const float* col, const Geometry& g, int n) {
  const int C = g.in.c, K = g.kernel;
  const float* column = col;
  for (int s = 0; s < n; ++s) {
    float* ds = dx + int64_t(s) * g.in.size();
    for (int oy = 0; oy < g.out.h; ++oy)
      for (int ox = 0; ox < g.out.w; ++ox, column += g.patch()) {
        const RowSpan r = inside(g, ox);
        for (int ky = 0; ky < K; ++ky) {
          const int iy = oy * g.stride - g.pad + ky;
          if (iy < 0 || iy >= g.in.h) continue;
          const float* row = column + (int64_t(ky) * K + r.kx_begin) * C;
          float* dst = ds + (int64_t(iy) * g.in.w + r.ix_begin) * C;
          const int64_t count = int64_t(r.kx_end - r.kx_begin) * C;
          for (int64_t i = 0; i < count; ++i) dst[i] += row[i];
        }
      }
  }
}

// Y = W * im2col(X) + b, chunk by chunk. `col`: workspace_floats(g, batch) floats.
inline void forward(float* y, const float* x, int batch, const float* w, const float* b, const Geometry& g,
                    float* col) {
  const int chunk = chunk_samples(g, batch);
  ConstMatrixMap W(w, g.out.c, g.patch());
  ConstVectorMap bias(b, g.out.c);
  float* product = col + col_floats(g, batch);
  for (int s0 = 0; s0 < batch; s0 += chunk) {
    const int n = std::min(chunk, batch - s0);
    im2col(col, x + int64_t(s0) * g.in.size(), g, n);
    MatrixMap Y(y + int64_t(s0) * g.out.size(), g.out.c, g.pixels() * n);
    ConstMatrixMap cols(col, g.patch(), g.pixels() * n);
    if (g.out.c < kFewChannels) {
      MatrixMap Yt(product, g.pixels() * n, g.out.c);
      Yt.noalias() = cols.transpose() * W.transpose();
      Y = Yt.transpose();
    } else {
      Y.noalias() = W * cols;
    }
    Y.colwise() += bias;
  }
}

// dW += dY im2col(X)^T, db += rowsum(dY) (accumulating, as dense); dX = col2im(W^T dY)
// unless dx is null. dy is (out.size, batch) after the activation's backward.
inline void backward(float* dw, float* db, float* dx, const float* dy, const float* x, int batch, const float* w,
                     const Geometry& g, float* col) {
  const int chunk = chunk_samples(g, batch);
  MatrixMap dW(dw, g.out.c, g.patch());
  VectorMap dbias(db, g.out.c);
  ConstMatrixMap W(w, g.out.c, g.patch());
  MatrixMap dWt(col + col_floats(g, batch), g.patch(), g.out.c);
  if (dx) std::fill(dx, dx + g.in.size() * batch, 0.0f);
  for (int s0 = 0; s0 < batch; s0 += chunk) {
    const int n = std::min(chunk, batch - s0);
    ConstMatrixMap dY(dy + int64_t(s0) * g.out.size(), g.out.c, g.pixels() * n);
    MatrixMap cols(col, g.patch(), g.pixels() * n);
    im2col(col, x + int64_t(s0) * g.in.size(), g, n);
    dWt.noalias() = cols * dY.transpose();
    dW += dWt.transpose();
    dbias += dY.rowwise().sum();
    if (!dx) continue;
    cols.noalias() = W.transpose() * dY;  // the chunk's receptive-field gradients, in col's place
    col2im_add(dx + int64_t(s0) * g.in.size(), col, g, n);
  }
}

// Counted flops (a multiply-add is 2). im2col and col2im move memory and count nothing here;
// their cost is in the conv rate a device profile states (calibrate measures it).
inline int64_t forward_flops(const Geometry& g, int64_t batch) {
  return (2 * g.patch() + 1) * g.out.c * g.pixels() * batch;
}
inline int64_t backward_flops(const Geometry& g, int64_t batch, bool input_grad) {
  return (2 * g.patch() + 1) * g.out.c * g.pixels() * batch +
         (input_grad ? 2 * g.patch() * g.out.c * g.pixels() * batch : 0);
}

}  // namespace ringtmp::conv2d
