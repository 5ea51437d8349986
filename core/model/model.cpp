#include "core/model/model.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <fmt/format.h>

#include "core/model/gemm_blocking.hpp"

namespace ringtmp {

std::string_view to_string(Activation a) {
  switch (a) {
    case Activation::none: return "none";
    case Activation::relu: return "relu";
    case Activation::tanh: return "tanh";
  }
  return "?";
}

int64_t ForwardStash::bytes() const {
  int64_t n = 0;
  for (const auto& m : outputs) n += m.size();
  return n * int64_t(sizeof(float));
}

Model::Model(std::vector<LayerSpec> layers, int first_layer, Storage storage, int threads)
    : layers_(std::move(layers)), first_layer_(first_layer), threads_(std::max(threads, 1)) {
  assert(!layers_.empty());
  pin_gemm_blocking();  // before any product this model (or any other) computes
  size_t total = 0;
  for (const auto& l : layers_) {
    offsets_.push_back(total);
    total += size_t(layer_param_count(l));
  }
  param_count_ = total;
  if (storage == Storage::shapes_only) return;
  if (threads_ > 1) pool_ = std::make_shared<WorkerPool>(threads_);
  params_.assign(total, 0.0f);
  grads_.assign(total, 0.0f);
}

void Model::init(uint64_t seed) {
  if (params_.size() != param_count_) return;  // shapes only
  const Rng root(seed);
  for (size_t l = 0; l < layers_.size(); ++l) {
    Rng rng = root.fork(uint64_t(first_layer_) + l);
    const auto& spec = layers_[l];
    float* w = params_.data() + offsets_[l];
    const size_t n = size_t(layer_weight_count(spec));
    const float fan_in = float(layer_fan_in(spec)), fan_out = float(layer_fan_out(spec));
    if (spec.activation == Activation::relu) {
      const float stddev = std::sqrt(2.0f / fan_in);
      for (size_t i = 0; i < n; ++i) w[i] = stddev * rng.normal();
    } else {
      const float limit = std::sqrt(6.0f / (fan_in + fan_out));
      for (size_t i = 0; i < n; ++i) w[i] = rng.uniform(-limit, limit);
    }
    std::fill(w + n, w + layer_param_count(spec), 0.0f);
  }
}

void Model::zero_grads() { std::fill(grads_.begin(), grads_.end(), 0.0f); }

void Model::prepare(ForwardStash& stash, const float* input, int batch) const {
  stash.input = input;
  stash.batch = batch;
  stash.outputs.resize(layers_.size());
  for (size_t l = 0; l < layers_.size(); ++l)
    stash.outputs[l].resize(layers_[l].out_features(), batch);  // no-op when the shape repeats
}

int64_t Model::thread_workspace_floats(int batch) const {
  const int widest_range = (batch + threads_ - 1) / threads_;
  int64_t floats = 0;
  for (const auto& l : layers_) floats = std::max(floats, layer_workspace_floats(l, widest_range));
  return floats;
}

int64_t Model::largest_layer_params() const {
  int64_t most = 0;
  for (const auto& l : layers_) most = std::max(most, layer_param_count(l));
  return most;
}

float* Model::workspace(int batch) const {
  if (batch > workspace_batch_) {
    const int64_t floats = threads_ * thread_workspace_floats(batch) + (threads_ - 1) * largest_layer_params();
    workspace_.assign(size_t(floats), 0.0f);
    workspace_batch_ = batch;
  }
  return workspace_.data();
}

const Matrix& Model::forward(ForwardStash& stash, const float* input, int batch) const {
  assert(params_.size() == param_count_ && "forward on a shapes-only model");
  prepare(stash, input, batch);
  float* work = workspace(batch);
  const int64_t per_thread = thread_workspace_floats(batch);
  for (size_t l = 0; l < layers_.size(); ++l) {
    const auto& spec = layers_[l];
    const float* x = l == 0 ? input : stash.outputs[l - 1].data();
    Matrix& Y = stash.outputs[l];
    const float* params = params_.data() + offsets_[l];
    if (!pool_) {
      layer_forward(spec, {spec.in, spec.out, batch, work}, Y.data(), x, params);
      activation_forward(spec.activation, Y);
      continue;
    }
    pool_->run([&](int t) {
      const SampleRange r = sample_range(batch, threads_, t);
      if (r.size() == 0) return;
      float* y = Y.data() + int64_t(r.begin) * spec.out_features();
      layer_forward(spec, {spec.in, spec.out, r.size(), work + t * per_thread}, y,
                    x + int64_t(r.begin) * spec.in_features(), params);
      activation_forward(spec.activation, MatrixMap(y, spec.out_features(), r.size()));
    });
  }
  return stash.outputs.back();
}

void Model::backward(const ForwardStash& stash, float* dout, float* dinput,
                     const float* weights) {
  assert(params_.size() == param_count_ && "backward on a shapes-only model");
  const int batch = stash.batch;
  if (batch > scratch_batch_) {
    int widest = 0;
    for (const auto& l : layers_) widest = std::max(widest, l.in_features());
    for (auto& s : scratch_) s.resize(size_t(widest) * batch);
    scratch_batch_ = batch;
  }
  if (!weights) weights = params_.data();
  float* work = workspace(batch);

  const int64_t per_thread = thread_workspace_floats(batch);
  float* partials = work + threads_ * per_thread;  // thread t > 0's gradients at (t-1) * largest

  float* dy = dout;  // gradient w.r.t. the current layer's output
  for (size_t l = layers_.size(); l-- > 0;) {
    const auto& spec = layers_[l];
    const float* x = l == 0 ? stash.input : stash.outputs[l - 1].data();
    float* dx = l == 0 ? dinput : scratch_[l % 2].data();
    float* grads = grads_.data() + offsets_[l];
    if (!pool_) {
      MatrixMap dY(dy, spec.out_features(), batch);
      activation_backward(spec.activation, dY, stash.outputs[l]);
      layer_backward(spec, {spec.in, spec.out, batch, work}, dx, grads, dy, x, weights + offsets_[l]);
      dy = dx;
      continue;
    }
    const int64_t count = layer_param_count(spec);
    pool_->run([&](int t) {
      const SampleRange r = sample_range(batch, threads_, t);
      if (r.size() == 0) return;
      const int64_t out_at = int64_t(r.begin) * spec.out_features(), in_at = int64_t(r.begin) * spec.in_features();
      MatrixMap dY(dy + out_at, spec.out_features(), r.size());
      activation_backward(spec.activation, dY, ConstMatrixMap(stash.outputs[l].data() + out_at, spec.out_features(), r.size()));
      float* g = t == 0 ? grads : partials + (t - 1) * largest_layer_params();
      if (t > 0) std::fill(g, g + count, 0.0f);
      layer_backward(spec, {spec.in, spec.out, r.size(), work + t * per_thread}, dx ? dx + in_at : nullptr, g,
                     dy + out_at, x + in_at, weights + offsets_[l]);
    });
    for (int t = 1; t < threads_ && count > 0; ++t)
      if (sample_range(batch, threads_, t).size() > 0)
        VectorMap(grads, count) += ConstVectorMap(partials + (t - 1) * largest_layer_params(), count);
    dy = dx;
  }
}

int64_t Model::stash_bytes(int64_t batch) const {
  int64_t floats = 0;
  for (const auto& l : layers_) floats += int64_t(l.out_features()) * batch;
  return floats * int64_t(sizeof(float));
}

int64_t Model::backward_workspace_bytes(int64_t batch) const {
  int64_t widest = 0;
  for (const auto& l : layers_) widest = std::max<int64_t>(widest, l.in_features());
  const int64_t work = threads_ * thread_workspace_floats(int(batch)) + (threads_ - 1) * largest_layer_params();
  return (int64_t(std::size(scratch_)) * widest * batch + work) * int64_t(sizeof(float));
}

int64_t Model::forward_flops(int64_t batch) const {
  int64_t f = 0;
  for (const auto& l : layers_) f += layer_forward_flops(l, batch);
  return f;
}

int64_t Model::backward_flops(int64_t batch, bool input_grad) const {
  int64_t f = 0;
  for (size_t i = 0; i < layers_.size(); ++i) f += layer_backward_flops(layers_[i], batch, i > 0 || input_grad);
  return f;
}

std::string Model::describe() const {
  std::string s;
  const bool mlp = std::all_of(layers_.begin(), layers_.end(),
                               [](const LayerSpec& l) { return std::holds_alternative<layer::Dense>(l.kind); });
  for (const auto& l : layers_)
    s += mlp ? fmt::format("{}{}x{} {}", s.empty() ? "" : " | ", l.in_features(), l.out_features(), to_string(l.activation))
             : fmt::format("{}{} {} -> {}", s.empty() ? "" : " | ", l.in.text(), layer_text(l), l.out.text());
  return fmt::format("{} : {} params ({:.2f} MiB, grads alike)", s, param_count_,
                     double(param_bytes()) / (1 << 20));
}

FloatBuffer init_param_range(const std::vector<LayerSpec>& layers, uint64_t seed, size_t begin, size_t count) {
  FloatBuffer out(count);
  const size_t end = begin + count;
  size_t layer_begin = 0;
  for (size_t l = 0; l < layers.size() && layer_begin < end; ++l) {
    const size_t layer_end = layer_begin + size_t(layer_param_count(layers[l]));
    if (layer_end > begin) {
      Model one({layers[l]}, int(l));  // layer l's own stream: the values the whole model holds
      one.init(seed);
      const size_t from = std::max(begin, layer_begin), to = std::min(end, layer_end);
      std::copy(one.params().begin() + (from - layer_begin), one.params().begin() + (to - layer_begin),
                out.begin() + (from - begin));
    }
    layer_begin = layer_end;
  }
  return out;
}

}  // namespace ringtmp
