// The ring's cuts on devices: unchanged on alike devices with room, by speed on a mix, within
// every device's memory budget, and a refusal that says how far the tightest cut overflows.
#include "core/strategy/ring_partition.hpp"

#include <doctest/doctest.h>

#include "core/strategy/memory_plan.hpp"

using namespace ringtmp;

namespace {

RunConfig ring(int nodes) {
  RunConfig c;
  c.strategy = StrategyKind::ring;
  c.nodes = nodes;
  c.layers = {64, 96, 96, 96, 96, 96, 96, 96, 96, 10};
  c.batch = 16;
  c.microbatches = 4;
  return c;
}

int64_t stage_bytes(const RunConfig& c, const std::vector<LayerSpec>& layers, const Partition& p, int k,
                    const DatasetShape& data) {
  return ring_stage_memory(c, layers, p.begin(k), p.end(k), k, p.stages(), 10, data).total();
}

}  // namespace

TEST_CASE("alike devices with room: exactly the flops-balanced cut") {
  const RunConfig c = ring(4);
  const auto layers = mlp_layers(c.layers, c.activation);
  std::vector<int64_t> flops;
  for (const auto& l : layers) flops.push_back(layer_train_flops(l, c.batch));
  const std::vector<StageDevice> devices(4, StageDevice{"pi4b", 4e9, int64_t(1) << 30, "a pi4b"});
  auto p = partition_ring(c, layers, devices, 10, {});
  REQUIRE(p.ok());
  CHECK(p->first_layer == partition_layers(flops, 4)->first_layer);
}

TEST_CASE("a device twice as fast takes about twice the flops") {
  const RunConfig c = ring(2);
  const auto layers = mlp_layers(c.layers, c.activation);
  const std::vector<StageDevice> devices{{"fast", 2e9, 0, ""}, {"slow", 1e9, 0, ""}};
  auto p = partition_ring(c, layers, devices, 10, {});
  REQUIRE(p.ok());
  const double ratio = double(p->stage_flops[0]) / double(p->stage_flops[1]);
  CHECK(ratio > 1.5);
  CHECK(ratio < 3.0);
}

TEST_CASE("a small device gets a stage that fits its budget") {
  const RunConfig c = ring(3);
  const auto layers = mlp_layers(c.layers, c.activation);
  const DatasetShape data{.train = 1000, .test = 100, .features = 64};
  std::vector<StageDevice> devices(3, StageDevice{"big", 1e9, int64_t(1) << 30, "a big"});
  auto balanced = partition_ring(c, layers, devices, 10, data);
  REQUIRE(balanced.ok());
  // Squeeze the middle device below what its balanced stage needs.
  const int64_t middle = stage_bytes(c, layers, *balanced, 1, data);
  devices[1] = {"small", 1e9, middle - 1, "a small"};
  auto squeezed = partition_ring(c, layers, devices, 10, data);
  REQUIRE_MESSAGE(squeezed.ok(), squeezed.status().message());
  for (int k = 0; k < 3; ++k) CHECK(stage_bytes(c, layers, *squeezed, k, data) <= devices[k].budget);
  CHECK(squeezed->end(1) - squeezed->begin(1) < balanced->end(1) - balanced->begin(1));
}

TEST_CASE("no cut fits: one line with the node, its budget and the overflow") {
  const RunConfig c = ring(3);
  const auto layers = mlp_layers(c.layers, c.activation);
  const std::vector<StageDevice> devices(3, StageDevice{"tiny", 1e9, 4096, "a tiny"});
  auto p = partition_ring(c, layers, devices, 10, {});
  REQUIRE_FALSE(p.ok());
  const std::string& m = p.status().message();
  CHECK(m.find("no cut of the 9 layers over 3 ring stages fits") != std::string::npos);
  CHECK(m.find("where a tiny leaves 4.00 KiB") != std::string::npos);
  CHECK(m.find(" over") != std::string::npos);
  CHECK(m.find('\n') == std::string::npos);
}
