#pragma once
// Progress reports from a running strategy to whoever displays them (the CLI's bar).
#include <cstdint>
#include <functional>

namespace ringtmp {

struct Progress {
  int64_t iteration = 0;
  int64_t total = 0;
  double loss = 0;
  double elapsed = 0;   // seconds on the run's clock
  int64_t samples = 0;
};
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace ringtmp
