#pragma once
// The typed run configuration shared by every subcommand and backend, and its validation.
// Each field is declared once more, as a setting, in core/settings.cpp: its key (flag and
// INI spelling), help, range and text form. validate() checks the settings' own ranges
// through that table, then the consistency between fields (here).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/shard.hpp"
#include "core/model/activation.hpp"
#include "core/status.hpp"

namespace ringtmp {

enum class StrategyKind { local, ring, ps, allreduce };
enum class Schedule { gpipe, one_f_one_b, async };
enum class PsMode { bsp, asp, ssp };
enum class DatasetKind { fashion_mnist, synthetic };

// Each enum's names as the flags and INI files spell them.
template <class E>
using Names = std::pair<std::string_view, E>;
inline constexpr std::array kStrategyNames = {Names<StrategyKind>{"local", StrategyKind::local},
                                              Names<StrategyKind>{"ring", StrategyKind::ring},
                                              Names<StrategyKind>{"ps", StrategyKind::ps},
                                              Names<StrategyKind>{"allreduce", StrategyKind::allreduce}};
inline constexpr std::array kScheduleNames = {Names<Schedule>{"gpipe", Schedule::gpipe},
                                              Names<Schedule>{"1f1b", Schedule::one_f_one_b},
                                              Names<Schedule>{"async", Schedule::async}};
inline constexpr std::array kPsModeNames = {Names<PsMode>{"bsp", PsMode::bsp}, Names<PsMode>{"asp", PsMode::asp},
                                            Names<PsMode>{"ssp", PsMode::ssp}};
inline constexpr std::array kDatasetNames = {Names<DatasetKind>{"fashion-mnist", DatasetKind::fashion_mnist},
                                             Names<DatasetKind>{"synthetic", DatasetKind::synthetic}};
inline constexpr std::array kActivationNames = {Names<Activation>{"relu", Activation::relu},
                                                Names<Activation>{"tanh", Activation::tanh}};
inline constexpr std::array kShardModeNames = {Names<ShardMode>{"iid", ShardMode::iid},
                                               Names<ShardMode>{"by-label", ShardMode::by_label}};

std::string_view to_string(StrategyKind v);
std::string_view to_string(Schedule v);
std::string_view to_string(PsMode v);
std::string_view to_string(DatasetKind v);
std::optional<StrategyKind> parse_strategy(std::string_view s);
std::optional<Schedule> parse_schedule(std::string_view s);
std::optional<PsMode> parse_ps_mode(std::string_view s);
std::optional<DatasetKind> parse_dataset(std::string_view s);
std::optional<Activation> parse_activation(std::string_view s);
std::optional<ShardMode> parse_shard_mode(std::string_view s);

inline constexpr const char* kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct RunConfig {
  // What trains where.
  StrategyKind strategy = StrategyKind::local;
  Schedule schedule = Schedule::one_f_one_b;
  PsMode ps_mode = PsMode::bsp;
  int staleness = 0;
  int servers = 1;
  // ps: each server on a worker's device (server k on worker k x N / K) rather than on a
  // device of its own, so ps uses the N devices the ring and all-reduce use. Simulated only.
  bool colocate_servers = false;
  int nodes = 1;
  ShardMode shard = ShardMode::iid;
  // Ring resilience: each stage's shadow (on a neighbour) refreshed every K iterations; 0: no
  // shadows, and a death ends the run (core/strategy/ring.hpp).
  int replica_every = 1;
  // Parameter-server resilience: each shard chain-replicated on the next server (0 or 1); a
  // shard without a surviving copy is reseeded from the workers' (core/strategy/ps_shard.hpp).
  int server_replicas = 0;
  // Checkpoints (core/checkpoint/): every part of the state written every K iterations
  // (0: never) into checkpoint_dir; `resume`: a checkpoint folder to start from, at its
  // newest complete set.
  int64_t checkpoint_every = 0;
  std::string checkpoint_dir;
  std::string resume;

  // The model and its optimisation. `model` (a layer string or preset, core/model/model_text.hpp)
  // on samples of shape `input`; without it, the MLP of `layers` and `activation`.
  std::string model;
  std::string input = "1x28x28";
  std::vector<int> layers = {784, 256, 128, 10};
  Activation activation = Activation::relu;
  int batch = 64;
  int microbatches = 1;
  float lr = 0.05f;
  float momentum = 0.0f;
  float weight_decay = 0.0f;
  int epochs = 1;
  int64_t iterations = 0;   // when > 0, wins over epochs
  int64_t eval_every = 0;   // iterations between test evaluations; 0: only at the end
  uint64_t seed = 1;
  // Threads each node's kernels run on (core/model/model.hpp); 0 is "auto", which the CLI
  // resolves to the device profile's cores before a run. A computing setting: the bits of a
  // run are those of its T.
  int threads = 1;

  // The data.
  DatasetKind dataset = DatasetKind::fashion_mnist;
  std::string data_dir = kDefaultFashionMnistDir;
  int64_t synthetic_train = 8192;
  int64_t synthetic_test = 2048;

  // Failure detection, one pair for both worlds: the runtime's heartbeats, and in sim the
  // delay before the peers of a host turned off see it down. Defaults and their reason:
  // core/settings.cpp.
  double heartbeat = 1.0;        // seconds between heartbeats on a quiet link
  double failure_timeout = 2.5;  // a peer silent this long is declared dead
  // Stall guard: seconds a node waits with no message at all, its peers alive, before it
  // gives up (a dead peer is caught by failure_timeout; this catches a run that hangs).
  double peer_timeout = 3600.0;
  bool enforce_memory = false;  // runtime: each node runs under its memory budget (cli/memory_limit.hpp)

  // The platform. The simulator builds it from the profiles in platforms/; the runtime
  // uses the device profile for its energy estimate.
  std::string device = "pi4b";     // a profile name, or a mix in rank order: "pi4b*6,pi3b+*2"
  std::string network = "wifi-n";  // a network profile name
  std::string platform;            // sim: a SimGrid XML platform instead of device/network
  bool timing_only = false;        // sim: charge flops and bytes, skip numerics and dataset
  std::string faults;              // sim, launch --local: "kill:3@120,pause:2@60+10" (core/fault_spec.hpp)
  int64_t memory_budget = 0;       // bytes every node may hold; 0: each device's usable memory

  bool allow_divergence = false;  // a run whose loss or parameters became NaN or infinite exits 0

  std::string out;         // run folder; empty: a fresh results/runs/<strategy>-<time>
  bool overwrite = false;  // write into a non-empty run folder

  // Checks every setting's range (core/settings.cpp) and the fields' consistency; the
  // message names the key: "invalid value for KEY: VALUE (why)".
  Status validate() const;
};

// How many ranks (processes, simulated hosts) the config's cluster has: the nodes, plus
// the servers of a parameter server.
inline int cluster_ranks(const RunConfig& c) {
  return c.strategy == StrategyKind::ps ? c.nodes + c.servers : c.nodes;
}
// How many devices those ranks occupy: one each, but co-located servers share the workers'.
inline int cluster_devices(const RunConfig& c) { return c.colocate_servers ? c.nodes : cluster_ranks(c); }
// The device rank runs on, in [0, cluster_devices): its own, or for a co-located server k
// the worker k x N / K's (the servers spread over the workers, one per worker at most).
inline int device_of_rank(const RunConfig& c, int rank) {
  if (!c.colocate_servers || rank < c.nodes) return rank;
  return int(int64_t(rank - c.nodes) * c.nodes / c.servers);
}

// Why a failure timeout does not suit a heartbeat interval, or empty: it must exceed two
// heartbeats, so that one late or lost heartbeat never makes a live peer dead.
std::string failure_timeout_problem(double failure_timeout, double heartbeat);

// "784,256,128,10" -> {784,256,128,10}; error names `key` and the bad element.
StatusOr<std::vector<int>> parse_int_list(std::string_view text, std::string_view key);
std::string join_ints(const std::vector<int>& v);

}  // namespace ringtmp
