#pragma once
// A layer: the unit a model is built of and the partitioner assigns to stages. Its kind
// (dense, conv, pooling, flatten) with the kind's own settings, the per-sample shapes it
// maps, and the activation applied to its output (fused, in place: relu after a conv is
// part of the conv's layer, so a stage stashes one matrix per layer).
//
// The kinds' functions form one table: each kind below declares the same members (its
// shape rule, parameter count, counted flops, init fans, forward, backward), and the free
// functions after LayerSpec dispatch to them with std::visit. A new kind is one struct here
// and its members in core/model/layer_kinds.cpp.
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/model/activation.hpp"
#include "core/model/shape.hpp"
#include "core/status.hpp"

namespace ringtmp {

// What a layer's forward and backward work in: x, y, dx, dy are (features, batch) blocks,
// params and grads the layer's slice of the model's flat buffers (weights, then biases).
struct LayerIo {
  Shape in, out;
  int batch = 0;
  float* workspace = nullptr;  // workspace_floats() floats (conv: the im2col buffer)
};

namespace layer {

// Every kind: output(in) -> the shape or an error saying why the input does not fit;
// weights(in), biases(); fan_in/fan_out for the initialisation; flops; workspace; forward
// and backward (backward's dy is the gradient after the activation's backward, and dx,
// when not null, is overwritten); text() as --model spells it.
struct Dense {
  int units = 0;
  StatusOr<Shape> output(Shape in) const;
  int64_t weights(Shape in) const { return in.size() * units; }
  int64_t biases() const { return units; }
  int64_t fan_in(Shape in) const { return in.size(); }
  int64_t fan_out(Shape) const { return units; }
  int64_t forward_flops(Shape in, Shape out, int64_t batch) const;
  int64_t backward_flops(Shape in, Shape out, int64_t batch, bool input_grad) const;
  int64_t workspace_floats(Shape, Shape, int) const { return 0; }
  void forward(const LayerIo& io, float* y, const float* x, const float* params) const;
  void backward(const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                const float* weights) const;
  std::string text() const;
  bool operator==(const Dense&) const = default;
};

struct Conv2d {
  int channels = 0, kernel = 1, stride = 1, pad = 0;
  StatusOr<Shape> output(Shape in) const;
  int64_t weights(Shape in) const { return int64_t(channels) * kernel * kernel * in.c; }
  int64_t biases() const { return channels; }
  int64_t fan_in(Shape in) const { return int64_t(kernel) * kernel * in.c; }
  int64_t fan_out(Shape) const { return int64_t(kernel) * kernel * channels; }
  int64_t forward_flops(Shape in, Shape out, int64_t batch) const;
  int64_t backward_flops(Shape in, Shape out, int64_t batch, bool input_grad) const;
  int64_t workspace_floats(Shape in, Shape out, int batch) const;
  void forward(const LayerIo& io, float* y, const float* x, const float* params) const;
  void backward(const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                const float* weights) const;
  std::string text() const;
  bool operator==(const Conv2d&) const = default;
};

// Max and average pooling share everything but the reduction.
template <bool kMax>
struct Pool2d {
  int kernel = 2, stride = 2;
  StatusOr<Shape> output(Shape in) const;
  int64_t weights(Shape) const { return 0; }
  int64_t biases() const { return 0; }
  int64_t fan_in(Shape) const { return 1; }
  int64_t fan_out(Shape) const { return 1; }
  int64_t forward_flops(Shape in, Shape out, int64_t batch) const;
  int64_t backward_flops(Shape in, Shape out, int64_t batch, bool input_grad) const;
  int64_t workspace_floats(Shape, Shape, int) const { return 0; }
  void forward(const LayerIo& io, float* y, const float* x, const float* params) const;
  void backward(const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                const float* weights) const;
  std::string text() const;
  bool operator==(const Pool2d&) const = default;
};
using MaxPool2d = Pool2d<true>;
using AvgPool2d = Pool2d<false>;

// c x h x w -> (c*h*w) x 1 x 1; the memory is the same (a copy), only the shape changes.
struct Flatten {
  StatusOr<Shape> output(Shape in) const { return Shape{int(in.size()), 1, 1}; }
  int64_t weights(Shape) const { return 0; }
  int64_t biases() const { return 0; }
  int64_t fan_in(Shape) const { return 1; }
  int64_t fan_out(Shape) const { return 1; }
  int64_t forward_flops(Shape, Shape, int64_t) const { return 0; }
  int64_t backward_flops(Shape, Shape, int64_t, bool) const { return 0; }
  int64_t workspace_floats(Shape, Shape, int) const { return 0; }
  void forward(const LayerIo& io, float* y, const float* x, const float* params) const;
  void backward(const LayerIo& io, float* dx, float* grads, const float* dy, const float* x,
                const float* weights) const;
  std::string text() const { return "flatten"; }
  bool operator==(const Flatten&) const = default;
};

}  // namespace layer

using LayerKind = std::variant<layer::Dense, layer::Conv2d, layer::MaxPool2d, layer::AvgPool2d, layer::Flatten>;

struct LayerSpec {
  LayerKind kind;
  Shape in, out;  // per sample
  Activation activation = Activation::none;

  int in_features() const { return int(in.size()); }
  int out_features() const { return int(out.size()); }
  bool operator==(const LayerSpec&) const = default;
};

// The layer of `kind` on an input of shape `in`, or why the input does not fit it.
StatusOr<LayerSpec> make_layer(const LayerKind& kind, Shape in, Activation activation);

// widths {784, 256, 128, 10} -> three dense layers; every hidden layer gets `hidden`, the
// last none (its outputs are the logits).
std::vector<LayerSpec> mlp_layers(std::span<const int> widths, Activation hidden);

int64_t layer_param_count(const LayerSpec& l);
int64_t layer_weight_count(const LayerSpec& l);  // the first layer_weight_count of its params
int64_t layer_forward_flops(const LayerSpec& l, int64_t batch);
int64_t layer_backward_flops(const LayerSpec& l, int64_t batch, bool input_grad);
// Counted flops of one training step of a layer (forward, backward with input gradient):
// the cost the partitioner balances.
int64_t layer_train_flops(const LayerSpec& l, int64_t batch);
int64_t layer_workspace_floats(const LayerSpec& l, int batch);
// The fans the initialisation scales by (Model::init): a dense layer's in and out widths, a
// conv's k*k*in_channels and k*k*out_channels.
int64_t layer_fan_in(const LayerSpec& l);
int64_t layer_fan_out(const LayerSpec& l);
void layer_forward(const LayerSpec& l, const LayerIo& io, float* y, const float* x, const float* params);
void layer_backward(const LayerSpec& l, const LayerIo& io, float* dx, float* grads, const float* dy,
                    const float* x, const float* weights);
// As --model spells it, activation included: "conv(6,5,pad=2),relu".
std::string layer_text(const LayerSpec& l);
// "conv(6,5,pad=2),relu,maxpool(2),...": the model string of a list of layers.
std::string layers_text(std::span<const LayerSpec> layers);

}  // namespace ringtmp
