// `ringtmp node`: one runtime node, one process per device. It loads the same config as
// sim and train, meets its peers (peers file, cluster key), runs its node program over TCP
// and writes its outcome to OUT/node-<rank>.outcome for whoever merges the run (`launch`).
#include <arpa/inet.h>

#include <filesystem>
#include <tuple>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_view.hpp"
#include "cli/run_command.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/data/load_data.hpp"
#include "core/quote_input.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/outcome_file.hpp"
#include "runtime/cluster_key.hpp"
#include "runtime/config_digest.hpp"
#include "runtime/peers_file.hpp"
#include "runtime/tcp_transport.hpp"

namespace ringtmp::cli {

int node_command(const std::vector<std::string>& args) {
  auto parsed_runtime = parse_runtime_args("node", args,
                                           {{"rank", "this node's rank: its line in the peers file, from 0"},
                                            {"peers", "peers file: one host:port per line, in rank order"},
                                            {"key-file", "the cluster key (64 hex digits; the same file on every node)"},
                                            {"startup-timeout", "seconds for every peer to connect (default 60): start all devices within it"},
                                            {"silence-timeout", "a peer heard nothing from (heartbeats go every second) for this many "
                                                                "seconds is down (default 10)"},
                                            {"listen", "IP address to listen on (default: this node's own line in the peers file; "
                                                       "0.0.0.0: every interface)"}});
  if (!parsed_runtime.args) return parsed_runtime.exit_code;
  auto* parsed = &*parsed_runtime.args;
  auto usage = [](const std::string& message) {
    fmt::print(stderr, "ringtmp node: {}\n", message);
    return 2;
  };
  for (const char* required : {"rank", "peers", "key-file"})
    if (!parsed->extra.count(required)) return usage(fmt::format("--{} is required", required));
  const RunConfig& c = parsed->config;
  auto rank_flag = int_flag("rank", parsed->extra["rank"], 0, 65535);
  if (!rank_flag.ok()) return usage(rank_flag.status().message());
  const int rank = *rank_flag;
  NetOptions net;
  // Silence: two heartbeat intervals at least, so that one late heartbeat does not make a
  // peer down.
  for (auto [name, low, into] : {std::tuple{"startup-timeout", 0.1, &net.startup_timeout},
                                 std::tuple{"silence-timeout", 2 * net.heartbeat_interval, &net.silence_timeout}}) {
    if (!parsed->extra.count(name)) continue;
    auto t = seconds_flag(name, parsed->extra[name], low, 86400);
    if (!t.ok()) return usage(t.status().message());
    *into = *t;
  }
  if (parsed->extra.count("listen")) {
    in6_addr ignored;
    const std::string& a = parsed->extra["listen"];
    if (::inet_pton(AF_INET, a.c_str(), &ignored) != 1 && ::inet_pton(AF_INET6, a.c_str(), &ignored) != 1)
      return usage(fmt::format("invalid value for listen: {} (an IPv4 or IPv6 address)", quote_input(a)));
    net.listen_host = a;
  }
  auto peers = load_peers_file(parsed->extra["peers"]);
  if (!peers.ok()) return usage(peers.status().message());
  auto key = load_key_file(parsed->extra["key-file"]);
  if (!key.ok()) return usage(key.status().message());
  const std::string out = c.out.empty() ? "." : c.out;

  auto data = load_data(c);
  if (!data.ok()) {
    fmt::print(stderr, "ringtmp node: {}\n", data.status().message());
    return 1;
  }
  auto plan = plan_cluster_on_devices(c, *data, default_platforms_dir());
  if (!plan.ok()) return usage(plan.status().message());
  if (int(peers->size()) != plan->size)
    return usage(fmt::format("peers file {} lists {} nodes, the config needs {}{}", parsed->extra["peers"],
                             peers->size(), plan->size,
                             c.strategy == StrategyKind::ps ? fmt::format(" ({} workers + {} servers)", c.nodes, c.servers) : ""));
  if (rank >= plan->size) return usage(fmt::format("invalid value for rank: {} (the cluster has ranks 0..{})", rank, plan->size - 1));
  std::error_code ec;
  std::filesystem::create_directories(out, ec);

  fmt::print("node {} of {}: {}, listening on port {}\n", rank, plan->size, to_string(c.strategy), (*peers)[rank].port);
  auto transport = connect_cluster(rank, *peers, *key, config_digest(c), net);
  if (!transport.ok()) {
    fmt::print(stderr, "ringtmp node {}: {}\n", rank, transport.status().message());
    return 1;
  }
  ProgressView view(ProgressView::stdout_is_terminal(), c, /*simulated=*/false);
  const ProgressFn progress = [&](const Progress& p) { view.update(p); };
  NodeOutcome outcome = run_node(**transport, c, *plan, data->train, progress);
  view.finish();
  (*transport)->close(outcome.status);
  const auto path = (std::filesystem::path(out) / fmt::format("node-{}.outcome", rank)).string();
  if (auto s = write_outcome_file(path, outcome); !s.ok()) {
    fmt::print(stderr, "ringtmp node {}: {}\n", rank, s.message());
    return 1;
  }
  if (!outcome.status.ok()) {
    fmt::print(stderr, "ringtmp node {}: {}\n", rank, outcome.status.message());
    return 1;
  }
  fmt::print("node {} done: busy {:.2f} s, idle {:.2f} s, {} bytes sent; outcome {}\n", rank,
             outcome.metrics.busy_s, outcome.metrics.idle_s, outcome.metrics.bytes_sent, path);
  return 0;
}

}  // namespace ringtmp::cli
