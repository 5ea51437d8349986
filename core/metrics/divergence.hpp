#pragma once
// A diverged run: its numbers stopped being numbers (a learning rate too large, say). The
// loss is checked once per iteration (one comparison, nothing in the hot loop) and the
// parameters once at the end, so the first non-finite value is found without slowing
// training; the CLI reports it and exits 1 unless --allow-divergence.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ringtmp {

struct Divergence {
  int64_t iteration = 0;      // the first iteration whose loss is NaN or infinite (or, for
                              // parameters, the iteration after which they were checked)
  std::optional<int> node;    // a cluster: the first rank (in rank order) that saw it
  bool in_parameters = false; // every loss was finite but the final parameters are not
};

// Keeps in `d` the earliest divergence: records (iteration, node) when `loss` is not finite
// and nothing earlier (by iteration, then rank) is recorded.
void note_loss(std::optional<Divergence>& d, int64_t iteration, double loss, std::optional<int> node = {});

// Records parameters that are not all finite after `iteration`, unless a loss already was.
void note_parameters(std::optional<Divergence>& d, int64_t iteration, std::span<const float> params);

// "the loss became NaN or infinite at iteration 3 on node 1", or
// "the parameters became NaN or infinite by iteration 40 (every loss was finite)".
std::string describe(const Divergence& d);

}  // namespace ringtmp
