// `ringtmp validate`: how well does the simulator predict the runtime? Runs one config
// with `launch --local N` (real TCP on this machine) and with `sim` on the `host` device
// profile (`ringtmp calibrate`) and the `loopback` network profile, then compares
// iteration time, idle fraction, bytes per iteration and the loss trace; writes
// OUT/validate.json and prints a table. Both runs are child processes (one SimGrid engine
// per process), each with its own run folder under OUT.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/netns.hpp"
#include "cli/options.hpp"
#include "cli/run_command.hpp"
#include "cli/run_figures.hpp"
#include "cli/run_folder.hpp"
#include "cli/simulator.hpp"
#include "cli/subprocess.hpp"
#include "core/metrics/json.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/platform/profiles.hpp"
#include "core/settings.hpp"

namespace ringtmp::cli {
namespace {

namespace fs = std::filesystem;

// Runs this binary with `args`, output to `log`; the exit code.
int run_self(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv = {self_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return 127;
  auto pid = spawn(argv, fd);
  ::close(fd);
  return pid.ok() ? wait_for(*pid).code : 127;
}

double relative_error(double predicted, double measured) {
  return std::abs(predicted - measured) / std::max(std::abs(measured), 1e-12);
}

// Writes each file whole (write_whole_file); the first error, or ok.
Status write_files(std::initializer_list<std::pair<fs::path, std::string>> files) {
  for (const auto& [path, text] : files)
    if (auto s = write_whole_file(path.string(), text); !s.ok()) return s;
  return {};
}

// validate for N = 2, 4, 8, each in OUT/nodes-N, then OUT/sweep.csv and OUT/sweep.png.
int sweep(const RunConfig& c, RunFolder& folder, bool netns, int repeats) {
  // Files go to the temporary folder (out) and are named where they will be (shown).
  const fs::path out(folder.writing()), shown(folder.out());
  std::string csv = "nodes,sim_iteration_s,runtime_iteration_s,relative_error,runtime_min_s,runtime_max_s\n";
  for (int n : {2, 4, 8}) {
    RunConfig one = c;
    one.nodes = n;
    one.device = "host";  // what each point runs on anyway; a mix sized for c.nodes would not fit n
    one.out.clear();
    // The point's config beside its folder: the child validate wants an empty folder.
    const fs::path dir = out / fmt::format("nodes-{}", n);
    const fs::path ini = out / fmt::format("nodes-{}.ini", n);
    if (auto s = write_whole_file(ini.string(), config_ini(one)); !s.ok()) {
      fmt::print(stderr, "ringtmp validate: {}\n", s.message());
      return 1;
    }
    std::vector<std::string> words = {"validate", "--config", ini.string(), "--out", dir.string()};
    if (netns) words.push_back("--netns");
    words.insert(words.end(), {"--repeats", std::to_string(repeats)});
    const int rc = run_self(words, (out / fmt::format("nodes-{}.log", n)).string());
    std::ifstream in(dir / "validate.json");
    const std::string json{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (rc != 0 || json.empty()) {
      folder.keep();  // for the log the error names
      fmt::print(stderr, "ringtmp validate: N = {} failed (exit {}); see {}\n", n, rc,
                 (out / fmt::format("nodes-{}.log", n)).string());
      return 1;
    }
    const double sim = read_json_number(json, "iteration_seconds", "sim");
    const double runtime = read_json_number(json, "iteration_seconds", "runtime");
    fmt::print("N = {}: iteration time sim {:.4g} s, runtime {:.4g} s, error {:.1f}%\n", n, sim, runtime,
               100 * relative_error(sim, runtime));
    csv += fmt::format("{},{},{},{},{},{}\n", n, sim, runtime, relative_error(sim, runtime),
                       read_json_number(json, "runtime_spread", "min_iteration_seconds"),
                       read_json_number(json, "runtime_spread", "max_iteration_seconds"));
  }
  const std::string script = fmt::format(
      "set terminal pngcairo size 640,420 font ',10'\nset output '{0}/sweep.png'\nset datafile separator ','\n"
      "set title 'Iteration time: simulated vs measured ({1})'\nset xlabel 'nodes'\nset ylabel 'seconds per iteration'\n"
      "set xtics (2, 4, 8)\nset key bottom right\nset yrange [0:*]\n"
      "plot '{0}/sweep.csv' every ::1 using 1:2 with linespoints lw 2 title 'sim (predicted)', "
      "'' every ::1 using 1:3:5:6 with yerrorlines lw 2 title 'runtime (measured: median, min..max of the runs)'\n",
      out.string(), netns ? "network namespaces shaped to " + c.network : "loopback");
  Status written = write_files({{out / "sweep.csv", csv}, {out / "sweep.gp", script}});
  if (!written.ok()) {
    fmt::print(stderr, "ringtmp validate: {}\n", written.message());
    return 1;
  }
  const auto figure = run_tool({"gnuplot", (out / "sweep.gp").string()});
  if (auto s = folder.commit(); !s.ok()) {
    fmt::print(stderr, "ringtmp validate: {}\n", s.message());
    return 1;
  }
  if (!figure.ok())
    fmt::print(stderr, "ringtmp validate: no figure ({}); the numbers are in {}\n", figure.message(), (shown / "sweep.csv").string());
  else
    fmt::print("figure {}\n", (shown / "sweep.png").string());
  fmt::print("wrote  {}\n", (shown / "sweep.csv").string());
  return 0;
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  if (!kHasSimulator) return no_simulator("validate", "run it where the full build is (scripts/build.sh)");
  auto parsed_runtime = parse_runtime_args(
      "validate", args,
      {{"netns", "root: run the runtime in network namespaces shaped to --network (see launch)", "true"},
       {"sweep", "validate N = 2, 4, 8 (ring, allreduce: nodes; ps: workers) and plot sim vs runtime", "true"},
       {"repeats", "runtime runs per point (1..20, default 1); the run with the median iteration time (for even R the slower middle one) is compared", ""}});
  if (!parsed_runtime.args) return parsed_runtime.exit_code;
  auto* parsed = &*parsed_runtime.args;
  auto say = [](const std::string& message, int exit_code) {
    fmt::print(stderr, "ringtmp validate: {}\n", message);
    return exit_code;
  };
  auto usage = [&](const std::string& message) { return say(message, 2); };
  RunConfig c = parsed->config;
  int repeats = 1;
  if (parsed->extra.count("repeats")) {
    auto r = int_flag("repeats", parsed->extra["repeats"], 1, 20);
    if (!r.ok()) return usage(r.status().message());
    repeats = *r;
  }
  if (auto host = load_device_profile(default_platforms_dir(), "host"); !host.ok())
    return usage(fmt::format("{} (run ringtmp calibrate first)", host.status().message()));
  const int ranks = cluster_ranks(c);
  const bool netns = parsed->extra.count("netns") && parsed->extra["netns"] != "false";
  // Both sides run on this machine: the device is always the calibrated host, and without
  // --netns the network is loopback. A typo in either must still be an error, and a valid
  // choice that goes unused is said, not silently dropped.
  if (auto devices = load_devices(default_platforms_dir(), c.device, ranks); !devices.ok())
    return usage(devices.status().message());
  auto network = load_network_profile(default_platforms_dir(), c.network);
  if (!network.ok()) return usage(network.status().message());
  const RunConfig defaults;
  if (c.device != defaults.device)
    fmt::print("note: both sides run on this machine with its calibrated profile 'host'; --device {} is not used\n",
               c.device);
  if (!netns && c.network != defaults.network)
    fmt::print("note: without --netns the runtime runs on loopback; --network {} is used only with --netns\n",
               c.network);
  auto folder = RunFolder::prepare(c, "-validate");
  if (!folder.ok()) return say(folder.status().message(), 1);
  if (parsed->extra.count("sweep") && parsed->extra["sweep"] != "false") return sweep(c, *folder, netns, repeats);
  // Files go to the temporary folder (out) and are named where they will be (shown).
  const fs::path out(folder->writing()), shown(folder->out());
  // A child run that failed: its log stays, in the temporary folder, for the error to name.
  auto child_failed = [&](const std::string& what, int rc, const std::string& log) {
    folder->keep();
    return say(fmt::format("the {} run failed (exit {}); see {}", what, rc, (out / log).string()), 1);
  };
  std::string sim_network = "loopback";
  if (netns) {
    // The runtime's links: tbf at the profile's bandwidth on every veth end, a switched star
    // through the bridge. The matching simulation is that star at the TCP goodput the
    // shaping leaves (netns.hpp), with the veth's latency (no netem here to add the profile's).
    const NetworkProfile& profile = *network;
    // A profile of platforms/networks by name, or the user's own file by its path.
    const bool own_file = profile.name.find('/') != std::string::npos || profile.name.ends_with(".ini");
    const std::string source = own_file ? profile.name : fmt::format("platforms/networks/{}.ini", profile.name);
    sim_network = (out / fmt::format("netns-{}.ini", fs::path(profile.name).stem().string())).string();
    const std::string shaped_profile = fmt::format(
        "; written by ringtmp validate --netns: the shaped namespace links as the simulator sees them\n"
        "[network]\ndescription = veth pairs through a bridge, tbf at {0}'s bandwidth\nkind = ethernet\n"
        "bandwidth_bps = {1}\nbandwidth_bps_source = derived: tbf at {0}'s {5:g} bit/s on both veth "
        "ends meters Ethernet frames; TCP carries {6} payload bytes in each {7}-byte frame\n"
        "latency_s = 0.00005\nlatency_s_source = assumed: a veth and bridge hop is tens of microseconds (netem "
        "is absent, so no latency is added)\n"
        "idle_w = {2}\nidle_w_source = {0}\ntx_w = {3}\ntx_w_source = {0}\n"
        "rx_w = {4}\nrx_w_source = {0}\n",
        source, shaped_tcp_goodput_bps(profile.bandwidth_bps), profile.idle_w, profile.tx_w,
        profile.rx_w, profile.bandwidth_bps, kTcpPayloadPerFrame, kEthernetFrameBytes);
    if (auto s = write_whole_file(sim_network, shaped_profile); !s.ok()) return say(s.message(), 1);
  }
  const std::string runtime_network = c.network;
  c.device = "host";
  c.out.clear();
  if (auto s = write_whole_file((out / "run.ini").string(), config_ini(c)); !s.ok()) return say(s.message(), 1);
  const std::string ini = (out / "run.ini").string();

  fmt::print("validate: {} on this machine, runtime (launch --local {}{}) vs sim (device host, network {})\n",
             describe_strategy(c), ranks, netns ? " --netns, " + runtime_network : "", sim_network);
  const int sim_rc = run_self({"sim", "--config", ini, "--network", sim_network, "--out", (out / "sim").string()},
                              (out / "sim.log").string());
  if (sim_rc != 0) return child_failed("sim", sim_rc, "sim.log");
  auto predicted = read_figures(out / "sim");
  if (!predicted.ok()) return say(predicted.status().message(), 1);
  // The runtime is noisy (a shared VM: a few percent between runs), the simulator is not:
  // with --repeats, the run with the median iteration time stands for the runtime.
  std::vector<std::pair<Figures, std::string>> runs;
  for (int r = 1; r <= repeats; ++r) {
    const std::string name = repeats == 1 ? "runtime" : fmt::format("runtime-{}", r);
    std::vector<std::string> launch = {"launch", "--config", ini, "--local", std::to_string(ranks), "--out",
                                       (out / name).string()};
    if (netns) launch.push_back("--netns");
    if (const int rc = run_self(launch, (out / (name + ".log")).string()); rc != 0)
      return child_failed("runtime", rc, name + ".log");
    auto f = read_figures(out / name);
    if (!f.ok()) return say(f.status().message(), 1);
    runs.emplace_back(std::move(*f), name);
  }
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.first.iteration_s < b.first.iteration_s; });
  const Figures* measured = &runs[runs.size() / 2].first;
  const std::string runtime_run = (shown / runs[runs.size() / 2].second).string();
  if (repeats > 1)
    fmt::print("runtime iteration time over {} runs: {:.4g} .. {:.4g} s, median {:.4g} s ({})\n", repeats,
               runs.front().first.iteration_s, runs.back().first.iteration_s, measured->iteration_s, runtime_run);
  // A loss that is not a number (a diverged run) makes the difference unknown: NaN sticks,
  // and validate.json says null.
  double max_loss_diff = 0;
  for (size_t i = 0; i < std::min(measured->losses.size(), predicted->losses.size()); ++i) {
    const double d = std::abs(measured->losses[i] - predicted->losses[i]);
    if (std::isnan(d) || d > max_loss_diff) max_loss_diff = d;
  }
  struct Row {
    const char* metric;
    double sim, runtime;
  };
  const Row rows[] = {{"iteration_seconds", predicted->iteration_s, measured->iteration_s},
                      {"idle_fraction", predicted->idle_fraction, measured->idle_fraction},
                      {"bytes_per_iteration", predicted->bytes_per_iteration, measured->bytes_per_iteration}};
  std::string json = "{\n";
  fmt::print("{:<20} {:>14} {:>14} {:>10}\n", "metric", "sim", "runtime", "rel. error");
  for (const auto& r : rows) {
    fmt::print("{:<20} {:>14.6g} {:>14.6g} {:>9.1f}%\n", r.metric, r.sim, r.runtime, 100 * relative_error(r.sim, r.runtime));
    json += fmt::format("  \"{}\": {{\"sim\": {}, \"runtime\": {}, \"relative_error\": {}}},\n", r.metric,
                        json_number(r.sim), json_number(r.runtime), json_number(relative_error(r.sim, r.runtime)));
  }
  fmt::print("{:<20} {:>14.3g}\n", "max loss difference", max_loss_diff);
  json += fmt::format("  \"max_loss_difference\": {},\n  \"ranks\": {},\n"
                      "  \"runtime_spread\": {{\"repeats\": {}, \"min_iteration_seconds\": {}, \"max_iteration_seconds\": {}}},\n"
                      "  \"sim_run\": {},\n  \"runtime_run\": {}\n}}\n",
                      json_number(max_loss_diff), ranks, repeats, json_number(runs.front().first.iteration_s),
                      json_number(runs.back().first.iteration_s), json_quote((shown / "sim").string()),
                      json_quote(runtime_run));
  if (auto s = write_whole_file((out / "validate.json").string(), json); !s.ok()) return say(s.message(), 1);
  if (auto s = folder->commit(); !s.ok()) return say(s.message(), 1);
  fmt::print("wrote  {}\n", (shown / "validate.json").string());
  return 0;
}

}  // namespace ringtmp::cli
