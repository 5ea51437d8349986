#pragma once
// What one node program hands back when it ends, in every backend: its status, its metrics,
// the loss it observed per iteration, and the slice of the final model it holds.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/metrics/node_recorder.hpp"
#include "core/model/tensor.hpp"
#include "core/status.hpp"

namespace ringtmp {

// Loss summed over the samples this node evaluated in one iteration (the merge divides).
struct LossRecord {
  int64_t iteration = 0;
  double time = 0;
  double loss_sum = 0;
  int64_t samples = 0;
  bool operator==(const LossRecord&) const = default;  // NodeCheckpoint's == compares them
};

// A node's part of the model as of an iteration the run evaluates along the way
// (--eval-every): the merge assembles each such iteration's parts and evaluates the model
// off the run's clock. `time`: when the part was at that iteration, on the node's clock.
struct ParamSnapshot {
  int64_t iteration = 0;
  double time = 0;
  size_t offset = 0;  // of its first parameter in the whole model
  FloatBuffer params;
};

// Whether a node keeps its parts of iteration `it` for an evaluation: every K-th iteration
// (--eval-every K) but the last, which the merge evaluates from the final parameters.
inline bool eval_due(int64_t eval_every, bool timing_only, int64_t it, int64_t total) {
  return eval_every > 0 && !timing_only && it > 0 && it < total && it % eval_every == 0;
}

// Keeps a node's part of the model as of iteration `it` for the merge's evaluation.
inline void keep_for_evaluation(std::vector<ParamSnapshot>& kept, int64_t it, double time, size_t offset,
                                std::span<const float> params) {
  kept.push_back({it, time, offset, FloatBuffer(params.begin(), params.end())});
}

// A peer's death as this node learned it (its PeerDown), on this node's clock.
struct Detection {
  int rank = 0;
  double at = 0;
  std::string reason;
};

// One recovery this node took part in: the deaths it healed (or the rejoins it admitted),
// when it learned of the first and when it was training again, the iterations it computed twice, and what recovery cost
// it on the network (bytes it sent for recovery alone).
struct Recovery {
  std::vector<int> dead;
  double detected_at = 0;
  double resumed_at = 0;
  int64_t iterations_redone = 0;
  int64_t bytes_sent = 0;
  std::vector<int> joined;  // nodes back from a death, readmitted by this recovery
  bool rejoin = false;      // this node's own: it was back from a death and got its role
};

// Who wrote an outcome file (`ringtmp node`), so that `ringtmp merge` can rebuild the run
// from files alone and refuse a set that is not one run: the rank, the cluster's size, the
// run (a fingerprint of its cluster key: a fresh key per run tells runs apart), the config
// the node ran (its settings file text) and the process's peak RSS as the kernel counted it.
// In-process backends leave it empty.
struct OutcomeOrigin {
  int rank = -1;
  int cluster_size = 0;
  std::string run_id;
  std::string config_ini;
  int64_t peak_rss_bytes = 0;  // 0: not measured
};

struct NodeOutcome {
  Status status;
  bool stopped_by_peer = false;  // the failure is a consequence of a peer going down
  // When stopped_by_peer: on this node's clock, when it saw that peer down. The earliest
  // sighting across nodes names the first failure (a node that was paused sees its healthy
  // peers "down" only after it resumes, later than they saw it).
  double peer_down_seen_at = 0;
  NodeMetrics metrics;
  std::vector<Span> spans;
  bool spans_truncated = false;
  std::vector<LossRecord> losses;
  // Each record holds the whole minibatch's loss (every survivor of a resilient strategy
  // can report it), not this node's share: the merge takes one per iteration.
  bool whole_losses = false;
  // This node's part of the final flat parameter buffer (empty when it holds none that
  // another node does not also hold).
  size_t param_offset = 0;
  FloatBuffer params;
  std::optional<int64_t> max_staleness;
  std::vector<ParamSnapshot> snapshots;  // --eval-every: this node's parts at those iterations
  // Resilient strategies: the recoveries this node made, and the messages it dropped as
  // composed in a view older than its own (they never touch a parameter).
  std::vector<Recovery> recoveries;
  int64_t stale_messages = 0;
  // The node itself failed (killed, powered off, gave up) and the others carried on.
  bool failed = false;
  // Where the backend knows them for a node that failed without a word (its program never
  // returned): when the fault struck (sim: the fault schedule) and the role it played.
  std::optional<double> failed_at;
  std::string role;
  // A node back from a death (a new incarnation: core/strategy/membership.hpp): when its
  // survivors readmitted it, on its clock; its earlier life's end (failed_at) and cause.
  // Not readmitted (the run ended first): the earlier death stands, as a node that stayed dead.
  std::optional<double> rejoined_at;
  std::string earlier_failure;
  OutcomeOrigin origin;
};

// A node back from a death that its survivors did not readmit (the run ended first): the
// earlier death stands, `why`, and it is reported as a node that stayed dead, with no
// figures of its brief return (its idle time over its earlier life's length is nonsense).
inline void keep_earlier_death(NodeOutcome& o, Status why, std::string role, int rank) {
  o.status = std::move(why);
  o.metrics = NodeMetrics{};
  o.role = o.metrics.role = std::move(role);  // metrics: what outcome files carry
  o.metrics.node = rank;
  o.spans.clear();
}

}  // namespace ringtmp
