#pragma once
// Shows a strategy's progress: a redrawn bar when stdout is a terminal, plain periodic lines
// (about every 10% or 10 s) otherwise, so logs and CI output stay readable. It says what its
// figures are: simulated or wall seconds, whose loss (the whole batch's, or for asynchronous
// ps one worker's slice, where iterations.csv holds the mean over all workers), and in a timing-only simulation,
// where nothing is computed, no loss at all and seconds per iteration instead of samples/s.
#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "core/strategy/progress.hpp"

namespace ringtmp::cli {

class ProgressView {
 public:
  // simulated: the progress reports carry the simulator's clock.
  ProgressView(bool terminal, const RunConfig& c, bool simulated);
  static bool stdout_is_terminal();
  void update(const Progress& p);
  void finish();  // ends the bar's line

  // The figures after the counter, e.g. "worker loss 0.4207  1234 samples/s  5.2 s simulated".
  std::string figures(const Progress& p) const;

 private:
  bool terminal_;
  bool simulated_;
  bool timing_only_;
  std::string loss_label_;
  double last_draw_ = -1e9;
  int64_t last_line_iteration_ = 0;
  bool drawn_ = false;
};

}  // namespace ringtmp::cli
