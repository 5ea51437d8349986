#pragma once
// Who runs which RingTMP stage in a membership view, and what moves when the view changes.
// Pure functions of (the config's layout, views): every node computes the same plan from
// the same deaths, with no coordinator and no message to agree on it.
//
// A ring heals in two steps (issue 12):
//   1. interim: at once, each dead stage's layers go to the live node holding its shadow,
//      which merges them with its own. Its layers are contiguous with the dead stage's,
//      so its flat buffer and `Model(layers, first_layer)` still fit: one model per node.
//   2. rebalanced: at the next iteration boundary, partition_layers over the live count,
//      stage k to the k-th live rank, and the layers whose owner changed are shipped
//      (transfer_plan), after which the shadows are rebuilt for the new assignment.
//
// Shadows. Stage k > 0 is shadowed by the node of stage k-1 (its predecessor, as in
// Bamboo), so it is the predecessor that takes it over. Stage 0 is shadowed by the node of
// stage 1, its successor, not by the last node: the first and last stages' layers are not
// contiguous, so the last node would have to run two separate models, and the rebalance
// would then ship all of stage 0 again to the new first node (the lowest live rank). With
// the successor, every takeover is the same contiguous merge and a rebalance only shifts
// boundaries. Stage 0's duties move with its layers: the new first node reads the data
// (every node holds the dataset) and sends the labels over the closing edge. The price: the
// node of stage 1 holds two shadows (stages 0 and 2) and the last node none. Deaths are
// then unhealable exactly when two nodes adjacent in *layer order* die within one replica
// refresh; the first and last nodes (adjacent only over the closing edge) can both die.
#include <span>
#include <vector>

#include "core/config.hpp"
#include "core/model/layer_spec.hpp"
#include "core/model/partition.hpp"
#include "core/status.hpp"
#include "core/strategy/membership.hpp"

namespace ringtmp {

// Whether a ring run heals a death: shadows on (--replica-every 1) and more than one stage,
// in every schedule.
inline bool ring_heals(const RunConfig& c) {
  return c.strategy == StrategyKind::ring && c.replica_every > 0 && c.nodes > 1;
}

// Whether a ring readmits a node back from a death (core/strategy/endpoint.hpp): wherever it
// heals one, in every schedule, with shadows refreshed every iteration or snapshots.
inline bool ring_rejoins(const RunConfig& c) { return ring_heals(c); }

// Which rank runs which contiguous run of layers, in layer order (= the ring's order: the
// activations go from stage k's rank to stage k+1's, the closing edge from the last to the
// first). Every assignment built here has the live ranks, ascending, as its owners.
struct StageAssignment {
  std::vector<int> first_layer;  // stages() + 1 entries: stage k holds [first_layer[k], first_layer[k+1])
  std::vector<int> owner;        // rank running stage k

  bool operator==(const StageAssignment&) const = default;
  int stages() const { return int(owner.size()); }
  int begin(int stage) const { return first_layer[size_t(stage)]; }
  int end(int stage) const { return first_layer[size_t(stage) + 1]; }
  int stage_of(int rank) const;        // -1 when the rank runs no stage
  int owner_of_layer(int layer) const;
  int data_rank() const { return owner.front(); }  // reads the data, sends the labels
  int loss_rank() const { return owner.back(); }   // computes the loss
};

// The config's layout: stage k on rank k.
StageAssignment initial_assignment(const Partition& p);

// Each layer's counted training flops at `batch`: what the partitioner balances (the same
// costs ring_layout balances).
std::vector<int64_t> ring_layer_flops(std::span<const LayerSpec> layers, int batch);

// The rank holding stage `stage`'s shadow: the predecessor's node, or for stage 0 the
// successor's; -1 when the assignment has a single stage (nobody to hold it).
int shadow_holder(const StageAssignment& a, int stage);
// The stages whose shadows `rank` holds, ascending (two for stage 1's node when there are
// three stages or more, none for the last node, ...).
std::vector<int> shadows_held_by(const StageAssignment& a, int rank);

// Ok when every stage of `settled` whose owner is dead in `view` has its shadow on a live
// rank. `settled` is the last assignment whose shadows were complete (the previous replica
// refresh), so two deaths "within one replica refresh" are the deaths in `view` that were
// not yet dead when `settled` was made; `view` must be that later view (every owner of
// `settled` was live when it was made). The error is one line naming both ranks, the stage
// and its layers, or saying that no rank is left.
Status ring_healable(const StageAssignment& settled, const View& view);

// Step 1: the settled assignment with each dead owner's layers merged into its shadow
// holder's (for stage 0: into stage 1's; in general into the nearest live stage before it,
// or after it for the leading stages). Depends only on the dead set, not on the order the
// deaths were seen. Error when ring_healable is not ok.
StatusOr<StageAssignment> interim_assignment(const StageAssignment& settled, const View& view);

// Step 2: partition_layers(layer_flops, live count), stage k on view.live[k].
StatusOr<StageAssignment> rebalanced_assignment(std::span<const int64_t> layer_flops, const View& view);

// One contiguous run of layers that changes hands between two assignments, with its place
// in the whole model's flat parameter buffer ([param_begin, param_end), in floats). The
// optimizer's state (momentum) is flat with the same offsets, so the same range of it
// travels with the parameters.
struct LayerTransfer {
  int from = -1, to = -1;
  int first_layer = 0, end_layer = 0;  // [first_layer, end_layer)
  size_t param_begin = 0, param_end = 0;
  bool operator==(const LayerTransfer&) const = default;
};

// The transfers that turn `before` into `after` (both over `layers`): every layer whose
// owner differs lies in exactly one transfer; transfers are maximal runs with one (from,
// to) pair, in layer order. A sender may give layers to a non-neighbour when a boundary
// moves past a whole stage; the transport is a mesh, so it sends to it directly.
std::vector<LayerTransfer> transfer_plan(std::span<const LayerSpec> layers, const StageAssignment& before,
                                         const StageAssignment& after);

}  // namespace ringtmp
