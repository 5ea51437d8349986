#include "runtime/log_limiter.hpp"

#include <fmt/format.h>

namespace ringtmp {

LogLimiter::LogLimiter(std::string summary_prefix, int burst, double interval_s)
    : prefix_(std::move(summary_prefix)),
      burst_(burst),
      interval_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_s))) {}

void LogLimiter::log(const Sink& sink, const std::string& kind, const std::string& source, const std::string& line,
                     Clock::time_point now) {
  flush(sink, now);
  if (!started_) {
    started_ = true;
    start_ = now;
  }
  if (logged_ < burst_) {
    ++logged_;
    sink(line);
    return;
  }
  std::pair<std::string, std::string> key{kind, source};
  if (!held_.count(key) && held_.size() >= kMaxSources) key.second = "other addresses";
  ++held_[key];
}

void LogLimiter::flush(const Sink& sink, Clock::time_point now, bool force) {
  if (!started_ || (!force && now - start_ < interval_)) return;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  for (const auto& [key, n] : held_)
    sink(fmt::format("{} {} more {} from {} in the last {:.0f} s (only the first {} of an interval are logged one by one)",
                     prefix_, n, key.first, key.second, seconds, burst_));
  held_.clear();
  logged_ = 0;
  started_ = false;
}

}  // namespace ringtmp
