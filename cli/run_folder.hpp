#pragma once
// Choosing and readying a run's folder before the run, so that a folder that cannot be
// written fails at once (not after an hour of training) and two runs never share one.
#include <string>

#include "core/config.hpp"
#include "core/status.hpp"

namespace ringtmp::cli {

// results/runs/<strategy>-<YYYYmmdd-HHMMSS>-<milliseconds><suffix>: a base name for
// claim_run_folder.
std::string default_run_folder(const RunConfig& c, const std::string& suffix = "");

// Readies c.out for a run. Empty: a fresh default folder is claimed (created exclusively:
// `base`, or `base-2`, `base-3`, ... when another run holds it) and c.out names it. Given:
// it is created when absent, an existing one that is not empty is refused unless
// c.overwrite, and it must take a file. Errors name the folder (the caller exits 1).
Status prepare_run_folder(RunConfig& c, const std::string& default_suffix = "");

}  // namespace ringtmp::cli
