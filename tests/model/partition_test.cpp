// The stage partitioner: optimal min-max contiguous splits, the uneven cases, the errors.
#include "core/model/partition.hpp"

#include <algorithm>
#include <vector>

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("balanced layers split evenly") {
  const std::vector<int64_t> f = {10, 10, 10, 10};
  auto p = partition_layers(f, 2);
  REQUIRE(p.ok());
  CHECK(p->first_layer == std::vector<int>{0, 2, 4});
  CHECK(p->imbalance == doctest::Approx(0.0));
}

TEST_CASE("a heavy layer gets a stage of its own") {
  const std::vector<int64_t> f = {100, 10, 10, 10, 10};
  auto p = partition_layers(f, 2);
  REQUIRE(p.ok());
  CHECK(p->first_layer == std::vector<int>{0, 1, 5});
  CHECK(p->stage_flops == std::vector<int64_t>{100, 40});
  CHECK(p->imbalance == doctest::Approx(100.0 / 70.0 - 1.0));
}

TEST_CASE("the bottleneck is minimal on an uneven list") {
  const std::vector<int64_t> f = {7, 2, 5, 10, 8, 1, 1, 6};
  auto p = partition_layers(f, 3);
  REQUIRE(p.ok());
  // Compare with the brute-force optimum over every pair of cut points.
  int64_t best = INT64_MAX;
  for (int a = 1; a < 8; ++a)
    for (int b = a + 1; b < 8; ++b) {
      int64_t s0 = 0, s1 = 0, s2 = 0;
      for (int i = 0; i < 8; ++i) (i < a ? s0 : i < b ? s1 : s2) += f[i];
      best = std::min(best, std::max({s0, s1, s2}));
    }
  CHECK(*std::max_element(p->stage_flops.begin(), p->stage_flops.end()) == best);
  CHECK(p->stages() == 3);
}

TEST_CASE("as many stages as layers: one layer each") {
  const std::vector<int64_t> f = {1, 50, 3, 9};
  auto p = partition_layers(f, 4);
  REQUIRE(p.ok());
  CHECK(p->first_layer == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("every stage is non-empty even when one stage could take everything") {
  const std::vector<int64_t> f = {1, 1, 1, 100};
  auto p = partition_layers(f, 3);
  REQUIRE(p.ok());
  for (int k = 0; k < 3; ++k) CHECK(p->end(k) > p->begin(k));
  CHECK(p->end(2) == 4);
}

TEST_CASE("more stages than layers, or none, is a clear error") {
  const std::vector<int64_t> f = {1, 2, 3};
  auto p = partition_layers(f, 4);
  REQUIRE(!p.ok());
  CHECK(p.status().message().find("4 stages") != std::string::npos);
  CHECK(p.status().message().find("only 3 layers") != std::string::npos);
  CHECK(!partition_layers(f, 0).ok());
}
