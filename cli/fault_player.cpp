#include "cli/fault_player.hpp"

#include <algorithm>
#include <csignal>

#include <fmt/format.h>

namespace ringtmp::cli {

FaultPlayer::FaultPlayer(const std::vector<Fault>& faults, Send send) : send_(std::move(send)) {
  for (const auto& f : faults) {
    if (f.kind == Fault::Kind::kill) {
      steps_.push_back({f.at_s, f.rank, SIGSTOP, true, f.text});
    } else {
      steps_.push_back({f.at_s, f.rank, SIGSTOP, false, f.text});
      steps_.push_back({f.at_s + f.duration_s, f.rank, SIGCONT, false, f.text});
    }
  }
  // Stable: at one instant the schedule's order holds, so a pause's stop precedes its continue.
  std::stable_sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) { return a.at_s < b.at_s; });
}

std::optional<double> FaultPlayer::play(double elapsed_s) {
  for (; next_ < steps_.size() && steps_[next_].at_s <= elapsed_s; ++next_) {
    const Step& s = steps_[next_];
    if (killed_at(s.rank)) continue;  // off for good already (ended since, perhaps): nothing more to play on it
    const char* what = s.for_good                ? "killed (SIGSTOP: silent from now, as without power; SIGKILL once the others end)"
                       : s.signal == SIGSTOP     ? "paused (SIGSTOP)"
                                                 : "continued (SIGCONT)";
    fmt::print("fault: node {} {} at {:.2f} s ({}: --faults {})\n", s.rank, what, elapsed_s,
               s.signal == SIGCONT ? "the pause ends" : "due", s.why);
    send_(s.rank, s.signal);
    std::erase(paused_, s.rank);
    if (s.for_good) {
      killed_.push_back(s.rank);
      kill_times_.emplace_back(s.rank, elapsed_s);
    }
    else if (s.signal == SIGSTOP) paused_.push_back(s.rank);
  }
  if (next_ == steps_.size()) return std::nullopt;
  return std::max(0.0, steps_[next_].at_s - elapsed_s);
}

void FaultPlayer::end_killed_if_alone(const std::function<bool(int)>& running, int nodes) {
  if (killed_.empty()) return;
  for (int r = 0; r < nodes; ++r)
    if (running(r) && std::find(killed_.begin(), killed_.end(), r) == killed_.end()) return;
  for (int rank : killed_) send_(rank, SIGKILL);
  killed_.clear();
}

std::optional<double> FaultPlayer::killed_at(int rank) const {
  for (const auto& [r, at] : kill_times_)
    if (r == rank) return at;
  return std::nullopt;
}

void FaultPlayer::release() {
  for (int rank : paused_) send_(rank, SIGCONT);
  paused_.clear();
  for (int rank : killed_) send_(rank, SIGKILL);
  killed_.clear();
}

}  // namespace ringtmp::cli
