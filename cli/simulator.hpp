#pragma once
// Whether this build has the simulator. A device's build (-DRINGTMP_DEVICE=ON, or
// -DRINGTMP_WITH_SIM=OFF) has no SimGrid: the commands that simulate refuse in one line.
#include <cstdio>
#include <string_view>

#include <fmt/format.h>

namespace ringtmp::cli {

#ifdef RINGTMP_NO_SIM
inline constexpr bool kHasSimulator = false;
inline constexpr std::string_view kBuiltWithout = RINGTMP_NO_SIM;  // the CMake option that left it out
#else
inline constexpr bool kHasSimulator = true;
inline constexpr std::string_view kBuiltWithout;
#endif

// `command`'s refusal in a build without the simulator, with what to do `instead`: one line
// on stderr; returns the exit code, 2 (what was asked cannot run in this build).
inline int no_simulator(std::string_view command, std::string_view instead) {
  fmt::print(stderr, "ringtmp {}: this build has no simulator (built with {}); {}\n", command, kBuiltWithout,
             instead);
  return 2;
}

}  // namespace ringtmp::cli
