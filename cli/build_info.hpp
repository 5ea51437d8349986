#pragma once
// What built this binary: the project's version and the git commit of the checkout it was
// built from ("unknown" outside a checkout, "-dirty" appended when it had uncommitted
// changes). The definition is generated at every build by cli/build_info.cmake.
#include "core/metrics/run_writer.hpp"

namespace ringtmp::cli {

BuildInfo build_info();

}  // namespace ringtmp::cli
