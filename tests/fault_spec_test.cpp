// The fault schedule's text: parsed strictly by core's one number reader, and every time
// within what SimGrid's state profiles can take.
#include "core/fault_spec.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("fault schedules parse, and bad ones name the item at fault") {
  auto ok = parse_fault_schedule("kill:3@120, pause:2@60+10", 4);
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 2);
  CHECK((*ok)[0].kind == Fault::Kind::kill);
  CHECK((*ok)[0].rank == 3);
  CHECK((*ok)[0].at_s == 120);
  CHECK((*ok)[1].kind == Fault::Kind::pause);
  CHECK((*ok)[1].duration_s == 10);
  CHECK(parse_fault_schedule("", 4)->empty());
  for (auto [spec, why] : {std::pair{"crash:1@2", "unknown fault kind"}, {"kill:1", "missing @time"},
                           {"kill:x@2", "node is not a whole number"}, {"kill:4@2", "node 4 is outside 0..3"},
                           {"kill:1@-2", "time is not a number"}, {"kill:1@2+3", "takes no +duration"},
                           {"pause:1@2", "needs +duration"}, {"pause:1@2+0", "duration is not a positive"},
                           {"kill:1@2,,", "unknown fault kind"},
                           // Numbers SimGrid cannot take: 1e-320 reached its stod (std::out_of_range).
                           {"kill:1@1e-320", "time is not a number"}, {"kill:1@1e-10", "time is not a number"},
                           {"kill:1@1e10", "time is not a number"}, {"kill:1@inf", "time is not a number"},
                           {"kill:1@nan", "time is not a number"}, {"kill:1@0x10", "time is not a number"},
                           {"kill:1@ 2", "time is not a number"}, {"kill:+1@2", "node is not a whole number"},
                           {"kill:1.0@2", "node is not a whole number"}, {"kill:99999999999@2", "node is not a whole"},
                           {"pause:1@2+1e-320", "duration is not a positive"}, {"pause:1@2+1e300", "duration is not"},
                           {"pause:1@2+-1", "duration is not a positive"}}) {
    CAPTURE(spec);
    auto s = parse_fault_schedule(spec, 4);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().message().find(why) != std::string::npos);
    CHECK(s.status().message().find("faults") != std::string::npos);
  }
}

TEST_CASE("fault times at SimGrid's precision and at the caps are accepted") {
  auto s = parse_fault_schedule("kill:0@0,kill:1@1e-9,pause:2@1e9+1e9,pause:3@1.5+1e-9", 4);
  REQUIRE_MESSAGE(s.ok(), s.status().message());
  CHECK((*s)[1].at_s == 1e-9);
  CHECK((*s)[2].duration_s == 1e9);
}
