#include "core/run_model.hpp"
#include "core/strategy/cluster.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/checkpoint/checkpointer.hpp"
#include "core/config_limits.hpp"
#include "core/strategy/evaluate.hpp"

namespace ringtmp {

namespace {

// What the survivors recorded about node `dead`'s failure.
FailureReport failure_report(int dead, const std::string& cause, const std::vector<NodeOutcome>& outcomes) {
  FailureReport f;
  f.node = dead;
  f.cause = cause;
  bool seen = false;
  for (const auto& o : outcomes) {
    if (!o.status.ok()) continue;
    for (const auto& rec : o.recoveries) {
      if (std::find(rec.dead.begin(), rec.dead.end(), dead) == rec.dead.end()) continue;
      f.detected_at = seen ? std::min(f.detected_at, rec.detected_at) : rec.detected_at;
      f.last_detected_at = std::max(f.last_detected_at, rec.detected_at);
      f.resumed_at = std::max(f.resumed_at, rec.resumed_at);
      f.iterations_redone = std::max(f.iterations_redone, rec.iterations_redone);
      f.recovery_bytes += rec.bytes_sent;
      seen = true;
    }
  }
  f.failed_at = f.detected_at;  // the backend's own fault time, where it has one, replaces it
  return f;
}

// What the nodes recorded about readmitting `node` (its own first recovery included).
void note_rejoin(FailureReport& f, const NodeOutcome& back, const std::vector<NodeOutcome>& outcomes) {
  f.rejoined_at = *back.rejoined_at;
  for (const auto& o : outcomes)
    for (const auto& rec : o.recoveries) {
      const bool admitted_it = std::find(rec.joined.begin(), rec.joined.end(), f.node) != rec.joined.end();
      const bool its_joining = &o == &back && rec.rejoin;
      if (!admitted_it && !its_joining) continue;
      f.rejoined_at = std::max(*f.rejoined_at, rec.resumed_at);
      f.rejoin_iterations_redone = std::max(f.rejoin_iterations_redone, rec.iterations_redone);
      f.rejoin_bytes += rec.bytes_sent;
    }
}

// Whether `count` parameters from `offset` lie inside a model of `size` (without the
// overflow of offset + count: a forged outcome file may claim any offset).
bool slice_inside(size_t offset, size_t count, size_t size) { return offset <= size && count <= size - offset; }

// The evaluations along the way (--eval-every): each such iteration's parts, from every node
// that kept one, assembled into `model` and evaluated, stamped with the latest part's time.
// A part kept twice (an iteration redone after a death) is taken from whoever kept it last.
// An iteration whose parts do not cover the model is skipped: a node that died took its
// parts with it (its outcome never came).
Status evaluate_snapshots(const std::vector<NodeOutcome>& outcomes, int64_t iterations, const Dataset& test,
                          Model& model, std::vector<EvalRecord>& evals) {
  const size_t size = model.params().size();
  std::map<int64_t, std::vector<const ParamSnapshot*>> by_iteration;
  for (size_t r = 0; r < outcomes.size(); ++r)
    for (const auto& s : outcomes[r].snapshots) {
      // Checked before anything is copied by them: a forged outcome file could claim any.
      // (The last iteration is the final model's, never kept.)
      if (!slice_inside(s.offset, s.params.size(), size) || s.iteration < 1 || s.iteration >= iterations)
        return Status::errorf("run failed: node {} kept parameters for evaluation at offset {} ({} of them) of "
                              "iteration {}, outside the model's {} parameters or the run's iterations 1..{}", r,
                              s.offset, s.params.size(), s.iteration, size, iterations - 1);
      by_iteration[s.iteration].push_back(&s);
    }
  for (auto& [it, parts] : by_iteration) {
    std::stable_sort(parts.begin(), parts.end(), [](const auto* a, const auto* b) { return a->offset < b->offset; });
    size_t covered = 0;
    for (const auto* s : parts)
      if (s->offset <= covered) covered = std::max(covered, s->offset + s->params.size());
    if (covered < size) continue;
    std::stable_sort(parts.begin(), parts.end(), [](const auto* a, const auto* b) { return a->time < b->time; });
    for (const auto* s : parts) std::copy(s->params.begin(), s->params.end(), model.params().begin() + ptrdiff_t(s->offset));
    evals.push_back(evaluate(model, test, it));
    evals.back().time = parts.back()->time;
  }
  return {};
}

}  // namespace

StatusOr<ClusterPlan> plan_cluster(const RunConfig& c, int64_t train_samples, std::span<const StageDevice> devices,
                                   const DatasetShape& data) {
  ClusterPlan p;
  p.iterations = planned_iterations(c, train_samples);
  if (train_samples < c.batch)
    return Status::errorf("batch {} is larger than the training set ({} samples)", c.batch, train_samples);
  switch (c.strategy) {
    case StrategyKind::ring: {
      auto layout = ring_layout(c, devices, p.iterations, data);
      if (!layout.ok()) return layout.status();
      p.ring = std::move(*layout);
      p.size = c.nodes;
      break;
    }
    case StrategyKind::ps:
      p.ps = ps_layout(c);
      p.size = c.nodes + c.servers;
      break;
    case StrategyKind::allreduce:
      p.size = c.nodes;
      break;
    case StrategyKind::local:
      return Status::error("strategy local runs without a cluster");
  }
  return p;
}

StatusOr<RunResult> merge_outcomes(const RunConfig& c, const DataSplit& data,
                                   std::vector<NodeOutcome> outcomes, double wall_seconds,
                                   std::string backend) {
  // Counts summed over the nodes (stale messages, recovery bytes) must be non-negative and
  // their sums fit: a forged outcome file could claim any (found by the outcome fuzz bench).
  int64_t stale_sum = 0, recovery_sum = 0;
  for (size_t r = 0; r < outcomes.size(); ++r) {
    const auto& o = outcomes[r];
    if (o.stale_messages < 0 || __builtin_add_overflow(stale_sum, o.stale_messages, &stale_sum))
      return Status::errorf("run failed: node {} reported {} stale messages: negative, or more than any run holds", r,
                            o.stale_messages);
    for (const auto& rec : o.recoveries)
      if (rec.bytes_sent < 0 || __builtin_add_overflow(recovery_sum, rec.bytes_sent, &recovery_sum))
        return Status::errorf("run failed: node {} reported {} bytes sent to recover: negative, or more than any run "
                              "holds", r, rec.bytes_sent);
  }

  // Resilient strategies heal deaths: a failed node whose death the survivors recovered
  // from is a failure the run survived, reported, not a reason to fail. When the run fails
  // anyway (a later death it could not heal), every death is named among the causes.
  std::set<int> healed;
  for (const auto& o : outcomes)
    if (o.status.ok())
      for (const auto& rec : o.recoveries) healed.insert(rec.dead.begin(), rec.dead.end());
  bool fails = false;
  for (size_t r = 0; r < outcomes.size(); ++r)
    fails = fails || (!outcomes[r].status.ok() && (outcomes[r].stopped_by_peer || !healed.contains(int(r))));
  std::vector<FailureReport> survived;
  for (size_t r = 0; r < outcomes.size() && !fails; ++r) {
    auto& o = outcomes[r];
    if (o.status.ok() || o.stopped_by_peer || !healed.contains(int(r))) continue;
    survived.push_back(failure_report(int(r), o.status.message(), outcomes));
    auto& f = survived.back();
    if (o.failed_at) f.failed_at = std::min(f.failed_at, *o.failed_at);
    o.status = Status();
    o.failed = true;
    o.metrics.node = int(r);
    if (o.metrics.role.empty()) o.metrics.role = o.role;
    f.role = o.metrics.role;
    o.metrics.failed_at = f.failed_at;
  }
  // A node back from its death and readmitted ends the run alive: its earlier death is a
  // failure survived all the same, and its rejoin is reported beside it.
  for (size_t r = 0; r < outcomes.size() && !fails; ++r) {
    auto& o = outcomes[r];
    if (!o.status.ok() || !o.rejoined_at) continue;
    survived.push_back(failure_report(int(r), o.earlier_failure, outcomes));
    auto& f = survived.back();
    if (o.failed_at) f.failed_at = std::min(f.failed_at, *o.failed_at);
    f.role = o.metrics.role.empty() ? o.role : o.metrics.role;
    note_rejoin(f, o, outcomes);
  }
  std::sort(survived.begin(), survived.end(), [](const auto& a, const auto& b) { return a.node < b.node; });

  // A node that stopped because a peer went down is a consequence: the causes are listed
  // (the first few whole), the consequences by node with the first one's message as an
  // example. At thousands of nodes the line stays readable: "and 7990 more".
  constexpr size_t kListed = 8;
  std::vector<std::string> causes;
  std::vector<int> stopped;
  const NodeOutcome* first_sighting = nullptr;  // the earliest "peer is down": the first failure
  for (size_t r = 0; r < outcomes.size(); ++r) {
    const auto& o = outcomes[r];
    if (o.status.ok()) continue;
    if (o.stopped_by_peer) {
      if (!first_sighting || o.peer_down_seen_at < first_sighting->peer_down_seen_at) first_sighting = &o;
      stopped.push_back(int(r));
    } else {
      causes.push_back(o.status.message());
    }
  }
  auto listed = [&](const auto& items, const char* separator) {
    const size_t shown = std::min(items.size(), kListed);
    std::string text = fmt::format("{}", fmt::join(items.begin(), items.begin() + ptrdiff_t(shown), separator));
    if (items.size() > shown) text += fmt::format(" and {} more", items.size() - shown);
    return text;
  };
  if (!causes.empty() || !stopped.empty()) {
    std::string text = listed(causes, "; ");
    if (!stopped.empty())
      text += fmt::format("{}{} {} stopped because a peer went down (first: {}, at {:.6g} s)",
                          text.empty() ? "" : "; then ", stopped.size() == 1 ? "node" : "nodes", listed(stopped, ","),
                          first_sighting->status.message(), first_sighting->peer_down_seen_at);
    return Status::errorf("run failed: {}", text);
  }

  // Each node's parameter slice must lie inside the model (a damaged or forged outcome file
  // could claim any offset): checked before anything is sized or copied by it.
  const int64_t model_params = model_param_count(c);
  for (size_t r = 0; r < outcomes.size(); ++r) {
    const auto& o = outcomes[r];
    if (o.params.empty()) continue;
    if (!slice_inside(o.param_offset, o.params.size(), size_t(model_params)))
      return Status::errorf("run failed: node {} returned parameters at offset {} ({} of them), outside the "
                            "model's {} parameters", r, o.param_offset, o.params.size(), model_params);
  }

  // A node's share of an iteration's batch lies within the global batch: a forged count
  // would overflow the sums below (found by the outcome fuzz bench).
  for (size_t r = 0; r < outcomes.size(); ++r)
    for (const auto& l : outcomes[r].losses)
      if (l.samples < 0 || l.samples > c.batch)
        return Status::errorf("run failed: node {} reported {} samples for iteration {}, outside 0..{} (the batch)", r,
                              l.samples, l.iteration, c.batch);

  RunResult run;
  run.config = c;
  run.dataset = data.name;
  run.backend = std::move(backend);
  run.wall_seconds = wall_seconds;
  run.failures = std::move(survived);
  std::map<int64_t, LossRecord> per_iteration;
  FloatBuffer params;
  for (auto& o : outcomes) {
    run.stale_messages += o.stale_messages;
    for (const auto& l : o.losses) {
      if (!c.timing_only) note_loss(run.divergence, l.iteration, l.loss_sum, o.metrics.node);
      auto [at, fresh] = per_iteration.try_emplace(l.iteration);
      auto& m = at->second;
      m.iteration = l.iteration;
      m.time = fresh ? l.time : std::max(m.time, l.time);  // a resumed run's restored times are negative
      if (o.whole_losses && !fresh) continue;  // another node reported the same whole loss
      m.loss_sum += l.loss_sum;
      m.samples += l.samples;
    }
    if (!o.params.empty()) {
      if (params.size() < o.param_offset + o.params.size()) params.resize(o.param_offset + o.params.size());
      std::copy(o.params.begin(), o.params.end(), params.begin() + o.param_offset);
    }
    if (o.max_staleness) run.max_staleness = std::max(run.max_staleness.value_or(0), *o.max_staleness);
    run.nodes.push_back(o.metrics);
    run.timeline.insert(run.timeline.end(), o.spans.begin(), o.spans.end());
    run.timeline_truncated = run.timeline_truncated || o.spans_truncated;
  }
  for (const auto& [it, m] : per_iteration) {
    run.samples += m.samples;
    run.trace.push_back({it, m.time, m.loss_sum / double(std::max<int64_t>(m.samples, 1)), run.samples});
  }
  run.iterations = int64_t(run.trace.size());
  if (c.timing_only) {  // no numerics ran: there is no loss and no model to evaluate
    for (auto& r : run.trace) r.loss = std::numeric_limits<double>::quiet_NaN();
    return run;
  }

  Model model(model_layers(c));
  // Bounded by the last iteration with a loss (a trace with a gap still ends at the run's last).
  const int64_t last = run.trace.empty() ? 0 : run.trace.back().iteration;
  if (Status s = evaluate_snapshots(outcomes, last, data.test, model, run.evals); !s.ok()) return s;
  if (params.size() != model.params().size())
    return Status::errorf("run finished but the nodes returned {} of the model's {} parameters",
                          params.size(), model.params().size());
  std::copy(params.begin(), params.end(), model.params().begin());
  note_parameters(run.divergence, run.iterations, params);
  run.evals.push_back(evaluate(model, data.test, run.iterations));
  run.evals.back().time = run.trace.empty() ? 0 : run.trace.back().time;
  return run;
}

int checkpoint_parts(const RunConfig& c, const ClusterPlan& plan) {
  switch (c.strategy) {
    case StrategyKind::ring: return plan.ring->partition.stages();
    case StrategyKind::ps: return plan.ps->workers + plan.ps->servers;
    case StrategyKind::allreduce: return plan.size;
    case StrategyKind::local: break;
  }
  return 1;
}

Status load_resume(const RunConfig& c, ClusterPlan& plan, std::vector<std::string>* skipped) {
  if (c.resume.empty()) return {};
  auto set = load_newest_checkpoint(c.resume, checkpoint_config(c), checkpoint_parts(c, plan));
  if (!set.ok()) return set.status();
  if (set->iteration > plan.iterations)
    return Status::errorf("{}: checkpoint of iteration {}, past this run's {} iterations", c.resume, set->iteration,
                          plan.iterations);
  if (skipped) *skipped = set->skipped;
  plan.resume = std::make_shared<const CheckpointSet>(std::move(*set));
  return {};
}

}  // namespace ringtmp
