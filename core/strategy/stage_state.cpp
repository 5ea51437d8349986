#include "core/strategy/stage_state.hpp"

#include <fmt/format.h>

namespace ringtmp {

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
