#pragma once
// The shared body of the subcommands that run one training job (`train`, `sim`): parse the
// flags, load the data, run, write the run folder, print what happened.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/data/dataset.hpp"
#include "core/metrics/run_result.hpp"
#include "cli/options.hpp"
#include "cli/run_folder.hpp"
#include "core/strategy/progress.hpp"

namespace ringtmp::cli {

struct RunCommand {
  std::string name;  // "train", "sim"
  bool simulated = false;  // the run's clock is the simulator's
  // Options that make no sense for this command: an error naming them, or ok.
  std::function<Status(const RunConfig&)> check = [](const RunConfig&) { return Status{}; };
  std::function<StatusOr<RunResult>(const RunConfig&, const DataSplit&, const ProgressFn&)> run;
};

// Returns the exit code: 0 done, 1 the run failed (data, platform, a node), 2 usage/config.
int run_command(const RunCommand& command, const std::vector<std::string>& args);

std::string describe_strategy(const RunConfig& c);

// Refused unless the run is simulated: a setting that describes the simulated platform
// (--timing-only, --faults, --platform, --colocate-servers), which any other backend would
// silently ignore. "--platform applies to ringtmp sim only". `plays_faults`: the command
// plays --faults itself (launch --local, cli/fault_player.hpp).
Status check_simulated_settings(const RunConfig& c, bool plays_faults = false);

// The end of every run that trained (train, sim, launch): writes the run's files into the
// folder and commits it, prints the closing lines, and reports a divergence (one line on
// stderr, exit 1, unless --allow-divergence). Returns the exit code; errors are one line
// after `prefix` ("ringtmp train").
int finish_run(const std::string& prefix, const RunResult& run, RunFolder& folder);

// The closing lines of a run: iterations, time, loss and accuracy (a timing-only run has
// neither: seconds per iteration instead), idle, traffic, energy; then the summary's path.
void print_result(const RunResult& run);

// The runtime's commands (node, launch, validate) parse their flags the same way: the
// parsed args, or the exit code to return now (help shown: 0; a usage or config error,
// printed as one line: 2). Strategy local and the sim-only flags are refused here (--faults
// too, unless `plays_faults`).
struct RuntimeArgs {
  std::optional<ParsedArgs> args;
  int exit_code = 0;
};
RuntimeArgs parse_runtime_args(const std::string& command, const std::vector<std::string>& args,
                               const std::vector<ExtraFlag>& extra = {}, bool plays_faults = false);

}  // namespace ringtmp::cli
