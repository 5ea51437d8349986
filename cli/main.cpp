// ringtmp: the command-line front door. Parses a subcommand's flags into the typed config
// and dispatches; exit codes: 0 done, 1 run failed (data, files, peers), 2 usage or config.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/build_info.hpp"
#include "cli/commands.hpp"

namespace {

void print_usage() {
  fmt::print(
      "ringtmp {} - RingTMP and baselines, trained across many small devices\n\n"
      "Usage: ringtmp <command> [options]   (ringtmp <command> --help for its options)\n\n"
      "Commands:\n"
      "  train      train with any strategy (local, or ring/ps/allreduce in-process)\n"
      "  sim        the same run on simulated devices and networks (SimGrid)\n"
      "  launch     N runtime nodes on this machine (TCP on loopback), merged into one run\n"
      "  node       one runtime node on a real device (peers file, cluster key)\n"
      "  validate   the same config in sim and runtime, the error per metric (loopback)\n"
      "  calibrate  measure this host, write its device profile (platforms/devices/host.ini)\n"
      "  figures    regenerate results/ from experiments/   (not in this build yet)\n",
      ringtmp::cli::build_info().version);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    const auto build = ringtmp::cli::build_info();
    fmt::print("ringtmp {} (git commit {})\n", build.version, build.git_commit);
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "train") return ringtmp::cli::train_command(args);
  if (command == "sim") return ringtmp::cli::sim_command(args);
  if (command == "calibrate") return ringtmp::cli::calibrate_command(args);
  if (command == "node") return ringtmp::cli::node_command(args);
  if (command == "launch") return ringtmp::cli::launch_command(args);
  if (command == "validate") return ringtmp::cli::validate_command(args);
  for (const char* planned : {"figures"}) {
    if (command == planned) {
      fmt::print(stderr, "ringtmp: '{}' is not in this build yet (see the roadmap in DESIGN.md)\n",
                 command);
      return 2;
    }
  }
  fmt::print(stderr, "ringtmp: unknown command '{}' (see ringtmp --help)\n", command);
  return 2;
}
