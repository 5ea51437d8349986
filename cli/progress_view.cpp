#include "cli/progress_view.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace ringtmp::cli {

ProgressView::ProgressView(bool terminal) : terminal_(terminal) {}

bool ProgressView::stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

void ProgressView::update(const Progress& p) {
  const double rate = p.samples / std::max(p.elapsed, 1e-9);
  if (terminal_) {
    if (p.elapsed - last_draw_ < 0.1 && p.iteration != p.total) return;
    last_draw_ = p.elapsed;
    constexpr int kWidth = 30;
    const int filled = int(kWidth * p.iteration / std::max<int64_t>(p.total, 1));
    fmt::print("\r[{}{}] {}/{}  loss {:.4f}  {:.0f} samples/s  {:.1f}s ", std::string(filled, '#'),
               std::string(kWidth - filled, '.'), p.iteration, p.total, p.loss, rate, p.elapsed);
    std::fflush(stdout);
    drawn_ = true;
    return;
  }
  const int64_t step = std::max<int64_t>(p.total / 10, 1);
  if (p.iteration - last_line_iteration_ >= step || p.elapsed - last_draw_ >= 10.0 ||
      p.iteration == p.total) {
    last_line_iteration_ = p.iteration;
    last_draw_ = p.elapsed;
    fmt::print("iteration {}/{}  loss {:.4f}  {:.0f} samples/s  {:.1f}s\n", p.iteration, p.total,
               p.loss, rate, p.elapsed);
    std::fflush(stdout);
  }
}

void ProgressView::finish() {
  if (terminal_ && drawn_) fmt::print("\n");
}

}  // namespace ringtmp::cli
