// Ring all-reduce moves 2(N-1)/N of the model per node per iteration, and only to its ring
// neighbour.
#include "core/strategy/allreduce.hpp"

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "core/strategy/cluster.hpp"
#include "core/transport/codec.hpp"

using namespace ringtmp;

TEST_CASE("each node sends 2(N-1) chunks, 2(N-1)/N of the model, per iteration") {
  const auto data = make_synthetic({.features = 16, .classes = 4, .train_samples = 512, .test_samples = 64});
  for (int n : {2, 4, 5}) {
    CAPTURE(n);
    RunConfig c;
    c.strategy = StrategyKind::allreduce;
    c.dataset = DatasetKind::synthetic;
    c.layers = {16, 32, 4};
    c.nodes = n;
    c.batch = 20;
    c.iterations = 3;
    auto r = run_inproc(c, data);
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    const int64_t params = 16 * 32 + 32 + 32 * 4 + 4;
    const int64_t header = int64_t(encoded_size(Message{ReduceChunk{}}));
    for (const auto& node : r->nodes) {
      CHECK(node.msgs_sent == 3 * 2 * (n - 1));
      const int64_t payload = node.bytes_sent - node.msgs_sent * header;
      // Chunks differ by at most one value, so the per-node payload is within 2(N-1) floats
      // of the ideal 2(N-1)/N of the model.
      const double ideal = 3.0 * 2.0 * (n - 1) / n * params * sizeof(float);
      CHECK(std::abs(double(payload) - ideal) <= 3.0 * 2 * (n - 1) * sizeof(float));
    }
  }
}
