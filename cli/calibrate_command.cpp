// `ringtmp calibrate`: measures this machine on the configured model and writes the `host`
// device profile (platforms/devices/host.ini, or --out FILE).
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/run_command.hpp"
#include "core/run_model.hpp"
#include "core/platform/calibrate.hpp"
#include "core/platform/profiles.hpp"

namespace ringtmp::cli {

int calibrate_command(const std::vector<std::string>& args) {
  auto parsed = parse_run_args("calibrate", args);
  if (!parsed.ok()) {
    fmt::print(stderr, "ringtmp calibrate: {}\n", parsed.status().message());
    return 2;
  }
  if (parsed->help) {
    fmt::print("{}\n--out FILE: where to write the profile (default platforms/devices/host.ini)\n",
               parsed->help_text);
    return 0;
  }
  const RunConfig& c = parsed->config;
  const std::string path = c.out.empty() ? default_platforms_dir() + "/devices/host.ini" : c.out;
  std::ofstream out(path, std::ios::trunc);  // opened first: a bad path fails before measuring
  if (!out) {
    fmt::print(stderr, "ringtmp calibrate: {}: cannot write the profile\n", path);
    return 1;
  }
  fmt::print("calibrating: {}, layers {}, per-node batch {} (one thread)\n", describe_strategy(c),
             model_name(c), per_node_batch(c));
  const FlopRate rate = measure_flop_rate(c);
  out << host_profile_ini(c, rate);
  out.close();
  if (!out) {
    fmt::print(stderr, "ringtmp calibrate: {}: cannot write the profile\n", path);
    return 1;
  }
  fmt::print("flops  {:.3g} flop/s ({} steps in {:.2f} s)\nwrote  {} (use it with --device host)\n",
             rate.flops_per_s, rate.steps, rate.seconds, path);
  return 0;
}

}  // namespace ringtmp::cli
