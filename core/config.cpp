#include "core/config.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace ringtmp {
namespace {

template <class E, size_t N>
std::optional<E> lookup(const std::pair<std::string_view, E> (&table)[N], std::string_view s) {
  for (const auto& [name, value] : table)
    if (name == s) return value;
  return std::nullopt;
}
template <class E, size_t N>
std::string_view name_of(const std::pair<std::string_view, E> (&table)[N], E v) {
  for (const auto& [name, value] : table)
    if (value == v) return name;
  return "?";
}

constexpr std::pair<std::string_view, StrategyKind> kStrategies[] = {
    {"local", StrategyKind::local}, {"ring", StrategyKind::ring},
    {"ps", StrategyKind::ps}, {"allreduce", StrategyKind::allreduce}};
constexpr std::pair<std::string_view, Schedule> kSchedules[] = {
    {"gpipe", Schedule::gpipe}, {"1f1b", Schedule::one_f_one_b}, {"async", Schedule::async}};
constexpr std::pair<std::string_view, PsMode> kPsModes[] = {
    {"bsp", PsMode::bsp}, {"asp", PsMode::asp}, {"ssp", PsMode::ssp}};
constexpr std::pair<std::string_view, DatasetKind> kDatasets[] = {
    {"fashion-mnist", DatasetKind::fashion_mnist}, {"synthetic", DatasetKind::synthetic}};
constexpr std::pair<std::string_view, Activation> kActivations[] = {
    {"relu", Activation::relu}, {"tanh", Activation::tanh}};
constexpr std::pair<std::string_view, ShardMode> kShardModes[] = {
    {"iid", ShardMode::iid}, {"by-label", ShardMode::by_label}};

}  // namespace

std::string_view to_string(StrategyKind v) { return name_of(kStrategies, v); }
std::string_view to_string(Schedule v) { return name_of(kSchedules, v); }
std::string_view to_string(PsMode v) { return name_of(kPsModes, v); }
std::string_view to_string(DatasetKind v) { return name_of(kDatasets, v); }
std::optional<StrategyKind> parse_strategy(std::string_view s) { return lookup(kStrategies, s); }
std::optional<Schedule> parse_schedule(std::string_view s) { return lookup(kSchedules, s); }
std::optional<PsMode> parse_ps_mode(std::string_view s) { return lookup(kPsModes, s); }
std::optional<DatasetKind> parse_dataset(std::string_view s) { return lookup(kDatasets, s); }
std::optional<Activation> parse_activation(std::string_view s) { return lookup(kActivations, s); }
std::optional<ShardMode> parse_shard_mode(std::string_view s) { return lookup(kShardModes, s); }

StatusOr<std::vector<int>> parse_int_list(std::string_view text, std::string_view key) {
  std::vector<int> out;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    int v = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size())
      return Status::errorf("invalid value for {}: '{}' is not a whole number (in '{}')", key,
                            item, text);
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::vector<Setting> settings(const RunConfig& c) {
  auto text = [](const auto& v) { return fmt::format("{}", v); };
  return {
      {"strategy", text(to_string(c.strategy))},
      {"schedule", text(to_string(c.schedule))},
      {"ps-mode", text(to_string(c.ps_mode))},
      {"staleness", text(c.staleness)},
      {"servers", text(c.servers)},
      {"nodes", text(c.nodes)},
      {"shard", text(to_string(c.shard))},
      {"layers", join_ints(c.layers)},
      {"activation", text(to_string(c.activation))},
      {"batch", text(c.batch)},
      {"microbatches", text(c.microbatches)},
      {"lr", text(c.lr)},
      {"momentum", text(c.momentum)},
      {"weight-decay", text(c.weight_decay)},
      {"epochs", text(c.epochs)},
      {"iterations", text(c.iterations)},
      {"eval-every", text(c.eval_every)},
      {"seed", text(c.seed)},
      {"dataset", text(to_string(c.dataset))},
      {"synthetic-train", text(c.synthetic_train)},
      {"synthetic-test", text(c.synthetic_test)},
      {"data-dir", c.data_dir, false},
      {"peer-timeout", text(c.peer_timeout), false},
      {"device", c.device, false},
      {"network", c.network, false},
      {"platform", c.platform, false},
      {"timing-only", c.timing_only ? "true" : "false", false},
      {"faults", c.faults, false},
      {"out", c.out, false},
  };
}

std::string join_ints(const std::vector<int>& v) { return fmt::format("{}", fmt::join(v, ",")); }

Status RunConfig::validate() const {
  auto bad = [](std::string_view key, auto value, std::string_view why) {
    return Status::errorf("invalid value for {}: {} ({})", key, value, why);
  };
  if (layers.size() < 2) return bad("layers", join_ints(layers), "need at least input and output widths");
  for (int w : layers)
    if (w < 1 || w > (1 << 20)) return bad("layers", join_ints(layers), "every width must be in 1..1048576");
  if (batch < 1) return bad("batch", batch, "must be at least 1");
  if (microbatches < 1) return bad("microbatches", microbatches, "must be at least 1");
  if (microbatches > batch) return bad("microbatches", microbatches, fmt::format("cannot exceed batch ({})", batch));
  if (!(lr > 0.0f) || !std::isfinite(lr)) return bad("lr", lr, "must be a positive finite number");
  if (!(momentum >= 0.0f && momentum < 1.0f)) return bad("momentum", momentum, "must be in [0, 1)");
  if (!(weight_decay >= 0.0f) || !std::isfinite(weight_decay)) return bad("weight-decay", weight_decay, "must be >= 0");
  if (epochs < 1) return bad("epochs", epochs, "must be at least 1");
  if (iterations < 0) return bad("iterations", iterations, "must be >= 0 (0: use epochs)");
  if (eval_every < 0) return bad("eval-every", eval_every, "must be >= 0 (0: at the end only)");
  if (nodes < 1 || nodes > 65536) return bad("nodes", nodes, "must be in 1..65536");
  if (servers < 1 || servers > 4096) return bad("servers", servers, "must be in 1..4096");
  if (!(peer_timeout > 0.0) || !std::isfinite(peer_timeout))
    return bad("peer-timeout", peer_timeout, "must be a positive number of seconds");
  if (staleness < 0) return bad("staleness", staleness, "must be >= 0");
  if (device.empty()) return bad("device", "''", "name a device profile, e.g. pi4b");
  if (network.empty()) return bad("network", "''", "name a network profile, e.g. wifi-n");
  if (timing_only && iterations == 0)
    return bad("iterations", iterations, "--timing-only loads no dataset, so give --iterations");
  if (timing_only && strategy == StrategyKind::local)
    return bad("timing-only", "true", "applies to distributed strategies in ringtmp sim");
  if (strategy == StrategyKind::local && nodes != 1)
    return bad("nodes", nodes, "strategy local runs on exactly 1 node");
  if (strategy == StrategyKind::ring && nodes > int(layers.size()) - 1)
    return bad("nodes", nodes, fmt::format("the ring needs one layer per stage at least, and "
                                           "layers {} has {}", join_ints(layers), layers.size() - 1));
  if ((strategy == StrategyKind::ps || strategy == StrategyKind::allreduce) && nodes > batch)
    return bad("nodes", nodes, fmt::format("each worker needs at least one sample of the batch ({})", batch));
  if (dataset == DatasetKind::fashion_mnist) {
    if (layers.front() != 784) return bad("layers", join_ints(layers), "fashion-mnist needs 784 inputs");
    if (layers.back() != 10) return bad("layers", join_ints(layers), "fashion-mnist needs 10 outputs");
  } else {
    if (layers.back() < 2) return bad("layers", join_ints(layers), "need at least 2 classes");
    if (synthetic_train < batch) return bad("synthetic-train", synthetic_train, "must hold at least one batch");
    if (synthetic_test < 1) return bad("synthetic-test", synthetic_test, "must be at least 1");
  }
  return {};
}

}  // namespace ringtmp
