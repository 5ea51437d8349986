#pragma once
// Typed messages between nodes: a kind per payload struct, one std::variant, no placeholder
// fields. Every message prints itself for logs (describe). The wire form is codec.hpp's.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "core/model/tensor.hpp"

namespace ringtmp {

// A (rows, cols) column-major float block: activations or gradients of a micro-batch.
// The shape is what travels: a timing-only simulation sends blocks without data, and the
// wire codec sizes a block by its shape.
struct Block {
  int32_t rows = 0;
  int32_t cols = 0;
  FloatBuffer data;  // rows * cols, or empty in a timing-only simulation
  bool operator==(const Block&) const = default;
};

// A flat run of floats (a gradient, a parameter shard, a chunk), or in a timing-only
// simulation only its length: the simulator charges the encoded size, so the count must
// travel and the values need not (10,000 simulated workers would otherwise hold 10,000
// copies of the model in flight).
class Floats {
 public:
  Floats() = default;
  Floats(FloatBuffer values) : values_(std::move(values)), count_(values_.size()) {}
  Floats(std::initializer_list<float> values) : Floats(FloatBuffer(values)) {}
  template <class It>
  Floats(It first, It last) : Floats(FloatBuffer(first, last)) {}
  static Floats count_only(size_t count) {
    Floats f;
    f.count_ = count;
    return f;
  }

  size_t size() const { return count_; }
  bool has_values() const { return values_.size() == count_; }
  // The values (empty when count-only).
  const FloatBuffer& values() const { return values_; }
  FloatBuffer& values() { return values_; }
  const float* data() const { return values_.data(); }
  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }
  bool operator==(const Floats&) const = default;

 private:
  FloatBuffer values_;
  size_t count_ = 0;
};

// Ring, forward edge i -> i+1: stage i's output for one micro-batch.
struct Activations {
  int64_t iteration = 0;
  int32_t microbatch = 0;
  Block block;
  bool operator==(const Activations&) const = default;
};

// Ring, backward edge i+1 -> i: the loss gradient w.r.t. stage i's output.
struct Gradients {
  int64_t iteration = 0;
  int32_t microbatch = 0;
  Block block;
  bool operator==(const Gradients&) const = default;
};

// Ring, stage 0 -> stage N-1 (closing edge): the labels of a micro-batch, which only the
// last stage (the loss) needs. Stage 0 reads the inputs; these bytes are counted like any.
struct Labels {
  int64_t iteration = 0;
  int32_t microbatch = 0;
  std::vector<int32_t> labels;
  bool operator==(const Labels&) const = default;
};

// Ring, stage N-1 -> stage 0 (closing edge): a micro-batch has completed its loss and its
// last stage's backward; one credit returns to stage 0, bounding micro-batches in flight.
struct Token {
  int64_t iteration = 0;
  int32_t microbatch = 0;
  // The micro-batch's loss summed over its samples: stage 0 keeps the trace too, so it
  // survives the last stage's death (a resilient ring).
  double loss_sum = 0;
  bool operator==(const Token&) const = default;
};

// Parameter server, worker -> server: the gradient of one worker position (a slice of the
// global batch: a worker's own rank's, or a dead worker's it took over) for one shard's key
// range, and that slice's loss summed over its samples.
struct PushGradient {
  int64_t iteration = 0;
  int32_t shard = 0;
  Floats values;
  int32_t position = 0;  // >= 0
  double loss_sum = 0;
  bool operator==(const PushGradient&) const = default;
};

// Parameter server, server -> worker: a shard's parameters, current as of `iteration`
// updates (the worker may start iteration `iteration` with them), in answer to the push of
// worker position `position` (BSP: to all of the worker's positions at once). When the
// server summed the iteration's pushes (BSP), also the whole minibatch's loss (every worker
// then reports it, so the trace survives any worker's death); 0 otherwise.
struct ParamShard {
  int64_t iteration = 0;
  int32_t shard = 0;
  Floats values;
  double loss_sum = 0;
  int32_t position = 0;  // >= 0
  bool operator==(const ParamShard&) const = default;
};

// All-reduce, node r -> r+1: one chunk of the flat gradient at one step. Steps 0..N-2 are
// reduce-scatter (the receiver adds), N-1..2N-3 all-gather (the receiver copies).
struct ReduceChunk {
  int64_t iteration = 0;
  int32_t step = 0;
  int32_t chunk = 0;
  Floats values;
  // The minibatch's loss summed over the samples of the nodes this chunk's sum has passed
  // through: whole once reduced, so every node learns the iteration's loss (a survivor can
  // report the loss of iterations a dead node took part in).
  double loss_sum = 0;
  bool operator==(const ReduceChunk&) const = default;
};

// Recovery, between live nodes after a view change (membership.hpp): the last iteration
// the sender completed, and, when it hands its role's state over, that state (the
// strategy's parameters, then its optimizer state) for `part` (a stage, a shard; 0 for the
// all-reduce model). An empty `state` is a report only.
struct Resync {
  int64_t iteration = 0;
  int32_t part = 0;
  Floats state;
  bool operator==(const Resync&) const = default;
};

// Ring resilience (--replica-every), layers [first_layer, end_layer) of the model:
//   gradient: the stage's summed gradient of `iteration`, sent to the node holding its
//             shadow, which applies the same step to the shadow once the iteration is
//             committed; `loss_sum` is the minibatch's loss when the stage computes it (the
//             last), so the holder can report it if the last stage dies.
//   state:    the parameters then the optimizer state as of `iteration` updates, shipped on
//             recovery to a node that must hold them (a new shadow, a takeover).
struct StageReplica {
  enum class What : uint8_t { gradient = 1, state = 2 };
  int64_t iteration = 0;
  int32_t first_layer = 0;  // >= 0
  int32_t end_layer = 0;    // >= first_layer
  What what = What::gradient;
  Floats values;
  double loss_sum = 0;
  bool operator==(const StageReplica&) const = default;
};

// Parameter-server resilience (--server-replicas; core/strategy/ps_shard.hpp), shard `shard`:
//   sum:     head -> replica: the iteration's summed gradient and the minibatch's whole loss;
//            the replica applies the same step (same bits) and acknowledges.
//   ack:     replica -> head: the replica holds the shard as of `iteration` updates (no values).
//   state:   head -> a new replica: the parameters then the optimizer state as of `iteration`.
//   request: a new head with no copy -> a live worker (no values): `iteration` -1 asks which
//            iteration the worker holds the shard at; >= 0 asks for its copy.
//   copy:    worker -> that head: the iteration it holds the shard at and that iteration's
//            minibatch loss; with values when asked for them: its parameters of the shard (no
//            optimizer state: a worker has none).
//   clock:   asp/ssp, a worker taking a dead worker's position over <-> the shard's head (no
//            values): asks (`iteration` -1) and is told the last iteration of `position` the
//            head applied (>= 0), or -2 when unknown (the shard was reseeded since).
struct ShardReplica {
  enum class What : uint8_t { sum = 1, ack = 2, state = 3, request = 4, copy = 5, clock = 6 };
  int64_t iteration = 0;
  int32_t shard = 0;  // >= 0
  What what = What::sum;
  Floats values;
  double loss_sum = 0;
  int32_t position = -1;  // clock: the worker position asked about (>= 0); else -1
  bool operator==(const ShardReplica&) const = default;
};

// Out-of-band control: a node tells a peer it is stopping, and why; or (done) that it has
// finished its part of the run and waits for the others before leaving (a resilient ring:
// nobody leaves while a death could still need it). Rejoin (core/strategy/membership.hpp):
//   join:  a node back from a death asks every rank to readmit it (no text);
//   admit: a survivor readmits it; the text is the view it joins ("dead 2,4", "dead none"),
//          the frame's epoch and digest that view's. It also goes to every other live node,
//          which follows if the join waits there too (core/strategy/endpoint.hpp).
// A joiner turned away (the run has ended) gets done with the reason.
struct Control {
  enum class Code : uint8_t { stop = 1, error = 2, done = 3, join = 4, admit = 5 };
  Code code = Code::stop;
  std::string text;
  bool operator==(const Control&) const = default;
};

// The kind is the wire tag; its value is the payload's index in the variant plus one.
enum class MessageKind : uint8_t {
  activations = 1, gradients, labels, token, push_gradient, param_shard, reduce_chunk, control, resync,
  stage_replica, shard_replica
};
inline constexpr int kMessageKinds = 11;

using Payload = std::variant<Activations, Gradients, Labels, Token, PushGradient, ParamShard,
                             ReduceChunk, Control, Resync, StageReplica, ShardReplica>;

struct Message {
  Payload payload;
  // The sender's membership view (core/strategy/membership.hpp): its epoch and the digest of its dead set. 0/0 before any failure.
  uint32_t epoch = 0;
  uint64_t view_digest = 0;
  MessageKind kind() const { return MessageKind(payload.index() + 1); }
  bool operator==(const Message&) const = default;
};

// One line for logs, e.g. "activations(it=3 mb=1 64x256)", and " epoch=1" before the closing
// parenthesis once the sender has seen a failure.
std::string describe(const Message& m);
const char* to_string(MessageKind k);

}  // namespace ringtmp
