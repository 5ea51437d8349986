#pragma once
// A model (or one pipeline stage of one): a contiguous run of layers whose parameters and
// gradients each live in ONE flat buffer, with per-layer Eigen views into it, so that a
// strategy can send, reduce or shard the whole model as one span.
//
// Threading: a Model is used by one thread. Forward may run for several micro-batches
// before their backwards (each keeps its own ForwardStash).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/model/layer_spec.hpp"
#include "core/model/rng.hpp"
#include "core/model/tensor.hpp"
#include "core/model/worker_pool.hpp"

namespace ringtmp {

// What one forward pass leaves for its backward. The input is borrowed: the caller keeps
// it alive (dataset block, received message) until backward has run.
struct ForwardStash {
  const float* input = nullptr;  // (in, batch), column-major
  int batch = 0;
  std::vector<Matrix> outputs;   // outputs[l]: post-activation of layer l, (out_l, batch)
  int64_t bytes() const;         // accounted memory of the stashed outputs
};

// Whether a model holds its parameters, or only their shapes: a timing-only simulation
// needs sizes and flops, not values, and must not hold a model per simulated device.
enum class Storage { values, shapes_only };

class Model {
 public:
  // `first_layer`: index of layers[0] in the whole model, when this is one pipeline stage.
  // shapes_only: params() and grads() are empty, init() does nothing, and forward/backward
  // must not be called; counts, flops and accounted bytes are those of the real model.
  // `threads` (--threads T): each layer's forward and backward split the batch into T
  // contiguous sample ranges run on T threads (core/model/worker_pool.hpp); a range's
  // parameter gradients go to its own buffer, added in range order. So the result is the
  // same bits run after run for a given T (not across T: the sums group differently), and
  // T = 1 runs the layers whole on the calling thread.
  explicit Model(std::vector<LayerSpec> layers, int first_layer = 0, Storage storage = Storage::values,
                 int threads = 1);

  const std::vector<LayerSpec>& layers() const { return layers_; }
  int threads() const { return threads_; }
  // Features per sample in and out (a conv stage's are its images' c*h*w).
  int input_width() const { return layers_.front().in_features(); }
  int output_width() const { return layers_.back().out_features(); }

  // The flat buffers: W_0, b_0, W_1, b_1, ... (each W column-major; dense (out, in), conv
  // (out channels, k*k*in channels)); pooling and flatten layers hold none.
  std::span<float> params() { return params_; }
  std::span<const float> params() const { return params_; }
  std::span<float> grads() { return grads_; }
  std::span<const float> grads() const { return grads_; }
  size_t param_offset(int layer) const { return offsets_[layer]; }
  // Hands the parameters over at the end of a run (no copy of the model beside itself);
  // the model holds none afterwards.
  FloatBuffer release_params() { return std::move(params_); }
  size_t param_count() const { return param_count_; }

  // He-normal for ReLU layers, Xavier-uniform otherwise (layer_fan_in/out); biases zero. Layer l of the whole
  // model draws from its own stream of `seed`, so a stage initialises exactly the values the
  // whole model would hold in its layers.
  void init(uint64_t seed);
  void zero_grads();

  // input (in, batch) -> returns the output (out_last, batch) held in the stash.
  const Matrix& forward(ForwardStash& stash, const float* input, int batch) const;
  // Shapes the stash for a batch without computing: what a timing-only simulation needs so
  // the messages a forward would send have their true sizes. forward() calls it itself.
  void prepare(ForwardStash& stash, const float* input, int batch) const;

  // dout (out_last, batch) is consumed (overwritten). Accumulates parameter gradients; writes
  // dinput (in, batch) unless null. `weights` (default: current params) lets a pipeline
  // run backward against the weights its forward saw (PipeDream weight stashing).
  void backward(const ForwardStash& stash, float* dout, float* dinput,
                const float* weights = nullptr);

  // Counted flops for a batch: what compute() charges in the simulator.
  int64_t forward_flops(int64_t batch) const;
  int64_t backward_flops(int64_t batch, bool input_grad) const;

  int64_t param_bytes() const { return int64_t(param_count_ * sizeof(float)); }
  // What ForwardStash::bytes() is after a forward of `batch` samples.
  int64_t stash_bytes(int64_t batch) const;
  // The backward pass's ping-pong buffers and the layers' workspace (im2col) once a
  // forward and backward of `batch` samples have run.
  int64_t backward_workspace_bytes(int64_t batch) const;
  // "784x256 relu | 256x128 relu | ... : 235146 params (0.90 MiB)"; a model with other
  // kinds than dense: "1x28x28 conv(6,5,pad=2),relu -> 6x28x28 | ... : 61706 params (...)"
  std::string describe() const;

 private:
  std::vector<LayerSpec> layers_;
  int first_layer_ = 0;
  std::vector<size_t> offsets_;  // of W_l in the flat buffers; b_l follows it
  size_t param_count_ = 0;
  FloatBuffer params_;
  FloatBuffer grads_;
  FloatBuffer scratch_[2];  // backward ping-pong, sized once: no per-batch allocation
  int scratch_batch_ = 0;
  // The layers' workspace (conv's im2col), shared by forward and backward: a Model is used
  // by one thread. Grown when a larger batch comes, never per batch.
  mutable FloatBuffer workspace_;
  mutable int workspace_batch_ = 0;
  float* workspace(int batch) const;
  // Per thread: its slice of the workspace, and (threads after the first) its gradient buffer.
  int64_t thread_workspace_floats(int batch) const;
  int64_t largest_layer_params() const;
  int threads_ = 1;
  std::shared_ptr<WorkerPool> pool_;  // threads_ > 1 only; copies of a model share it
};

// Elements [begin, begin + count) of the flat parameters Model(layers).init(seed) would
// hold, built one layer at a time: a parameter server's shard without the whole model.
FloatBuffer init_param_range(const std::vector<LayerSpec>& layers, uint64_t seed, size_t begin, size_t count);

}  // namespace ringtmp
