#pragma once
// 2-d max and average pooling on channels-last samples (core/model/shape.hpp), forward and
// backward side by side. No padding; a window that would overhang the edge is not taken
// (PyTorch's floor mode): out side = (in - kernel) / stride + 1.
//
// Shapes: X (c*in.h*in.w, B), Y (c*out.h*out.w, B), the same channels in and out.
#include <algorithm>
#include <cstdint>

#include "core/model/shape.hpp"

namespace ringtmp::pool2d {

struct Geometry {
  Shape in, out;
  int kernel = 2, stride = 2;
  int64_t window() const { return int64_t(kernel) * kernel; }
};

inline int output_side(int in, int kernel, int stride) { return (in - kernel) / stride + 1; }

// Visits every output element: f(sample, y offset, x offset of the window's top-left pixel's
// channel 0), with offsets in floats from the sample's start.
template <class F>
void each_window(const Geometry& g, int batch, F&& f) {
  const int C = g.in.c;
  for (int s = 0; s < batch; ++s)
    for (int oy = 0; oy < g.out.h; ++oy)
      for (int ox = 0; ox < g.out.w; ++ox)
        f(s, (int64_t(oy) * g.out.w + ox) * C, (int64_t(oy) * g.stride * g.in.w + int64_t(ox) * g.stride) * C);
}
// Offset of window pixel (ky, kx) from the window's top-left pixel.
inline int64_t window_offset(const Geometry& g, int ky, int kx) {
  return (int64_t(ky) * g.in.w + kx) * g.in.c;
}

// ---- max ------------------------------------------------------------------------------------

inline void max_forward(float* y, const float* x, int batch, const Geometry& g) {
  const int C = g.in.c;
  each_window(g, batch, [&](int s, int64_t yo, int64_t xo) {
    float* out = y + s * g.out.size() + yo;
    const float* in = x + s * g.in.size() + xo;
    std::copy(in, in + C, out);
    for (int ky = 0; ky < g.kernel; ++ky)
      for (int kx = 0; kx < g.kernel; ++kx) {
        const float* p = in + window_offset(g, ky, kx);
        for (int c = 0; c < C; ++c) out[c] = std::max(out[c], p[c]);
      }
  });
}

// dX = dY routed to each window's maximum; on a tie, to the first maximum in row-major
// window order (one element gets the whole gradient, so the sum over X is dY's). The
// argmax is found again from X: nothing is stashed beyond the layer's input.
inline void max_backward(float* dx, const float* dy, const float* x, int batch, const Geometry& g) {
  const int C = g.in.c;
  std::fill(dx, dx + g.in.size() * batch, 0.0f);
  each_window(g, batch, [&](int s, int64_t yo, int64_t xo) {
    const float* in = x + s * g.in.size() + xo;
    for (int c = 0; c < C; ++c) {
      int64_t best = c;
      for (int ky = 0; ky < g.kernel; ++ky)
        for (int kx = 0; kx < g.kernel; ++kx) {
          const int64_t at = window_offset(g, ky, kx) + c;
          if (in[at] > in[best]) best = at;
        }
      dx[s * g.in.size() + xo + best] += dy[s * g.out.size() + yo + c];
    }
  });
}

// ---- average --------------------------------------------------------------------------------

inline void avg_forward(float* y, const float* x, int batch, const Geometry& g) {
  const int C = g.in.c;
  const float scale = 1.0f / float(g.window());
  each_window(g, batch, [&](int s, int64_t yo, int64_t xo) {
    float* out = y + s * g.out.size() + yo;
    const float* in = x + s * g.in.size() + xo;
    std::fill(out, out + C, 0.0f);
    for (int ky = 0; ky < g.kernel; ++ky)
      for (int kx = 0; kx < g.kernel; ++kx) {
        const float* p = in + window_offset(g, ky, kx);
        for (int c = 0; c < C; ++c) out[c] += p[c];
      }
    for (int c = 0; c < C; ++c) out[c] *= scale;
  });
}

// dX = dY / window, spread over each window (overlapping windows add up).
inline void avg_backward(float* dx, const float* dy, int batch, const Geometry& g) {
  const int C = g.in.c;
  const float scale = 1.0f / float(g.window());
  std::fill(dx, dx + g.in.size() * batch, 0.0f);
  each_window(g, batch, [&](int s, int64_t yo, int64_t xo) {
    const float* d = dy + s * g.out.size() + yo;
    float* base = dx + s * g.in.size() + xo;
    for (int ky = 0; ky < g.kernel; ++ky)
      for (int kx = 0; kx < g.kernel; ++kx) {
        float* p = base + window_offset(g, ky, kx);
        for (int c = 0; c < C; ++c) p[c] += d[c] * scale;
      }
  });
}

// Counted flops: one compare or add per window element, forward and backward alike.
inline int64_t flops(const Geometry& g, int64_t batch) { return g.window() * g.out.size() * batch; }

}  // namespace ringtmp::pool2d
