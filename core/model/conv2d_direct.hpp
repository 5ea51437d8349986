#pragma once
// 2-d convolution of ONE input channel at stride 1, computed directly instead of through
// im2col (core/model/conv2d.hpp): a first layer on grey images (LeNet-5's 5x5 on 28x28).
// There im2col copies each pixel K*K times to feed a GEMM whose inner dimension is only
// K*K, and the copies cost more than the arithmetic; the direct loops below run on whole
// image rows (measured on LeNet-5's first conv: 0.83 ms per 64 samples against 1.73 ms).
//
// Shapes as conv2d.hpp: X (in.h*in.w, B) (one channel), Y (out.c*out.h*out.w, B)
// channels-last, W (out.c, K*K) column-major, b (out.c). Per sample, the work happens in
// channel planes (out.c x out.h*out.w) beside a zero-padded copy of the image; the loops
// over a row's pixels are element-wise (each output pixel its own sum, always in the same
// order), so the compiler vectorises them without reassociating any sum.
#include <algorithm>
#include <cstdint>

#include "core/model/conv2d.hpp"

namespace ringtmp::conv2d::direct {

inline bool applies(const Geometry& g) { return g.in.c == 1 && g.stride == 1; }

inline int padded_h(const Geometry& g) { return g.in.h + 2 * g.pad; }
inline int padded_w(const Geometry& g) { return g.in.w + 2 * g.pad; }
// The padded image, its gradient, and the channel planes.
inline int64_t workspace_floats(const Geometry& g) {
  return 2 * int64_t(padded_h(g)) * padded_w(g) + int64_t(g.out.c) * g.pixels();
}

namespace detail {
// pad <- the sample's image inside a border of g.pad zeros.
inline void pad_image(float* pad, const float* xs, const Geometry& g) {
  const int wp = padded_w(g);
  std::fill(pad, pad + int64_t(padded_h(g)) * wp, 0.0f);
  for (int i = 0; i < g.in.h; ++i)
    std::copy(xs + int64_t(i) * g.in.w, xs + int64_t(i + 1) * g.in.w, pad + int64_t(i + g.pad) * wp + g.pad);
}
inline float weight(const float* w, const Geometry& g, int co, int ky, int kx) {
  return w[co + int64_t(g.out.c) * (ky * g.kernel + kx)];
}
}  // namespace detail

// Y = conv(X, W) + b.
inline void forward(float* y, const float* x, int batch, const float* w, const float* b, const Geometry& g,
                    float* work) {
  const int wp = padded_w(g), wo = g.out.w, channels = g.out.c;
  float* pad = work;
  float* planes = work + 2 * int64_t(padded_h(g)) * wp;
  for (int s = 0; s < batch; ++s) {
    detail::pad_image(pad, x + int64_t(s) * g.in.size(), g);
    for (int co = 0; co < channels; ++co) {
      float* plane = planes + int64_t(co) * g.pixels();
      std::fill(plane, plane + g.pixels(), b[co]);
      for (int ky = 0; ky < g.kernel; ++ky)
        for (int kx = 0; kx < g.kernel; ++kx) {
          const float wv = detail::weight(w, g, co, ky, kx);
          for (int oy = 0; oy < g.out.h; ++oy) {
            const float* src = pad + int64_t(oy + ky) * wp + kx;
            float* dst = plane + int64_t(oy) * wo;
            for (int ox = 0; ox < wo; ++ox) dst[ox] += wv * src[ox];
          }
        }
    }
    float* ys = y + int64_t(s) * g.out.size();  // planes -> channels-last
    for (int64_t p = 0; p < g.pixels(); ++p)
      for (int co = 0; co < channels; ++co) ys[p * channels + co] = planes[int64_t(co) * g.pixels() + p];
  }
}

// dW += sum over samples and pixels of dY x the shifted image, db += sum of dY; dX (unless
// null) = the full convolution of dY with W, cropped to the image.
inline void backward(float* dw, float* db, float* dx, const float* dy, const float* x, int batch, const float* w,
                     const Geometry& g, float* work) {
  const int wp = padded_w(g), wo = g.out.w, channels = g.out.c;
  const int64_t padded = int64_t(padded_h(g)) * wp;
  float* pad = work;
  float* dpad = work + padded;
  float* planes = dpad + padded;
  for (int s = 0; s < batch; ++s) {
    detail::pad_image(pad, x + int64_t(s) * g.in.size(), g);
    const float* dys = dy + int64_t(s) * g.out.size();  // channels-last -> planes
    for (int64_t p = 0; p < g.pixels(); ++p)
      for (int co = 0; co < channels; ++co) planes[int64_t(co) * g.pixels() + p] = dys[p * channels + co];
    if (dx) std::fill(dpad, dpad + padded, 0.0f);
    for (int co = 0; co < channels; ++co) {
      const float* plane = planes + int64_t(co) * g.pixels();
      float bias_sum = 0.0f;
      for (int64_t p = 0; p < g.pixels(); ++p) bias_sum += plane[p];
      db[co] += bias_sum;
      for (int ky = 0; ky < g.kernel; ++ky)
        for (int kx = 0; kx < g.kernel; ++kx) {
          // Per output column a partial sum over the rows (element-wise), then the columns.
          float column_sums[512];
          float total = 0.0f;
          for (int x0 = 0; x0 < wo; x0 += 512) {
            const int n = std::min(512, wo - x0);
            std::fill(column_sums, column_sums + n, 0.0f);
            for (int oy = 0; oy < g.out.h; ++oy) {
              const float* src = pad + int64_t(oy + ky) * wp + kx + x0;
              const float* d = plane + int64_t(oy) * wo + x0;
              for (int i = 0; i < n; ++i) column_sums[i] += d[i] * src[i];
            }
            for (int i = 0; i < n; ++i) total += column_sums[i];
          }
          dw[co + int64_t(channels) * (ky * g.kernel + kx)] += total;
          if (!dx) continue;
          const float wv = detail::weight(w, g, co, ky, kx);
          for (int oy = 0; oy < g.out.h; ++oy) {
            float* dst = dpad + int64_t(oy + ky) * wp + kx;
            const float* d = plane + int64_t(oy) * wo;
            for (int ox = 0; ox < wo; ++ox) dst[ox] += wv * d[ox];
          }
        }
    }
    if (!dx) continue;
    float* dxs = dx + int64_t(s) * g.in.size();
    for (int i = 0; i < g.in.h; ++i)
      std::copy(dpad + int64_t(i + g.pad) * wp + g.pad, dpad + int64_t(i + g.pad) * wp + g.pad + g.in.w,
                dxs + int64_t(i) * g.in.w);
  }
}

}  // namespace ringtmp::conv2d::direct
