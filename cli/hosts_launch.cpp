#include "cli/hosts_launch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/build_info.hpp"
#include "cli/node_processes.hpp"
#include "cli/preflight.hpp"
#include "cli/remote_shell.hpp"
#include "cli/run_command.hpp"
#include "cli/runtime_run.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/parse_number.hpp"
#include "core/platform/profiles.hpp"
#include "core/settings.hpp"
#include "core/strategy/memory_plan.hpp"
#include "core/strategy/outcome_file.hpp"
#include "runtime/cluster_key.hpp"
#include "runtime/peers_file.hpp"

namespace ringtmp::cli {
namespace {

namespace fs = std::filesystem;

// f(rank) for every device, a bounded number at a time (each is a remote session).
template <class F>
void for_each_device(int n, F f) {
  constexpr int kAtOnce = 16;
  for (int first = 0; first < n; first += kAtOnce) {
    std::vector<std::thread> batch;
    for (int k = first; k < std::min(n, first + kAtOnce); ++k) batch.emplace_back([&f, k] { f(k); });
    for (auto& t : batch) t.join();
  }
}

std::string describe(const InventoryDevice& d, int rank) { return fmt::format("device {} ({})", rank, d.host); }

// A device's folder for this run: under dir=, by default .cache/ringtmp in the remote
// shell's working folder (an ssh login's home: its user's alone, unlike a shared /tmp).
std::string run_dir(const InventoryDevice& d, const std::string& run) {
  return fmt::format("{}/{}", d.dir.empty() ? ".cache/ringtmp" : d.dir, run);
}

}  // namespace

int launch_on_hosts(const RunConfig& c, const DataSplit& data, const ClusterPlan& plan, const HostsLaunch& hosts,
                    RunFolder& folder) {
  const int n = int(hosts.devices.size());
  const auto& devices = hosts.devices;
  const ClusterKey key = generate_cluster_key();
  const std::string run = run_fingerprint(key);

  // Preflight: every device, every problem, before anything is handed over or started.
  const auto memory = plan_memory(c, plan, dataset_shape(c, &data));
  const bool reads_files = c.dataset == DatasetKind::fashion_mnist;
  std::vector<PreflightFindings> findings(static_cast<size_t>(n));
  fmt::print("launch: preflight on {} devices of {}\n", n, hosts.inventory_path);
  std::fflush(stdout);
  for_each_device(n, [&](int k) {
    const auto& d = devices[size_t(k)];
    PreflightNeeds needs;
    needs.ringtmp = d.ringtmp;
    needs.version = version_line();
    if (reads_files) {
      needs.data_dir = d.data_dir.empty() ? c.data_dir : d.data_dir;
      needs.dataset_files = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                             "t10k-labels-idx1-ubyte"};
    }
    needs.peak_bytes = memory[size_t(k)].peak.total();
    needs.role = fmt::format("node {} ({})", k, memory[size_t(k)].role);
    auto result = run_remote(remote_argv(hosts.remote, d.host, preflight_script(needs)));
    if (!result.ok()) findings[size_t(k)].problems.push_back(result.status().message());
    else findings[size_t(k)] = read_preflight(*result, needs);
  });
  int problems = 0, troubled = 0;
  for (int k = 0; k < n; ++k) {
    for (const auto& w : findings[size_t(k)].warnings) fmt::print("{}: warning: {}\n", describe(devices[size_t(k)], k), w);
    for (const auto& p : findings[size_t(k)].problems) fmt::print(stderr, "{}: {}\n", describe(devices[size_t(k)], k), p);
    problems += int(findings[size_t(k)].problems.size());
    troubled += findings[size_t(k)].problems.empty() ? 0 : 1;
  }
  if (problems) {
    fmt::print(stderr, "ringtmp launch: preflight found {} problem{} on {} of {} devices; no node was started\n", problems,
               problems == 1 ? "" : "s", troubled, n);
    return 1;
  }

  // Hand-off: the config and peers in the script (not secret), the key on stdin.
  std::string peers = fmt::format("# written by ringtmp launch --hosts {}: one host:port per node, in rank order\n",
                                  hosts.inventory_path);
  for (const auto& d : devices) peers += to_string(PeerAddress{d.address, uint16_t(d.port)}) + "\n";
  RunConfig node_config = c;
  node_config.out.clear();
  node_config.overwrite = false;
  const std::string ini = config_ini(node_config);
  const fs::path local = fs::path(folder.writing()) / "nodes";
  std::error_code ec;
  fs::create_directories(local, ec);
  for (auto s : {write_whole_file((local / "peers.txt").string(), peers), write_whole_file((local / "run.ini").string(), ini)})
    if (!s.ok()) {
      fmt::print(stderr, "ringtmp launch: {}\n", s.message());
      return 1;
    }
  // Whatever happens after the hand-off, the key does not stay on a device.
  const auto remove_keys = [&](int from = 0) {
    for_each_device(n - from, [&](int j) {
      const auto& d = devices[size_t(from + j)];
      (void)run_remote(remote_argv(hosts.remote, d.host, "rm -f " + shell_quote(run_dir(d, run) + "/cluster.key")));
    });
  };
  std::vector<std::string> handoff_errors(static_cast<size_t>(n));
  for_each_device(n, [&](int k) {
    const auto& d = devices[size_t(k)];
    const std::string dir = shell_quote(run_dir(d, run));
    const std::string script = "umask 077 && mkdir -p " + dir + "/out && cd " + dir + " && cat > cluster.key && printf '%s' " +
                               shell_quote(ini) + " > run.ini && printf '%s' " + shell_quote(peers) + " > peers.txt && echo rt-handed=1";
    auto result = run_remote(remote_argv(hosts.remote, d.host, script), to_hex(key) + "\n");
    if (!result.ok()) handoff_errors[size_t(k)] = result.status().message();
    else if (result->output.find("rt-handed=1") == std::string::npos)
      handoff_errors[size_t(k)] = fmt::format("cannot write its run folder {} ({}): {}", run_dir(d, run), result->ended,
                                              failure_line(*result));
  });
  if (std::any_of(handoff_errors.begin(), handoff_errors.end(), [](const std::string& e) { return !e.empty(); })) {
    for (int k = 0; k < n; ++k)
      if (!handoff_errors[size_t(k)].empty()) fmt::print(stderr, "{}: {}\n", describe(devices[size_t(k)], k), handoff_errors[size_t(k)]);
    remove_keys();
    fmt::print(stderr, "ringtmp launch: the run could not be handed to every device; no node was started\n");
    return 1;
  }

  // Start: each device's node, its pid kept beside it so that a stop reaches it even when
  // the remote session does not carry signals (ssh without a terminal).
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) {
    remove_keys();
    fmt::print(stderr, "ringtmp launch: cannot open /dev/null for the nodes' input\n");
    return 1;
  }
  std::vector<NodeProcess> nodes;
  // Per node, written by one thread each: 0 not asked, 1 stopped, 2 could not be stopped.
  std::vector<char> stopped(static_cast<size_t>(n), 0);
  const auto stop_all = [&] {
    fmt::print(stderr, "ringtmp launch: stopping the nodes on their devices\n");
    for_each_device(int(nodes.size()), [&](int k) {
      if (nodes[size_t(k)].closed || stopped[size_t(k)] == 1) return;
      const auto& d = devices[size_t(k)];
      // A node just started may not have written its pid yet: wait for it a little.
      const std::string pid_file = shell_quote(run_dir(d, run) + "/node.pid");
      const std::string script = "i=0; while [ ! -s " + pid_file + " ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; p=$(cat " +
                                 pid_file + " 2>/dev/null) && kill -TERM \"$p\" 2>/dev/null && echo rt-stopped=1";
      auto r = run_remote(remote_argv(hosts.remote, d.host, script), {}, {.seconds = 30});
      const bool done = r.ok() && r->output.find("rt-stopped=1") != std::string::npos;
      stopped[size_t(k)] = done ? 1 : 2;
      fmt::print(stderr, "{}: node {} {}\n", describe(d, k), k,
                 done ? "stopped (SIGTERM)"
                      : !r.ok() || r->code == 255 ? fmt::format("could not be reached to stop it: {}", r.ok() ? failure_line(*r) : r.status().message())
                                                  : "had already ended");
    });
  };
  install_stop_handlers();
  fmt::print("launch {} nodes on the devices of {} through '{}', {}; nodes' files in {} at the end\n", n, hosts.inventory_path,
             fmt::join(hosts.remote, " "), describe_strategy(c), (fs::path(c.out) / "nodes").string());
  std::fflush(stdout);
  for (int k = 0; k < n && !stop_requested(); ++k) {
    const auto& d = devices[size_t(k)];
    std::string command = "cd " + shell_quote(run_dir(d, run)) + " && echo $$ > node.pid && exec " + shell_quote(d.ringtmp) +
                          " node --config run.ini --rank " + std::to_string(k) + " --peers peers.txt --key-file cluster.key --out out";
    if (!d.data_dir.empty()) command += " --data-dir " + shell_quote(d.data_dir);
    auto node = spawn_node(remote_argv(hosts.remote, d.host, command), fmt::format("node {} {}", k, d.host), devnull);
    if (!node.ok()) {
      fmt::print(stderr, "{}: {}\n", describe(d, k), node.status().message());
      stop_all();
      stream_and_wait(nodes);
      for (auto& started : nodes)
        if (started.log >= 0) ::close(started.log);
      ::close(devnull);
      remove_keys();
      fmt::print(stderr, "ringtmp launch: node {} could not be started; the others were stopped\n", k);
      return 1;
    }
    const auto log_path = local / fmt::format("node-{}.log", k);
    node->log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (node->log < 0) fmt::print(stderr, "ringtmp launch: cannot write {} (node {}'s output is shown, not kept)\n", log_path.string(), k);
    nodes.push_back(std::move(*node));
  }
  ::close(devnull);
  // Interrupted while starting: nothing runs past this launch.
  if (int(nodes.size()) < n) stop_all();
  stream_and_wait(nodes, stop_all);
  for (auto& node : nodes)
    if (node.log >= 0) ::close(node.log);

  // Collect: each device's outcome file, through the same template, once its node has
  // ended (its session may have ended first: a dropped ssh connection leaves the node
  // running; it gets a minute to finish, then a SIGTERM). The key goes with it. The file
  // comes after a header line with its size, so a login banner on stdout cannot shift it.
  std::vector<RuntimeNode> results(static_cast<size_t>(n));
  for_each_device(int(nodes.size()), [&](int k) {
    const auto& d = devices[size_t(k)];
    auto& r = results[size_t(k)];
    r.ended = fmt::format("{} on {}", nodes[size_t(k)].ended, d.host);
    const std::string dir = shell_quote(run_dir(d, run));
    const std::string file = fmt::format("out/node-{}.outcome", k);
    const std::string script = "cd " + dir + " || exit 1; rm -f cluster.key; p=$(cat node.pid 2>/dev/null); i=0; " +
                               "while [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; " +
                               "[ -n \"$p\" ] && kill -TERM \"$p\" 2>/dev/null; [ -r " + file + " ] || { echo 'no outcome file' >&2; exit 1; }; " +
                               "printf 'rt-outcome %s\\n' \"$(wc -c < " + file + ")\"; cat " + file;
    auto fetched = run_remote(remote_argv(hosts.remote, d.host, script), {},
                              {.seconds = 600, .max_output_bytes = kMaxOutcomeFileBytes + 64});
    if (!fetched.ok() || fetched->code != 0) {
      r.ended += fmt::format(" (its outcome not collected: {})", fetched.ok() ? failure_line(*fetched) : fetched.status().message());
      return;
    }
    const std::string& out = fetched->output;
    const size_t header = out.find("rt-outcome ");
    const size_t body = header == std::string::npos ? std::string::npos : out.find('\n', header);
    const auto size = body == std::string::npos ? std::nullopt : parse_number<int64_t>(out.substr(header + 11, body - header - 11));
    if (!size || out.size() - body - 1 < size_t(*size)) {
      r.ended += " (its outcome file came back cut short)";
      return;
    }
    const std::string_view bytes = std::string_view(out).substr(body + 1, size_t(*size));
    auto outcome = decode_outcome(std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    if (outcome.ok() && (outcome->origin.rank != k || outcome->origin.run_id != run || outcome->origin.cluster_size != n))
      outcome = Status::errorf("it is rank {} of run {} ({} nodes), not rank {} of run {}", outcome->origin.rank,
                               outcome->origin.run_id, outcome->origin.cluster_size, k, run);
    if (!outcome.ok()) {
      r.ended += fmt::format(" (its outcome file: {})", outcome.status().message());
      return;
    }
    if (auto kept = write_whole_file((local / fmt::format("node-{}.outcome", k)).string(), bytes); !kept.ok())
      fmt::print(stderr, "ringtmp launch: {} (merged all the same)\n", kept.message());
    r.outcome = std::move(*outcome);
  });
  for (size_t k = nodes.size(); k < size_t(n); ++k) results[k].ended = "was never started (launch was interrupted)";
  remove_keys(int(nodes.size()));  // the devices whose node never started
  for (int k = 0; k < int(nodes.size()); ++k)
    fmt::print("{}: node {} {}{}{}\n", describe(devices[size_t(k)], k), k, nodes[size_t(k)].ended,
               results[size_t(k)].outcome ? "" : ", no outcome collected", stopped[size_t(k)] == 1 ? " (stopped by launch)" : "");
  return finish_runtime_run("ringtmp launch", c, data, std::move(results),
                            fmt::format("{} devices of inventory {}", n, hosts.inventory_path), folder);
}

}  // namespace ringtmp::cli
