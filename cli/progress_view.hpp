#pragma once
// Shows a strategy's progress: a redrawn bar when stdout is a terminal, plain periodic lines
// (about every 10% or 10 s) otherwise, so logs and CI output stay readable.
#include <cstdint>

#include "core/strategy/progress.hpp"

namespace ringtmp::cli {

class ProgressView {
 public:
  explicit ProgressView(bool terminal);
  static bool stdout_is_terminal();
  void update(const Progress& p);
  void finish();  // ends the bar's line

 private:
  bool terminal_;
  double last_draw_ = -1e9;
  int64_t last_line_iteration_ = 0;
  bool drawn_ = false;
};

}  // namespace ringtmp::cli
