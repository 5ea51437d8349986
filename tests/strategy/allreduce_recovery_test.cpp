// All-reduce survives the death of any node at any moment: the ring re-forms among the
// survivors (a dead rank's ring position played by the live node before it), the step in
// flight is redone, and the loss trace is the fault-free one bit for bit (the same samples,
// the same float sums in the same order) at every iteration, and so is the final model.
#include <cmath>
#include <map>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"

using namespace ringtmp;

namespace {

// Each victim dies at its own `after`-th compute call: marked down, its program unwinds.
class DyingTransport : public ForwardingTransport<InProcTransport> {
 public:
  DyingTransport(InProcTransport& inner, std::map<int, int> deaths) : ForwardingTransport(inner), deaths_(deaths) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    const auto d = deaths_.find(rank());
    if (d != deaths_.end() && ++calls_ == d->second) {
      inner_.hub().fail(rank(), "injected fault");
      throw std::runtime_error("killed by the test");
    }
    inner_.compute(flops, std::forward<Fn>(fn));
  }

 private:
  std::map<int, int> deaths_;
  int calls_ = 0;
};

// Node `victim` dies at its `after`-th compute; once node `target` has seen that death, it
// is handed messages composed in the old view (epoch 0): a chunk of huge values and a
// recovery state claiming a later iteration. Both must be dropped, never applied.
class StaleInjectingTransport : public ForwardingTransport<InProcTransport> {
 public:
  StaleInjectingTransport(InProcTransport& inner, int victim, int after, int target)
      : ForwardingTransport(inner), victim_(victim), after_(after), target_(target) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (rank() == victim_ && ++calls_ == after_) {
      inner_.hub().fail(rank(), "injected fault");
      throw std::runtime_error("killed by the test");
    }
    inner_.compute(flops, std::forward<Fn>(fn));
  }
  Event recv(double timeout_s) {
    if (rank() == target_ && seen_down_ && injected_ < 2) {
      Message m = injected_++ == 0 ? Message{ReduceChunk{1, 0, 0, Floats(FloatBuffer(64, 1e30f)), 1e30}}
                                   : Message{Resync{1000, 0, Floats(FloatBuffer(1000, 1e30f))}};
      m.epoch = 0;
      m.view_digest = 0;
      return Received{(target_ + size() - 1) % size(), std::move(m)};
    }
    Event e = inner_.recv(timeout_s);
    if (std::holds_alternative<PeerDown>(e)) seen_down_ = true;
    return e;
  }
  int injected() const { return injected_; }

 private:
  int victim_, after_, target_, calls_ = 0, injected_ = 0;
  bool seen_down_ = false;
};

RunConfig config(int n) {
  RunConfig c;
  c.strategy = StrategyKind::allreduce;
  c.dataset = DatasetKind::synthetic;
  c.layers = {16, 24, 4};
  c.nodes = n;
  c.batch = 21;  // not a multiple of any N tried: slices differ in size
  c.iterations = 12;
  c.momentum = 0.9f;
  c.peer_timeout = 30;
  return c;
}

const DataSplit& data() {
  static const DataSplit d = make_synthetic({.features = 16, .classes = 4, .train_samples = 420, .test_samples = 64});
  return d;
}

void check_same_trace(const RunResult& got, const RunResult& want) {
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

}  // namespace

TEST_CASE("all-reduce: any node killed at any point of an iteration, the trace is the fault-free one") {
  for (int n : {2, 3, 4, 5}) {
    const auto c = config(n);
    auto clean = run_inproc(c, data());
    REQUIRE_MESSAGE(clean.ok(), clean.status().message());
    // One iteration is 1 gradient + 2(n-1) chunk sums + 1 update: kill at every one of them
    // in iteration 4, and at the first compute (before any message).
    const int per_iteration = 2 * n;
    for (int victim = 0; victim < n; ++victim)
      for (int after : {1, 3 * per_iteration + 1, 3 * per_iteration + 2, 3 * per_iteration + n,
                        4 * per_iteration - 1, 4 * per_iteration}) {
        CAPTURE(n);
        CAPTURE(victim);
        CAPTURE(after);
        auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, {{victim, after}}); });
        REQUIRE_MESSAGE(run.ok(), run.status().message());
        check_same_trace(*run, *clean);
        REQUIRE(run->failures.size() == 1);
        CHECK(run->failures[0].node == victim);
        CHECK(run->failures[0].cause.find("killed by the test") != std::string::npos);
        CHECK(run->failures[0].iterations_redone <= 1);
        CHECK(run->failures[0].resumed_at >= run->failures[0].detected_at);
      }
  }
}

TEST_CASE("all-reduce: several deaths, adjacent or not, during another's recovery or later, down to one node") {
  const auto c = config(5);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  for (auto deaths : {std::map<int, int>{{1, 20}, {3, 21}}, std::map<int, int>{{0, 11}, {4, 40}},
                      std::map<int, int>{{2, 5}, {3, 30}, {4, 31}, {0, 60}},
                      std::map<int, int>{{0, 3}, {1, 3}, {2, 50}, {3, 51}}}) {
    auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return DyingTransport(t, deaths); });
    REQUIRE_MESSAGE(run.ok(), run.status().message());
    check_same_trace(*run, *clean);
    CHECK(run->failures.size() == deaths.size());
  }
}

TEST_CASE("all-reduce: messages of a dead view are dropped and counted, never applied") {
  const auto c = config(4);
  auto clean = run_inproc(c, data());
  REQUIRE(clean.ok());
  for (int victim : {0, 2})
    for (int after : {1, 13}) {
      CAPTURE(victim);
      CAPTURE(after);
      const int target = (victim + 1) % 4;
      auto run = run_inproc(c, data(), {}, [&](InProcTransport& t) { return StaleInjectingTransport(t, victim, after, target); });
      REQUIRE_MESSAGE(run.ok(), run.status().message());
      check_same_trace(*run, *clean);
      CHECK(run->stale_messages >= 2);
    }
}
