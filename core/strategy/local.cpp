#include "core/run_model.hpp"
#include "core/strategy/local.hpp"

#include <chrono>

#include <fmt/format.h>

#include "core/checkpoint/checkpointer.hpp"
#include "core/data/batcher.hpp"
#include "core/metrics/node_recorder.hpp"
#include "core/model/loss.hpp"
#include "core/model/model.hpp"
#include "core/model/sgd.hpp"
#include "core/strategy/evaluate.hpp"
#include "core/strategy/gradient_step.hpp"
#include "core/strategy/held_bytes.hpp"

namespace ringtmp {

int64_t planned_iterations(const RunConfig& c, int64_t train_samples) {
  return c.iterations > 0 ? c.iterations : int64_t(c.epochs) * (train_samples / c.batch);
}

uint64_t batch_order_seed(const RunConfig& c) { return c.seed * 0x2545f4914f6cdd1dULL + 7; }

StatusOr<RunResult> run_local(const RunConfig& c, const DataSplit& data, const ProgressFn& progress) {
  if (data.train.size() < c.batch)
    return Status::errorf("batch {} is larger than the training set ({} samples)", c.batch,
                          data.train.size());
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  double evaluating = 0;  // seconds spent evaluating along the way: off the run's clock
  auto now = [&] { return std::chrono::duration<double>(Clock::now() - t0).count() - evaluating; };

  Model model(model_layers(c), 0, Storage::values, c.threads);
  model.init(c.seed);
  Sgd sgd({c.lr, c.momentum, c.weight_decay}, model.params().size());
  Batcher batcher(data.train, c.batch, batch_order_seed(c));
  const int64_t total = planned_iterations(c, data.train.size());

  RunResult run;
  run.config = c;
  run.dataset = data.name;
  run.backend = "local";
  NodeRecorder rec(0, "trainer");
  GradientStep step;
  const float grad_scale = 1.0f / float(c.batch);

  // The trainer's losses as a checkpoint holds them: summed over the batch, as the step
  // returns them (the trace's mean is that sum over the batch size, the same division).
  std::vector<LossRecord> losses;
  std::shared_ptr<const CheckpointSet> resume;
  if (!c.resume.empty()) {
    auto set = load_newest_checkpoint(c.resume, checkpoint_config(c), 1);
    if (!set.ok()) return set.status();
    resume = std::make_shared<const CheckpointSet>(std::move(*set));
  }
  Checkpointer checkpoints(c, 1, resume);
  int64_t first = 1;
  if (const NodeCheckpoint* ck = checkpoints.resume_part(0)) {
    if (ck->iteration > total || !restore_model_part(*ck, model.params(), sgd.state()))
      return Status::errorf("{}: its checkpoint of iteration {} does not fit this run's model or iterations",
                            checkpoint_file_path(c.resume, ck->iteration, 0), ck->iteration);
    batcher.skip(ck->iteration);
    first = ck->iteration + 1;
    run.samples = ck->samples;
    losses = restored_losses(*ck);
    for (const auto& l : losses) {
      run.trace.push_back({l.iteration, l.time, l.loss_sum / double(l.samples), l.iteration * c.batch});
      note_loss(run.divergence, l.iteration, run.trace.back().loss);
    }
  }

  for (int64_t it = first; it <= total; ++it) {
    const double start = now();
    const Batch b = batcher.next();
    const double loss_sum = step.run(model, b, grad_scale);
    const double loss = loss_sum / b.size;
    sgd.step(model.params(), model.grads());
    const double end = now();
    rec.span(SpanKind::busy, start, end);
    if (it == first) {
      rec.hold(MemoryPart::params, model.param_bytes());
      rec.hold(MemoryPart::grads, model.param_bytes());
      rec.hold(MemoryPart::optimizer, sgd.state_bytes());
      rec.hold(MemoryPart::activations, memory::gradient_step_bytes(model, b.size));
    }

    run.samples += b.size;
    run.trace.push_back({it, end, loss, run.samples});
    note_loss(run.divergence, it, loss);
    if (eval_due(c.eval_every, false, it, total)) {
      run.evals.push_back(evaluate(model, data.test, it));
      run.evals.back().time = end;
      evaluating += now() - end;
    }
    if (progress) progress({it, total, loss, end, run.samples});
    losses.push_back({it, end, loss_sum, b.size});
    if (checkpoints.due(it)) {
      NodeCheckpoint ck = model_part(0, "trainer", it, run.samples, losses, model.params(), sgd.state(), true);
      ck.clock = end;
      const int64_t bytes = checkpoints.bytes_of(int64_t(model.param_count() + sgd.state_size()), losses.size());
      const double before = now();
      if (Status s = checkpoints.write_now(std::move(ck)); !s.ok()) return s;
      rec.span(SpanKind::checkpoint, before, now());
      rec.checkpointed(bytes);
    }
  }
  run.iterations = total;
  run.wall_seconds = now();
  note_parameters(run.divergence, total, model.params());
  run.evals.push_back(evaluate(model, data.test, total));
  run.evals.back().time = run.trace.empty() ? 0 : run.trace.back().time;
  rec.finish_into(run);
  return run;
}

}  // namespace ringtmp
