#include "core/settings.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "core/model/model_text.hpp"
#include "core/platform/byte_size.hpp"
#include "core/quote_input.hpp"

namespace ringtmp {

namespace {

template <class T>
using Field = T RunConfig::*;
// Why a value is out of range, or empty when it is not.
template <class T>
using Rule = std::function<std::string(const T&)>;

Status invalid(std::string_view key, std::string_view text, std::string_view why) {
  return Status::errorf("invalid value for {}: {} {}", key, quote_input(text), why);
}

// ---- Ranges -------------------------------------------------------------------------------

template <class T>
bool finite(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isfinite(v);
  return true;
}
template <class T>
Rule<T> at_least(T low, std::string_view note = "") {
  return [=](const T& v) {
    return v >= low && finite(v) ? std::string()
                                 : fmt::format("must be at least {}{}{}", low, note.empty() ? "" : "; ", note);
  };
}
template <class T>
Rule<T> within(T low, T high) {
  return [=](const T& v) { return v >= low && v <= high ? std::string() : fmt::format("must be in {}..{}", low, high); };
}
template <class T>
Rule<T> positive(std::string_view what = "number") {
  return [=](const T& v) {
    return v > 0 && finite(v) ? std::string() : fmt::format("must be a positive finite {}", what);
  };
}
// 0 (the setting's "not set") or a size in low..high bytes.
Rule<int64_t> zero_or_size(int64_t low, int64_t high, std::string_view zero_means) {
  return [=](const int64_t& v) {
    return v == 0 || (v >= low && v <= high)
               ? std::string()
               : fmt::format("must be 0 ({}) or {}..{}", zero_means, byte_size_text(low), byte_size_text(high));
  };
}
Rule<std::string> named(std::string_view example) {
  return [=](const std::string& v) { return v.empty() ? fmt::format("name {}", example) : std::string(); };
}
Rule<std::vector<int>> layer_widths() {
  return [](const std::vector<int>& v) -> std::string {
    if (v.size() < 2) return "need at least input and output widths";
    for (int w : v)
      if (w < 1 || w > (1 << 20)) return "every width must be in 1..1048576";
    return {};
  };
}

// ---- Kinds of setting ---------------------------------------------------------------------

// The parts every kind shares: where the value lives, how it prints, its range.
template <class T>
SettingSpec declare(std::string_view key, SettingKind kind, Field<T> field, std::string_view help,
                    std::function<std::string(const T&)> show, Rule<T> rule) {
  SettingSpec s;
  s.key = key;
  s.kind = kind;
  s.help = help;
  s.show = [=](const RunConfig& c) { return show(c.*field); };
  if (rule) s.out_of_range = [=](const RunConfig& c) { return rule(c.*field); };
  return s;
}

template <class T>
SettingSpec number(std::string_view key, Field<T> field, std::string_view help, Rule<T> rule = {}) {
  constexpr bool whole = std::is_integral_v<T>;
  SettingSpec s = declare<T>(key, whole ? SettingKind::integer : SettingKind::real, field, help,
                             [](const T& v) { return fmt::format("{}", v); }, rule);
  s.assign = [=](RunConfig& c, std::string_view text) -> Status {
    if (std::is_unsigned_v<T> && text.find('-') != text.npos) return invalid(key, text, "must not be negative");
    auto v = parse_number<T>(text);
    if (!v) return invalid(key, text, whole ? "is not a whole number" : "is not a number");
    c.*field = *v;
    return {};
  };
  return s;
}

template <class E, size_t N>
SettingSpec choice(std::string_view key, Field<E> field, const std::array<Names<E>, N>& names,
                   std::string_view help) {
  auto name_of = [&names](const E& v) {
    for (const auto& [name, value] : names)
      if (value == v) return std::string(name);
    return std::string("?");
  };
  SettingSpec s = declare<E>(key, SettingKind::choice, field, help, name_of, {});
  for (const auto& n : names) s.choices.push_back(n.first);
  s.assign = [=, &names](RunConfig& c, std::string_view text) -> Status {
    for (const auto& [name, value] : names)
      if (name == text) {
        c.*field = value;
        return {};
      }
    std::string list;
    for (const auto& n : names) list += fmt::format("{}{}", list.empty() ? "" : "|", n.first);
    return Status::errorf("invalid value for {}: {} (choose {})", key, quote_input(text), list);
  };
  return s;
}

// A flag that may stand alone (--timing-only) and means true.
SettingSpec flag(std::string_view key, Field<bool> field, std::string_view help) {
  SettingSpec s = declare<bool>(key, SettingKind::boolean, field, help,
                                [](const bool& v) { return std::string(v ? "true" : "false"); }, {});
  s.assign = [=](RunConfig& c, std::string_view text) -> Status {
    if (text == "true" || text == "1" || text == "yes") c.*field = true;
    else if (text == "false" || text == "0" || text == "no") c.*field = false;
    else return Status::errorf("invalid value for {}: {} (choose true|false)", key, quote_input(text));
    return {};
  };
  return s;
}

SettingSpec text(std::string_view key, Field<std::string> field, std::string_view help, Rule<std::string> rule = {}) {
  SettingSpec s = declare<std::string>(key, SettingKind::text, field, help, [](const std::string& v) { return v; }, rule);
  // config.ini and launch's run.ini hold every setting as a "key = value" line that the INI
  // reader reads back, ending the value at '#' and trimming blanks: a value it would read
  // back as something else (or as more keys, after a newline) is refused here.
  s.assign = [=](RunConfig& c, std::string_view text) -> Status {
    const bool blank_edge = !text.empty() && (std::isspace(static_cast<unsigned char>(text.front())) ||
                                              std::isspace(static_cast<unsigned char>(text.back())));
    for (unsigned char ch : text)
      if (ch < 0x20 || ch == 0x7f || ch == '#')
        return Status::errorf("invalid value for {}: a control character or '#' in it (a config file cannot hold it)",
                              key);
    if (blank_edge) return invalid(key, text, "(starts or ends with a blank, which a config file cannot hold)");
    c.*field = std::string(text);
    return Status{};
  };
  return s;
}

// A size in bytes: "2G", "1536M", "1073741824"; shown in the exact form that reads back.
SettingSpec bytes(std::string_view key, Field<int64_t> field, std::string_view help, Rule<int64_t> rule) {
  SettingSpec s = declare<int64_t>(key, SettingKind::bytes, field, help, byte_size_text, rule);
  s.assign = [=](RunConfig& c, std::string_view text) -> Status {
    auto v = parse_byte_size(text);
    if (!v) return invalid(key, text, fmt::format("is not a size: write {}", kByteSizeForms));
    c.*field = *v;
    return {};
  };
  return s;
}

SettingSpec int_list(std::string_view key, Field<std::vector<int>> field, std::string_view help,
                     Rule<std::vector<int>> rule) {
  SettingSpec s = declare<std::vector<int>>(key, SettingKind::int_list, field, help, join_ints, rule);
  s.assign = [=](RunConfig& c, std::string_view text) -> Status {
    auto v = parse_int_list(text, key);
    if (!v.ok()) return v.status();
    c.*field = std::move(*v);
    return {};
  };
  return s;
}

// --threads: a count, or "auto" (stored as 0) for the device's cores (summary.json quotes
// it: a word in an integer setting).
SettingSpec threads_setting() {
  SettingSpec s = number<int>("threads", &RunConfig::threads,
                              "threads per node for its layers' kernels (same bits run after run for a given T); auto: "
                              "the device profile's cores",
                              within(0, 256));
  s.show = [](const RunConfig& c) { return c.threads == 0 ? std::string("auto") : fmt::format("{}", c.threads); };
  s.assign = [plain = s.assign](RunConfig& c, std::string_view text) -> Status {
    if (text == "auto") {
      c.threads = 0;
      return {};
    }
    if (auto st = plain(c, text); !st.ok()) return st;
    if (c.threads < 1) return invalid("threads", text, "must be auto or 1..256");
    return {};
  };
  return s;
}

// ---- The table ----------------------------------------------------------------------------

std::vector<SettingSpec> make_table() {
  using C = RunConfig;
  std::vector<SettingSpec> t;
  // What trains where.
  t.push_back(choice("strategy", &C::strategy, kStrategyNames, ""));
  t.push_back(choice("schedule", &C::schedule, kScheduleNames, "ring schedule:"));
  t.push_back(choice("ps-mode", &C::ps_mode, kPsModeNames, "parameter server mode:"));
  t.push_back(number("staleness", &C::staleness, "ssp staleness bound S", at_least(0)));
  t.push_back(number("servers", &C::servers, "parameter server shards K", within(1, 4096)));
  t.push_back(flag("colocate-servers", &C::colocate_servers,
                   "ps: run server k on worker k x N / K's device rather than on a device of its own, so ps uses N "
                   "devices as the ring and all-reduce do (simulator only)")
                  .per_device());  // a placement: it changes no number computed
  t.push_back(number("nodes", &C::nodes, "nodes N: ring stages or workers", within(1, 65536)));
  t.push_back(choice("shard", &C::shard, kShardModeNames, "data sharding across workers:"));
  // A protocol setting (every node must agree), so inside the config digest. K = 1 refreshes
  // a shadow with the iteration's summed gradient (async: every update's; one stage-size
  // message on an edge the ring already has); K > 1 ships the stage's whole state every K
  // iterations (a snapshot: less traffic, more memory, up to 2K iterations redone). A sync
  // schedule heals with the fault-free trace either way (K > 1 rolls back to a snapshot).
  t.push_back(number<int>("replica-every", &C::replica_every,
                          "ring: iterations between shadow refreshes; 1 sends every update's gradient, K > 1 a whole "
                          "state every K iterations (a death then redoes up to 2K); 0 turns shadows off (a death ends "
                          "the run)",
                          at_least(0)));
  // A protocol setting too. One copy is built: the head answers an iteration once its replica
  // applied it, so a server's death loses no answered step (chain replication, Li et al.).
  t.push_back(number<int>("server-replicas", &C::server_replicas,
                          "ps: copies of each shard on the next servers; 1 heals a server's death with parameters and "
                          "momentum, 0 reseeds a dead server's shard from the workers' parameters (momentum reset)",
                          [](const int& k) {
                            return k == 0 || k == 1 ? std::string()
                                                    : std::string("must be 0 or 1 (longer chains are not built)");
                          }));
  // The model and its optimisation.
  t.push_back(text("model", &C::model,
                   "layers as conv(6,5,pad=2),relu,maxpool(2),...,flatten,dense(10), or a preset: lenet5 | vgg-small; "
                   "replaces --layers")
                  .default_is("none: the MLP of --layers"));
  t.push_back(text("input", &C::input, "shape CxHxW of a sample as --model reads it", [](const std::string& v) {
    auto s = parse_shape(v);
    return s.ok() ? std::string() : std::string(s.status().message());
  }));
  t.push_back(int_list("layers", &C::layers, "MLP widths, input first (when no --model)", layer_widths()));
  t.push_back(choice("activation", &C::activation, kActivationNames, "hidden activation:"));
  t.push_back(number("batch", &C::batch, "global minibatch size", at_least(1)));
  t.push_back(number("microbatches", &C::microbatches, "micro-batches per minibatch", at_least(1)));
  t.push_back(number("lr", &C::lr, "learning rate", positive<float>()));
  t.push_back(number<float>("momentum", &C::momentum, "SGD momentum in [0,1)", [](const float& m) {
    return m >= 0.0f && m < 1.0f ? std::string() : std::string("must be in [0, 1)");
  }));
  t.push_back(number("weight-decay", &C::weight_decay, "L2 weight decay", at_least(0.0f)));
  t.push_back(number("epochs", &C::epochs, "epochs over the training set", at_least(1)));
  t.push_back(number("iterations", &C::iterations, "iterations; overrides --epochs when > 0",
                     at_least<int64_t>(0, "0: use epochs")));
  t.push_back(number("eval-every", &C::eval_every,
                     "iterations between test evaluations (every strategy; evaluated off the run's clock)",
                     at_least<int64_t>(0, "0: at the end only"))
                  .default_is("0: at the end only"));
  t.push_back(number("seed", &C::seed, "random seed"));
  t.push_back(threads_setting());
  // The data.
  t.push_back(choice("dataset", &C::dataset, kDatasetNames, ""));
  t.push_back(number("synthetic-train", &C::synthetic_train, "synthetic training samples"));
  t.push_back(number("synthetic-test", &C::synthetic_test, "synthetic test samples"));
  t.push_back(text("data-dir", &C::data_dir, "Fashion-MNIST directory").per_device());
  // Failure detection. Defaults for Pis on Wi-Fi: the goal is recovery (detection
  // and re-formation) within 3 heartbeats, so a death must be noticed within ~2.5; and a
  // live peer must survive one late or lost heartbeat, so more than 2 (RunConfig::validate).
  // 2.5 s leaves 0.5 s past the second missed heartbeat for ordinary jitter (p50 6 ms);
  // Wi-Fi power save's 100 ms-2 s spikes do not fit it (the launcher's preflight warns):
  // turn power save off, or slow both down (--heartbeat 2 --failure-timeout 4.5). Per
  // device, like every timeout: they change when, not what, a run computes.
  t.push_back(number("heartbeat", &C::heartbeat,
                     "seconds between heartbeats on a quiet link (runtime; sim models the same detection)",
                     within(0.001, 86400.0))
                  .per_device());
  t.push_back(number("failure-timeout", &C::failure_timeout,
                     "seconds of silence after which a peer is declared dead, in runtime and sim: above 2 heartbeats "
                     "(one lost heartbeat never kills), at most ~2.5 (recovery within 3); for Wi-Fi with power save "
                     "off, else e.g. --heartbeat 2 --failure-timeout 4.5",
                     within(0.001, 86400.0))
                  .per_device());
  t.push_back(number("peer-timeout", &C::peer_timeout,
                     "stall guard: seconds a node waits with no message at all while its peers are alive "
                     "(a dead peer is caught by --failure-timeout)",
                     positive<double>("number of seconds"))
                  .per_device());
  t.push_back(flag("enforce-memory", &C::enforce_memory,
                   "runtime: each node runs under its memory budget; running out is its error, not an OOM kill")
                  .per_device());
  // The platform (the simulator's; the runtime's energy estimate).
  t.push_back(text("device", &C::device, "device profile, or a mix in rank order like pi4b*6,pi3b+*2",
                   named("a device profile, e.g. pi4b"))
                  .per_device());
  t.push_back(text("network", &C::network,
                   "network profile: wifi-n | wifi-ac | ethernet-100m | ethernet-1g | ...",
                   named("a network profile, e.g. wifi-n"))
                  .per_device());
  t.push_back(text("platform", &C::platform, "sim: a SimGrid XML platform to use instead of --device/--network")
                  .per_device());
  t.push_back(flag("timing-only", &C::timing_only,
                   "sim: charge flops and bytes, skip the numerics and the dataset (needs --iterations)")
                  .per_device());
  t.push_back(text("faults", &C::faults, "sim, launch --local: fault schedule, e.g. kill:3@120,pause:2@60+10 (seconds)").per_device());
  t.push_back(bytes("memory-budget", &C::memory_budget,
                    "bytes every node may hold (e.g. 512M, 2G), overriding each device's usable memory: "
                    "a what-if for any RAM size in sim",
                    zero_or_size(int64_t(1) << 20, int64_t(1) << 50, "each device's own"))
                  .default_is("0: each device's RAM less its OS and GPU reserves and a safety margin")
                  .per_device());
  t.push_back(flag("allow-divergence", &C::allow_divergence,
                   "a run whose loss or parameters become NaN or infinite ends with exit 0, not 1")
                  .per_device());
  // A protocol setting: every node writes its part at the same iterations (a set is whole).
  t.push_back(number<int64_t>("checkpoint-every", &C::checkpoint_every,
                              "iterations between checkpoints (every part of the run's state written to "
                              "--checkpoint-dir); 0: none",
                              at_least(int64_t(0))));
  t.push_back(text("checkpoint-dir", &C::checkpoint_dir,
                   "folder the checkpoints go to (one subfolder per iteration written, one file per part)")
                  .per_device());
  t.push_back(text("resume", &C::resume,
                   "a checkpoint folder: the run starts from its newest complete set (the same config)")
                  .per_device());
  // Where the run's files go.
  t.push_back(text("out", &C::out, "run folder").default_is("a fresh results/runs/<strategy>-<time>-<ms>").per_device());
  t.push_back(flag("overwrite", &C::overwrite, "write into a run folder that is not empty").per_device());
  return t;
}

std::string quoted_if_empty(std::string s) { return s.empty() ? "''" : s; }

}  // namespace

std::span<const SettingSpec> setting_table() {
  static const std::vector<SettingSpec> table = make_table();  // immutable after first use
  return table;
}

const SettingSpec* find_setting(std::string_view key) {
  for (const auto& s : setting_table())
    if (s.key == key) return &s;
  return nullptr;
}

std::string SettingSpec::help_line() const {
  std::string line(help);
  if (!choices.empty()) {
    std::string names;
    for (auto n : choices) names += fmt::format("{}{}", names.empty() ? "" : " | ", n);
    line += fmt::format("{}{}", line.empty() ? "" : " ", names);
  }
  const std::string value = default_note.empty() ? show(RunConfig{}) : std::string(default_note);
  if (!value.empty()) line += fmt::format(" (default {})", value);
  return line;
}

Status check_setting_ranges(const RunConfig& c) {
  for (const auto& s : setting_table()) {
    if (!s.out_of_range) continue;
    if (auto why = s.out_of_range(c); !why.empty())
      return Status::errorf("invalid value for {}: {} ({})", s.key, quoted_if_empty(s.show(c)), why);
  }
  return {};
}

std::vector<Setting> settings(const RunConfig& c) {
  std::vector<Setting> out;
  for (const auto& s : setting_table()) out.push_back({s.key, s.show(c), s.computes, s.kind});
  return out;
}

std::string config_ini(const RunConfig& c, std::string_view header) {
  std::string s;
  for (size_t at = 0; at < header.size();) {
    const size_t nl = std::min(header.find('\n', at), header.size());
    s += fmt::format("# {}\n", header.substr(at, nl - at));
    at = nl + 1;
  }
  // An empty value is left out where it is the default (no --out, no --faults), and written
  // where it is not ("data-dir = "): read back, the file must mean this config, not the defaults.
  const auto defaults = settings(RunConfig{});
  const auto all = settings(c);
  for (size_t k = 0; k < all.size(); ++k)
    if (!all[k].value.empty() || !defaults[k].value.empty()) s += fmt::format("{} = {}\n", all[k].key, all[k].value);
  return s;
}

std::string canonical_config(const RunConfig& c) {
  // Version line first: a change of this format changes every digest on purpose.
  std::string s = "ringtmp-config-digest-v2\n";
  for (const auto& setting : settings(c))
    if (setting.computes) s += fmt::format("{}={}\n", setting.key, setting.value);
  return s;
}

}  // namespace ringtmp
