#pragma once
// The largest model that fits every node's memory budget, by the memory plan alone
// (core/strategy/memory_plan.hpp): grow a layer pattern's hidden width (every hidden layer
// the same width W) or its depth (D hidden layers of one width), input and output widths
// fixed; double from the smallest size until some node's plan passes its budget, then
// bisect to the exact largest integer (Lightning's batch-size finder, on arithmetic). Pure:
// no files, no simulation; `ringtmp maxmodel` confirms the answer with a simulated run.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/status.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/strategy/memory_plan.hpp"

namespace ringtmp::cli {

enum class Grow { width, depth };

// What grows and what stays. Width: `hidden_layers` layers of width `size`. Depth: `size`
// layers of width `hidden_width`. Sizes from `lowest` to `highest` are tried.
struct Growth {
  Grow grow = Grow::width;
  int input = 0, output = 0;
  int hidden_layers = 1;
  int hidden_width = 1;
  int64_t lowest = 1, highest = 1;
};

// The growth of `base` (input, hidden..., output) for `nodes` ring stages or workers.
// A ring stage needs a layer of its own, so the pattern has at least nodes - 1 hidden layers
// (nodes weighted layers): width growth keeps max(base's hidden layers, nodes - 1) hidden
// layers for every strategy at that N (one model family per N, so the strategies' counts
// compare); depth growth uses the base's first hidden width and starts at nodes - 1 layers
// for the ring, 1 for the others. Error (a usage error) when base has no hidden layer.
StatusOr<Growth> growth_for(std::span<const int> base, Grow grow, int nodes, bool ring);

// input, the hidden layers at `size`, output.
std::vector<int> grown_layers(const Growth& g, int64_t size);

struct Fit {
  std::vector<NodeMemory> plan;  // per device (memory_fit.hpp's memory_per_device)
  int tightest = 0;  // the node with the highest peak / budget
  bool fits = false;
  std::string no_cut;  // ring: why no stage cut fits the devices (plan: the flops-balanced cut)
};
// Plans c (its layers as set) on one device per rank (speed and budget, memory_fit.hpp's
// stage_devices), then every node's plan, with the resilience copies, against its budget.
// The ring's cut: on alike devices the flops-balanced one (the backends keep it whenever it
// fits, so a size that fits here runs; the answer is a lower bound where a cut unloading
// stage 0 would fit more); on a mix, the backends' cut to the devices (ring_partition.hpp).
// Error: c cannot be laid out at all (more stages than layers).
StatusOr<Fit> fit_memory(const RunConfig& c, std::span<const StageDevice> devices, ResilienceMemory resilience);

struct MaxModel {
  bool found = false;   // false: not even g.lowest fits
  bool capped = false;  // g.highest fits: the answer is at least `size`
  int64_t size = 0;     // width or depth
  std::vector<int> layers;
  int64_t params = 0;
  Fit fit;        // at `size` (at g.lowest when nothing fits: who is over and by how much)
  int plans = 0;  // sizes planned
};
// c's layers are replaced by the grown pattern; everything else (strategy, nodes, servers,
// schedule, batch, iterations) plans as given.
StatusOr<MaxModel> find_max_model(RunConfig c, const Growth& g, std::span<const StageDevice> devices,
                                  ResilienceMemory resilience);

}  // namespace ringtmp::cli
