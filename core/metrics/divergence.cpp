#include "core/metrics/divergence.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ringtmp {

void note_loss(std::optional<Divergence>& d, int64_t iteration, double loss, std::optional<int> node) {
  if (std::isfinite(loss)) return;
  const bool earlier = !d || d->in_parameters || iteration < d->iteration ||
                       (iteration == d->iteration && node && (!d->node || *node < *d->node));
  if (earlier) d = Divergence{iteration, node, false};
}

void note_parameters(std::optional<Divergence>& d, int64_t iteration, std::span<const float> params) {
  if (d) return;
  // One pass at the end of a run: a sum would overflow to inf on large finite values, so
  // each value is tested.
  if (std::all_of(params.begin(), params.end(), [](float v) { return std::isfinite(v); })) return;
  d = Divergence{iteration, std::nullopt, true};
}

std::string describe(const Divergence& d) {
  if (d.in_parameters)
    return fmt::format("the parameters became NaN or infinite by iteration {} (every loss was finite)", d.iteration);
  return fmt::format("the loss became NaN or infinite at iteration {}{}", d.iteration,
                     d.node ? fmt::format(" on node {}", *d.node) : "");
}

}  // namespace ringtmp
