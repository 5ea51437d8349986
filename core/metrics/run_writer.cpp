#include "core/metrics/run_writer.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "core/settings.hpp"

namespace ringtmp {
namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", int(c));
        else out += c;
    }
  }
  return out + "\"";
}

template <class T>
std::string or_null(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : "null";
}

// Numbers in JSON and CSV: shortest round-trip form, so a file re-read gives the same double.
// A value that does not exist (the loss of a timing-only run) is null, never NaN.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }
std::string csv_num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }

Status write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) return Status::errorf("{}: cannot write ({})", path.string(), std::strerror(errno));
  return {};
}

std::string iterations_csv(const RunResult& run) {
  std::string s = "iteration,time,loss,samples\n";
  for (const auto& r : run.trace)
    s += fmt::format("{},{},{},{}\n", r.iteration, num(r.time), csv_num(r.loss), r.samples);
  return s;
}

std::string nodes_csv(const RunResult& run) {
  std::string s =
      "node,role,busy_s,idle_s,send_s,bytes_sent,bytes_recv,msgs_sent,msgs_recv,"
      "peak_memory_bytes,energy_j,peak_stash_bytes,radio_energy_j\n";
  for (const auto& n : run.nodes)
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", n.node, n.role, num(n.busy_s),
                     num(n.idle_s), num(n.send_s), n.bytes_sent, n.bytes_recv, n.msgs_sent,
                     n.msgs_recv, n.peak_memory_bytes, n.energy_j ? num(*n.energy_j) : "",
                     n.peak_stash_bytes, n.radio_energy_j ? num(*n.radio_energy_j) : "");
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
    add(fmt::format(R"x({{"name":"thread_name","ph":"M","pid":0,"tid":{},"args":{{"name":"node {} ({})"}}}})x",
                    n.node, n.node, n.role));
  for (const auto& sp : run.timeline) {
    const char* name = sp.kind == SpanKind::busy ? "busy" : sp.kind == SpanKind::idle ? "idle" : "send";
    add(fmt::format(R"({{"name":"{}","ph":"X","pid":0,"tid":{},"ts":{:.3f},"dur":{:.3f}}})", name,
                    sp.node, sp.start * 1e6, (sp.end - sp.start) * 1e6));
  }
  return s + "\n]}\n";
}

// Every setting as "key": value, numbers and booleans bare, the rest as strings.
std::string config_json(const RunConfig& c) {
  std::string s;
  for (const auto& setting : settings(c)) {
    const bool bare = setting.kind == SettingKind::integer || setting.kind == SettingKind::real ||
                      setting.kind == SettingKind::boolean;
    s += fmt::format("{}\n    {}: {}", s.empty() ? "" : ",", quote(setting.key),
                     bare ? setting.value : quote(setting.value));
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

std::string summary_json(const RunResult& run, const BuildInfo& build) {
  const auto& c = run.config;
  std::string evals;
  for (const auto& e : run.evals)
    evals += fmt::format("{}{{\"iteration\":{},\"accuracy\":{},\"loss\":{}}}", evals.empty() ? "" : ",",
                         e.iteration, num(e.accuracy), num(e.loss));
  const bool per_node = c.strategy != StrategyKind::local;
  return fmt::format(
      "{{\n"
      "  \"strategy\": {},\n  \"schedule\": {},\n  \"ps_mode\": {},\n  \"backend\": {},\n"
      "  \"nodes\": {},\n  \"dataset\": {},\n  \"layers\": {},\n  \"batch\": {},\n"
      "  \"microbatches\": {},\n  \"lr\": {},\n  \"seed\": {},\n"
      "  \"iterations\": {},\n  \"samples\": {},\n  \"samples_per_second\": {},\n"
      "  \"wall_seconds\": {},\n  \"sim_seconds\": {},\n"
      "  \"final_loss\": {},\n  \"test_accuracy\": {},\n  \"idle_fraction\": {},\n"
      "  \"bytes_sent_total\": {},\n  \"peak_memory_bytes_max\": {},\n  \"energy_joules\": {},\n"
      "  \"energy_per_sample_j\": {},\n  \"energy_is_estimate\": {},\n  \"platform\": {},\n  \"timing_only\": {},\n"
      "  \"max_staleness\": {},\n  \"timeline_truncated\": {},\n  \"evaluations\": [{}],\n"
      "  \"version\": {},\n  \"git_commit\": {},\n  \"config\": {}\n}}\n",
      quote(to_string(c.strategy)),
      c.strategy == StrategyKind::ring ? quote(to_string(c.schedule)) : "null",
      c.strategy == StrategyKind::ps ? quote(to_string(c.ps_mode)) : "null", quote(run.backend),
      run.nodes.size(), quote(run.dataset), quote(join_ints(c.layers)), c.batch, c.microbatches,
      num(c.lr), c.seed, run.iterations, run.samples, num(run.samples_per_second()),
      num(run.wall_seconds), or_null(run.sim_seconds), num(run.final_loss()),
      or_null(run.test_accuracy()), num(run.idle_fraction()),
      per_node ? fmt::format("{}", run.bytes_sent_total()) : "null", run.peak_memory_bytes_max(),
      or_null(run.energy_joules()), or_null(run.energy_per_sample()), run.energy_is_estimate ? "true" : "false",
      run.platform.empty() ? "null" : quote(run.platform), c.timing_only ? "true" : "false",
      or_null(run.max_staleness),
      run.timeline_truncated ? "true" : "false", evals, quote(build.version), quote(build.git_commit),
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
                            std::pair{"nodes.csv", nodes_csv(run)},
                            std::pair{"timeline.json", timeline_json(run)}})
    if (auto s = write_file(d / name, text); !s.ok()) return s;
  return {};
}

}  // namespace ringtmp
