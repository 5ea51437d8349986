#pragma once
// The training state of a contiguous run of layers [first_layer, end_layer): parameters and
// optimizer state (momentum), each flat in the whole model's layout. What a ring node owns
// (its stage), what it keeps of a neighbour's stage (a shadow), and what travels when a node
// takes a dead stage over.
#include <cstddef>
#include <vector>

#include "core/model/tensor.hpp"
#include "core/status.hpp"
#include "core/transport/message.hpp"

namespace ringtmp {

struct StageState {
  int first_layer = 0, end_layer = 0;
  size_t param_count = 0, momentum_count = 0;
  FloatBuffer params, momentum;  // empty in a timing-only run: only the counts exist

  bool has_values() const { return params.size() == param_count && momentum.size() == momentum_count; }
};

// Parameters then momentum, as one run of floats (count-only when the state holds no values).
Floats state_floats(const StageState& s);
// The inverse, given the counts the receiver expects; an error when the count differs.
StatusOr<StageState> stage_state_from(const Floats& f, int first_layer, int end_layer, size_t param_count,
                                      size_t momentum_count);

}  // namespace ringtmp
