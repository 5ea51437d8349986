#include "core/run_model.hpp"
#include "core/metrics/run_writer.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/metrics/json.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/settings.hpp"

namespace ringtmp {
namespace {

// Numbers in JSON (json_number: null when not finite) and CSV: shortest round-trip form,
// so a file re-read gives the same double. A value that does not exist (the loss of a
// timing-only run, or of a diverged one) is null in JSON and an empty cell in CSV.
std::string csv_num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

std::string iterations_csv(const RunResult& run) {
  std::string s = "iteration,time,loss,samples\n";
  for (const auto& r : run.trace)
    s += fmt::format("{},{},{},{}\n", r.iteration, csv_num(r.time), csv_num(r.loss), r.samples);
  return s;
}

// The test-set evaluations (--eval-every K, and the final model), each stamped with its
// iteration and the run's clock then: time to an accuracy is a read of this file.
std::string evaluations_csv(const RunResult& run) {
  std::string s = "iteration,time,test_accuracy,test_loss\n";
  for (const auto& e : run.evals)
    s += fmt::format("{},{},{},{}\n", e.iteration, csv_num(e.time), csv_num(e.accuracy), csv_num(e.loss));
  return s;
}

std::string nodes_csv(const RunResult& run) {
  std::string s =
      "node,role,busy_s,idle_s,send_s,bytes_sent,bytes_recv,msgs_sent,msgs_recv,"
      "peak_memory_bytes,energy_j,peak_stash_bytes,radio_energy_j,planned_memory_bytes,peak_rss_bytes,failed_at,checkpoint_s,checkpoint_bytes,"
      "idle_network_s,idle_work_s\n";
  auto optional_int = [](const std::optional<int64_t>& v) { return v ? fmt::format("{}", *v) : ""; };
  for (const auto& n : run.nodes)
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", n.node, n.role, csv_num(n.busy_s),
                     csv_num(n.idle_s), csv_num(n.send_s), n.bytes_sent, n.bytes_recv, n.msgs_sent,
                     n.msgs_recv, n.peak_memory_bytes, n.energy_j ? csv_num(*n.energy_j) : "",
                     n.peak_stash_bytes, n.radio_energy_j ? csv_num(*n.radio_energy_j) : "",
                     optional_int(n.planned_memory_bytes), optional_int(n.peak_rss_bytes),
                     n.failed_at ? csv_num(*n.failed_at) : "", csv_num(n.checkpoint_s), n.checkpoint_bytes,
                     csv_num(n.idle_network_s), csv_num(n.idle_s - n.idle_network_s));
  return s;
}

std::string timeline_json(const RunResult& run) {
  std::string s = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  bool first = true;
  auto add = [&](const std::string& event) {
    s += first ? "" : ",\n";
    s += event;
    first = false;
  };
  for (const auto& n : run.nodes)
    add(fmt::format(R"({{"name":"thread_name","ph":"M","pid":0,"tid":{},"args":{{"name":{}}}}})", n.node,
                    json_quote(fmt::format("node {} ({})", n.node, n.role))));
  for (const auto& sp : run.timeline) {
    // A span without a finite start and length has no place on a time axis.
    if (!std::isfinite(sp.start) || !std::isfinite(sp.end - sp.start)) continue;
    const char* name = sp.kind == SpanKind::busy           ? "busy"
                       : sp.kind == SpanKind::idle         ? "idle"
                       : sp.kind == SpanKind::idle_network ? "idle (network)"
                       : sp.kind == SpanKind::send         ? "send"
                                                           : "checkpoint";
    add(fmt::format(R"({{"name":"{}","ph":"X","pid":0,"tid":{},"ts":{:.3f},"dur":{:.3f}}})", name,
                    sp.node, sp.start * 1e6, (sp.end - sp.start) * 1e6));
  }
  // A failure the run survived: when the node went, when the first survivor knew, when
  // the last one trained again (global instant events, across every node's row).
  for (const auto& f : run.failures)
    for (auto [what, at] : {std::pair{"failed", f.failed_at}, std::pair{"detected", f.detected_at},
                            std::pair{"resumed", f.resumed_at},
                            std::pair{"rejoined", f.rejoined_at.value_or(std::nan(""))}})
      if (std::isfinite(at))
        add(fmt::format(R"({{"name":"node {} {}","ph":"i","s":"g","pid":0,"tid":{},"ts":{:.3f}}})", f.node, what,
                        f.node, at * 1e6));
  return s + "\n]}\n";
}

// Every setting as "key": value, numbers and booleans bare, the rest as strings. A real
// that is not finite (only a config built in code can hold one) is null like any figure.
std::string config_json(const RunConfig& c) {
  std::string s;
  for (const auto& setting : settings(c)) {
    // An integer setting may also have a word ("threads": "auto", before the CLI resolves it).
    const bool number = setting.value.find_first_not_of("-0123456789") == std::string::npos && !setting.value.empty();
    const bool bare = (setting.kind == SettingKind::integer && number) || setting.kind == SettingKind::boolean;
    const std::string value = setting.kind == SettingKind::real ? json_number(std::strtod(setting.value.c_str(), nullptr))
                              : bare                            ? setting.value
                                                                : json_quote(setting.value);
    s += fmt::format("{}\n    {}: {}", s.empty() ? "" : ",", json_quote(setting.key), value);
  }
  return "{" + s + "\n  }";
}

}  // namespace

std::string run_config_ini(const RunConfig& c) {
  RunConfig again = c;
  again.out.clear();
  again.overwrite = false;
  return config_ini(again, "written by ringtmp: the settings this run ran with\n"
                           "--config with this file runs it again (into a fresh folder unless --out)");
}

std::string silences_json(const RunResult& run) {
  std::string s;
  for (const auto& line : run.silences) s += (s.empty() ? "" : ", ") + json_quote(line);
  return s;
}

std::string failures_json(const RunResult& run) {
  std::string s;
  for (const auto& f : run.failures)
    s += fmt::format("{}\n    {{\"node\": {}, \"role\": {}, \"cause\": {}, \"failed_at\": {}, \"detected_at\": {}, "
                     "\"last_detected_at\": {}, \"resumed_at\": {}, \"iterations_redone\": {}, \"recovery_bytes\": {}, "
                     "\"rejoined_at\": {}, \"rejoin_iterations_redone\": {}, \"rejoin_bytes\": {}}}",
                     s.empty() ? "" : ",", f.node, json_quote(f.role), json_quote(f.cause), json_number(f.failed_at),
                     json_number(f.detected_at), json_number(f.last_detected_at), json_number(f.resumed_at),
                     f.iterations_redone, f.recovery_bytes, f.rejoined_at ? json_number(*f.rejoined_at) : "null",
                     f.rejoin_iterations_redone, f.rejoin_bytes);
  return s.empty() ? "[]" : "[" + s + "\n  ]";
}

std::string summary_json(const RunResult& run, const BuildInfo& build) {
  const auto& c = run.config;
  std::string evals;
  for (const auto& e : run.evals)
    evals += fmt::format("{}{{\"iteration\":{},\"time\":{},\"accuracy\":{},\"loss\":{}}}", evals.empty() ? "" : ",",
                         e.iteration, json_number(e.time), json_number(e.accuracy), json_number(e.loss));
  const bool per_node = c.strategy != StrategyKind::local;
  return fmt::format(
      "{{\n"
      "  \"strategy\": {},\n  \"schedule\": {},\n  \"ps_mode\": {},\n  \"backend\": {},\n"
      "  \"nodes\": {},\n  \"devices\": {},\n  \"dataset\": {},\n  \"layers\": {},\n  \"batch\": {},\n"
      "  \"microbatches\": {},\n  \"lr\": {},\n  \"seed\": {},\n"
      "  \"iterations\": {},\n  \"samples\": {},\n  \"samples_per_second\": {},\n"
      "  \"wall_seconds\": {},\n  \"sim_seconds\": {},\n"
      "  \"final_loss\": {},\n  \"test_accuracy\": {},\n  \"idle_fraction\": {},\n  \"idle_network_fraction\": {},\n"
      "  \"bytes_sent_total\": {},\n  \"peak_memory_bytes_max\": {},\n  \"peak_rss_bytes_max\": {},\n"
      "  \"energy_joules\": {},\n"
      "  \"energy_per_sample_j\": {},\n  \"energy_is_estimate\": {},\n  \"platform\": {},\n  \"timing_only\": {},\n"
      "  \"max_staleness\": {},\n  \"timeline_truncated\": {},\n"
      "  \"diverged\": {},\n  \"diverged_at_iteration\": {},\n  \"diverged_node\": {},\n"
      "  \"diverged_in\": {},\n  \"failures\": {},\n  \"silences\": [{}],\n  \"stale_messages\": {},\n  \"evaluations\": [{}],\n"
      "  \"version\": {},\n  \"git_commit\": {},\n  \"config\": {}\n}}\n",
      json_quote(to_string(c.strategy)),
      c.strategy == StrategyKind::ring ? json_quote(to_string(c.schedule)) : "null",
      c.strategy == StrategyKind::ps ? json_quote(to_string(c.ps_mode)) : "null", json_quote(run.backend),
      run.nodes.size(), per_node ? cluster_devices(c) : 1, json_quote(run.dataset), json_quote(model_name(c)), c.batch, c.microbatches,
      json_number(c.lr), c.seed, run.iterations, run.samples, json_number(run.samples_per_second()),
      json_number(run.wall_seconds), json_number_or_null(run.sim_seconds), json_number(run.final_loss()),
      json_number_or_null(run.test_accuracy()), json_number(run.idle_fraction()),
      json_number(run.idle_network_fraction()),
      per_node ? fmt::format("{}", run.bytes_sent_total()) : "null", run.peak_memory_bytes_max(),
      run.peak_rss_bytes_max() ? fmt::format("{}", *run.peak_rss_bytes_max()) : "null",
      json_number_or_null(run.energy_joules()), json_number_or_null(run.energy_per_sample()), run.energy_is_estimate ? "true" : "false",
      run.platform.empty() ? "null" : json_quote(run.platform), c.timing_only ? "true" : "false",
      json_number_or_null(run.max_staleness), run.timeline_truncated ? "true" : "false",
      run.divergence ? "true" : "false", run.divergence ? fmt::format("{}", run.divergence->iteration) : "null",
      run.divergence && run.divergence->node ? fmt::format("{}", *run.divergence->node) : "null",
      !run.divergence ? "null" : run.divergence->in_parameters ? "\"parameters\"" : "\"loss\"", failures_json(run),
      silences_json(run), run.stale_messages, evals,
      json_quote(build.version), json_quote(build.git_commit),
      config_json(c));
}

Status write_run(const std::string& dir, const RunResult& run, const BuildInfo& build) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::errorf("{}: cannot create run folder ({})", dir, ec.message());
  const fs::path d(dir);
  for (auto [name, text] : {std::pair{"summary.json", summary_json(run, build)},
                            std::pair{"config.ini", run_config_ini(run.config)},
                            std::pair{"iterations.csv", iterations_csv(run)},
                            std::pair{"evaluations.csv", evaluations_csv(run)},
                            std::pair{"nodes.csv", nodes_csv(run)},
                            std::pair{"timeline.json", timeline_json(run)}})
    if (auto s = write_whole_file((d / name).string(), text); !s.ok()) return s;
  return {};
}

}  // namespace ringtmp
