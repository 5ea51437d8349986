// Timing-only runs (the simulator's --timing-only) skip the numerics and must not hold what
// only the numerics need: parameters, stashed activations, message values. Each node
// program runs here on the in-process transport with compute() skipping its function, as
// the simulator does; every message must carry no float values and cost the same encoded
// bytes, in the same order, as the numeric run's.
#include <map>
#include <mutex>

#include <doctest/doctest.h>

#include "core/data/load_data.hpp"
#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"
#include "core/transport/codec.hpp"

using namespace ringtmp;

namespace {

// Per sender rank, the encoded size of each message it sent, and how many float values
// (message payload) all of them carried.
struct Traffic {
  std::mutex mu;
  std::map<int, std::vector<size_t>> sizes;
  size_t floats_carried = 0;
};

// Float values a message carries (not the count it announces).
struct FloatsCarried {
  size_t operator()(const Activations& a) const { return a.block.data.size(); }
  size_t operator()(const Gradients& g) const { return g.block.data.size(); }
  size_t operator()(const PushGradient& p) const { return p.values.values().size(); }
  size_t operator()(const ParamShard& p) const { return p.values.values().size(); }
  size_t operator()(const ReduceChunk& r) const { return r.values.values().size(); }
  size_t operator()(const auto&) const { return 0; }
};

size_t floats_in(const Message& m) { return std::visit(FloatsCarried{}, m.payload); }

class Recording : public ForwardingTransport<InProcTransport> {
 public:
  Recording(InProcTransport& inner, Traffic& traffic, bool skip_numerics)
      : ForwardingTransport(inner), traffic_(traffic), skip_(skip_numerics) {}
  void send(int to, Message&& m) {
    {
      std::lock_guard lock(traffic_.mu);
      traffic_.sizes[rank()].push_back(encoded_size(m));
      traffic_.floats_carried += floats_in(m);
    }
    inner_.send(to, std::move(m));
  }
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (!skip_) inner_.compute(flops, std::forward<Fn>(fn));
  }

 private:
  Traffic& traffic_;
  bool skip_;
};

void run(const RunConfig& c, const DataSplit& d, Traffic& traffic) {
  auto r = run_inproc(c, d, {}, [&](InProcTransport& t) { return Recording(t, traffic, c.timing_only); });
  REQUIRE_MESSAGE(r.ok(), r.status().message());
}

}  // namespace

TEST_CASE("timing-only node programs send shapes and counts, no values, at the numeric run's sizes") {
  struct Case { StrategyKind strategy; Schedule schedule; PsMode mode; };
  for (auto k : {Case{StrategyKind::ring, Schedule::one_f_one_b, PsMode::bsp},
                 Case{StrategyKind::ring, Schedule::async, PsMode::bsp},
                 Case{StrategyKind::ps, Schedule::gpipe, PsMode::bsp},
                 Case{StrategyKind::ps, Schedule::gpipe, PsMode::ssp},
                 Case{StrategyKind::allreduce, Schedule::gpipe, PsMode::bsp}}) {
    CAPTURE(to_string(k.strategy));
    CAPTURE(int(k.schedule));
    RunConfig c;
    c.strategy = k.strategy;
    c.schedule = k.schedule;
    c.ps_mode = k.mode;
    c.staleness = 1;
    c.dataset = DatasetKind::synthetic;
    c.layers = {12, 10, 8, 6, 4};
    c.nodes = 3;
    c.servers = 2;
    c.batch = 12;
    c.microbatches = 3;
    c.momentum = 0.5f;
    c.iterations = 3;
    Traffic numeric, timing;
    run(c, make_synthetic({.features = 12, .classes = 4, .train_samples = 48, .test_samples = 12, .seed = 5}), numeric);
    c.timing_only = true;
    auto none = load_data(c);
    REQUIRE(none.ok());
    run(c, *none, timing);
    CHECK(numeric.floats_carried > 0);
    CHECK(timing.floats_carried == 0);
    if (k.mode == PsMode::bsp && k.schedule != Schedule::async) CHECK(timing.sizes == numeric.sizes);
    size_t numeric_total = 0, timing_total = 0;
    for (const auto& [rank, sizes] : numeric.sizes)
      for (size_t s : sizes) numeric_total += s;
    for (const auto& [rank, sizes] : timing.sizes)
      for (size_t s : sizes) timing_total += s;
    CHECK(timing_total == numeric_total);
  }
}
