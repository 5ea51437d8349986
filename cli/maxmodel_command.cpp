// `ringtmp maxmodel`: the largest model each strategy can train on N devices. For every
// strategy variant (ring gpipe, 1f1b, async; ps with 1 server, N/4 servers, N co-located;
// allreduce) and every N of --nodes, the memory plan is searched for the largest width or
// depth of the --layers pattern that fits every node's budget (cli/maxmodel_search.hpp),
// then each answer is confirmed by a few timing-only simulated iterations whose recorded
// peaks must equal the plan (cli/maxmodel_confirm.hpp). Writes OUT/maxmodel.csv and
// OUT/maxmodel.png (gnuplot), and prints one line per variant.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/maxmodel_confirm.hpp"
#include "cli/maxmodel_report.hpp"
#include "cli/maxmodel_search.hpp"
#include "cli/options.hpp"
#include "cli/run_folder.hpp"
#include "cli/simulator.hpp"
#include "cli/subprocess.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/platform/profiles.hpp"
#include "core/quote_input.hpp"

namespace ringtmp::cli {
namespace {

constexpr int kConfirmIterations = 3;  // the first fills the pipeline; the others hold its steady window
constexpr int kMaxNodes = 65536;       // the nodes setting's range
constexpr double kConfirmPeerTimeout = 1e7;  // simulated seconds

// Takes `--name value` or `--name=value` out of args (these two flags mean lists here, not
// the run options of the same name). Error: the flag is last, with no value.
StatusOr<std::optional<std::string>> take_flag(std::vector<std::string>& args, const std::string& name) {
  std::optional<std::string> value;
  const std::string flag = "--" + name;
  for (size_t i = 0; i < args.size();) {
    if (args[i] == flag) {
      if (i + 1 >= args.size()) return Status::errorf("{} needs a value", flag);
      value = args[i + 1];
      args.erase(args.begin() + std::ptrdiff_t(i), args.begin() + std::ptrdiff_t(i + 2));
    } else if (args[i].rfind(flag + "=", 0) == 0) {
      value = args[i].substr(flag.size() + 1);
      args.erase(args.begin() + std::ptrdiff_t(i));
    } else {
      ++i;
    }
  }
  return value;
}

StatusOr<std::vector<Variant>> parse_strategies(const std::string& text) {
  std::vector<Variant> out;
  size_t at = 0;
  while (true) {
    const size_t comma = text.find(',', at);
    const std::string word = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    const auto some = variants_of(word);
    if (some.empty())
      return Status::errorf("unknown strategy {} (ring, ps, allreduce or all, or a comma list of them)",
                            quote_input(word));
    out.insert(out.end(), some.begin(), some.end());
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

StatusOr<std::vector<int>> parse_nodes(const std::string& text) {
  auto list = parse_int_list(text, "nodes");
  if (!list.ok()) return list.status();
  for (int n : *list)
    if (n < 1 || n > kMaxNodes)
      return Status::errorf("invalid value for nodes: {} (every N in 1..{})", quote_input(text), kMaxNodes);
  std::vector<int> nodes = *list;
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  return nodes;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int maxmodel_command(const std::vector<std::string>& given) {
  const auto started = std::chrono::steady_clock::now();
  auto usage = [](const std::string& message) {
    fmt::print(stderr, "ringtmp maxmodel: {}\n", message);
    return 2;
  };
  std::vector<std::string> args = given;
  auto strategy_flag = take_flag(args, "strategy");
  if (!strategy_flag.ok()) return usage(strategy_flag.status().message());
  auto nodes_flag = take_flag(args, "nodes");
  if (!nodes_flag.ok()) return usage(nodes_flag.status().message());
  auto parsed = parse_run_args(
      "maxmodel", args,
      {{"grow", "width (every hidden layer one width W; default) or depth (D hidden layers of the first hidden width)", ""},
       {"shadows",
        "count resilience copies: ring shadows (a run with --replica-every 1), ps server replicas (one, with 2+ "
        "servers); without, the ring rows are sized and confirmed for --replica-every 0",
        "true"},
       {"no-confirm", "skip the timing-only simulation of each answer", "true"}});
  if (!parsed.ok()) return usage(parsed.status().message());
  if (parsed->help) {
    fmt::print("{}  (here --strategy takes ring, ps, allreduce, all or a comma list; --nodes a list such as "
               "1,2,4,8,16,32,64)\n", parsed->help_text);
    return 0;
  }
  RunConfig base = parsed->config;
  if (!base.model.empty())
    return usage(fmt::format("invalid value for model: {} (maxmodel grows the MLP of --layers in width or depth; a "
                             "--model is not grown)", quote_input(base.model)));
  auto variants = parse_strategies(strategy_flag->value_or(
      base.strategy == StrategyKind::local ? "all" : std::string(to_string(base.strategy))));
  if (!variants.ok()) return usage(variants.status().message());
  auto node_counts = parse_nodes(nodes_flag->value_or("1,2,4,8,16,32,64"));
  if (!node_counts.ok()) return usage(node_counts.status().message());
  const std::string grow_text = parsed->extra.count("grow") ? parsed->extra["grow"] : "width";
  if (grow_text != "width" && grow_text != "depth")
    return usage(fmt::format("invalid value for grow: {} (width or depth)", quote_input(grow_text)));
  const Grow grow = grow_text == "width" ? Grow::width : Grow::depth;
  auto flag_on = [&](const char* name) { return parsed->extra.count(name) && parsed->extra[name] != "false"; };
  const bool shadows = flag_on("shadows"), confirm = !flag_on("no-confirm");
  if (confirm && !kHasSimulator)
    return no_simulator("maxmodel", "--no-confirm gives the memory plan's answers without the simulated confirmation");
  // The search and its confirming runs hold the same copies: shadows exactly when asked.
  base.replica_every = shadows ? 1 : 0;
  if (auto g = growth_for(base.layers, grow, 1, false); !g.ok()) return usage(g.status().message());
  if (auto network = load_network_profile(default_platforms_dir(), base.network); !network.ok())
    return usage(network.status().message());

  // Every (variant, N): its config and devices, all checked before any search.
  std::vector<Row> rows;
  for (const Variant& v : *variants) {
    for (int n : *node_counts) {
      Row row{v, n, with_variant(base, v, n), {}, {}, {}, {}};
      const int ranks = cluster_devices(row.config);  // co-located servers share their workers'
      auto devices = stage_devices(row.config, ranks, default_platforms_dir());
      if (!devices.ok()) return usage(fmt::format("{} (at N = {}, {} devices)", devices.status().message(), n, ranks));
      if (int(devices->size()) != ranks)
        return usage("a --platform XML states no RAM: give --memory-budget (or --device profiles instead)");
      row.devices = std::move(*devices);
      auto g = growth_for(base.layers, grow, n, v.strategy == StrategyKind::ring);
      if (!g.ok()) return usage(g.status().message());
      row.growth = *g;
      rows.push_back(std::move(row));
    }
  }
  auto folder = RunFolder::prepare(base, "-maxmodel");
  if (!folder.ok()) {
    fmt::print(stderr, "ringtmp maxmodel: {}\n", folder.status().message());
    return 1;
  }
  const ResilienceMemory resilience{shadows, shadows ? 1 : 0};
  for (Row& row : rows) {
    auto found = find_max_model(row.config, row.growth, row.devices, resilience);
    if (!found.ok()) return usage(fmt::format("{} at N = {}: {}", row.variant.label, row.nodes, found.status().message()));
    row.found = std::move(*found);
    row.config.layers = row.found.layers;
  }
  const double searched_s = seconds_since(started);

  double confirmed_s = 0;
  if (confirm) {
    const auto t = std::chrono::steady_clock::now();
    std::vector<RunConfig> runs;
    std::vector<size_t> which;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].found.found) continue;
      RunConfig run = rows[i].config;
      run.timing_only = true;
      run.iterations = kConfirmIterations;
      run.eval_every = 0;
      // A pi3b+ takes tens of simulated seconds on one layer of a model this large; waiting
      // costs no wall time in the simulator, and a timeout here would only say the model is slow.
      run.peer_timeout = std::max(run.peer_timeout, kConfirmPeerTimeout);
      runs.push_back(run);
      which.push_back(i);
    }
    if constexpr (kHasSimulator) {  // maxmodel_confirm.cpp is built with the simulator only
      const auto results = confirm_in_simulation(runs, 2);
      for (size_t k = 0; k < results.size(); ++k) rows[which[k]].confirmation = results[k];
    }
    confirmed_s = seconds_since(t);
  }

  const std::filesystem::path out(folder->writing()), shown(folder->out());
  const MaxModelReport report{base, grow, shadows, confirm, kConfirmIterations};
  Status written = write_whole_file((out / "maxmodel.csv").string(), maxmodel_csv(report, rows));
  if (written.ok()) written = write_whole_file((out / "maxmodel.gp").string(), maxmodel_gnuplot(report, rows));
  if (!written.ok()) {
    fmt::print(stderr, "ringtmp maxmodel: {}\n", written.message());
    return 1;
  }
  const Status figure =
      run_tool({"gnuplot", "-e", "out_dir=" + gnuplot_quoted(out.string()), (out / "maxmodel.gp").string()});
  if (auto s = folder->commit(); !s.ok()) {
    fmt::print(stderr, "ringtmp maxmodel: {}\n", s.message());
    return 1;
  }
  print_maxmodel(report, rows);
  int unconfirmed = 0;
  for (const Row& row : rows)
    if (confirm && row.found.found && !row.confirmation.matches) {
      ++unconfirmed;
      fmt::print(stderr, "ringtmp maxmodel: {} at N = {} not confirmed: {}\n", row.variant.label, row.nodes,
                 row.confirmation.note);
    }
  fmt::print("time   {:.1f} s: plan search {:.1f} s, {}\n", seconds_since(started), searched_s,
             confirm ? fmt::format("confirming simulations {:.1f} s ({} iterations each, timing-only)", confirmed_s,
                                   kConfirmIterations)
                     : std::string("no confirmation (--no-confirm)"));
  if (figure.ok()) fmt::print("figure {}\n", (shown / "maxmodel.png").string());
  else fmt::print("note   no figure ({}); the numbers are in the CSV\n", figure.message());
  fmt::print("wrote  {}\n", (shown / "maxmodel.csv").string());
  return unconfirmed ? 1 : 0;
}

}  // namespace ringtmp::cli
