// Runs of layers' state join end to end, in any order given, and travel as one run of floats.
#include "core/strategy/stage_state.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("stage states tiling a range join in layer order; a gap or an overhang is named") {
  const StageState a{0, 2, 3, 3, {1, 2, 3}, {10, 20, 30}};
  const StageState b{2, 3, 2, 2, {4, 5}, {40, 50}};
  auto joined = join_stage_states({&b, &a}, 0, 3);
  REQUIRE(joined.ok());
  CHECK(joined->params == FloatBuffer{1, 2, 3, 4, 5});
  CHECK(joined->momentum == FloatBuffer{10, 20, 30, 40, 50});
  CHECK(joined->param_count == 5);
  CHECK(join_stage_states({&b}, 0, 3).status().message() == "layers 0..3: no state starts at layer 0");
  CHECK(join_stage_states({&a}, 0, 3).status().message() == "layers 0..3: no state starts at layer 2");
  CHECK(!join_stage_states({&a, &b}, 0, 2).ok());
  // Timing-only states hold counts only, and so does their join.
  const StageState counted{2, 3, 2, 0, {}, {}};
  auto shapes = join_stage_states({&a, &counted}, 0, 3);
  REQUIRE(shapes.ok());
  CHECK(shapes->param_count == 5);
  CHECK(!shapes->has_values());
}

TEST_CASE("a stage state travels as params then momentum and comes back the same; a wrong count is refused") {
  const StageState a{1, 3, 3, 3, {1, 2, 3}, {10, 20, 30}};
  const Floats f = state_floats(a);
  CHECK(f.values() == FloatBuffer{1, 2, 3, 10, 20, 30});
  auto back = stage_state_from(f, 1, 3, 3, 3);
  REQUIRE(back.ok());
  CHECK(back->params == a.params);
  CHECK(back->momentum == a.momentum);
  CHECK(stage_state_from(f, 1, 3, 3, 0).status().message() ==
        "the state of layers 1..3 has 6 values, expected 3 parameters and 0 of momentum");
  CHECK(state_floats(StageState{0, 1, 4, 4, {}, {}}).size() == 8);
}
