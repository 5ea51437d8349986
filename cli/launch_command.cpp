// `ringtmp launch --hosts FILE`: one node per device of an inventory (hosts_launch.hpp).
// `ringtmp launch --local N`: N runtime nodes on this machine, one `ringtmp node` process
// each on 127.0.0.1, with a fresh cluster key and peers file; their output is streamed as
// one view (each line prefixed with its node), and their outcomes are merged into one run
// folder shaped like sim's. --faults plays sim's fault schedule on the node processes
// (signals: cli/fault_player.hpp). Energy is the device profiles' power model applied to what
// each node measured (busy and run time, bytes), labelled an estimate.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/checkpoint_options.hpp"
#include "cli/commands.hpp"
#include "cli/fault_player.hpp"
#include "cli/hosts_launch.hpp"
#include "cli/memory_limit.hpp"
#include "cli/netns.hpp"
#include "cli/node_processes.hpp"
#include "cli/options.hpp"
#include "cli/remote_shell.hpp"
#include "cli/run_command.hpp"
#include "cli/run_folder.hpp"
#include "cli/runtime_run.hpp"
#include "cli/subprocess.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/data/load_data.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/settings.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/outcome_file.hpp"
#include "core/strategy/ps.hpp"
#include "runtime/cluster_key.hpp"

namespace ringtmp::cli {
namespace {

// Free TCP ports on 127.0.0.1, found by binding port 0 (all held until all are known, so
// they differ; a race with another program after release is possible but unlikely).
StatusOr<std::vector<int>> free_ports(int n) {
  std::vector<int> fds, ports;
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      for (int f : fds) ::close(f);
      if (fd >= 0) ::close(fd);
      return Status::error("cannot find a free TCP port on 127.0.0.1");
    }
    fds.push_back(fd);
    ports.push_back(ntohs(a.sin_port));
  }
  for (int f : fds) ::close(f);
  return ports;
}

// "ports 7000..7003" when consecutive (--base-port); free ports are wherever the system put
// them: "free ports 39431, 35859", or for many nodes a pointer to the peers file.
std::string describe_ports(const std::vector<int>& ports, bool consecutive) {
  if (consecutive) return fmt::format("ports {}..{}", ports.front(), ports.back());
  if (ports.size() > 8) return fmt::format("{} free ports, listed in peers.txt", ports.size());
  return fmt::format("free port{} {}", ports.size() == 1 ? "" : "s", fmt::join(ports, ", "));
}

}  // namespace

int launch_command(const std::vector<std::string>& args) {
  auto parsed_runtime = parse_runtime_args("launch", args,
                                           {{"local", "N: start N nodes on this machine (127.0.0.1)"},
                                            {"hosts", "FILE: one node per device of this inventory (host[:port] [key=value...] per line, "
                                                      "rank order), started through --remote"},
                                            {"remote", fmt::format("with --hosts: the command that runs a shell script on {{host}} "
                                                                   "(default '{}')", kDefaultRemote)},
                                            {"base-port", "ports P..P+N-1 (default: free ports)"},
                                            {"netns", "root: one network namespace per node, links shaped to --network's bandwidth", "true"}},
                                           /*plays_faults=*/true);
  if (!parsed_runtime.args) return parsed_runtime.exit_code;
  auto* parsed = &*parsed_runtime.args;
  auto usage = [](const std::string& message) {
    fmt::print(stderr, "ringtmp launch: {}\n", message);
    return 2;
  };
  RunConfig c = parsed->config;
  const bool on_hosts = parsed->extra.count("hosts") > 0;
  if (on_hosts == (parsed->extra.count("local") > 0))
    return usage("give --local N (nodes on this machine) or --hosts FILE (one node per device of an inventory)");
  std::optional<HostsLaunch> hosts;
  if (on_hosts) {
    if (!c.faults.empty()) return usage("--faults is for --local (on --hosts, fail the devices themselves: a pulled plug, a stopped process)");
    for (const char* local_only : {"netns", "base-port"})
      if (parsed->extra.count(local_only)) return usage(fmt::format("--{} is for --local (with --hosts, ports are in the inventory)", local_only));
    auto devices = load_inventory(parsed->extra["hosts"]);
    if (!devices.ok()) return usage(devices.status().message());
    auto remote = parse_remote_template(parsed->extra.count("remote") ? parsed->extra["remote"] : kDefaultRemote);
    if (!remote.ok()) return usage(remote.status().message());
    hosts = HostsLaunch{parsed->extra["hosts"], std::move(*devices), std::move(*remote)};
  } else if (parsed->extra.count("remote")) {
    return usage("--remote is for --hosts");
  }
  int n = 0;
  if (hosts) {
    n = int(hosts->devices.size());
  } else {
    auto local = int_flag("local", parsed->extra["local"], 1, 256);
    if (!local.ok()) return usage(local.status().message());
    n = *local;
  }
  int base = 0;
  if (parsed->extra.count("base-port")) {
    auto b = int_flag("base-port", parsed->extra["base-port"], 0, 65535);
    if (!b.ok()) return usage(b.status().message());
    base = *b;
  }
  if (base + n - 1 > 65535) return usage(fmt::format("invalid value for base-port: {} ({} nodes end past port 65535)", base, n));
  auto faults = parse_fault_schedule(c.faults, n);
  if (!faults.ok()) return usage(faults.status().message());

  auto data = load_data(c);
  if (!data.ok()) {
    fmt::print(stderr, "ringtmp launch: {}\n", data.status().message());
    return 1;
  }
  auto plan = plan_cluster_on_devices(c, *data, default_platforms_dir());
  if (!plan.ok()) return usage(plan.status().message());
  if (plan->size != n)
    return usage(fmt::format("{} but the config needs {} nodes{}",
                             hosts ? fmt::format("inventory {} lists {} devices", hosts->inventory_path, n) : fmt::format("--local {}", n),
                             plan->size, c.strategy == StrategyKind::ps ? " (" + ps_roles(c) + ")" : ""));
  // The energy estimate's profiles: a typo is an error now, not a null in summary.json later.
  auto devices = load_devices(default_platforms_dir(), c.device, n);
  if (!devices.ok()) return usage(devices.status().message());
  auto network = load_network_profile(default_platforms_dir(), c.network);
  if (!network.ok()) return usage(network.status().message());
  if (auto s = check_run_fits(c, *data, default_platforms_dir()); !s.ok()) return usage(s.message());
  // On this machine the nodes share the checkpoint folder: checked here once. On --hosts
  // the folders are the devices': each node reads its own --resume set as it starts.
  if (!hosts && (c.checkpoint_every > 0 || !c.resume.empty()))
    if (Status s = prepare_checkpointing(c, *plan); !s.ok()) return usage(s.message());

  // The nodes write their outcomes into this run's fresh temporary folder, so an outcome
  // file read below is one this launch's node wrote, never an older run's.
  auto folder = RunFolder::prepare(c);
  if (!folder.ok()) {
    fmt::print(stderr, "ringtmp launch: {}\n", folder.status().message());
    return 1;
  }
  if (hosts) return launch_on_hosts(c, *data, *plan, *hosts, *folder);
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(folder->writing()) / "nodes";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "ringtmp launch: {}: cannot create ({})\n", dir.string(), ec.message());
    return 1;
  }
  // --netns: each node in its own namespace at its own address, all on one port.
  std::unique_ptr<NetnsCluster> netns;
  std::optional<NetworkProfile> shaped;
  if (parsed->extra.count("netns") && parsed->extra["netns"] != "false") {
    auto made = NetnsCluster::create(n, network->bandwidth_bps);
    if (!made.ok()) {
      fmt::print(stderr, "ringtmp launch: {}\n", made.status().message());
      return made.status().message().find("needs root") != std::string::npos ? 2 : 1;
    }
    netns = std::move(*made);
    shaped = *network;
    if (base == 0) base = 7000;
  }
  std::vector<int> ports;
  if (base > 0) {
    for (int k = 0; k < n; ++k) ports.push_back(base + k);
  } else {
    auto free = free_ports(n);
    if (!free.ok()) return usage(free.status().message());
    ports = *free;
  }
  std::string peers = "# written by ringtmp launch: one host:port per node, in rank order\n";
  for (int k = 0; k < n; ++k) peers += fmt::format("{}:{}\n", netns ? netns->address(k) : "127.0.0.1", ports[k]);
  // The nodes' folder is named on their command line (--out), not in run.ini: the
  // temporary folder's name would be wrong in the run folder once it is in place.
  RunConfig node_config = c;
  node_config.out.clear();
  node_config.overwrite = false;
  node_config.faults.clear();  // played on them from here, not by them
  for (auto s : {write_whole_file((dir / "peers.txt").string(), peers),
                 write_key_file((dir / "cluster.key").string(), generate_cluster_key()),
                 write_whole_file((dir / "run.ini").string(), config_ini(node_config))})
    if (!s.ok()) {
      fmt::print(stderr, "ringtmp launch: {}\n", s.message());
      return 1;
    }

  // --enforce-memory: each node runs under the budget its plan was checked against (its
  // device's, or --memory-budget), and, as the nodes share this machine, never more than an
  // equal share of what it has available now.
  std::vector<int64_t> node_budget(size_t(n), 0);
  if (c.enforce_memory) {
    auto available = available_memory_bytes();
    if (!available.ok()) {
      fmt::print(stderr, "ringtmp launch: --enforce-memory needs the available memory: {}\n", available.status().message());
      return 1;
    }
    auto stages = stage_devices(c, n, default_platforms_dir());
    for (int k = 0; k < n; ++k) {
      node_budget[size_t(k)] = *available / n;
      if (stages.ok() && k < int(stages->size()) && (*stages)[size_t(k)].budget > 0)
        node_budget[size_t(k)] = std::min(node_budget[size_t(k)], (*stages)[size_t(k)].budget);
    }
  }
  const std::string self = self_path();
  if (netns)
    fmt::print("launch {} nodes in network namespaces {}n0.., links shaped to {} ({:g} Mbit/s up and down), {}; "
               "nodes' files in {} at the end\n", n, netns->prefix(), shaped->name, shaped->bandwidth_bps / 1e6, describe_strategy(c),
               (fs::path(c.out) / "nodes").string());
  else
    fmt::print("launch {} nodes on 127.0.0.1 ({}), {}; nodes' files in {} at the end\n", n, describe_ports(ports, base > 0),
               describe_strategy(c), (fs::path(c.out) / "nodes").string());
  install_stop_handlers();
  std::vector<NodeProcess> children;
  FaultPlayer fault_player(*faults, [&](int rank, int signal) { ::kill(children[size_t(rank)].pid, signal); });
  // Ctrl-C reaches the nodes from the terminal too; a kill of launch reaches them here.
  const auto stop_children = [&] {
    fault_player.release();
    for (const auto& child : children)
      if (child.pid > 0) ::kill(child.pid, SIGTERM);
  };
  for (int k = 0; k < n; ++k) {
    std::vector<std::string> argv = {self, "node", "--config", (dir / "run.ini").string(), "--rank", std::to_string(k),
                                     "--peers", (dir / "peers.txt").string(), "--key-file", (dir / "cluster.key").string(), "--out", dir.string()};
    if (node_budget[size_t(k)]) argv.insert(argv.end(), {"--memory-limit", std::to_string(node_budget[size_t(k)])});
    if (netns) argv.insert(argv.begin(), {"ip", "netns", "exec", netns->ns(k)});
    auto child = spawn_node(argv, fmt::format("node {}", k));
    if (!child.ok()) {
      stop_children();
      stream_and_wait(children);
      fmt::print(stderr, "ringtmp launch: {}\n", child.status().message());
      return 1;
    }
    children.push_back(*child);
  }
  const auto started = std::chrono::steady_clock::now();
  const auto play_faults = [&] {
    fault_player.end_killed_if_alone([&](int rank) { return !children[size_t(rank)].closed; }, n);
    const auto next = fault_player.play(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return next.value_or(0.2);  // all played: a killed node is still to be ended once the others are
  };
  stream_and_wait(children, stop_children, faults->empty() ? std::function<double()>{} : play_faults);

  std::vector<RuntimeNode> nodes(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    auto& node = nodes[size_t(k)];
    node.ended = children[size_t(k)].ended;
    node.peak_rss_bytes = children[size_t(k)].peak_rss_bytes;
    node.killed_at = fault_player.killed_at(k);
    if (auto o = read_outcome_file((dir / fmt::format("node-{}.outcome", k)).string()); o.ok()) node.outcome = std::move(*o);
  }
  const std::string platform =
      netns ? fmt::format("{} network namespaces, links shaped to {} ({:g} Mbit/s) by tbf", n, shaped->name, shaped->bandwidth_bps / 1e6)
            : "";
  return finish_runtime_run("ringtmp launch", c, *data, std::move(nodes), platform, *folder);
}

}  // namespace ringtmp::cli
