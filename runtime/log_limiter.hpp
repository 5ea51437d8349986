#pragma once
// Rate-limited logging for events a stranger can cause at will (rejected connections, bad
// frames): the first few of an interval are logged one by one, the rest only counted and
// summarised when the interval ends ("dropped 6981 more connections from 10.0.0.9 in the
// last 10 s"). A flood of 70,000 connections once cost a line each and slowed the run it
// attacked by up to 60%; now it costs a dozen lines per interval.
//
// Not thread-safe: one owner calls it (the Mesh's network thread). Time is passed in, so
// tests drive it without sleeping.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace ringtmp {

class LogLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(const std::string&)>;

  // `summary_prefix` starts each summary line ("rank 0: dropped"); `burst` lines are logged
  // whole per interval of `interval_s` seconds.
  LogLimiter(std::string summary_prefix, int burst, double interval_s);

  // Writes `line` to `sink` while the interval's burst lasts; otherwise counts it under
  // `kind` (a plural noun: "connections") and `source` (who caused it: "10.0.0.9").
  void log(const Sink& sink, const std::string& kind, const std::string& source, const std::string& line,
           Clock::time_point now);
  // Once the interval is over (or when `force`, e.g. at close): one summary line per kind
  // and source held back, then a new interval starts.
  void flush(const Sink& sink, Clock::time_point now, bool force = false);

  // Distinct sources counted per interval; more are counted together as "other addresses".
  static constexpr size_t kMaxSources = 16;

 private:
  std::string prefix_;
  int burst_;
  Clock::duration interval_;
  Clock::time_point start_{};
  bool started_ = false;
  int logged_ = 0;
  std::map<std::pair<std::string, std::string>, int64_t> held_;  // (kind, source) -> count
};

}  // namespace ringtmp
