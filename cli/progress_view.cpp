#include "cli/progress_view.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "core/strategy/ps.hpp"

namespace ringtmp::cli {

ProgressView::ProgressView(bool terminal, const RunConfig& c, bool simulated)
    : terminal_(terminal),
      simulated_(simulated),
      timing_only_(c.timing_only),
      // Asynchronous ps reports from the lowest live worker, which sees the loss of its own
      // slice only. A BSP server sums the whole batch's loss with the gradients, as
      // all-reduce's travels with the reduced gradient: every worker knows it.
      loss_label_(c.strategy == StrategyKind::ps && c.nodes > 1 && !ps_aggregates(c) ? "worker loss" : "loss") {}

bool ProgressView::stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

std::string ProgressView::figures(const Progress& p) const {
  // Short simulations end in fractions of a second: show them to the millisecond.
  const std::string clock = fmt::format("{:.{}f} s {}", p.elapsed, p.elapsed < 10 ? 3 : 1,
                                        simulated_ ? "simulated" : "wall");
  if (timing_only_)
    return fmt::format("{:.4g} s per iteration  {}", p.elapsed / double(std::max<int64_t>(p.iteration, 1)), clock);
  return fmt::format("{} {:.4f}  {:.0f} samples/s  {}", loss_label_, p.loss, p.samples / std::max(p.elapsed, 1e-9),
                     clock);
}

void ProgressView::update(const Progress& p) {
  if (terminal_) {
    if (p.elapsed - last_draw_ < 0.1 && p.iteration != p.total) return;
    last_draw_ = p.elapsed;
    constexpr int kWidth = 30;
    const int filled = int(kWidth * p.iteration / std::max<int64_t>(p.total, 1));
    fmt::print("\r[{}{}] {}/{}  {} ", std::string(filled, '#'), std::string(kWidth - filled, '.'), p.iteration,
               p.total, figures(p));
    std::fflush(stdout);
    drawn_ = true;
    return;
  }
  const int64_t step = std::max<int64_t>(p.total / 10, 1);
  if (p.iteration - last_line_iteration_ >= step || p.elapsed - last_draw_ >= 10.0 ||
      p.iteration == p.total) {
    last_line_iteration_ = p.iteration;
    last_draw_ = p.elapsed;
    fmt::print("iteration {}/{}  {}\n", p.iteration, p.total, figures(p));
    std::fflush(stdout);
  }
}

void ProgressView::finish() {
  if (terminal_ && drawn_) fmt::print("\n");
}

}  // namespace ringtmp::cli
