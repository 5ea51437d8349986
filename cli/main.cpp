// ringtmp: the command-line front door. Parses a subcommand's flags into the typed config
// and dispatches; exit codes: 0 done, 1 run failed (data, files, peers), 2 usage or config.
//
// This is the one place where whatever escapes a subcommand becomes one line and exit code 1:
// an exception (`ringtmp <command>: <what>`), and, through sim/abort_trap, SIGABRT, SIGFPE
// and std::terminate from any library or thread.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"
#include "cli/simulator.hpp"
#include "core/platform/profiles.hpp"
#include "core/quote_input.hpp"
#include "sim/abort_trap.hpp"

namespace {

void print_usage(std::FILE* to) {
  fmt::print(to,
      "ringtmp {} - RingTMP and baselines, trained across many small devices\n\n"
      "Usage: ringtmp <command> [options]   (ringtmp <command> --help for its options)\n\n"
      "Commands:\n"
      "  train      train with any strategy (local, or ring/ps/allreduce in-process)\n"
      "  sim        the same run on simulated devices and networks (SimGrid)\n"
      "  launch     runtime nodes merged into one run: N on this machine (--local N) or one per device (--hosts FILE)\n"
      "  node       one runtime node on a real device (peers file, cluster key)\n"
      "  merge      the nodes' outcome files (nodes started by hand) -> one run folder\n"
      "  validate   the same config in sim and runtime, the error per metric (loopback)\n"
      "  calibrate  measure this host, write its device profile (platforms/devices/host.ini)\n"
      "  maxmodel   the largest model each strategy trains on N devices (memory plan, confirmed in sim)\n"
      "  figures    run the study's experiments: results/<experiment>/ CSVs, figures and computed findings\n",
      ringtmp::cli::build_info().version);
  if (!ringtmp::cli::kHasSimulator)
    fmt::print(to, "\nThis build has no simulator ({}): sim, validate and maxmodel's confirmation are refused.\n",
               ringtmp::cli::kBuiltWithout);
}

using Command = int (*)(const std::vector<std::string>&);

Command find_command(const std::string& name) {
  namespace cli = ringtmp::cli;
  const std::pair<const char*, Command> commands[] = {
      {"train", cli::train_command},   {"sim", cli::sim_command},           {"calibrate", cli::calibrate_command},
      {"node", cli::node_command},     {"launch", cli::launch_command},     {"validate", cli::validate_command},
      {"maxmodel", cli::maxmodel_command}, {"merge", cli::merge_command},  {"figures", cli::figures_command},
  };
  for (const auto& [n, command] : commands)
    if (name == n) return command;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {  // a usage error: the usage goes where errors go
    print_usage(stderr);
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(stdout);
    return 0;
  }
  if (args[0] == "--version") {
    fmt::print("{}\nprofiles: {}\n", ringtmp::cli::version_line(), ringtmp::default_platforms_dir());
    return 0;
  }
  const std::string name = args[0];
  args.erase(args.begin());
  const Command command = find_command(name);
  if (!command) {
    fmt::print(stderr, "ringtmp: unknown command {} (see ringtmp --help)\n", ringtmp::quote_input(name));
    return 2;
  }
  return ringtmp::sim::run_guarded(fmt::format("ringtmp {}: ", name), [&] { return command(args); });
}
