// `ringtmp calibrate`: measures this machine on the configured model and writes the `host`
// device profile (platforms/devices/host.ini, or --out FILE).
#include <filesystem>
#include <fstream>
#include <thread>

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
  RunConfig c = parsed->config;
  // One thread, the reference; then T (--threads, else every core) for the multi-core rate.
  const int many_threads = c.threads > 1 ? c.threads : int(std::max(1u, std::thread::hardware_concurrency()));
  c.threads = 1;
  const std::string path = c.out.empty() ? default_platforms_dir() + "/devices/host.ini" : c.out;
  std::ofstream out(path, std::ios::trunc);  // opened first: a bad path fails before measuring
  if (!out) {
    fmt::print(stderr, "ringtmp calibrate: {}: cannot write the profile\n", path);
    return 1;
  }
  fmt::print("calibrating: {}, layers {}, per-node batch {} (one thread)\n", describe_strategy(c),
             model_name(c), per_node_batch(c));
  const FlopRate rate = measure_flop_rate(c);
  FlopRate many;
  if (many_threads > 1) {
    RunConfig threaded = c;
    threaded.threads = many_threads;
    fmt::print("calibrating on {} threads\n", many_threads);
    many = measure_flop_rate(threaded);
  }
  // Beside the profile: the disk a run's outputs (and checkpoints) most likely go to.
  const std::string parent = std::filesystem::path(path).parent_path().string();
  const std::string storage_dir = parent.empty() ? "." : parent;
  fmt::print("timing checkpoint-shaped writes in {}\n", storage_dir);
  auto storage = measure_storage_write(storage_dir);
  if (!storage.ok())
    fmt::print(stderr, "ringtmp calibrate: {}: the profile states no storage (sim charges writes no time)\n",
               storage.status().message());
  out << host_profile_ini(c, rate, many, storage.ok() ? *storage : StorageRate{});
  out.close();
  if (!out) {
    fmt::print(stderr, "ringtmp calibrate: {}: cannot write the profile\n", path);
    return 1;
  }
  fmt::print("flops  {:.3g} flop/s ({} steps in {:.2f} s)\n", rate.flops_per_s, rate.steps, rate.seconds);
  if (many.threads > 1)
    fmt::print("       {:.3g} flop/s on {} threads: x{:.2f}\n", many.flops_per_s, many.threads,
               many.flops_per_s / rate.flops_per_s);
  if (storage.ok())
    fmt::print("storage {:.3g} MB/s sequential write, {:.3g} ms a write (open, fsync, rename)\n",
               storage->write_bps / 1e6, storage->latency_s * 1e3);
  fmt::print("wrote  {} (use it with --device host)\n", path);
  return 0;
}

}  // namespace ringtmp::cli
