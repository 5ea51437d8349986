// A run of layers' state travels as one run of floats and comes back the same.
#include "core/strategy/stage_state.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

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
