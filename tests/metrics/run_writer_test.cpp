// The run folder: every file present, the summary's required keys with null where a figure
// does not apply, CSV rows matching the records.
#include "core/metrics/run_writer.hpp"
#include "core/settings.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <doctest/doctest.h>

#include "tests/data/temp_dir.hpp"

#include "tests/metrics/strict_json.hpp"

using namespace ringtmp;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("write_run writes the four files with the contract's names") {
  RunResult r;
  r.dataset = "synthetic";
  r.backend = "local";
  r.iterations = 2;
  r.samples = 128;
  r.wall_seconds = 0.5;
  r.trace = {{1, 0.25, 2.0, 64}, {2, 0.5, 1.5, 128}};
  r.evals = {{2, 0.75, 0.6, 0.5}};
  r.nodes.push_back({.node = 0, .role = "trainer", .busy_s = 0.5, .peak_memory_bytes = 1000});
  r.nodes.push_back({.node = 1, .role = "stage", .busy_s = 0.25, .idle_s = 0.25, .idle_network_s = 0.0625});
  r.timeline.push_back({0, SpanKind::busy, 0.0, 0.25});

  const auto dir = std::filesystem::temp_directory_path() / "ringtmp_run_writer_test";
  std::filesystem::remove_all(dir);
  REQUIRE(write_run(dir.string(), r).ok());

  const std::string summary = read(dir / "summary.json");
  for (const char* key : {"strategy", "nodes", "devices", "iterations", "samples_per_second", "wall_seconds",
                          "final_loss", "test_accuracy", "idle_fraction", "bytes_sent_total",
                          "peak_memory_bytes_max", "energy_joules"})
    CHECK(summary.find(std::string("\"") + key + "\":") != std::string::npos);
  CHECK(summary.find("\"energy_joules\": null") != std::string::npos);
  CHECK(summary.find("\"samples_per_second\": 256") != std::string::npos);
  CHECK(summary.find("\"test_accuracy\": 0.75") != std::string::npos);
  CHECK(summary.find("\"diverged\": false,\n  \"diverged_at_iteration\": null,") != std::string::npos);

  CHECK(read(dir / "iterations.csv") == "iteration,time,loss,samples\n1,0.25,2,64\n2,0.5,1.5,128\n");
  const std::string nodes = read(dir / "nodes.csv");
  CHECK(nodes.rfind("node,role,busy_s,idle_s,send_s,bytes_sent,bytes_recv", 0) == 0);
  CHECK(nodes.find("\n0,trainer,0.5,0,0,0,0,0,0,1000,,0,,,,,0,0,0,0\n") != std::string::npos);  // no energy, no RSS: empty
  // Idle on the network and idle for want of work, the two parts of idle_s.
  CHECK(nodes.find("\n1,stage,0.25,0.25,0,0,0,0,0,0,,0,,,,,0,0,0.0625,0.1875\n") != std::string::npos);
  CHECK(summary.find("\"idle_network_fraction\": 0.0625,") != std::string::npos);  // (0 + 0.125) / 2
  CHECK(read(dir / "evaluations.csv") == "iteration,time,test_accuracy,test_loss\n2,0.5,0.75,0.6\n");
  CHECK(summary.find("\"peak_rss_bytes_max\": null,") != std::string::npos);
  const std::string timeline = read(dir / "timeline.json");
  CHECK(timeline.find("\"traceEvents\"") != std::string::npos);
  CHECK(timeline.find("\"name\":\"busy\",\"ph\":\"X\",\"pid\":0,\"tid\":0,\"ts\":0.000,\"dur\":250000.000") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a loss that does not exist (timing-only) is written as null and an empty cell") {
  RunResult r;
  r.config.timing_only = true;
  r.trace.push_back({1, 0.5, std::numeric_limits<double>::quiet_NaN(), 64});
  r.samples = 64;
  r.nodes.push_back({});
  r.nodes.back().energy_j = 6.4;
  r.nodes.back().radio_energy_j = 1.5;
  const auto dir = std::filesystem::temp_directory_path() / "ringtmp-writer-nan-test";
  REQUIRE(write_run(dir.string(), r).ok());
  const std::string summary = read(dir / "summary.json");
  CHECK(summary.find("\"final_loss\": null") != std::string::npos);
  CHECK(summary.find("\"timing_only\": true") != std::string::npos);
  CHECK(summary.find("\"energy_per_sample_j\": 0.1") != std::string::npos);
  CHECK(summary.find("nan") == std::string::npos);
  CHECK(read(dir / "iterations.csv") == "iteration,time,loss,samples\n1,0.5,,64\n");
  CHECK(read(dir / "nodes.csv").find(",6.4,0,1.5,,,,0,0,0,0\n") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a measured RSS is a column of nodes.csv and its maximum is in summary.json") {
  RunResult r;
  r.nodes.push_back({.node = 0, .role = "stage", .peak_memory_bytes = 1000});
  r.nodes.push_back({.node = 1, .role = "stage", .peak_memory_bytes = 2000});
  r.nodes[0].peak_rss_bytes = 7340032;
  r.nodes[1].peak_rss_bytes = 5242880;
  const auto dir = std::filesystem::temp_directory_path() / "ringtmp-writer-rss-test";
  REQUIRE(write_run(dir.string(), r).ok());
  const std::string nodes = read(dir / "nodes.csv");
  CHECK(nodes.substr(0, nodes.find('\n')).ends_with(",radio_energy_j,planned_memory_bytes,peak_rss_bytes,failed_at,checkpoint_s,checkpoint_bytes,idle_network_s,idle_work_s"));
  CHECK(nodes.find("\n0,stage,0,0,0,0,0,0,0,1000,,0,,,7340032,,0,0,0,0\n1,stage,0,0,0,0,0,0,0,2000,,0,,,5242880,,0,0,0,0\n") != std::string::npos);
  CHECK(read(dir / "summary.json").find("\"peak_rss_bytes_max\": 7340032,") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("an unwritable run folder is an error naming it") {
  RunResult r;
  auto s = write_run("/proc/ringtmp-cannot-be-here", r);
  REQUIRE(!s.ok());
  CHECK(s.message().find("/proc/ringtmp-cannot-be-here") != std::string::npos);
}

TEST_CASE("the run folder says what produced it: build, every setting, and config.ini to run it again") {
  RunResult r;
  r.config.strategy = StrategyKind::ps;
  r.config.servers = 2;
  r.config.momentum = 0.9f;
  r.config.network = "ethernet-1g";
  r.config.out = "/somewhere/run";
  r.config.overwrite = true;
  r.nodes.push_back({});
  const auto dir = std::filesystem::temp_directory_path() / "ringtmp-writer-provenance-test";
  std::filesystem::remove_all(dir);
  REQUIRE(write_run(dir.string(), r, BuildInfo{"1.2.3", "abc123"}).ok());
  const std::string summary = read(dir / "summary.json");
  CHECK(summary.find("\"version\": \"1.2.3\"") != std::string::npos);
  CHECK(summary.find("\"git_commit\": \"abc123\"") != std::string::npos);
  for (const auto& s : settings(r.config)) {  // every setting, numbers bare, text quoted
    CAPTURE(s.key);
    const bool bare = s.kind == SettingKind::integer || s.kind == SettingKind::real || s.kind == SettingKind::boolean;
    CHECK(summary.find(fmt::format("\n    \"{}\": {}", s.key, bare ? s.value : "\"" + s.value + "\"")) != std::string::npos);
  }
  CHECK(summary.find("\"momentum\": 0.9") != std::string::npos);
  CHECK(summary.find("\"servers\": 2") != std::string::npos);
  CHECK(summary.find("\"network\": \"ethernet-1g\"") != std::string::npos);

  // config.ini: every setting but the folder's own, read back to the same config.
  const std::string ini = read(dir / "config.ini");
  CHECK(ini.find("\nout =") == std::string::npos);
  CHECK(ini.find("\noverwrite = false\n") != std::string::npos);
  RunConfig again;
  std::istringstream lines(ini);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    REQUIRE(eq != std::string::npos);
    const SettingSpec* s = find_setting(line.substr(0, eq));
    REQUIRE(s);
    REQUIRE(s->assign(again, line.substr(eq + 3)).ok());
  }
  RunConfig expected = r.config;
  expected.out.clear();
  expected.overwrite = false;
  for (const auto& s : setting_table()) CHECK(s.show(again) == s.show(expected));
  std::filesystem::remove_all(dir);
}

TEST_CASE("every JSON file the writer makes is strict JSON, whatever the figures hold") {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  RunResult r;
  r.config.strategy = StrategyKind::ring;
  r.config.lr = std::numeric_limits<float>::infinity();
  r.config.momentum = std::numeric_limits<float>::quiet_NaN();
  r.config.data_dir = "caf\xe9/\"quoted\"\x01";  // Latin-1, a quote, a control character
  r.dataset = "fashion\"mnist";
  r.platform = "lab\xff\n";
  r.iterations = 3;
  r.samples = 0;
  r.wall_seconds = inf;
  r.sim_seconds = nan;
  r.trace = {{1, nan, inf, 64}, {2, inf, -inf, 128}, {3, 1.0, nan, 192}};
  r.evals = {{3, nan, inf}};
  r.nodes.push_back({.node = 0, .role = "stage\"0", .busy_s = inf, .idle_s = nan, .send_s = -inf});
  r.nodes.back().energy_j = nan;
  r.nodes.back().radio_energy_j = inf;
  r.nodes.push_back({.node = 1, .role = "stage", .busy_s = 1});
  r.nodes.back().energy_j = inf;
  r.timeline = {{0, SpanKind::busy, nan, 1.0}, {0, SpanKind::idle, 0.0, inf}, {1, SpanKind::send, 0.5, 0.75}};
  r.max_staleness = 4;
  r.divergence = Divergence{2, 1, false};

  ringtmp::testing::TempDir tmp;
  const auto dir = tmp.path() / "run";
  REQUIRE(write_run(dir.string(), r, BuildInfo{"1.0\"x", "abc\x80"}).ok());
  for (const char* name : {"summary.json", "timeline.json"}) {
    CAPTURE(name);
    const std::string text = read(dir / name);
    CHECK(ringtmp::testing::StrictJson::check(text) == "");
    for (const char* bare : {"nan", "inf"}) CHECK(text.find(bare) == std::string::npos);
  }
  const std::string summary = read(dir / "summary.json");
  for (const char* key : {"wall_seconds", "sim_seconds", "final_loss", "idle_fraction", "energy_joules",
                          "samples_per_second", "lr"})
    CHECK(summary.find(fmt::format("\"{}\": null", key)) != std::string::npos);
  CHECK(summary.find("\"diverged\": true,\n  \"diverged_at_iteration\": 2,\n  \"diverged_node\": 1,\n"
                     "  \"diverged_in\": \"loss\",") != std::string::npos);
  // The one span with a finite start and length is drawn; the others have no place.
  CHECK(read(dir / "timeline.json").find("\"ts\":500000.000,\"dur\":250000.000") != std::string::npos);
  CHECK(read(dir / "iterations.csv") == "iteration,time,loss,samples\n1,,,64\n2,,,128\n3,1,,192\n");
}

TEST_CASE("idle fraction: the mean over nodes of the time each was idle while alive") {
  RunResult run;
  run.sim_seconds = 100;
  run.nodes.resize(2);
  run.nodes[0].idle_s = 90;  // lived to the end
  run.nodes[1].idle_s = 40;  // failed at 50 s: idle 80% of its life, not 40% of the run
  run.nodes[1].failed_at = 50;
  CHECK(run.idle_fraction() == doctest::Approx(0.85));
  run.nodes.emplace_back().failed_at = 20;  // its measures died with it: not a node idle 0%
  CHECK(run.idle_fraction() == doctest::Approx(0.85));
}
