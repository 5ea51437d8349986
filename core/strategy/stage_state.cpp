#include "core/strategy/stage_state.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace ringtmp {

StatusOr<StageState> join_stage_states(std::vector<const StageState*> pieces, int first_layer, int end_layer) {
  std::sort(pieces.begin(), pieces.end(),
            [](const StageState* a, const StageState* b) { return a->first_layer < b->first_layer; });
  StageState joined{first_layer, first_layer, 0, 0, {}, {}};
  bool values = true;
  for (const StageState* p : pieces) values = values && p->has_values();
  for (const StageState* p : pieces) {
    if (p->first_layer != joined.end_layer || p->end_layer > end_layer || p->end_layer <= p->first_layer)
      return Status::errorf("layers {}..{}: no state starts at layer {}", first_layer, end_layer, joined.end_layer);
    joined.end_layer = p->end_layer;
    joined.param_count += p->param_count;
    joined.momentum_count += p->momentum_count;
    if (values) {
      joined.params.insert(joined.params.end(), p->params.begin(), p->params.end());
      joined.momentum.insert(joined.momentum.end(), p->momentum.begin(), p->momentum.end());
    }
  }
  if (joined.end_layer != end_layer)
    return Status::errorf("layers {}..{}: no state starts at layer {}", first_layer, end_layer, joined.end_layer);
  return joined;
}

Floats state_floats(const StageState& s) {
  if (!s.has_values()) return Floats::count_only(s.param_count + s.momentum_count);
  FloatBuffer values(s.params.begin(), s.params.end());
  values.insert(values.end(), s.momentum.begin(), s.momentum.end());
  return Floats(std::move(values));
}

StatusOr<StageState> stage_state_from(const Floats& f, int first_layer, int end_layer, size_t param_count,
                                      size_t momentum_count) {
  if (f.size() != param_count + momentum_count)
    return Status::errorf("the state of layers {}..{} has {} values, expected {} parameters and {} of momentum",
                          first_layer, end_layer, f.size(), param_count, momentum_count);
  StageState s{first_layer, end_layer, param_count, momentum_count, {}, {}};
  if (f.has_values()) {
    s.params.assign(f.begin(), f.begin() + ptrdiff_t(param_count));
    s.momentum.assign(f.begin() + ptrdiff_t(param_count), f.end());
  }
  return s;
}

}  // namespace ringtmp
