#pragma once
// The end every runtime run shares (launch --local, launch --hosts, merge): one outcome
// per rank, merged into the run folder sim writes ("backend": "runtime"), with the peak RSS
// the kernel measured, the memory plan beside it and an energy estimate from the profiles.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_folder.hpp"
#include "core/config.hpp"
#include "core/data/dataset.hpp"
#include "core/strategy/node_outcome.hpp"

namespace ringtmp::cli {

struct RuntimeNode {
  std::optional<NodeOutcome> outcome;  // absent: the node left none
  std::string ended;                   // how its process ended, e.g. "was killed by signal 9 (Killed)"
  int64_t peak_rss_bytes = 0;          // 0: unknown
  // launch --faults kill: when the node went silent, on the launcher's clock (its peers only
  // know when they noticed).
  std::optional<double> killed_at;
};

// Writes the run folder (committing `folder`) and prints the run's closing lines; returns
// the command's exit code. `platform` describes where the nodes ran (empty: not said).
int finish_runtime_run(const std::string& prefix, const RunConfig& c, const DataSplit& data, std::vector<RuntimeNode> nodes,
                       const std::string& platform, RunFolder& folder);

}  // namespace ringtmp::cli
