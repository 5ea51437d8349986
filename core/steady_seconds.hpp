#pragma once
// Seconds given as a double (timeouts from the config and the flags) turned into a
// steady_clock duration or deadline. duration_cast of a double past the clock's range
// (about 292 years of nanoseconds) is undefined and in practice wraps to a negative
// duration: --peer-timeout 1e10 made every wait time out at once. Longer than any run, the
// clamp below is still far inside that range, so now() + the result cannot overflow.
#include <chrono>
#include <cmath>

namespace ringtmp {

inline constexpr double kMaxWaitSeconds = 1e9;  // about 31 years: "wait forever" in practice

// seconds clamped to [0, kMaxWaitSeconds]; NaN counts as 0.
inline std::chrono::steady_clock::duration steady_seconds(double seconds) {
  if (!(seconds > 0)) return std::chrono::steady_clock::duration::zero();
  seconds = std::fmin(seconds, kMaxWaitSeconds);
  // Rounded up to the clock's tick, so that a wait is never short of what was asked.
  return std::chrono::ceil<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

// The steady_clock time `seconds` from now, clamped as above.
inline std::chrono::steady_clock::time_point steady_deadline(double seconds) {
  return std::chrono::steady_clock::now() + steady_seconds(seconds);
}

}  // namespace ringtmp
