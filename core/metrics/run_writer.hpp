#pragma once
// Writes a run folder: summary.json, iterations.csv, nodes.csv, timeline.json (Chrome
// trace events: one track per node with busy / idle / send spans, opens in Perfetto) and
// config.ini (the run's settings: `--config DIR/config.ini` runs it again).
#include <string>

#include "core/metrics/run_result.hpp"
#include "core/status.hpp"

namespace ringtmp {

// What produced a run, recorded in its summary.
struct BuildInfo {
  std::string version = "unknown";
  std::string git_commit = "unknown";  // "unknown" when not built from a git checkout
};

// Creates `dir` (and parents) when needed. Error names the file that could not be written.
Status write_run(const std::string& dir, const RunResult& run, const BuildInfo& build = {});

// The summary alone, as the JSON text written to summary.json: the figures, what built
// the binary, and every setting of the run in "config".
std::string summary_json(const RunResult& run, const BuildInfo& build = {});

// The run's settings as config.ini: every setting but the run folder's own (`out`,
// `overwrite`), so that --config on it runs the same again into a fresh folder.
std::string run_config_ini(const RunConfig& c);

}  // namespace ringtmp
