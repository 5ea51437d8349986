#pragma once
// Writes a run folder: summary.json, iterations.csv, nodes.csv and timeline.json (Chrome
// trace events: one track per node with busy / idle / send spans, opens in Perfetto).
#include <string>

#include "core/metrics/run_result.hpp"
#include "core/status.hpp"

namespace ringtmp {

// Creates `dir` (and parents) when needed. Error names the file that could not be written.
Status write_run(const std::string& dir, const RunResult& run);

// The summary alone, as the JSON text written to summary.json.
std::string summary_json(const RunResult& run);

}  // namespace ringtmp
