#pragma once
// Running a whole cluster in this process (one thread per node on the in-process transport)
// and merging node outcomes into one RunResult — the merge is shared by every backend.
#include <exception>
#include <thread>
#include <vector>

#include "core/data/dataset.hpp"
#include "core/metrics/run_result.hpp"
#include "core/strategy/node_program.hpp"
#include "core/transport/inproc.hpp"

namespace ringtmp {

// Per-iteration loss (summed over nodes, divided by samples), metrics in rank order, the
// final model assembled from the nodes' parameter slices and evaluated on the test set.
// If any node failed, an error listing every failed node and why (the root cause first).
StatusOr<RunResult> merge_outcomes(const RunConfig& c, const DataSplit& data,
                                   std::vector<NodeOutcome> outcomes, double wall_seconds,
                                   std::string backend);

struct NoWrap {
  InProcTransport& operator()(InProcTransport& t) const { return t; }
};

// `wrap` turns each node's InProcTransport into the transport its program runs on (tests
// wrap it to inject faults); it may return a reference or a new object.
template <class Wrap = NoWrap>
StatusOr<RunResult> run_inproc(const RunConfig& c, const DataSplit& data,
                               const ProgressFn& progress = {}, Wrap wrap = {}) {
  auto plan = plan_cluster(c, data.train.size());  // no devices here: stages balance counted flops
  if (!plan.ok()) return plan.status();
  if (Status s = load_resume(c, *plan); !s.ok()) return s;
  InProcHub hub(plan->size);
  std::vector<NodeOutcome> outcomes(size_t(plan->size));
  std::vector<std::thread> threads;
  for (int r = 0; r < plan->size; ++r) {
    threads.emplace_back([&, r] {
      InProcTransport base(hub, r);
      try {
        decltype(auto) t = wrap(base);
        outcomes[r] = run_node(t, c, *plan, data.train, progress);
      } catch (const std::exception& e) {
        outcomes[r].status = Status::errorf("node {}: {}", r, e.what());
        outcomes[r].role = node_role(c, *plan, r);  // its program never said
      }
      if (!outcomes[r].status.ok()) hub.fail(r, outcomes[r].status.message());
    });
  }
  for (auto& t : threads) t.join();
  return merge_outcomes(c, data, std::move(outcomes), hub.now(), "inproc");
}

}  // namespace ringtmp
