#pragma once
// What built this binary: the project's version and the git commit of the checkout it was
// built from ("unknown" outside a checkout, "-dirty" appended when it had uncommitted
// changes). The definition is generated at every build by cli/build_info.cmake.
#include <string>

#include <fmt/format.h>

#include "core/metrics/run_writer.hpp"

namespace ringtmp::cli {

BuildInfo build_info();

// `ringtmp --version`'s first line, "ringtmp 0.1.0 (git commit abc)": what launch --hosts's
// preflight compares across devices, so both sides must print it from here.
inline std::string version_line() {
  const BuildInfo b = build_info();
  return fmt::format("ringtmp {} (git commit {})", b.version, b.git_commit);
}

}  // namespace ringtmp::cli
