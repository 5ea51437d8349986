#pragma once
// The bytes a node holds for one part of its memory, for the arithmetic the memory plan
// (memory_plan.hpp) and the node programs' recording share, so the two cannot drift apart.
#include <cstdint>

#include "core/model/model.hpp"

namespace ringtmp::memory {

inline int64_t floats(int64_t n) { return n * int64_t(sizeof(float)); }
// A whole-batch gradient step (ps worker, allreduce, local): the forward stash, the loss
// gradient and the backward workspace of `batch` samples.
inline int64_t gradient_step_bytes(const Model& model, int64_t batch) {
  return model.stash_bytes(batch) + floats(int64_t(model.output_width()) * batch) +
         model.backward_workspace_bytes(batch);
}
// One ring micro-batch slot of `size` samples: the layers' outputs, the input the stage keeps
// until the backward (received activations; stage 0 only when async copies the batch), and
// on the last stage the loss gradient.
inline int64_t ring_slot_bytes(const Model& stage, int64_t size, bool holds_input, bool last) {
  return stage.stash_bytes(size) + floats((holds_input ? int64_t(stage.input_width()) : 0) * size) +
         floats((last ? int64_t(stage.output_width()) : 0) * size);
}

}  // namespace ringtmp::memory
