#include "core/config.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/quote_input.hpp"
#include "core/run_model.hpp"
#include "core/settings.hpp"

namespace ringtmp {
namespace {

template <class E, size_t N>
std::optional<E> lookup(const std::array<Names<E>, N>& table, std::string_view s) {
  for (const auto& [name, value] : table)
    if (name == s) return value;
  return std::nullopt;
}
template <class E, size_t N>
std::string_view name_of(const std::array<Names<E>, N>& table, E v) {
  for (const auto& [name, value] : table)
    if (value == v) return name;
  return "?";
}

}  // namespace

std::string_view to_string(StrategyKind v) { return name_of(kStrategyNames, v); }
std::string_view to_string(Schedule v) { return name_of(kScheduleNames, v); }
std::string_view to_string(PsMode v) { return name_of(kPsModeNames, v); }
std::string_view to_string(DatasetKind v) { return name_of(kDatasetNames, v); }
std::optional<StrategyKind> parse_strategy(std::string_view s) { return lookup(kStrategyNames, s); }
std::optional<Schedule> parse_schedule(std::string_view s) { return lookup(kScheduleNames, s); }
std::optional<PsMode> parse_ps_mode(std::string_view s) { return lookup(kPsModeNames, s); }
std::optional<DatasetKind> parse_dataset(std::string_view s) { return lookup(kDatasetNames, s); }
std::optional<Activation> parse_activation(std::string_view s) { return lookup(kActivationNames, s); }
std::optional<ShardMode> parse_shard_mode(std::string_view s) { return lookup(kShardModeNames, s); }

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
      return Status::errorf("invalid value for {}: {} is not a whole number (in {})", key,
                            quote_input(item), quote_input(text));
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string join_ints(const std::vector<int>& v) { return fmt::format("{}", fmt::join(v, ",")); }

std::string failure_timeout_problem(double failure_timeout, double heartbeat) {
  if (failure_timeout > 2 * heartbeat) return {};
  return fmt::format("must exceed twice --heartbeat ({:g} s), so that one lost heartbeat does not kill a node",
                     heartbeat);
}

// Each setting's own range is declared with the setting (core/settings.cpp); what is left
// here is how the fields must agree with each other.
Status RunConfig::validate() const {
  if (auto s = check_setting_ranges(*this); !s.ok()) return s;
  auto bad = [](std::string_view key, auto value, std::string_view why) {
    return Status::errorf("invalid value for {}: {} ({})", key, value, why);
  };
  if (auto why = failure_timeout_problem(failure_timeout, heartbeat); !why.empty())
    return bad("failure-timeout", failure_timeout, why);
  if (microbatches > batch) return bad("microbatches", microbatches, fmt::format("cannot exceed batch ({})", batch));
  if (timing_only && iterations == 0)
    return bad("iterations", iterations, "--timing-only loads no dataset, so give --iterations");
  if (timing_only && strategy == StrategyKind::local)
    return bad("timing-only", "true", "applies to distributed strategies in ringtmp sim");
  if (strategy == StrategyKind::local && nodes != 1)
    return bad("nodes", nodes, "strategy local runs on exactly 1 node");
  auto model_layers = config_layers(*this);
  if (!model_layers.ok()) return model_layers.status();
  if (strategy == StrategyKind::ring && nodes > int(model_layers->size()))
    return bad("nodes", nodes, fmt::format("the ring needs one layer per stage at least, and {} {} has {}",
                                           model.empty() ? "layers" : "model", model_name(*this),
                                           model_layers->size()));
  if ((strategy == StrategyKind::ps || strategy == StrategyKind::allreduce) && nodes > batch)
    return bad("nodes", nodes, fmt::format("each worker needs at least one sample of the batch ({})", batch));
  if (colocate_servers && strategy != StrategyKind::ps)
    return bad("colocate-servers", "true", "only a parameter server has servers to place (--strategy ps)");
  if (colocate_servers && servers > nodes)
    return bad("colocate-servers", "true",
               fmt::format("{} servers on {} workers' devices: give --servers at most --nodes", servers, nodes));
  if (strategy == StrategyKind::ps && server_replicas > 0 && servers < 2)
    return bad("server-replicas", server_replicas,
               "a shard's replica lives on the next server: give --servers 2 or more (a single server's death is "
               "healed without: a worker is promoted)");
  if (strategy == StrategyKind::ps && server_replicas > 0 && !(ps_mode == PsMode::bsp || (ps_mode == PsMode::ssp && staleness == 0)))
    return bad("server-replicas", server_replicas,
               "replicates servers that sum each iteration (--ps-mode bsp, or ssp with --staleness 0); an asynchronous "
               "server's shard is reseeded from the workers instead");
  // A checkpoint is the state at an iteration boundary every part agrees on: asynchronous
  // strategies have none (each stage or worker is at its own update when another writes).
  const bool asynchronous = (strategy == StrategyKind::ring && schedule == Schedule::async) ||
                            (strategy == StrategyKind::ps && !(ps_mode == PsMode::bsp || (ps_mode == PsMode::ssp && staleness == 0)));
  if ((checkpoint_every > 0 || !resume.empty()) && asynchronous)
    return bad(checkpoint_every > 0 ? "checkpoint-every" : "resume",
               checkpoint_every > 0 ? fmt::format("{}", checkpoint_every) : quote_input(resume),
               "checkpoints need an iteration boundary every part reaches together: ring gpipe or 1f1b, ps bsp (or "
               "ssp with --staleness 0), allreduce, local");
  if (checkpoint_every > 0 && strategy == StrategyKind::ring && replica_every > 1 && checkpoint_every % replica_every != 0)
    return bad("checkpoint-every", checkpoint_every,
               fmt::format("a multiple of --replica-every ({}): a checkpoint is taken where the shadows' snapshots are",
                           replica_every));
  if (checkpoint_every > 0 && checkpoint_dir.empty())
    return bad("checkpoint-every", checkpoint_every,
               "give --checkpoint-dir D too: checkpoints must outlive a run that is killed, and its run folder is only "
               "written at its end");
  if (!resume.empty() && timing_only)
    return bad("resume", quote_input(resume), "a timing-only run holds no values to resume from");
  // The key a model's shape mismatch is blamed on: the one the user wrote the model with.
  const std::string_view model_key = model.empty() ? "layers" : "model";
  const std::string model_value = quote_input(model_name(*this));
  const int features = int(model_layers->front().in.size()), classes = model_layers->back().out_features();
  if (dataset == DatasetKind::fashion_mnist) {
    if (features != 784)
      return bad(model.empty() ? "layers" : "input", model.empty() ? model_value : quote_input(input),
                 fmt::format("fashion-mnist has 784 inputs (1x28x28), the model reads {}", features));
    if (classes != 10) return bad(model_key, model_value, fmt::format("fashion-mnist needs 10 outputs, not {}", classes));
  } else {
    if (classes < 2) return bad(model_key, model_value, "need at least 2 classes");
    if (synthetic_train < batch) return bad("synthetic-train", synthetic_train, "must hold at least one batch");
    if (synthetic_test < 1) return bad("synthetic-test", synthetic_test, "must be at least 1");
  }
  return {};
}

}  // namespace ringtmp
