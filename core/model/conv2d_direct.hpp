#pragma once
// 2-d convolution of ONE input channel at stride 1, computed directly instead of through
// im2col (core/model/conv2d.hpp): a first layer on grey images (LeNet-5's 5x5 on 28x28).
// There im2col copies each pixel K*K times to feed a GEMM whose inner dimension is only
// K*K, and the copies cost more than the arithmetic.
//
// Shapes as conv2d.hpp: X (in.h*in.w, B) (one channel), Y (out.c*out.h*out.w, B)
// channels-last, W (out.c, K*K) column-major, b (out.c). Per sample, the work happens in
// channel planes (out.c x out.h rows of `row_floats`) beside a zero-padded copy of the
// image. Rows are rounded up to whole vectors of kLanes floats and the padded image has as
// many extra zero columns, so every vector load stays inside its row and the extra lanes
// read zeros. The kernels keep blocks of outputs in registers across all K*K taps (loads
// were the bound when each tap re-read and re-wrote the planes; measured on LeNet-5's first
// conv, 64 samples: forward 0.48 -> 0.21 ms, weight gradient 0.61 -> 0.36 ms); every sum
// runs in a fixed order, so the bits do not depend on the machine's vector width.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/model/conv2d.hpp"

namespace ringtmp::conv2d::direct {

inline bool applies(const Geometry& g) { return g.in.c == 1 && g.stride == 1; }

inline constexpr int kLanes = 8;
inline int row_floats(const Geometry& g) { return (g.out.w + kLanes - 1) / kLanes * kLanes; }
inline int padded_h(const Geometry& g) { return g.out.h + g.kernel - 1; }  // = in.h + 2 pad
inline int padded_w(const Geometry& g) { return row_floats(g) + g.kernel - 1; }
inline int64_t plane_floats(const Geometry& g) { return int64_t(g.out.h) * row_floats(g); }
// The padded image, its gradient, and the channel planes.
inline int64_t workspace_floats(const Geometry& g) {
  return 2 * int64_t(padded_h(g)) * padded_w(g) + int64_t(g.out.c) * plane_floats(g);
}

namespace detail {
// GCC's generic vectors: AVX registers on x86-64-v3, pairs of NEON registers on the Pis.
using Vec = float __attribute__((vector_size(kLanes * sizeof(float))));
inline Vec load(const float* p) {
  Vec v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }
inline Vec splat(float f) { return Vec{f, f, f, f, f, f, f, f}; }  // one broadcast
static_assert(kLanes == 8, "splat lists kLanes copies");

// pad <- the sample's image inside a border of g.pad zeros (and the extra zero columns).
inline void pad_image(float* pad, const float* xs, const Geometry& g) {
  const int wp = padded_w(g);
  std::fill(pad, pad + int64_t(padded_h(g)) * wp, 0.0f);
  for (int i = 0; i < g.in.h; ++i)
    std::copy(xs + int64_t(i) * g.in.w, xs + int64_t(i + 1) * g.in.w, pad + int64_t(i + g.pad) * wp + g.pad);
}
inline float weight(const float* w, const Geometry& g, int co, int tap) { return w[co + int64_t(g.out.c) * tap]; }

// The sum of n floats (n a multiple of kLanes), lane by lane and then the lanes in order:
// one float added after another would be a chain of dependent adds (measured: the bias
// gradient took longer than the whole weight gradient).
inline float sum(const float* p, int64_t n) {
  Vec acc{};
  for (int64_t i = 0; i < n; i += kLanes) acc += load(p + i);
  float total = 0.0f;
  for (int l = 0; l < kLanes; ++l) total += acc[l];
  return total;
}

// Planes of channels [co, co + NC), row oy, vectors [x0, x0 + NV*kLanes): bias, then each
// tap in order ky, kx.
template <int NC, int NV>
inline void forward_block(float* planes, const float* pad, const float* w, const float* b, const Geometry& g,
                          int co, int oy, int x0) {
  const int wp = padded_w(g);
  Vec acc[NC][NV];
  for (int c = 0; c < NC; ++c)
    for (int v = 0; v < NV; ++v) acc[c][v] = splat(b[co + c]);
  for (int ky = 0; ky < g.kernel; ++ky) {
    const float* row = pad + int64_t(oy + ky) * wp + x0;
    for (int kx = 0; kx < g.kernel; ++kx) {
      Vec src[NV];
      for (int v = 0; v < NV; ++v) src[v] = load(row + kx + v * kLanes);
      for (int c = 0; c < NC; ++c) {
        const Vec wv = splat(weight(w, g, co + c, ky * g.kernel + kx));
        for (int v = 0; v < NV; ++v) acc[c][v] += wv * src[v];
      }
    }
  }
  for (int c = 0; c < NC; ++c)
    for (int v = 0; v < NV; ++v)
      store(planes + (co + c) * plane_floats(g) + int64_t(oy) * row_floats(g) + x0 + v * kLanes, acc[c][v]);
}

// Six channels x two vectors: 12 accumulators, within the 16 vector registers of AVX2.
inline constexpr int kForwardChannels = 6;
template <int NV>
inline void forward_row(float* planes, const float* pad, const float* w, const float* b, const Geometry& g, int oy,
                        int x0) {
  int co = 0;
  for (; co + kForwardChannels <= g.out.c; co += kForwardChannels)
    forward_block<kForwardChannels, NV>(planes, pad, w, b, g, co, oy, x0);
  switch (g.out.c - co) {
    case 5: forward_block<5, NV>(planes, pad, w, b, g, co, oy, x0); break;
    case 4: forward_block<4, NV>(planes, pad, w, b, g, co, oy, x0); break;
    case 3: forward_block<3, NV>(planes, pad, w, b, g, co, oy, x0); break;
    case 2: forward_block<2, NV>(planes, pad, w, b, g, co, oy, x0); break;
    case 1: forward_block<1, NV>(planes, pad, w, b, g, co, oy, x0); break;
    default: break;
  }
}

// dW[co + c, ky, kx0 + t] += this sample's sum over pixels of dY x the shifted image, for
// channels [co, co + NC) and taps [kx0, kx0 + NT) of kernel row ky. Each lane sums its
// pixels in row order, then the lanes are added in order.
template <int NC, int NT>
inline void weight_grad_block(float* dw, const float* planes, const float* pad, const Geometry& g, int co, int ky,
                              int kx0) {
  const int wp = padded_w(g), rf = row_floats(g);
  Vec acc[NC][NT] = {};
  for (int oy = 0; oy < g.out.h; ++oy) {
    const float* row = pad + int64_t(oy + ky) * wp + kx0;
    for (int x0 = 0; x0 < rf; x0 += kLanes) {
      Vec d[NC];
      for (int c = 0; c < NC; ++c) d[c] = load(planes + (co + c) * plane_floats(g) + int64_t(oy) * rf + x0);
      for (int t = 0; t < NT; ++t) {
        const Vec src = load(row + t + x0);
        for (int c = 0; c < NC; ++c) acc[c][t] += d[c] * src;
      }
    }
  }
  for (int c = 0; c < NC; ++c)
    for (int t = 0; t < NT; ++t) {
      float lanes[kLanes];
      store(lanes, acc[c][t]);
      dw[co + c + int64_t(g.out.c) * (ky * g.kernel + kx0 + t)] += sum(lanes, kLanes);
    }
}

// Two channels x up to five taps: 10 accumulators.
inline constexpr int kGradTaps = 5;
template <int NC>
inline void weight_grad_row(float* dw, const float* planes, const float* pad, const Geometry& g, int co, int ky) {
  int kx = 0;
  for (; kx + kGradTaps <= g.kernel; kx += kGradTaps) weight_grad_block<NC, kGradTaps>(dw, planes, pad, g, co, ky, kx);
  switch (g.kernel - kx) {
    case 4: weight_grad_block<NC, 4>(dw, planes, pad, g, co, ky, kx); break;
    case 3: weight_grad_block<NC, 3>(dw, planes, pad, g, co, ky, kx); break;
    case 2: weight_grad_block<NC, 2>(dw, planes, pad, g, co, ky, kx); break;
    case 1: weight_grad_block<NC, 1>(dw, planes, pad, g, co, ky, kx); break;
    default: break;
  }
}
}  // namespace detail

// Y = conv(X, W) + b.
inline void forward(float* y, const float* x, int batch, const float* w, const float* b, const Geometry& g,
                    float* work) {
  const int rf = row_floats(g), channels = g.out.c;
  float* pad = work;
  float* planes = work + 2 * int64_t(padded_h(g)) * padded_w(g);
  for (int s = 0; s < batch; ++s) {
    detail::pad_image(pad, x + int64_t(s) * g.in.size(), g);
    for (int oy = 0; oy < g.out.h; ++oy) {
      int x0 = 0;
      for (; x0 + 2 * kLanes <= rf; x0 += 2 * kLanes) detail::forward_row<2>(planes, pad, w, b, g, oy, x0);
      if (x0 < rf) detail::forward_row<1>(planes, pad, w, b, g, oy, x0);
    }
    float* ys = y + int64_t(s) * g.out.size();  // planes -> channels-last
    for (int oy = 0; oy < g.out.h; ++oy)
      for (int ox = 0; ox < g.out.w; ++ox, ys += channels)
        for (int co = 0; co < channels; ++co) ys[co] = planes[co * plane_floats(g) + int64_t(oy) * rf + ox];
  }
}

// dW += sum over samples and pixels of dY x the shifted image, db += sum of dY; dX (unless
// null) = the full convolution of dY with W, cropped to the image.
inline void backward(float* dw, float* db, float* dx, const float* dy, const float* x, int batch, const float* w,
                     const Geometry& g, float* work) {
  const int wp = padded_w(g), rf = row_floats(g), channels = g.out.c;
  const int64_t padded = int64_t(padded_h(g)) * wp;
  float* pad = work;
  float* dpad = work + padded;
  float* planes = dpad + padded;
  std::fill(planes, planes + channels * plane_floats(g), 0.0f);  // the extra lanes stay zero
  for (int s = 0; s < batch; ++s) {
    detail::pad_image(pad, x + int64_t(s) * g.in.size(), g);
    const float* dys = dy + int64_t(s) * g.out.size();  // channels-last -> planes
    for (int oy = 0; oy < g.out.h; ++oy)
      for (int ox = 0; ox < g.out.w; ++ox, dys += channels)
        for (int co = 0; co < channels; ++co) planes[co * plane_floats(g) + int64_t(oy) * rf + ox] = dys[co];
    for (int co = 0; co < channels; ++co) db[co] += detail::sum(planes + co * plane_floats(g), plane_floats(g));
    for (int ky = 0; ky < g.kernel; ++ky) {
      int co = 0;
      for (; co + 2 <= channels; co += 2) detail::weight_grad_row<2>(dw, planes, pad, g, co, ky);
      if (co < channels) detail::weight_grad_row<1>(dw, planes, pad, g, co, ky);
    }
    if (!dx) continue;
    std::fill(dpad, dpad + padded, 0.0f);
    for (int co = 0; co < channels; ++co)
      for (int ky = 0; ky < g.kernel; ++ky)
        for (int kx = 0; kx < g.kernel; ++kx) {
          const float wv = detail::weight(w, g, co, ky * g.kernel + kx);
          for (int oy = 0; oy < g.out.h; ++oy) {
            float* dst = dpad + int64_t(oy + ky) * wp + kx;
            const float* d = planes + co * plane_floats(g) + int64_t(oy) * rf;
            for (int ox = 0; ox < rf; ++ox) dst[ox] += wv * d[ox];
          }
        }
    float* dxs = dx + int64_t(s) * g.in.size();
    for (int i = 0; i < g.in.h; ++i)
      std::copy(dpad + int64_t(i + g.pad) * wp + g.pad, dpad + int64_t(i + g.pad) * wp + g.pad + g.in.w,
                dxs + int64_t(i) * g.in.w);
  }
}

}  // namespace ringtmp::conv2d::direct
