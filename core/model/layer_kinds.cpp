// Each layer kind's members (core/model/layer_spec.hpp) and the dispatch over the kinds.
#include <algorithm>

#include <fmt/format.h>

#include "core/model/conv2d.hpp"
#include "core/model/conv2d_direct.hpp"
#include "core/model/dense.hpp"
#include "core/model/layer_spec.hpp"
#include "core/model/pool2d.hpp"

namespace ringtmp {
namespace layer {

// ---- dense ----------------------------------------------------------------------------------

StatusOr<Shape> Dense::output(Shape in) const {
  if (units < 1) return Status::errorf("dense needs at least 1 unit, not {}", units);
  if (!in.flat()) return Status::errorf("dense needs a flat input, not {} (put flatten before it)", in.text());
  return Shape{units, 1, 1};
}
int64_t Dense::forward_flops(Shape in, Shape, int64_t batch) const {
  return dense::forward_flops(in.size(), units, batch);
}
int64_t Dense::backward_flops(Shape in, Shape, int64_t batch, bool input_grad) const {
  return dense::backward_flops(in.size(), units, batch, input_grad);
}
void Dense::forward(const LayerIo& io, float* y, const float* x, const float* params) const {
  const int in = int(io.in.size());
  MatrixMap Y(y, units, io.batch);
  dense::forward(Y, ConstMatrixMap(x, in, io.batch), ConstMatrixMap(params, units, in),
                 ConstVectorMap(params + int64_t(units) * in, units));
}
void Dense::backward(const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                     const float* weights) const {
  const int in = int(io.in.size());
  ConstMatrixMap dY(dy, units, io.batch);
  MatrixMap dW(grads, units, in);
  VectorMap db(grads + int64_t(units) * in, units);
  dense::backward(dW, db, dY, ConstMatrixMap(x, in, io.batch));
  if (dx) dense::backward_input(MatrixMap(dx, in, io.batch), dY, ConstMatrixMap(weights, units, in));
}
std::string Dense::text() const { return fmt::format("dense({})", units); }

// ---- conv -----------------------------------------------------------------------------------

namespace {
conv2d::Geometry geometry(const Conv2d& k, Shape in, Shape out) { return {in, out, k.kernel, k.stride, k.pad}; }
}  // namespace

StatusOr<Shape> Conv2d::output(Shape in) const {
  if (channels < 1) return Status::errorf("conv needs at least 1 output channel, not {}", channels);
  if (kernel < 1 || stride < 1 || pad < 0)
    return Status::errorf("conv needs kernel >= 1, stride >= 1 and pad >= 0 (got {}, {}, {})", kernel, stride, pad);
  if (pad >= kernel) return Status::errorf("conv padding {} must be less than the kernel {}", pad, kernel);
  const int h = conv2d::output_side(in.h, kernel, stride, pad), w = conv2d::output_side(in.w, kernel, stride, pad);
  if (h < 1 || w < 1)
    return Status::errorf("a {}x{} kernel with padding {} does not fit the {} input", kernel, kernel, pad, in.text());
  return Shape{channels, h, w};
}
int64_t Conv2d::forward_flops(Shape in, Shape out, int64_t batch) const {
  return conv2d::forward_flops(geometry(*this, in, out), batch);
}
int64_t Conv2d::backward_flops(Shape in, Shape out, int64_t batch, bool input_grad) const {
  return conv2d::backward_flops(geometry(*this, in, out), batch, input_grad);
}
// One input channel at stride 1 runs direct (conv2d_direct.hpp), the rest through im2col.
int64_t Conv2d::workspace_floats(Shape in, Shape out, int batch) const {
  const auto g = geometry(*this, in, out);
  return conv2d::direct::applies(g) ? conv2d::direct::workspace_floats(g) : conv2d::workspace_floats(g, batch);
}
void Conv2d::forward(const LayerIo& io, float* y, const float* x, const float* params) const {
  const auto g = geometry(*this, io.in, io.out);
  if (conv2d::direct::applies(g))
    conv2d::direct::forward(y, x, io.batch, params, params + weights(io.in), g, io.workspace);
  else
    conv2d::forward(y, x, io.batch, params, params + weights(io.in), g, io.workspace);
}
void Conv2d::backward(const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                      const float* w) const {
  const auto g = geometry(*this, io.in, io.out);
  if (conv2d::direct::applies(g))
    conv2d::direct::backward(grads, grads + weights(io.in), dx, dy, x, io.batch, w, g, io.workspace);
  else
    conv2d::backward(grads, grads + weights(io.in), dx, dy, x, io.batch, w, g, io.workspace);
}
std::string Conv2d::text() const {
  std::string s = fmt::format("conv({},{}", channels, kernel);
  if (stride != 1) s += fmt::format(",stride={}", stride);
  if (pad != 0) s += fmt::format(",pad={}", pad);
  return s + ")";
}

// ---- pooling --------------------------------------------------------------------------------

namespace {
template <bool kMax>
pool2d::Geometry geometry(const Pool2d<kMax>& k, Shape in, Shape out) {
  return {in, out, k.kernel, k.stride};
}
}  // namespace

template <bool kMax>
StatusOr<Shape> Pool2d<kMax>::output(Shape in) const {
  if (kernel < 1 || stride < 1) return Status::errorf("pooling needs kernel >= 1 and stride >= 1");
  if (kernel > in.h || kernel > in.w)
    return Status::errorf("a {}x{} pooling window does not fit the {} input", kernel, kernel, in.text());
  return Shape{in.c, pool2d::output_side(in.h, kernel, stride), pool2d::output_side(in.w, kernel, stride)};
}
template <bool kMax>
int64_t Pool2d<kMax>::forward_flops(Shape in, Shape out, int64_t batch) const {
  return pool2d::flops(geometry(*this, in, out), batch);
}
template <bool kMax>
int64_t Pool2d<kMax>::backward_flops(Shape in, Shape out, int64_t batch, bool input_grad) const {
  return input_grad ? pool2d::flops(geometry(*this, in, out), batch) : 0;
}
template <bool kMax>
void Pool2d<kMax>::forward(const LayerIo& io, float* y, const float* x, const float*) const {
  const auto g = geometry(*this, io.in, io.out);
  if constexpr (kMax) pool2d::max_forward(y, x, io.batch, g);
  else pool2d::avg_forward(y, x, io.batch, g);
}
template <bool kMax>
void Pool2d<kMax>::backward(const LayerIo& io, float* dx, float*, const float* dy, const float* x,
                            const float*) const {
  if (!dx) return;  // no parameters: nothing to do but the input gradient
  const auto g = geometry(*this, io.in, io.out);
  if constexpr (kMax) pool2d::max_backward(dx, dy, x, io.batch, g);
  else pool2d::avg_backward(dx, dy, io.batch, g);
}
template <bool kMax>
std::string Pool2d<kMax>::text() const {
  const char* name = kMax ? "maxpool" : "avgpool";
  return stride == kernel ? fmt::format("{}({})", name, kernel) : fmt::format("{}({},stride={})", name, kernel, stride);
}
template struct Pool2d<true>;
template struct Pool2d<false>;

// ---- flatten --------------------------------------------------------------------------------

void Flatten::forward(const LayerIo& io, float* y, const float* x, const float*) const {
  std::copy(x, x + io.in.size() * io.batch, y);
}
void Flatten::backward(const LayerIo& io, float* dx, float*, const float* dy, const float*, const float*) const {
  if (dx) std::copy(dy, dy + io.out.size() * io.batch, dx);
}

}  // namespace layer

// ---- dispatch -------------------------------------------------------------------------------

StatusOr<LayerSpec> make_layer(const LayerKind& kind, Shape in, Activation activation) {
  auto out = std::visit([&](const auto& k) { return k.output(in); }, kind);
  if (!out.ok()) return out.status();
  if (out->size() > (int64_t(1) << 30))
    return Status::errorf("{} gives {} features per sample, more than 2^30", std::visit([](const auto& k) {
                            return k.text();
                          }, kind), out->size());
  return LayerSpec{kind, in, *out, activation};
}

std::vector<LayerSpec> mlp_layers(std::span<const int> widths, Activation hidden) {
  std::vector<LayerSpec> layers;
  for (size_t i = 0; i + 1 < widths.size(); ++i)
    layers.push_back({layer::Dense{widths[i + 1]}, Shape{widths[i], 1, 1}, Shape{widths[i + 1], 1, 1},
                      i + 2 == widths.size() ? Activation::none : hidden});
  return layers;
}

int64_t layer_weight_count(const LayerSpec& l) {
  return std::visit([&](const auto& k) { return k.weights(l.in); }, l.kind);
}
int64_t layer_param_count(const LayerSpec& l) {
  return std::visit([&](const auto& k) { return k.weights(l.in) + k.biases(); }, l.kind);
}
int64_t layer_fan_in(const LayerSpec& l) {
  return std::visit([&](const auto& k) { return k.fan_in(l.in); }, l.kind);
}
int64_t layer_fan_out(const LayerSpec& l) {
  return std::visit([&](const auto& k) { return k.fan_out(l.in); }, l.kind);
}
int64_t layer_forward_flops(const LayerSpec& l, int64_t batch) {
  return std::visit([&](const auto& k) { return k.forward_flops(l.in, l.out, batch); }, l.kind) +
         activation_flops(l.activation, l.out.size() * batch);
}
int64_t layer_backward_flops(const LayerSpec& l, int64_t batch, bool input_grad) {
  return std::visit([&](const auto& k) { return k.backward_flops(l.in, l.out, batch, input_grad); }, l.kind) +
         activation_flops(l.activation, l.out.size() * batch);
}
int64_t layer_train_flops(const LayerSpec& l, int64_t batch) {
  return layer_forward_flops(l, batch) + layer_backward_flops(l, batch, true);
}
int64_t layer_workspace_floats(const LayerSpec& l, int batch) {
  return std::visit([&](const auto& k) { return k.workspace_floats(l.in, l.out, batch); }, l.kind);
}
void layer_forward(const LayerSpec& l, const LayerIo& io, float* y, const float* x, const float* params) {
  std::visit([&](const auto& k) { k.forward(io, y, x, params); }, l.kind);
}
void layer_backward(const LayerSpec& l, const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                    const float* weights) {
  std::visit([&](const auto& k) { k.backward(io, dx, grads, dy, x, weights); }, l.kind);
}

std::string layer_text(const LayerSpec& l) {
  std::string s = std::visit([](const auto& k) { return k.text(); }, l.kind);
  if (l.activation != Activation::none) s += fmt::format(",{}", to_string(l.activation));
  return s;
}
std::string layers_text(std::span<const LayerSpec> layers) {
  std::string s;
  for (const auto& l : layers) {
    if (!s.empty()) s += ',';
    s += layer_text(l);
  }
  return s;
}

}  // namespace ringtmp
