#pragma once
// The shared body of the subcommands that run one training job (`train`, `sim`): parse the
// flags, load the data, run, write the run folder, print what happened.
#include <functional>
#include <string>
#include <vector>

#include "core/data/dataset.hpp"
#include "core/metrics/run_result.hpp"
#include "core/strategy/progress.hpp"

namespace ringtmp::cli {

struct RunCommand {
  std::string name;  // "train", "sim"
  // Options that make no sense for this command: an error naming them, or ok.
  std::function<Status(const RunConfig&)> check = [](const RunConfig&) { return Status{}; };
  std::function<StatusOr<RunResult>(const RunConfig&, const DataSplit&, const ProgressFn&)> run;
};

// Returns the exit code: 0 done, 1 the run failed (data, platform, a node), 2 usage/config.
int run_command(const RunCommand& command, const std::vector<std::string>& args);

std::string describe_strategy(const RunConfig& c);

// The closing lines of a run: iterations, time, loss and accuracy, idle, traffic, energy.
void print_result(const RunResult& run);

// results/runs/<strategy>-<time>
std::string default_run_folder(const RunConfig& c);

}  // namespace ringtmp::cli
