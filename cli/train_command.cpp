// `ringtmp train`: any strategy on this machine (local, or the in-process transport).
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/progress_view.hpp"
#include "core/data/load_data.hpp"
#include "core/metrics/run_writer.hpp"
#include "core/model/model.hpp"
#include "core/strategy/cluster.hpp"
#include "core/strategy/local.hpp"

namespace ringtmp::cli {
namespace {

std::string default_run_folder(const RunConfig& c) {
  const std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  return fmt::format("results/runs/{}-{}", to_string(c.strategy), stamp);
}

std::string describe_strategy(const RunConfig& c) {
  switch (c.strategy) {
    case StrategyKind::local: return "strategy local";
    case StrategyKind::ring:
      return fmt::format("strategy ring ({}), {} stages, {} micro-batches", to_string(c.schedule),
                         c.nodes, c.microbatches);
    case StrategyKind::ps:
      return fmt::format("strategy ps ({}{}), {} workers, {} servers", to_string(c.ps_mode),
                         c.ps_mode == PsMode::ssp ? fmt::format(" s={}", c.staleness) : "", c.nodes,
                         c.servers);
    case StrategyKind::allreduce: return fmt::format("strategy allreduce, {} workers", c.nodes);
  }
  return "?";
}

}  // namespace

int train_command(const std::vector<std::string>& args) {
  auto parsed = parse_run_args("train", args);
  if (!parsed.ok()) {
    fmt::print(stderr, "ringtmp train: {}\n", parsed.status().message());
    return 2;
  }
  if (parsed->help) {
    fmt::print("{}", parsed->help_text);
    return 0;
  }
  RunConfig c = parsed->config;
  if (c.out.empty()) c.out = default_run_folder(c);

  auto data = load_data(c);
  if (!data.ok()) {
    fmt::print(stderr, "ringtmp train: {}\n", data.status().message());
    return 1;
  }
  fmt::print("data   {}: {} train / {} test samples, {} features, {} classes\n", data->name,
             data->train.size(), data->test.size(), data->train.features(), data->train.classes);
  fmt::print("model  {}\n", Model(mlp_layers(c.layers, c.activation)).describe());
  fmt::print("train  {}, batch {}, lr {}, momentum {}, seed {}\n", describe_strategy(c), c.batch,
             c.lr, c.momentum, c.seed);

  ProgressView view(ProgressView::stdout_is_terminal());
  const ProgressFn progress = [&](const Progress& p) { view.update(p); };
  auto run = c.strategy == StrategyKind::local ? run_local(c, *data, progress)
                                               : run_inproc(c, *data, progress);
  view.finish();
  if (!run.ok()) {
    fmt::print(stderr, "ringtmp train: {}\n", run.status().message());
    return 1;
  }
  if (auto s = write_run(c.out, *run); !s.ok()) {
    fmt::print(stderr, "ringtmp train: {}\n", s.message());
    return 1;
  }
  fmt::print("done   {} iterations in {:.2f}s: {:.0f} samples/s, final loss {:.4f}, "
             "test accuracy {:.2f}%\n",
             run->iterations, run->wall_seconds, run->samples_per_second(), run->final_loss(),
             100.0 * run->test_accuracy().value_or(0.0));
  if (c.strategy != StrategyKind::local)
    fmt::print("nodes  idle {:.1f}% on average, {} bytes sent in all, peak memory {} bytes on one node{}\n",
               100.0 * run->idle_fraction(), run->bytes_sent_total(), run->peak_memory_bytes_max(),
               run->max_staleness ? fmt::format(", max staleness {}", *run->max_staleness) : "");
  fmt::print("run    {}/summary.json\n", c.out);
  return 0;
}

}  // namespace ringtmp::cli
