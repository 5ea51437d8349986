// `ringtmp train`: any strategy on this machine (local, or the in-process transport).
#include "cli/commands.hpp"
#include "cli/run_command.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/local.hpp"

namespace ringtmp::cli {

int train_command(const std::vector<std::string>& args) {
  RunCommand command;
  command.name = "train";
  command.check = [](const RunConfig& c) -> Status {
    // These describe a simulated platform; accepting them here would silently ignore them.
    if (c.timing_only) return Status::error("--timing-only applies to ringtmp sim only");
    if (!c.faults.empty()) return Status::error("--faults applies to ringtmp sim only");
    if (!c.platform.empty()) return Status::error("--platform applies to ringtmp sim only");
    return {};
  };
  command.run = [](const RunConfig& c, const DataSplit& data, const ProgressFn& progress) {
    return c.strategy == StrategyKind::local ? run_local(c, data, progress) : run_inproc(c, data, progress);
  };
  return run_command(command, args);
}

}  // namespace ringtmp::cli
