#pragma once
// `ringtmp maxmodel`'s check of a found size: a few timing-only simulated iterations of the
// config (shapes, no parameters: this machine's RAM does not bound it), each in a forked
// child (SimGrid allows one engine per process), and every node's recorded peak memory
// against its plan, part by part.
#include <string>
#include <vector>

#include "core/config.hpp"

namespace ringtmp::cli {

struct Confirmation {
  bool ran = false;     // the simulation completed
  bool matches = false; // every node's record equals its plan (within it where arrival order decides)
  std::string note;     // what failed or differed, one line; empty when matched
  int64_t recorded_max = 0;  // the largest node's recorded peak (without the dataset)
};

// Simulates each config (timing-only, as given: set iterations), `parallel` children at a
// time, and compares. Resilience copies are not simulated yet (issue 12): the comparison
// leaves the shadows and replicas parts out, and the dataset (the process holds it, the
// program does not record it).
std::vector<Confirmation> confirm_in_simulation(const std::vector<RunConfig>& configs, int parallel);

}  // namespace ringtmp::cli
