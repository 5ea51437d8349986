// `ringtmp train`: any strategy on this machine (local, or the in-process transport).
#include "cli/commands.hpp"
#include "cli/run_command.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/local.hpp"

namespace ringtmp::cli {

int train_command(const std::vector<std::string>& args) {
  RunCommand command;
  command.name = "train";
  command.check = [](const RunConfig& c) { return check_simulated_settings(c); };
  command.run = [](const RunConfig& c, const DataSplit& data, const ProgressFn& progress) {
    return c.strategy == StrategyKind::local ? run_local(c, data, progress) : run_inproc(c, data, progress);
  };
  return run_command(command, args);
}

}  // namespace ringtmp::cli
