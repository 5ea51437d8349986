#include "cli/run_command.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "cli/build_info.hpp"
#include "cli/checkpoint_options.hpp"
#include "cli/options.hpp"
#include "cli/progress_view.hpp"
#include "cli/run_folder.hpp"
#include "core/run_model.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/strategy/node_program.hpp"
#include "core/strategy/ps.hpp"
#include "core/data/load_data.hpp"
#include "core/metrics/run_writer.hpp"
#include "core/model/model.hpp"

namespace ringtmp::cli {

Status check_simulated_settings(const RunConfig& c, bool plays_faults) {
  if (!c.faults.empty() && !plays_faults) return Status::error("--faults applies to ringtmp sim and launch --local only");
  const char* flag = c.timing_only                    ? "--timing-only"
                     : !c.platform.empty()            ? "--platform"
                     : c.colocate_servers             ? "--colocate-servers"
                                                      : nullptr;
  if (flag) return Status::errorf("{} applies to ringtmp sim only", flag);
  return {};
}

RuntimeArgs parse_runtime_args(const std::string& command, const std::vector<std::string>& args,
                               const std::vector<ExtraFlag>& extra, bool plays_faults) {
  RuntimeArgs r;
  // Before validation: with no strategy given, the default (local) would otherwise fail
  // validation on --nodes first, naming the wrong culprit.
  auto runtime_only = [plays_faults](const RunConfig& c) -> Status {
    if (c.strategy == StrategyKind::local)
      return Status::error("strategy local has no cluster: set --strategy (or strategy = in the config file) "
                           "to ring, ps or allreduce");
    return check_simulated_settings(c, plays_faults);
  };
  auto parsed = parse_run_args(command, args, extra, runtime_only);
  if (!parsed.ok()) {
    fmt::print(stderr, "ringtmp {}: {}\n", command, parsed.status().message());
    r.exit_code = 2;
    return r;
  }
  if (parsed->help) {
    fmt::print("{}", parsed->help_text);
    return r;
  }
  r.args = std::move(*parsed);
  return r;
}

void print_result(const RunResult& run) {
  const auto& c = run.config;
  const std::string clock = run.sim_seconds
                                ? fmt::format("{:.2f} simulated s (wall {:.2f} s)", *run.sim_seconds, run.wall_seconds)
                                : fmt::format("{:.2f} s", run.wall_seconds);
  if (c.timing_only)  // nothing was computed: only the clock is known
    fmt::print("done   {} iterations in {}: {:.4g} simulated s per iteration; timing only: no loss, no accuracy\n",
               run.iterations, clock, run.run_seconds() / double(std::max<int64_t>(run.iterations, 1)));
  else
    fmt::print("done   {} iterations in {}: {:.0f} samples/s, final loss {:.4f}, test accuracy {:.2f}%\n",
               run.iterations, clock, run.samples_per_second(), run.final_loss(),
               100.0 * run.test_accuracy().value_or(0.0));
  if (c.strategy != StrategyKind::local)
    fmt::print("nodes  idle {:.1f}% on average, {} bytes sent in all, peak memory {} bytes on one node{}\n",
               100.0 * run.idle_fraction(), run.bytes_sent_total(), run.peak_memory_bytes_max(),
               run.max_staleness ? fmt::format(", max staleness {}", *run.max_staleness) : "");
  for (const auto& line : run.silences) fmt::print("paused {}\n", line);
  for (const auto& f : run.failures) {
    fmt::print("survived node {} ({}) failing at {:.6g} s: {}; detected at {:.6g} s, training again at {:.6g} s, "
               "{} iteration{} redone, {} bytes sent to recover\n",
               f.node, f.role, f.failed_at, f.cause, f.detected_at, f.resumed_at, f.iterations_redone,
               f.iterations_redone == 1 ? "" : "s", f.recovery_bytes);
    if (f.rejoined_at)
      fmt::print("rejoined node {} ({}): back and training again at {:.6g} s, {} iteration{} redone, {} bytes sent to "
                 "readmit it\n", f.node, f.role, *f.rejoined_at, f.rejoin_iterations_redone,
                 f.rejoin_iterations_redone == 1 ? "" : "s", f.rejoin_bytes);
  }
  if (auto e = run.energy_joules())
    fmt::print("energy {:.1f} J in all, {:.4f} J per training sample{}\n", *e, run.energy_per_sample().value_or(0),
               run.energy_is_estimate ? " (estimate: the device profiles' power model)" : "");
}

std::string describe_strategy(const RunConfig& c) {
  switch (c.strategy) {
    case StrategyKind::local: return "strategy local";
    case StrategyKind::ring:
      return fmt::format("strategy ring ({}), {} stages, {} micro-batches", to_string(c.schedule),
                         c.nodes, c.microbatches);
    case StrategyKind::ps:
      return fmt::format("strategy ps ({}{}), {}", to_string(c.ps_mode),
                         c.ps_mode == PsMode::ssp ? fmt::format(" s={}", c.staleness) : "", ps_roles(c));
    case StrategyKind::allreduce: return fmt::format("strategy allreduce, {} workers", c.nodes);
  }
  return "?";
}

int run_command(const RunCommand& command, const std::vector<std::string>& args) {
  const std::string prefix = "ringtmp " + command.name;
  auto parsed = parse_run_args(command.name, args);
  if (!parsed.ok()) {
    fmt::print(stderr, "{}: {}\n", prefix, parsed.status().message());
    return 2;
  }
  if (parsed->help) {
    fmt::print("{}", parsed->help_text);
    return 0;
  }
  RunConfig c = parsed->config;
  if (auto s = command.check(c); !s.ok()) {
    fmt::print(stderr, "{}: {}\n", prefix, s.message());
    return 2;
  }
  auto data = load_data(c);
  if (!data.ok()) {
    fmt::print(stderr, "{}: {}\n", prefix, data.status().message());
    return 1;
  }
  // Every node's memory plan against its device, before any node starts.
  if (auto s = check_run_fits(c, *data, default_platforms_dir(), command.simulated); !s.ok()) {
    fmt::print(stderr, "{}: {}\n", prefix, s.message());
    return 2;
  }
  if (c.checkpoint_every > 0 || !c.resume.empty()) {
    auto plan = c.strategy == StrategyKind::local ? StatusOr<ClusterPlan>(ClusterPlan{1, {}, {}, planned_iterations(c, data->train.size()), {}})
                                                  : plan_cluster(c, data->train.size());
    if (!plan.ok()) {
      fmt::print(stderr, "{}: {}\n", prefix, plan.status().message());
      return 2;
    }
    if (auto s = prepare_checkpointing(c, *plan); !s.ok()) {
      fmt::print(stderr, "{}: {}\n", prefix, s.message());
      return 2;
    }
  }
  // Before the run, so that a folder that cannot be written fails now, not after training.
  auto folder = RunFolder::prepare(c);
  if (!folder.ok()) {
    fmt::print(stderr, "{}: {}\n", prefix, folder.status().message());
    return 1;
  }
  fmt::print("data   {}: {} train / {} test samples, {} features, {} classes\n", data->name,
             data->train.size(), data->test.size(), data->train.features(), data->train.classes);
  fmt::print("model  {}\n", Model(model_layers(c), 0, Storage::shapes_only).describe());
  if (c.strategy == StrategyKind::ring) {
    auto plan = command.simulated ? plan_cluster_on_devices(c, *data, default_platforms_dir())
                                  : plan_cluster(c, data->train.size());
    if (plan.ok() && plan->ring) fmt::print("stages {}\n", describe_stages(*plan->ring, c));
  }
  fmt::print("{:<6} {}, batch {}, lr {}, momentum {}, seed {}\n", command.name, describe_strategy(c),
             c.batch, c.lr, c.momentum, c.seed);

  ProgressView view(ProgressView::stdout_is_terminal(), c, command.simulated);
  const ProgressFn progress = [&](const Progress& p) { view.update(p); };
  auto run = command.run(c, *data, progress);
  view.finish();
  if (!run.ok()) {  // the folder's destructor removes what this run made
    fmt::print(stderr, "{}: {}\n", prefix, run.status().message());
    return 1;
  }
  if (!run->platform.empty()) fmt::print("platf  {}\n", run->platform);
  note_planned_memory(*run, *data, default_platforms_dir(), command.simulated);
  return finish_run(prefix, *run, *folder);
}

int finish_run(const std::string& prefix, const RunResult& run, RunFolder& folder) {
  auto fail = [&](const Status& s) {
    fmt::print(stderr, "{}: {}\n", prefix, s.message());
    return 1;
  };
  if (auto s = write_run(folder.writing(), run, build_info()); !s.ok()) return fail(s);
  if (auto s = folder.commit(); !s.ok()) return fail(s);
  print_result(run);
  fmt::print("run    {}/summary.json\n", folder.out());
  if (!run.divergence) return 0;
  if (run.config.allow_divergence) {
    fmt::print("diverged: {} (--allow-divergence: not an error)\n", describe(*run.divergence));
    return 0;
  }
  return fail(Status::errorf("diverged: {}; the run folder is written (--allow-divergence to accept it)",
                             describe(*run.divergence)));
}

}  // namespace ringtmp::cli
