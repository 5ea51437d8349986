#pragma once
// What the resilience tests of every strategy share: a small run, transports that kill nodes
// or inject stale messages, and the check that a run which survived deaths trained exactly
// as the fault-free one.
#include <map>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"

namespace ringtmp::testing {

// A small run on which every death position can be tried: a batch that is not a multiple
// of any N tried (slices differ in size), momentum on (its state must survive too).
inline RunConfig resilience_config(StrategyKind strategy, int nodes) {
  RunConfig c;
  c.strategy = strategy;
  c.dataset = DatasetKind::synthetic;
  c.layers = {16, 24, 4};
  c.nodes = nodes;
  c.batch = 21;
  c.iterations = 12;
  c.momentum = 0.9f;
  c.peer_timeout = 30;
  return c;
}

inline const DataSplit& resilience_data() {
  static const DataSplit d = make_synthetic({.features = 16, .classes = 4, .train_samples = 420, .test_samples = 64});
  return d;
}

// An in-process transport whose chosen ranks die at their chosen compute call, or send call
// (1-based): marked down in the hub (the others get PeerDown), the victim's program unwinds.
enum class Counted { computes, sends };
class DyingTransport : public ForwardingTransport<InProcTransport> {
 public:
  DyingTransport(InProcTransport& inner, std::map<int, int> deaths, Counted counted = Counted::computes)
      : ForwardingTransport(inner), deaths_(deaths), counted_(counted) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (counted_ == Counted::computes) die_if_due();
    inner_.compute(flops, std::forward<Fn>(fn));
  }
  void send(int to, Message&& m) {
    if (counted_ == Counted::sends) die_if_due();
    inner_.send(to, std::move(m));
  }

 private:
  void die_if_due() {
    const auto d = deaths_.find(rank());
    if (d != deaths_.end() && ++calls_ == d->second) {
      inner_.hub().fail(rank(), "injected fault");
      throw std::runtime_error("killed by the test");
    }
  }
  std::map<int, int> deaths_;
  Counted counted_;
  int calls_ = 0;
};

// Node `victim` dies at its `after`-th compute; once node `target` has seen that death, it
// is handed `stale` as if from node `from`, each composed in the old view (epoch 0): they
// must be dropped, never applied.
class StaleInjectingTransport : public ForwardingTransport<InProcTransport> {
 public:
  StaleInjectingTransport(InProcTransport& inner, int victim, int after, int target, int from, std::vector<Message> stale)
      : ForwardingTransport(inner), victim_(victim), after_(after), target_(target), from_(from), stale_(std::move(stale)) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (rank() == victim_ && ++calls_ == after_) {
      inner_.hub().fail(rank(), "injected fault");
      throw std::runtime_error("killed by the test");
    }
    inner_.compute(flops, std::forward<Fn>(fn));
  }
  Event recv(double timeout_s) {
    if (rank() == target_ && seen_down_ && injected_ < stale_.size()) {
      Message m = stale_[injected_++];
      m.epoch = 0;
      m.view_digest = 0;
      return Received{from_, std::move(m)};
    }
    Event e = inner_.recv(timeout_s);
    if (std::holds_alternative<PeerDown>(e)) seen_down_ = true;
    return e;
  }

 private:
  int victim_, after_, target_, from_, calls_ = 0;
  std::vector<Message> stale_;
  size_t injected_ = 0;
  bool seen_down_ = false;
};

// The same loss at every iteration, bit for bit, and the same final model's test loss.
inline void check_same_trace(const RunResult& got, const RunResult& want) {
  REQUIRE(got.trace.size() == want.trace.size());
  for (size_t i = 0; i < want.trace.size(); ++i) {
    CAPTURE(i);
    CHECK(got.trace[i].iteration == want.trace[i].iteration);
    CHECK(got.trace[i].samples == want.trace[i].samples);
    CHECK(got.trace[i].loss == want.trace[i].loss);
  }
  REQUIRE(got.evals.size() == want.evals.size());
  CHECK(got.evals.back().loss == want.evals.back().loss);
}

}  // namespace ringtmp::testing
