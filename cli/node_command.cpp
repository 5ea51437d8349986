// `ringtmp node`: one runtime node, one process per device. It loads the same config as
// sim and train, meets its peers (peers file, cluster key), runs its node program over TCP
// and writes its outcome to OUT/node-<rank>.outcome for whoever merges the run (`launch`).
// Under a memory budget (--enforce-memory, --memory-limit) running out is its outcome: one
// line naming the budget and the allocation, its peers told as for any failure, exit 1.
#include <arpa/inet.h>
#include <sys/resource.h>

#include <filesystem>
#include <new>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/memory_limit.hpp"
#include "cli/options.hpp"
#include "cli/progress_view.hpp"
#include "cli/run_command.hpp"
#include "core/data/load_data.hpp"
#include "core/parse_number.hpp"
#include "core/platform/byte_size.hpp"
#include "core/quote_input.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/strategy/outcome_file.hpp"
#include "core/strategy/ps.hpp"
#include "runtime/cluster_key.hpp"
#include "runtime/config_digest.hpp"
#include "runtime/node_lives.hpp"
#include "runtime/peers_file.hpp"
#include "runtime/tcp_transport.hpp"

namespace ringtmp::cli {
namespace {

// The budget this node runs under, if any, and which flag set it (for the error line).
struct MemoryBudget {
  int64_t bytes = 0;  // 0: none
  std::string set_by;
};

// "node 1: out of memory under --memory-limit (budget 64 MiB): allocating 128 MiB while
// running its node program" (the size when the allocation hooks caught it).
Status out_of_memory(int rank, const MemoryBudget& budget, std::string_view doing) {
  const auto size = take_failed_allocation();
  return Status::errorf("node {}: out of memory{}: {} while {}", rank,
                        budget.bytes ? fmt::format(" under {} (budget {})", budget.set_by, format_bytes(budget.bytes)) : "",
                        size ? fmt::format("allocating {}", format_bytes(int64_t(*size))) : "an allocation failed", doing);
}

// As the kernel counted it (Linux: ru_maxrss in KiB), beside the node's own accounting.
int64_t peak_rss_bytes() {
  rusage usage{};
  return ::getrusage(RUSAGE_SELF, &usage) == 0 ? int64_t(usage.ru_maxrss) * 1024 : 0;
}

}  // namespace

int node_command(const std::vector<std::string>& args) {
  auto parsed_runtime = parse_runtime_args("node", args,
                                           {{"rank", "this node's rank: its line in the peers file, from 0"},
                                            {"peers", "peers file: one host:port per line, in rank order"},
                                            {"key-file", "the cluster key (64 hex digits; the same file on every node)"},
                                            {"startup-timeout", "seconds for every peer to connect (default 60): start all devices within it"},
                                            {"silence-timeout", "alias of --failure-timeout, kept for scripts that use it "
                                                                "(wins over it when both are given)"},
                                            {"listen", "IP address to listen on (default: this node's own line in the peers file; "
                                                       "0.0.0.0: every interface)"},
                                            {"memory-limit", "BYTES: run under this memory budget (RLIMIT_DATA); running out is "
                                                             "this node's error, not an OOM kill (default with --enforce-memory: "
                                                             "the memory available at start-up)"},
                                            {"rejoin", "this node's rank died (its process ended) and runs again: ask the "
                                                       "running cluster to readmit it instead of starting one "
                                                       "(strategies that readmit: see README)", "true"}});
  if (!parsed_runtime.args) return parsed_runtime.exit_code;
  auto* parsed = &*parsed_runtime.args;
  auto usage = [](const std::string& message) {
    fmt::print(stderr, "ringtmp node: {}\n", message);
    return 2;
  };
  for (const char* required : {"rank", "peers", "key-file"})
    if (!parsed->extra.count(required)) return usage(fmt::format("--{} is required", required));
  // --silence-timeout, the flag before --failure-timeout existed: the same setting, checked
  // the same way (more than two heartbeats) under the name the user gave.
  if (parsed->extra.count("silence-timeout")) {
    const std::string& text = parsed->extra["silence-timeout"];
    auto t = seconds_flag("silence-timeout", text, 0.001, 86400);
    if (!t.ok()) return usage(t.status().message());
    if (auto why = failure_timeout_problem(*t, parsed->config.heartbeat); !why.empty())
      return usage(fmt::format("invalid value for silence-timeout: {} ({})", quote_input(text), why));
    parsed->config.failure_timeout = *t;
  }
  const RunConfig& c = parsed->config;
  const bool restarted = parsed->extra.count("rejoin") > 0;
  if (restarted && parsed->extra["rejoin"] != "true")
    return usage(fmt::format("invalid value for rejoin: {} (it takes no value)", quote_input(parsed->extra["rejoin"])));
  if (restarted && !strategy_rejoins(c))
    return usage(fmt::format("--rejoin: strategy {} does not readmit a node back from a death (all-reduce, the "
                             "parameter server and the ring with --replica-every 1 or more do)", to_string(c.strategy)));
  auto rank_flag = int_flag("rank", parsed->extra["rank"], 0, 65535);
  if (!rank_flag.ok()) return usage(rank_flag.status().message());
  const int rank = *rank_flag;
  NetOptions net;
  net.heartbeat_interval = c.heartbeat;
  net.silence_timeout = c.failure_timeout;
  if (parsed->extra.count("startup-timeout")) {
    auto t = seconds_flag("startup-timeout", parsed->extra["startup-timeout"], 0.1, 86400);
    if (!t.ok()) return usage(t.status().message());
    net.startup_timeout = *t;
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

  // The budget is in force before the dataset and the model are allocated.
  MemoryBudget budget;
  if (parsed->extra.count("memory-limit")) {
    const auto bytes = parse_number<int64_t>(parsed->extra["memory-limit"]);
    if (!bytes || *bytes <= 0)
      return usage(fmt::format("invalid value for memory-limit: {} (a number of bytes above 0)",
                               quote_input(parsed->extra["memory-limit"])));
    budget = {*bytes, "--memory-limit"};
  }
  auto available = available_memory_bytes();
  if (c.enforce_memory && !budget.bytes) {
    if (!available.ok()) {
      fmt::print(stderr, "ringtmp node {}: --enforce-memory without --memory-limit needs the available memory: {}\n", rank,
                 available.status().message());
      return 1;
    }
    // The budget the run was planned against (its device's usable memory, or
    // --memory-budget), and never more than this machine can give.
    budget = {*available, "--enforce-memory (the memory available)"};
    if (auto stages = stage_devices(c, cluster_ranks(c), default_platforms_dir()); stages.ok() && rank < int(stages->size()))
      if (const auto& d = (*stages)[size_t(rank)]; d.budget > 0 && d.budget < budget.bytes)
        budget = {d.budget, fmt::format("--enforce-memory ({})", d.budget_source)};
  }
  if (budget.bytes)
    if (auto s = apply_memory_limit(budget.bytes); !s.ok()) return usage(fmt::format("{}: {}", budget.set_by, s.message()));

  // A std::bad_alloc from here on is this node's outcome.
  std::optional<StatusOr<DataSplit>> data;
  try {
    data.emplace(load_data(c));
  } catch (const std::bad_alloc&) {
    data.emplace(out_of_memory(rank, budget, "loading the dataset"));
  }
  if (!data->ok()) {
    fmt::print(stderr, "ringtmp node: {}\n", data->status().message());
    return 1;
  }
  const DataSplit& split = **data;
  auto plan = plan_cluster_on_devices(c, split, default_platforms_dir());
  if (!plan.ok()) return usage(plan.status().message());
  if (Status s = load_resume(c, *plan); !s.ok()) return usage(s.message());
  if (int(peers->size()) != plan->size)
    return usage(fmt::format("peers file {} lists {} nodes, the config needs {}{}", parsed->extra["peers"],
                             peers->size(), plan->size,
                             c.strategy == StrategyKind::ps ? " (" + ps_roles(c) + ")" : ""));
  if (rank >= plan->size) return usage(fmt::format("invalid value for rank: {} (the cluster has ranks 0..{})", rank, plan->size - 1));
  // The plan against this machine, before meeting the peers: a node that cannot fit says so
  // now rather than being killed by the kernel mid-run.
  if (available.ok()) {
    const NodeMemory need = plan_memory(c, *plan, dataset_shape(c, &split))[size_t(rank)];
    if (need.peak.total() > *available)
      return usage(fmt::format("node {} ({}) needs {} ({}) but this machine has {} available", rank, need.role,
                               format_bytes(need.peak.total()), need.peak.describe(), format_bytes(*available)));
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);

  fmt::print("node {} of {}: {}, listening on port {}; memory: {} available{}\n", rank, plan->size, to_string(c.strategy),
             (*peers)[rank].port, available.ok() ? format_bytes(*available) : "unknown",
             budget.bytes ? fmt::format(", budget {} ({})", format_bytes(budget.bytes), budget.set_by) : "");
  std::optional<StatusOr<std::unique_ptr<TcpTransport>>> transport;
  try {
    transport.emplace(connect_cluster(rank, *peers, *key, config_digest(c), net, restarted));
  } catch (const std::bad_alloc&) {
    transport.emplace(out_of_memory(rank, budget, "meeting its peers"));
  }
  if (!transport->ok()) {
    fmt::print(stderr, "ringtmp node {}: {}\n", rank, transport->status().message());
    return 1;
  }
  ProgressView view(ProgressView::stdout_is_terminal(), c, /*simulated=*/false);
  const ProgressFn progress = [&](const Progress& p) { view.update(p); };
  NodeOutcome outcome;
  try {
    outcome = run_node_lives(***transport, c, *plan, split.train, progress, *peers, restarted);
  } catch (const std::bad_alloc&) {
    outcome = NodeOutcome{};
    outcome.status = out_of_memory(rank, budget, "running its node program (model, activations, messages)");
  }
  view.finish();
  (**transport)->close(outcome.status);
  RunConfig as_run = c;
  as_run.out.clear();
  outcome.origin = {rank, plan->size, run_fingerprint(*key), config_ini(as_run), peak_rss_bytes()};
  const auto path = (std::filesystem::path(out) / fmt::format("node-{}.outcome", rank)).string();
  if (auto s = write_outcome_file(path, outcome); !s.ok()) {
    fmt::print(stderr, "ringtmp node {}: {}\n", rank, s.message());
    return 1;
  }
  if (!outcome.status.ok()) {
    // "ringtmp node 1: ...", not "ringtmp node 1: node 1: ..." for a status naming its node.
    const std::string& why = outcome.status.message();
    const std::string own = fmt::format("node {}: ", rank);
    fmt::print(stderr, "ringtmp node {}: {}\n", rank, why.starts_with(own) ? why.substr(own.size()) : why);
    return 1;
  }
  fmt::print("node {} done: busy {:.2f} s, idle {:.2f} s, {} bytes sent; outcome {}\n", rank,
             outcome.metrics.busy_s, outcome.metrics.idle_s, outcome.metrics.bytes_sent, path);
  return 0;
}

}  // namespace ringtmp::cli
