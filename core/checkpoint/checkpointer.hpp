#pragma once
// A node program's checkpoints: at the end of every K-th iteration (--checkpoint-every K)
// it hands each part of the state it holds to write(), which writes it into the run's
// checkpoint folder through the endpoint (so in sim the write costs the modelled storage's
// time), then removes that part's sets older than the previous one. And at start, the part
// a resumed run (--resume) begins from.
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "core/checkpoint/checkpoint_set.hpp"
#include "core/config.hpp"
#include "core/settings.hpp"
#include "core/strategy/endpoint.hpp"

namespace ringtmp {

// The settings a checkpoint must agree with to be resumed: what is computed, except how
// often checkpoints are written (a resumed run may write them at another interval).
inline std::string checkpoint_config(const RunConfig& c) {
  RunConfig neutral = c;
  neutral.checkpoint_every = 0;
  return canonical_config(neutral);
}

// The loss records a resumed part starts with. A resumed run's clock starts at 0 at the
// resume, so the restored records are stamped before it: as long before 0 as they were
// before the checkpoint (the trace's times stay in order, and the resumed run's own times
// say what it cost).
inline std::vector<LossRecord> restored_losses(const NodeCheckpoint& ck) {
  std::vector<LossRecord> losses = ck.losses;
  for (auto& l : losses) l.time -= ck.clock;
  return losses;
}

// A part holding a model's parameters and momentum (a stage's, a shard's, a position's);
// `values` false in a timing-only run, whose parts hold nothing (their size is charged).
inline NodeCheckpoint model_part(int part, std::string role, int64_t iteration, int64_t samples,
                                 std::vector<LossRecord> losses, std::span<const float> params,
                                 std::span<const float> momentum, bool values) {
  NodeCheckpoint ck;
  ck.part = part;
  ck.role = std::move(role);
  ck.iteration = iteration;
  ck.samples = samples;
  ck.losses = std::move(losses);
  if (values) {
    ck.tensors.push_back({"params", FloatBuffer(params.begin(), params.end())});
    ck.tensors.push_back({"momentum", FloatBuffer(momentum.begin(), momentum.end())});
  }
  return ck;
}

// model_part's inverse: copies the part's parameters and momentum into `params` and
// `momentum`. False, and nothing copied, unless both are there with exactly those sizes.
inline bool restore_model_part(const NodeCheckpoint& ck, std::span<float> params, std::span<float> momentum) {
  const auto* p = ck.find("params");
  const auto* m = ck.find("momentum");
  if (!p || !m || p->values.size() != params.size() || m->values.size() != momentum.size()) return false;
  std::copy(p->values.begin(), p->values.end(), params.begin());
  std::copy(m->values.begin(), m->values.end(), momentum.begin());
  return true;
}

class Checkpointer {
 public:
  // `parts`: how many parts a complete set has; `resume`: the set to start from, or null.
  Checkpointer(const RunConfig& c, int parts, std::shared_ptr<const CheckpointSet> resume)
      : every_(c.checkpoint_every), dir_(c.checkpoint_dir), config_(every_ > 0 ? checkpoint_config(c) : ""),
        parts_(parts), resume_(std::move(resume)) {}

  bool due(int64_t iteration) const { return every_ > 0 && iteration > 0 && iteration % every_ == 0; }

  // The iteration the run resumes after (0: a fresh start), and part `part` of that set.
  int64_t resume_iteration() const { return resume_ ? resume_->iteration : 0; }
  const NodeCheckpoint* resume_part(int part) const {
    return resume_ && part >= 0 && part < int(resume_->parts.size()) ? &resume_->parts[size_t(part)] : nullptr;
  }

  // Writes `ck` (its part, role, iteration, samples, losses and tensors filled by the caller)
  // as part of the set of ck.iteration. `floats`: the state's size in floats, which a
  // timing-only run (no values held, nothing written) is charged for.
  template <Transport T>
  Status write(Endpoint<T>& ep, NodeCheckpoint ck, int64_t floats) {
    ck.clock = ep.now();
    const int64_t bytes = bytes_of(floats, ck.losses.size());
    Status written;
    ep.store(bytes, [&] { written = write_now(std::move(ck)); });
    if (!written.ok()) return Status::errorf("node {}: {}", ep.rank(), written.message());
    return {};
  }

  // A part's file size: its state, its loss records (32 bytes each), the config, headers.
  int64_t bytes_of(int64_t floats, size_t losses) const {
    return floats * int64_t(sizeof(float)) + int64_t(losses) * 32 + int64_t(config_.size()) + 256;
  }

  // The write itself, at no modelled cost (the local trainer's, or inside a store).
  Status write_now(NodeCheckpoint ck) {
    ck.config = config_;
    ck.parts = parts_;
    Status s = write_checkpoint_file(checkpoint_file_path(dir_, ck.iteration, ck.part), ck);
    if (!s.ok()) return Status::errorf("checkpoint of {}: {}", ck.role, s.message());
    prune_checkpoint_part(dir_, ck.part, parts_, ck.iteration);
    return {};
  }

 private:
  int64_t every_;
  std::string dir_;
  std::string config_;
  int parts_;
  std::shared_ptr<const CheckpointSet> resume_;
};

}  // namespace ringtmp
