// `ringtmp sim`: the same run on the SimGrid backend, against modelled devices and networks.
#include "cli/commands.hpp"
#include "cli/run_command.hpp"
#include "cli/simulator.hpp"
#ifndef RINGTMP_NO_SIM
#include "sim/simulation.hpp"
#endif

namespace ringtmp::cli {

int sim_command(const std::vector<std::string>& args) {
#ifdef RINGTMP_NO_SIM
  (void)args;
  return no_simulator("sim", "run it where the full build is (scripts/build.sh)");
#else
  RunCommand command;
  command.name = "sim";
  command.simulated = true;
  command.check = [](const RunConfig& c) -> Status {
    if (c.strategy == StrategyKind::local)
      return Status::error("strategy local has no cluster to simulate (choose ring, ps or allreduce)");
    return sim::check_sim_inputs(c, sim::SimOptions{});
  };
  command.run = [](const RunConfig& c, const DataSplit& data, const ProgressFn& progress) {
    sim::SimOptions options;
    options.abort_prefix = "ringtmp sim: ";  // run_command's prefix for the other errors
    return sim::simulate(c, data, options, progress);
  };
  return run_command(command, args);
#endif
}

}  // namespace ringtmp::cli
